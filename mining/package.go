package mining

import (
	"fmt"
)

// Kind tells what a package stands for.
type Kind int

const (
	// Birthright packages hold what nearly every eligible user holds.
	Birthright Kind = iota
	// JobFunction packages hold what the users of one attribute group hold.
	JobFunction
	// Variant packages hold what part of a job function's users hold on top
	// of the job function's package.
	Variant
	// AccessCluster packages hold what a cluster of users with alike access
	// holds, when no attribute group's package does already.
	AccessCluster
	// Team packages hold what most of a manager's team holds, and few
	// others, that no package of the members grants.
	Team
	// AttributeGroup packages hold what most users sharing the values of
	// a further grouping (Options.AlsoBy: an office, a cost centre) hold
	// beyond their other packages.
	AttributeGroup
)

func (k Kind) String() string {
	switch k {
	case Birthright:
		return "birthright"
	case JobFunction:
		return "jobFunction"
	case Variant:
		return "variant"
	case AccessCluster:
		return "cluster"
	case Team:
		return "team"
	case AttributeGroup:
		return "attributeGroup"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Condition selects the users whose attribute, normalised, is one of
// Normalized (an empty string stands for a missing value). Values lists the
// raw values seen in the data that normalise to them, the most common first.
// A job function's conditions each have one normalised value; a split may
// give a condition several.
type Condition struct {
	Attribute  string
	Normalized []string
	Values     []string
}

// Package is a proposed bundle of entitlements for a set of users.
type Package struct {
	Kind Kind
	// Name is a readable name built from the most common raw values of the
	// conditions, e.g. "Payroll Clerk / Finance".
	Name string
	// Conditions select the package's users; all must hold. The birthright
	// package has none beyond eligibility, unless it was split.
	Conditions []Condition
	// Automatic is false when no rule within MaxRuleUsers could be found;
	// the package then needs direct assignment.
	Automatic bool
	// Members are the eligible users the conditions select, ascending.
	Members []int32
	// Manager is, for a Team package, the user whose team it is for (the
	// manager and their direct reports are its members).
	Manager int32
	// Entitlements are the proposed entitlements, ascending, and
	// Prevalence[i] the share of members holding Entitlements[i].
	Entitlements []int32
	Prevalence   []float64
	Metrics      Metrics
}

// Metrics describe how well a package fits its members.
type Metrics struct {
	Members      int
	Entitlements int
	// RuleUsers counts all users (eligible or not) the conditions select.
	RuleUsers int
	// Coverage is the share of the members' current assignments that this
	// package together with the birthright package explains.
	Coverage float64
	// MembersGaining counts members who lack at least one of the package's
	// entitlements today; GrantsAdded counts those missing grants.
	MembersGaining int
	GrantsAdded    int
	MinPrevalence  float64
	MeanPrevalence float64
	// RulePrecision and RuleRecall say how well a package's rule fits the
	// users with its access. For a cluster package, those are the
	// cluster's users: the share of the users the rule selects that are in
	// the cluster, and the share of the cluster it selects. For a variant,
	// they are the eligible users who hold at least the threshold share of
	// its entitlements; for a job function, those of them whose access fits
	// it best of all job functions. Precision is the share of its members
	// who have its access (a low one: a title that many hold without the
	// access, stale or wrong), recall the share of the users with its access
	// whom the rule selects (a low one: users of other titles, or with none,
	// have it too).
	RulePrecision float64
	RuleRecall    float64
}

// Result is the outcome of JobFunctions.
type Result struct {
	// Packages lists the birthright package(s) first, then job functions
	// ordered by their conditions.
	Packages []Package
	// Birthright lists the birthright entitlements, ascending.
	Birthright []int32
	// Groups counts the attribute groups seen, including those too small or
	// without a common entitlement.
	Groups int
}
