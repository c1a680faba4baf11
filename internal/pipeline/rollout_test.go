package pipeline

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// TestRolloutConflicts: an incompatibility reports the users who will hold
// both sides once the packages are assigned, by rule or by back-fill.
func TestRolloutConflicts(t *testing.T) {
	// Entitlements: 0 g-pay, 1 sap AP.Clerk, 2 sap GL.Post, 3 g-treasury.
	d := &tenant.Data{
		Entitlements: []tenant.Entitlement{{ResourceID: "g-pay", Role: "Member"}, {ResourceID: "sap", Role: "AP.Clerk"},
			{ResourceID: "sap", Role: "GL.Post"}, {ResourceID: "g-treasury", Role: "Member"}},
		UserIDs: []string{"u1", "u2", "u3", "u4"},
		Kinds:   []tenant.AccountKind{tenant.Member, tenant.Member, tenant.Member, tenant.Member},
	}
	rows := [][]int{{0, 1}, {0, 1, 2, 3}, {2}, {2, 3}}
	b := mining.NewBuilder(len(rows), len(d.Entitlements))
	for u, row := range rows {
		for _, e := range row {
			b.Add(u, e)
		}
	}
	d.Dataset = b.Build()
	pe := func(res, role string) tenant.PackageEntitlement {
		return tenant.PackageEntitlement{ResourceID: res, Role: role}
	}
	run := &tenant.Run{Packages: []tenant.Package{
		// The rule selects u1; u2 holds the access too: back-fill.
		{ID: "clerk", Automatic: true, Members: []string{"u1"}, Entitlements: []tenant.PackageEntitlement{pe("g-pay", "Member"), pe("sap", "AP.Clerk")}},
		// Direct: its members u2, u3 hold it.
		{ID: "ledger", Members: []string{"u2", "u3"}, Entitlements: []tenant.PackageEntitlement{pe("sap", "GL.Post")}},
	}}
	opt := Rollout(d, run, export.PlanOptions{Incompatible: []export.Incompatibility{
		{PackageID: "clerk", OtherID: "ledger"}, {PackageID: "ledger", GroupID: "g-treasury"}, {PackageID: "clerk", GroupID: "g-nobody"}}})
	require.Equal(t, map[string][]string{"clerk": {"u2"}, "ledger": {"u2", "u3"}}, opt.Backfill)
	require.Equal(t, []export.Conflict{
		{PackageID: "clerk", OtherID: "ledger", Users: []string{"u2"}},
		{PackageID: "ledger", GroupID: "g-treasury", Users: []string{"u2"}},
	}, opt.Conflicts, "u4 is in the treasury group but will not hold the ledger package")

	plan := export.BuildPlan(run.Packages, opt)
	require.Equal(t, 3, plan.Assignments())
	require.Contains(t, plan.Warnings, "1 user will hold both clerk and ledger: the incompatibility is marked after the back-fill, so their assignments stay; review them (plan conflicts)")
}
