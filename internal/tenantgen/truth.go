package tenantgen

import (
	"slices"
)

// Entitlement is a resource role as written in assignments.csv.
type Entitlement struct {
	ResourceID string `json:"resourceId"`
	Role       string `json:"role"`
}

// Truth is the ground truth of a generated tenant, written as truth.json.
type Truth struct {
	Seed         uint64        `json:"seed"`
	Users        int           `json:"users"`
	Birthright   []Entitlement `json:"birthright"`
	JobFunctions []JobFunction `json:"jobFunctions"`
	ExcessGrants []ExcessGrant `json:"excessGrants"`
	// RegionalSplits are groups of entitlements of which every member of a
	// department holds exactly one: pairs of them are never held together
	// apart from planted excess.
	RegionalSplits []RegionalSplit `json:"regionalSplits"`
	SoDRules       []SoDRule       `json:"sodRules"`
	SoDViolations  []SoDViolation  `json:"sodViolations"`
	// WrongTitles lists the enabled members whose title is another job
	// function's of their department (WrongTitleRate).
	WrongTitles []string `json:"wrongTitles"`
	// Legitimate lists the planted access that no job function explains
	// and that is legitimate (teams, projects, offices, nested groups; see
	// Config).
	Legitimate []LegitimateAccess `json:"legitimate,omitempty"`
	Disabled   []string           `json:"disabled"`
	Guests     []string           `json:"guests"`
	Service    []string           `json:"serviceAccounts"`
}

// JobFunction is a planted job function: its department and title and the
// entitlements every member should hold beyond the birthright.
type JobFunction struct {
	Department string `json:"department"`
	JobTitle   string `json:"jobTitle"`
	// Variant names a job function hidden inside the title (its members
	// also hold the title's function); empty for the title's own function.
	Variant      string        `json:"variant,omitempty"`
	Members      int           `json:"members"`
	Entitlements []Entitlement `json:"entitlements"`
}

// RegionalSplit is a department's set of mutually exclusive territory
// groups.
type RegionalSplit struct {
	Department   string        `json:"department"`
	Entitlements []Entitlement `json:"entitlements"`
}

// ExcessGrant is a planted grant that no job function explains. Kind is
// "random" (granted by mistake), "mover" (kept from an earlier job function)
// "sod" (planted to violate a separation-of-duties rule) or "longTail" (a
// one-off grant nobody else holds).
type ExcessGrant struct {
	UserID     string `json:"userId"`
	ResourceID string `json:"resourceId"`
	Role       string `json:"role"`
	Kind       string `json:"kind"`
}

// SoDRule is a planted separation-of-duties rule between two entitlements.
type SoDRule struct {
	Name  string      `json:"name"`
	Left  Entitlement `json:"left"`
	Right Entitlement `json:"right"`
}

// SoDViolation is a user who holds both sides of a rule.
type SoDViolation struct {
	Rule   string `json:"rule"`
	UserID string `json:"userId"`
}

func (g *generator) finishTruth() {
	t := g.truth
	for _, e := range g.birthright {
		t.Birthright = append(t.Birthright, g.entOut(e))
	}
	for _, f := range g.functions {
		jf := JobFunction{Department: f.dept.name, JobTitle: f.title.name, Members: f.size}
		for _, e := range slices.Concat(f.dept.bundle, f.bundle, f.nested) {
			jf.Entitlements = append(jf.Entitlements, g.entOut(e))
		}
		t.JobFunctions = append(t.JobFunctions, jf)
		if len(f.variant) > 0 && f.variantSize > 0 {
			v := JobFunction{Department: f.dept.name, JobTitle: f.title.name, Variant: f.title.variant, Members: f.variantSize,
				Entitlements: slices.Clone(jf.Entitlements)}
			for _, e := range f.variant {
				v.Entitlements = append(v.Entitlements, g.entOut(e))
			}
			t.JobFunctions = append(t.JobFunctions, v)
		}
	}
	for _, d := range g.depts {
		if len(d.territories) < 2 || !slices.ContainsFunc(g.functions, func(f *function) bool { return f.dept == d }) {
			continue
		}
		split := RegionalSplit{Department: d.name}
		for _, e := range d.territories {
			split.Entitlements = append(split.Entitlements, g.entOut(e))
		}
		t.RegionalSplits = append(t.RegionalSplits, split)
	}
	for i := range g.users {
		u := &g.users[i]
		slices.Sort(u.grants)
		switch {
		case u.userType == "Guest":
			t.Guests = append(t.Guests, u.id)
		case u.dept == nil:
			t.Service = append(t.Service, u.id)
		case !u.enabled:
			t.Disabled = append(t.Disabled, u.id)
		case u.wrongTitle:
			t.WrongTitles = append(t.WrongTitles, u.id)
		}
		for ri, r := range g.sodRules {
			_, l := slices.BinarySearch(u.grants, int32(r[0]))
			_, rr := slices.BinarySearch(u.grants, int32(r[1]))
			if l && rr {
				t.SoDViolations = append(t.SoDViolations, SoDViolation{Rule: t.SoDRules[ri].Name, UserID: u.id})
			}
		}
	}
}
