package mining

import (
	"errors"
	"fmt"
)

// Options tune JobFunctions. The zero value is not useful; start from
// DefaultOptions.
type Options struct {
	// By names the attributes that define a job function, e.g. jobTitle and
	// department. Users with an empty value in any of them form no group.
	By []string
	// TitleAttribute names the attribute normalised with NormalizeTitle;
	// every other attribute is normalised with NormalizeValue.
	TitleAttribute string
	// Threshold is the share of a group's members that must hold an
	// entitlement for it to enter the group's package, in (0, 1].
	Threshold float64
	// BirthrightThreshold is the share of all eligible users that must hold
	// an entitlement for it to enter the birthright package. Zero disables
	// the birthright package.
	BirthrightThreshold float64
	// MinMembers is the smallest group that gets a package.
	MinMembers int
	// MaxRuleUsers is the most users one assignment rule may select (Entra's
	// automatic assignment policies allow 15,000: tenant.MaxPolicyUsers). A
	// package whose rule would select more is split by the SplitBy
	// attributes; zero means no limit.
	MaxRuleUsers int
	// SplitBy lists the attributes, in order of preference, used to split a
	// package whose rule selects more than MaxRuleUsers users.
	SplitBy []string
	// Evaluable, when set, tells which attributes an assignment rule may
	// test (Entra evaluates only some user properties): splits, variants'
	// and clusters' rules use only those. nil: every attribute.
	Evaluable func(attribute string) bool
	// Variants looks inside every job function for variants: entitlements
	// that a sizeable part of the group holds together, below the threshold
	// share of the whole group, found by the structural miner on the group's
	// submatrix. Each becomes a package of its own on top of the job
	// function's, with a rule when an attribute separates its members.
	Variants bool
	// Trim computes each group's package without its atypical members:
	// those who lack much of what the group holds and hold another job
	// function's access instead (a stale or wrong title). Without it every
	// member counts, and a group polluted by wrong titles loses what only
	// its true members hold.
	Trim bool
	// VariantMinShare is the smallest share of a group a variant must hold,
	// and VariantMinEntitlements the fewest entitlements it must add.
	VariantMinShare        float64
	VariantMinEntitlements int
	// Clusters also groups users by their access (see Clusters) and
	// proposes a package for every cluster whose access the packages of its
	// members do not already grant (a fifth of its members hold some of it
	// that none of their packages grants) and that no other cluster package
	// holds (entitlement Jaccard below CoveredJaccard): the job functions
	// that wrong or missing titles hide. Each gets the attribute rule that
	// best describes its users when that rule's F1 reaches MinRuleF1, and
	// is marked for direct assignment otherwise. Off by default: on dense
	// tenants clustering takes minutes (benchmarks/RESULTS.md).
	Clusters       bool
	Cluster        ClusterOptions
	CoveredJaccard float64
	MinRuleF1      float64
	// AlsoBy lists further groupings besides By, each a list of
	// attributes: their groups get packages of what most of their members
	// hold beyond their other packages (see alsoby.go), so that a person's
	// access is the union of several packages.
	AlsoBy [][]string
	// Teams proposes, for every manager with at least MinTeam direct
	// reports (Dataset.Managers), a package of what at least Threshold of
	// the team (the manager and the reports) holds that no package of
	// theirs grants, held by at most as many users outside the team as in
	// it: a group the manager runs for their team. Such packages are for
	// direct assignment.
	Teams   bool
	MinTeam int
	// MergeJaccard merges job-function packages whose conditions differ in
	// one attribute and whose entitlements have at least this Jaccard
	// similarity into one package whose condition lists the values of all;
	// zero does not merge.
	MergeJaccard float64
	// Progress, when set, is called as the work advances.
	Progress func(Progress)
}

// Progress reports how far a stage of the work has come: Done of Total
// (Total 0 when the end is not known; Done and Total 0 when the stage
// starts). A stage ends when Done reaches Total. Unit names what Done
// counts ("rows"), when it counts something a rate makes sense of; a
// report with a Unit and Done equal to Total ends the stage, even at 0.
type Progress struct {
	Stage string
	Done  int
	Total int
	Unit  string
}

// StartStage tells p (when set) that stage starts, and returns the
// function that tells it the stage has ended, having handled done units
// (unit "" for a stage without a count).
func StartStage(p func(Progress), stage string) func(done int, unit string) {
	if p == nil {
		return func(int, string) {}
	}
	p(Progress{Stage: stage})
	return func(done int, unit string) {
		if unit == "" {
			p(Progress{Stage: stage, Done: 1, Total: 1})
			return
		}
		p(Progress{Stage: stage, Done: done, Total: done, Unit: unit})
	}
}

// DefaultOptions returns the options rolemine uses unless told otherwise.
func DefaultOptions() Options {
	return Options{
		By:                     []string{"jobTitle", "department"},
		TitleAttribute:         "jobTitle",
		Threshold:              0.8,
		BirthrightThreshold:    0.9,
		MinMembers:             3,
		MaxRuleUsers:           15000,
		SplitBy:                []string{"department", "companyName", "employeeType", "jobTitle"},
		Variants:               true,
		Trim:                   true,
		VariantMinShare:        0.2,
		VariantMinEntitlements: 2,
		Clusters:               false,
		Cluster:                DefaultClusterOptions(),
		CoveredJaccard:         0.9,
		MinRuleF1:              0.7,
		MergeJaccard:           0.95,
		Teams:                  true,
		MinTeam:                5,
	}
}

func (o Options) check() error {
	switch {
	case len(o.By) == 0:
		return errors.New("mining: no attribute to group by")
	case !(o.Threshold > 0 && o.Threshold <= 1):
		return fmt.Errorf("mining: threshold %v is not in (0, 1]", o.Threshold)
	case o.BirthrightThreshold < 0 || o.BirthrightThreshold > 1:
		return fmt.Errorf("mining: birthright threshold %v is not in [0, 1]", o.BirthrightThreshold)
	case o.MinMembers < 1:
		return fmt.Errorf("mining: minimum group size %d is below 1", o.MinMembers)
	case o.MaxRuleUsers < 0:
		return fmt.Errorf("mining: rule size limit %d is negative", o.MaxRuleUsers)
	}
	return nil
}
