package bench

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
	Packages     int      `json:"packages"`  // packages proposed, birthright aside
	MeanJaccard  float64  `json:"meanJaccard"`
	Missed       []string `json:"missed"`

	ExcessPlanted   int     `json:"excessPlanted"`
	ExcessFlagged   int     `json:"excessFlagged"`
	ExcessTrue      int     `json:"excessTruePositives"`
	ExcessPrecision float64 `json:"excessPrecision"`
	ExcessRecall    float64 `json:"excessRecall"`
	// RecallByKind is the excess recall per kind of planted grant (random,
	// mover, sod, longTail, oldTeam).
	RecallByKind map[string]float64 `json:"recallByKind,omitempty"`
	// FlaggedLegitimate counts, by kind (team, project, location,
	// nested), the findings on access the truth plants as legitimate.
	FlaggedLegitimate map[string]int `json:"flaggedLegitimate,omitempty"`

	// Teams counts the planted team groups of at least five holders, and
	// TeamsRecovered those a team package holds with entitlement Jaccard at
	// least RecoveryJaccard.
	Teams          int `json:"teams"`
	TeamsRecovered int `json:"teamsRecovered"`

	SoDPlanted int `json:"sodViolationsPlanted"`
	SoDFound   int `json:"sodViolationsFound"`

	// Movers: planted movers are users given two or more grants of an
	// earlier job function; a reported mover is right when it was given
	// any.
	MoversPlanted   int     `json:"moversPlanted"`
	MoversReported  int     `json:"moversReported"`
	MoversTrue      int     `json:"moversTruePositives"`
	MoversPrecision float64 `json:"moversPrecision"`
	MoversRecall    float64 `json:"moversRecall"`

	// Title mismatches: planted are the enabled members whose title is
	// another job function's; a reported mismatch is right when planted.
	MismatchesPlanted   int     `json:"titleMismatchesPlanted"`
	MismatchesReported  int     `json:"titleMismatchesReported"`
	MismatchesTrue      int     `json:"titleMismatchesTruePositives"`
	MismatchesPrecision float64 `json:"titleMismatchesPrecision"`
	MismatchesRecall    float64 `json:"titleMismatchesRecall"`

	// SplitPairs counts the pairs of planted regional-split groups;
	// SplitPairsSuggested those among the suggested rules.
	SplitPairs          int `json:"splitPairs"`
	SplitPairsSuggested int `json:"splitPairsSuggested"`
	Suggestions         int `json:"suggestions"`
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
		if p.Kind == tenant.KindBirthright {
			continue
		}
		s := map[tenant.Entitlement]bool{}
		for _, e := range p.Entitlements {
			s[e.Entitlement()] = true
		}
		pkgSets = append(pkgSets, s)
		ev.Packages++
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
	var teamSets []map[tenant.Entitlement]bool
	for _, p := range run.Packages {
		if p.Kind == tenant.KindTeam {
			s := map[tenant.Entitlement]bool{}
			for _, e := range p.Entitlements {
				s[e.Entitlement()] = true
			}
			teamSets = append(teamSets, s)
		}
	}
	for _, a := range truth.Legitimate {
		if a.Kind != tenantgen.LegitTeam || len(a.Users) < 5 {
			continue
		}
		ev.Teams++
		want := map[tenant.Entitlement]bool{{ResourceID: a.Entitlement.ResourceID, Role: a.Entitlement.Role}: true}
		for _, s := range teamSets {
			if jaccard(want, s) >= RecoveryJaccard {
				ev.TeamsRecovered++
				break
			}
		}
	}
	if over != nil {
		type key struct{ u, r, role string }
		planted := map[key]bool{}
		for _, g := range truth.ExcessGrants {
			planted[key{g.UserID, g.ResourceID, g.Role}] = true
		}
		ev.ExcessPlanted = len(planted)
		legit := map[key]string{}
		for _, a := range truth.Legitimate {
			for _, u := range a.Users {
				legit[key{u, a.Entitlement.ResourceID, a.Entitlement.Role}] = a.Kind
			}
		}
		for _, f := range over.Findings {
			ev.ExcessFlagged++
			k := key{f.UserID, f.ResourceID, f.Role}
			if planted[k] {
				ev.ExcessTrue++
			} else if kind, ok := legit[k]; ok {
				if ev.FlaggedLegitimate == nil {
					ev.FlaggedLegitimate = map[string]int{}
				}
				ev.FlaggedLegitimate[kind]++
			}
		}
		if ev.ExcessFlagged > 0 {
			ev.ExcessPrecision = float64(ev.ExcessTrue) / float64(ev.ExcessFlagged)
		}
		flagged := map[key]bool{}
		for _, f := range over.Findings {
			flagged[key{f.UserID, f.ResourceID, f.Role}] = true
		}
		byKind, found := map[string]int{}, map[string]int{}
		for _, g := range truth.ExcessGrants {
			byKind[g.Kind]++
			if flagged[key{g.UserID, g.ResourceID, g.Role}] {
				found[g.Kind]++
			}
		}
		ev.RecallByKind = map[string]float64{}
		for k, n := range byKind {
			ev.RecallByKind[k] = float64(found[k]) / float64(n)
		}
		if ev.ExcessPlanted > 0 {
			ev.ExcessRecall = float64(ev.ExcessTrue) / float64(ev.ExcessPlanted)
		}
		moverGrants := map[string]int{}
		for _, g := range truth.ExcessGrants {
			if g.Kind == "mover" {
				moverGrants[g.UserID]++
			}
		}
		for _, n := range moverGrants {
			if n >= 2 {
				ev.MoversPlanted++
			}
		}
		for _, m := range over.Movers {
			ev.MoversReported++
			if n := moverGrants[m.UserID]; n > 0 {
				ev.MoversTrue++
			}
		}
		if ev.MoversReported > 0 {
			ev.MoversPrecision = float64(ev.MoversTrue) / float64(ev.MoversReported)
		}
		if ev.MoversPlanted > 0 {
			found := 0
			for _, m := range over.Movers {
				if moverGrants[m.UserID] >= 2 {
					found++
				}
			}
			ev.MoversRecall = float64(found) / float64(ev.MoversPlanted)
		}
		wrong := map[string]bool{}
		for _, id := range truth.WrongTitles {
			wrong[id] = true
		}
		ev.MismatchesPlanted = len(wrong)
		for _, m := range over.TitleMismatches {
			ev.MismatchesReported++
			if wrong[m.UserID] {
				ev.MismatchesTrue++
			}
		}
		if ev.MismatchesReported > 0 {
			ev.MismatchesPrecision = float64(ev.MismatchesTrue) / float64(ev.MismatchesReported)
		}
		if ev.MismatchesPlanted > 0 {
			ev.MismatchesRecall = float64(ev.MismatchesTrue) / float64(ev.MismatchesPlanted)
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
		suggested := map[[2]tenant.Entitlement]bool{}
		for _, r := range sod.Suggested {
			suggested[[2]tenant.Entitlement{r.Left, r.Right}] = true
			suggested[[2]tenant.Entitlement{r.Right, r.Left}] = true
		}
		ev.Suggestions = len(sod.Suggested)
		for _, split := range truth.RegionalSplits {
			for i, a := range split.Entitlements {
				for _, b := range split.Entitlements[i+1:] {
					ev.SplitPairs++
					if suggested[[2]tenant.Entitlement{{ResourceID: a.ResourceID, Role: a.Role}, {ResourceID: b.ResourceID, Role: b.Role}}] {
						ev.SplitPairsSuggested++
					}
				}
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
