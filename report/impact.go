package report

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/rolemine/rolemine/tenant"
)

// Impact answers "what if the proposed packages replaced today's grants":
// who would gain access they lack today, and who would lose access that no
// package of theirs grants.
type Impact struct {
	SnapshotID   int64               `json:"snapshotId"`
	RunID        int64               `json:"runId"`
	Summary      ImpactSummary       `json:"summary"`
	Entitlements []EntitlementImpact `json:"entitlements"`
	Users        []UserImpact        `json:"users"`
}

// ImpactSummary counts the changes.
type ImpactSummary struct {
	Users          int `json:"users"`
	Unchanged      int `json:"unchanged"`
	UsersGaining   int `json:"usersGaining"`
	UsersLosing    int `json:"usersLosing"`
	Gained         int `json:"grantsGained"`
	Lost           int `json:"grantsLost"`
	Kept           int `json:"grantsKept"`
	WithoutPackage int `json:"usersWithoutJobFunctionPackage"`
}

// EntitlementImpact is how many users would gain or lose one entitlement.
type EntitlementImpact struct {
	ResourceID   string `json:"resourceId"`
	ResourceName string `json:"resourceName"`
	Role         string `json:"role"`
	Holders      int    `json:"holdersToday"`
	Gain         int    `json:"gain"`
	Lose         int    `json:"lose"`
}

// UserImpact is one user's change.
type UserImpact struct {
	UserID            string               `json:"userId"`
	UserPrincipalName string               `json:"userPrincipalName"`
	Kind              string               `json:"accountKind"`
	Packages          []string             `json:"packages"`
	Gain              []tenant.Entitlement `json:"gain"`
	Lose              []tenant.Entitlement `json:"lose"`
}

// ComputeImpact compares every user's access today with what the packages
// they are members of would grant.
func ComputeImpact(ctx context.Context, d *tenant.Data, run *tenant.Run) (*Impact, error) {
	ix, err := indexPackages(d, run.Packages)
	if err != nil {
		return nil, err
	}
	ds := d.Dataset
	imp := &Impact{SnapshotID: d.Snapshot.ID, RunID: run.ID, Users: []UserImpact{}}
	gain := make([]int, ds.NumEntitlements)
	lose := make([]int, ds.NumEntitlements)
	holders := make([]int, ds.NumEntitlements)
	granted := make([]bool, ds.NumEntitlements)
	for u := 0; u < ds.NumUsers; u++ {
		if u%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		row := ds.Row(u)
		pkgs := ix.byUser[u]
		if len(row) == 0 && len(pkgs) == 0 {
			continue
		}
		imp.Summary.Users++
		var would []int32
		jobFunction := false
		for _, p := range pkgs {
			jobFunction = jobFunction || ix.jobFunc[p]
			for _, e := range ix.ents[p] {
				if !granted[e] {
					granted[e] = true
					would = append(would, e)
				}
			}
		}
		if !jobFunction {
			imp.Summary.WithoutPackage++
		}
		ui := UserImpact{UserID: d.UserIDs[u], UserPrincipalName: d.UPNs[u], Kind: d.Kinds[u].String()}
		for _, e := range row {
			holders[e]++
			if granted[e] {
				imp.Summary.Kept++
				continue
			}
			lose[e]++
			ui.Lose = append(ui.Lose, d.Entitlements[e])
		}
		for _, e := range would {
			if _, held := slices.BinarySearch(row, e); !held {
				gain[e]++
				ui.Gain = append(ui.Gain, d.Entitlements[e])
			}
			granted[e] = false
		}
		if len(ui.Gain) == 0 && len(ui.Lose) == 0 {
			imp.Summary.Unchanged++
			continue
		}
		if len(ui.Gain) > 0 {
			imp.Summary.UsersGaining++
			imp.Summary.Gained += len(ui.Gain)
		}
		if len(ui.Lose) > 0 {
			imp.Summary.UsersLosing++
			imp.Summary.Lost += len(ui.Lose)
		}
		ui.Packages = make([]string, len(pkgs))
		for i, p := range pkgs {
			ui.Packages[i] = run.Packages[p].Name
		}
		slices.SortFunc(ui.Gain, compareEnt)
		slices.SortFunc(ui.Lose, compareEnt)
		ui.Gain = nonNil(ui.Gain)
		ui.Lose = nonNil(ui.Lose)
		imp.Users = append(imp.Users, ui)
	}
	imp.Entitlements = []EntitlementImpact{}
	for e, ent := range d.Entitlements {
		if gain[e] == 0 && lose[e] == 0 {
			continue
		}
		imp.Entitlements = append(imp.Entitlements, EntitlementImpact{ResourceID: ent.ResourceID, ResourceName: d.ResourceName(ent.ResourceID),
			Role: ent.Role, Holders: holders[e], Gain: gain[e], Lose: lose[e]})
	}
	slices.SortFunc(imp.Entitlements, func(a, b EntitlementImpact) int {
		return cmp.Or(cmp.Compare(b.Gain+b.Lose, a.Gain+a.Lose), strings.Compare(a.ResourceID, b.ResourceID), strings.Compare(a.Role, b.Role))
	})
	slices.SortFunc(imp.Users, func(a, b UserImpact) int {
		return cmp.Or(cmp.Compare(len(b.Gain)+len(b.Lose), len(a.Gain)+len(a.Lose)), strings.Compare(a.UserID, b.UserID))
	})
	return imp, nil
}

func compareEnt(a, b tenant.Entitlement) int {
	return cmp.Or(strings.Compare(a.ResourceID, b.ResourceID), strings.Compare(a.Role, b.Role))
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
