package apply

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/graph/graphfake"
)

var (
	legacyG      = graphfake.GUID("group", "payroll-legacy")
	contractorsG = graphfake.GUID("group", "payroll-contractors")
	clerksG      = graphfake.GUID("group", "sap-clerks")
	tempsG       = graphfake.GUID("group", "sap-temps")
	clerkRole    = graphfake.GUID("role", "clerk")
)

// retireTenant is backfillTenant with legacy paths: SG-Payroll holds users
// 2-5 directly and two nested groups, the legacy one (users 0 and 1) and
// the contractors (user 10, disabled, whom no package reaches); the SAP
// clerk role is assigned to two groups, the clerks (users 0 and 1) and the
// temps (user 9, whom no package gives the role).
func retireTenant() *graphfake.Tenant {
	t := backfillTenant()
	t.Users = append(t.Users, graphfake.User{ID: user(10), UserPrincipalName: "u10@contoso.com"})
	t.Groups[0].Members = []string{user(2), user(3), user(4), user(5), legacyG, contractorsG}
	t.Groups = append(t.Groups,
		graphfake.Group{ID: legacyG, DisplayName: "SG-Payroll-Legacy", Members: []string{user(0), user(1)}},
		graphfake.Group{ID: contractorsG, DisplayName: "SG-Payroll-Contractors", Members: []string{user(10)}},
		graphfake.Group{ID: clerksG, DisplayName: "SAP-Clerks", Members: []string{user(0), user(1)}},
		graphfake.Group{ID: tempsG, DisplayName: "SAP-Temps", Members: []string{user(9)}})
	t.ServicePrincipals[0].Assigned = []graphfake.RoleAssignment{
		{ID: "assignment-clerks", AppRoleID: clerkRole, PrincipalID: clerksG, PrincipalType: "Group"},
		{ID: "assignment-temps", AppRoleID: clerkRole, PrincipalID: tempsG, PrincipalType: "Group"}}
	return t
}

// TestRetireLegacyPaths: once the packages are delivered (the birthright
// rule puts every enabled user in SG-Payroll, the back-fill gives users
// 0-8 the clerk role), the retire plan removes the legacy group from
// SG-Payroll and the clerks' group assignment, and keeps the contractors
// (user 10 would lose SG-Payroll) and the temps (no package gives user 9
// the role). Nobody loses access; a dry run writes nothing; a rerun finds
// them gone.
func TestRetireLegacyPaths(t *testing.T) {
	srv := graphfake.New(retireTenant())
	defer srv.Close()
	srv.PageSize = 2
	c := newClient(t, srv)
	ctx := context.Background()
	_, err := Apply(ctx, c, backfillPlan(), Options{Yes: true, AwaitPoll: 10 * time.Millisecond})
	require.NoError(t, err)
	payroll, clerks := srv.Holders(groupID, ""), srv.Holders(spID, clerkRole)
	require.Len(t, payroll, 11, "every user: 0-9 through the birthright, 10 through the contractors")
	require.Len(t, clerks, 10, "users 0-8 through their packages, 9 through the temps")

	st, err := ReadRetireState(ctx, c, packages(), "Finance")
	require.NoError(t, err)
	p := export.BuildRetire(st)
	var ids []string
	for _, s := range p.Steps {
		ids = append(ids, s.ID)
	}
	require.Equal(t, []string{"retire:" + spID + ":assignment-clerks", "retire:" + groupID + ":" + legacyG}, ids)
	require.Len(t, p.Retained, 2)
	require.Equal(t, tempsG, p.Retained[0].GroupID)
	require.Equal(t, contractorsG, p.Retained[1].GroupID)
	require.Equal(t, []string{user(10)}, p.Retained[1].Losing)
	require.Contains(t, p.Warnings, `site Finance: SharePoint group memberships are not retired (Graph v1.0 does not manage them)`)
	require.Contains(t, p.Warnings, `group Treasury "Admins": only its members are retired, not its Owner`)

	n := len(srv.Writes())
	res, err := Apply(ctx, c, p, Options{})
	require.NoError(t, err)
	require.Equal(t, 2, res.Outcomes[WouldRemove])
	require.Len(t, srv.Writes(), n, "a dry run writes nothing")

	res, err = Apply(ctx, c, p, Options{Yes: true})
	require.NoError(t, err)
	require.Equal(t, 2, res.Outcomes[Removed])
	require.Equal(t, payroll, srv.Holders(groupID, ""), "nobody loses SG-Payroll")
	require.Equal(t, clerks, srv.Holders(spID, clerkRole), "nobody loses the clerk role")

	n = len(srv.Writes())
	res, err = Apply(ctx, c, p, Options{Yes: true})
	require.NoError(t, err)
	require.Equal(t, 2, res.Outcomes[Absent], "a rerun finds them gone")
	require.Len(t, srv.Writes(), n, "and writes nothing")

	st, err = ReadRetireState(ctx, c, packages(), "Finance")
	require.NoError(t, err)
	again := export.BuildRetire(st)
	require.Empty(t, again.Steps, "read again, the tenant has nothing left to retire")
	require.Len(t, again.Retained, 2)
}
