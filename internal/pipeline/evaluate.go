package pipeline

import (
	"fmt"
	"slices"

	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/report"
	"github.com/rolemine/rolemine/tenant"
)

// Evaluation compares results on a generated tenant with its ground truth.
type Evaluation struct {
	JobFunctions int      `json:"jobFunctions"`
	Recovered    int      `json:"recovered"` // best package Jaccard ≥ RecoveryJaccard
	MeanJaccard  float64  `json:"meanJaccard"`
	Missed       []string `json:"missed"`

	ExcessPlanted   int     `json:"excessPlanted"`
	ExcessFlagged   int     `json:"excessFlagged"`
	ExcessTrue      int     `json:"excessTruePositives"`
	ExcessPrecision float64 `json:"excessPrecision"`
	ExcessRecall    float64 `json:"excessRecall"`

	SoDPlanted int `json:"sodViolationsPlanted"`
	SoDFound   int `json:"sodViolationsFound"`
}

// RecoveryJaccard is the entitlement Jaccard at which a planted job
// function counts as recovered.
const RecoveryJaccard = 0.9

// Evaluate scores a mining run and its reports against the truth of the
// tenant they were computed from. over and sod may be nil.
func Evaluate(truth *tenantgen.Truth, run *tenant.Run, over *report.Overprovisioning, sod *report.SoD) Evaluation {
	var ev Evaluation
	var pkgSets []map[tenant.Entitlement]bool
	for _, p := range run.Packages {
		if p.Kind == "birthright" {
			continue
		}
		s := map[tenant.Entitlement]bool{}
		for _, e := range p.Entitlements {
			s[e.Entitlement()] = true
		}
		pkgSets = append(pkgSets, s)
	}
	sum := 0.0
	for _, jf := range truth.JobFunctions {
		want := map[tenant.Entitlement]bool{}
		for _, e := range jf.Entitlements {
			want[tenant.Entitlement{ResourceID: e.ResourceID, Role: e.Role}] = true
		}
		best := 0.0
		for _, s := range pkgSets {
			best = max(best, jaccard(want, s))
		}
		ev.JobFunctions++
		sum += best
		if best >= RecoveryJaccard {
			ev.Recovered++
		} else {
			ev.Missed = append(ev.Missed, fmt.Sprintf("%s / %s (best Jaccard %.2f)", jf.JobTitle, jf.Department, best))
		}
	}
	if ev.JobFunctions > 0 {
		ev.MeanJaccard = sum / float64(ev.JobFunctions)
	}
	if over != nil {
		type key struct{ u, r, role string }
		planted := map[key]bool{}
		for _, g := range truth.ExcessGrants {
			planted[key{g.UserID, g.ResourceID, g.Role}] = true
		}
		ev.ExcessPlanted = len(planted)
		for _, f := range over.Findings {
			ev.ExcessFlagged++
			if planted[key{f.UserID, f.ResourceID, f.Role}] {
				ev.ExcessTrue++
			}
		}
		if ev.ExcessFlagged > 0 {
			ev.ExcessPrecision = float64(ev.ExcessTrue) / float64(ev.ExcessFlagged)
		}
		if ev.ExcessPlanted > 0 {
			ev.ExcessRecall = float64(ev.ExcessTrue) / float64(ev.ExcessPlanted)
		}
	}
	if sod != nil {
		found := map[[2]string]bool{}
		for _, v := range sod.Violations {
			found[[2]string{v.Rule, v.UserID}] = true
		}
		for _, v := range truth.SoDViolations {
			ev.SoDPlanted++
			if found[[2]string{v.Rule, v.UserID}] {
				ev.SoDFound++
			}
		}
	}
	slices.Sort(ev.Missed)
	return ev
}

func jaccard(a, b map[tenant.Entitlement]bool) float64 {
	inter := 0
	for e := range a {
		if b[e] {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}
