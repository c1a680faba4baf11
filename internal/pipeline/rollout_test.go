package pipeline

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/report"
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

	// The rollout, wave by wave: u1 by rule and u2 directly get the
	// clerk package (u1 and u2 hold it), u2 and u3 the ledger package
	// directly (they hold it); nobody gains. Retiring: u1's 2 grants and
	// u2's 3 packaged ones are delivered by packages, u3's GL.Post too; u2's
	// and u4's treasury membership and u4's GL.Post stay.
	rr := RolloutReport(d, run, opt)
	require.Len(t, rr.Waves, 2)
	require.Equal(t, []report.WavePackage{
		{PackageID: "clerk", Direct: 1, ByRule: 1, Policy: "no approval, review or expiration"},
		{PackageID: "ledger", Direct: 2, Policy: "no approval, review or expiration"},
	}, rr.Waves[0].Packages)
	require.Zero(t, rr.Waves[0].UsersGaining)
	require.Equal(t, "6 of today's grants are now delivered by the packages and governed by their policies (a group membership or app role assignment a package delivers is the same one; apply --retire then removes the nested groups and group app role assignments that give the same access, where every user keeps it); the 3 grants no package delivers stay direct, for review (report impact lists them);", rr.Waves[1].Description)
	require.Equal(t, []report.RolloutConflict{{PackageID: "clerk", Other: "ledger", Users: []string{"u2"}}, {PackageID: "ledger", Other: "group g-treasury", Users: []string{"u2"}}}, rr.Conflicts)

	// A pilot of u3's group: wave 1 assigns the ledger back-fill and
	// nothing by rule; u4 (selected by no rule) is in no wave.
	opt.Pilot = &export.Pilot{GroupID: "g-treasury", Users: PilotUsers(d, run, "g-treasury")}
	rr = RolloutReport(d, run, opt)
	require.Len(t, rr.Waves, 3)
	require.Equal(t, "pilot", rr.Waves[0].Name)
	require.Equal(t, "everyone", rr.Waves[1].Name)
	require.Equal(t, []report.WavePackage{{PackageID: "clerk", ByRule: 1, Policy: "no approval, review or expiration"}}, rr.Waves[1].Packages,
		"widening assigns u1 by rule; u2 got it in the pilot wave")
	require.Contains(t, plan.Warnings, "1 user will hold both clerk and ledger: the incompatibility is marked after the back-fill, so their assignments stay; review them (plan conflicts)")
}

func TestPilot(t *testing.T) {
	d := &tenant.Data{
		Entitlements: []tenant.Entitlement{{ResourceID: "g-pilot", Role: "Member"}, {ResourceID: "sap", Role: "AP.Clerk"}},
		UserIDs:      []string{"u1", "u2", "u3", "u4"},
		Kinds:        []tenant.AccountKind{tenant.Member, tenant.Member, tenant.Member, tenant.Member},
		Resources: map[string]tenant.Resource{
			"g-pilot": {ID: "g-pilot", Type: tenant.TypeGroup, DisplayName: "Rollout Pilot"},
			"g-twin1": {ID: "g-twin1", Type: tenant.TypeGroup, DisplayName: "Twins"},
			"g-twin2": {ID: "g-twin2", Type: tenant.TypeGroup, DisplayName: "twins"},
			"sap":     {ID: "sap", Type: tenant.TypeApplication, DisplayName: "SAP"},
		},
	}
	rows := [][]int{{0, 1}, {0}, {1}, {}}
	b := mining.NewBuilder(len(rows), len(d.Entitlements))
	for u, row := range rows {
		for _, e := range row {
			b.Add(u, e)
		}
	}
	d.Dataset = b.Build()
	run := &tenant.Run{Packages: []tenant.Package{
		{ID: "clerk", Automatic: true, Members: []string{"u1", "u2", "u3"}, Entitlements: []tenant.PackageEntitlement{{ResourceID: "sap", Role: "AP.Clerk"}}},
		{ID: "direct", Members: []string{"u1", "u2"}, Entitlements: []tenant.PackageEntitlement{{ResourceID: "sap", Role: "AP.Clerk"}}},
	}}
	opt, err := Plan(d, run, export.PlanOptions{}, true, 0, "rollout pilot", "")
	require.NoError(t, err)
	require.Equal(t, "g-pilot", opt.Pilot.GroupID, "found by name, ignoring case")
	require.Equal(t, map[string][]string{"clerk": {"u1", "u2"}}, opt.Pilot.Users, "the pilot's members the rule selects; no direct package")
	require.Equal(t, map[string][]string{"direct": {"u1"}}, opt.Backfill)

	_, err = Plan(d, run, export.PlanOptions{}, true, 0, "nope", "")
	require.ErrorIs(t, err, ErrUnknownGroup)
	_, err = Plan(d, run, export.PlanOptions{}, true, 0, "sap", "")
	require.ErrorIs(t, err, ErrUnknownGroup, "an application is not a group")
	_, err = Plan(d, run, export.PlanOptions{}, true, 0, "TWINS", "")
	require.ErrorContains(t, err, `--pilot "TWINS": 2 groups have this name; give the object id`)
	opt, err = Plan(d, run, export.PlanOptions{}, false, 0, "g-pilot", "")
	require.NoError(t, err)
	require.Nil(t, opt.Backfill, "--backfill=false keeps the pilot only")
	require.NotEmpty(t, opt.Pilot.Users)

	// A package whose access everyone holds is back-filled to everyone:
	// past --max-backfill, the plan is refused, naming it.
	run.Packages = append(run.Packages, tenant.Package{ID: "everyone", Name: "Pilot group for all", Automatic: true,
		Entitlements: []tenant.PackageEntitlement{{ResourceID: "g-pilot", Role: "Member"}}})
	total := 0
	for _, b := range Backfills(d, run) {
		total += len(b)
	}
	require.Greater(t, total, 2)
	_, err = Plan(d, run, export.PlanOptions{}, true, total-1, "", "")
	require.ErrorContains(t, err, fmt.Sprintf("the back-fill would request %d direct assignments, more than --max-backfill %d; most go to \"Pilot group for all\" (2 users)", total, total-1))
	opt, err = Plan(d, run, export.PlanOptions{}, true, total, "", "")
	require.NoError(t, err)
	require.Len(t, opt.Backfill, 2)
	_, err = Plan(d, run, export.PlanOptions{}, false, 1, "", "")
	require.NoError(t, err, "no back-fill, no limit to pass")
}

func TestWaves(t *testing.T) {
	var members []string
	for i := range 400 {
		members = append(members, fmt.Sprintf("user-%03d", i))
	}
	run := &tenant.Run{Packages: []tenant.Package{{ID: "a", Automatic: true, Members: members}, {ID: "direct", Members: members}}}
	w1, w2 := WaveUsers(run, 1, 4), WaveUsers(run, 2, 4)
	require.NotContains(t, w1, "direct", "a package without a rule is not rolled out in waves")
	require.InDelta(t, 100, len(w1["a"]), 25, "about a quarter")
	require.InDelta(t, 200, len(w2["a"]), 30, "about half")
	for _, u := range w1["a"] {
		require.Contains(t, w2["a"], u, "wave 2 adds to wave 1")
	}
	require.Equal(t, w1, WaveUsers(run, 1, 4), "the same shares every time")

	d := &tenant.Data{Dataset: mining.NewBuilder(0, 0).Build()}
	for _, bad := range []string{"0/4", "4/4", "5/4", "1", "a/b", "1/4x"} {
		_, err := Plan(d, run, export.PlanOptions{}, false, 0, "", bad)
		require.ErrorIs(t, err, ErrBadWave, bad)
	}
	opt, err := Plan(d, run, export.PlanOptions{}, false, 0, "", "1/4")
	require.NoError(t, err)
	require.Equal(t, "wave 1 of 4", opt.Pilot.Label())
	require.Equal(t, w1, opt.Pilot.Users)
	_, err = Plan(d, run, export.PlanOptions{}, false, 0, "g", "1/4")
	require.ErrorContains(t, err, "give --pilot or --wave, not both")
}
