package reader

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/graph/graphclient"
	"github.com/rolemine/rolemine/graph/graphfake"
	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// fakeTenant generates a tenant and shows it through the fake server, with
// a nested group and an app role granted to a group on top.
func fakeTenant(t *testing.T) *graphfake.Tenant {
	t.Helper()
	dir := t.TempDir()
	_, err := tenantgen.Generate(tenantgen.DefaultConfig(400, 3), dir)
	require.NoError(t, err)
	ft, err := graphfake.FromFiles(dir)
	require.NoError(t, err)
	// "All Finance" holds the Finance groups; its members reach them
	// transitively, and an app role granted to it reaches them too.
	parent := graphfake.Group{ID: graphfake.GUID("all-finance"), DisplayName: "All Finance"}
	for _, g := range ft.Groups {
		if strings.HasPrefix(g.DisplayName, "SG-Finance-") {
			parent.Members = append(parent.Members, g.ID)
		}
	}
	require.NotEmpty(t, parent.Members)
	ft.Groups = append(ft.Groups, parent)
	sp := &ft.ServicePrincipals[0]
	sp.Assigned = append(sp.Assigned, graphfake.RoleAssignment{ID: "group-assignment", AppRoleID: sp.AppRoles[0].ID,
		PrincipalID: parent.ID, PrincipalType: "Group"})
	ft.AccessPackages = []graphfake.AccessPackage{{ID: graphfake.GUID("ap"), DisplayName: "Existing <Finance>", CatalogID: graphfake.GUID("cat"),
		Scopes: []graphfake.Scope{
			{OriginID: parent.ID, OriginSystem: "AadGroup", RoleOriginID: "Member_" + parent.ID, RoleDisplayName: "Member"},
			{OriginID: sp.ID, OriginSystem: "AadApplication", RoleOriginID: sp.AppRoles[0].ID, RoleDisplayName: sp.AppRoles[0].DisplayName},
		},
		Assignees: []string{ft.Users[0].ID, ft.Users[1].ID}}}
	return ft
}

// expected computes, straight from the fake tenant, the directory the
// reader must produce.
func expected(ft *graphfake.Tenant) map[tenant.Assignment]bool {
	groups := map[string]graphfake.Group{}
	for _, g := range ft.Groups {
		groups[g.ID] = g
	}
	var transitive func(id string, seen map[string]bool) []string
	transitive = func(id string, seen map[string]bool) []string {
		var out []string
		for _, m := range groups[id].Members {
			if seen[m] {
				continue
			}
			seen[m] = true
			if _, isGroup := groups[m]; isGroup {
				out = append(out, transitive(m, seen)...)
			} else {
				out = append(out, m)
			}
		}
		return out
	}
	want := map[tenant.Assignment]bool{}
	for _, g := range ft.Groups {
		for _, u := range transitive(g.ID, map[string]bool{}) {
			want[tenant.Assignment{UserID: u, ResourceID: g.ID, Role: "Member"}] = true
			if g.Site != nil {
				want[tenant.Assignment{UserID: u, ResourceID: g.Site.WebURL, Role: SiteMemberRole}] = true
			}
		}
		for _, u := range g.Owners {
			want[tenant.Assignment{UserID: u, ResourceID: g.ID, Role: "Owner"}] = true
			if g.Site != nil {
				want[tenant.Assignment{UserID: u, ResourceID: g.Site.WebURL, Role: SiteOwnerRole}] = true
			}
		}
	}
	for _, sp := range ft.ServicePrincipals {
		for _, a := range sp.Assigned {
			role := ""
			for _, r := range sp.AppRoles {
				if r.ID == a.AppRoleID {
					role = r.Value
				}
			}
			users := []string{a.PrincipalID}
			if a.PrincipalType == "Group" {
				users = transitive(a.PrincipalID, map[string]bool{})
			}
			for _, u := range users {
				want[tenant.Assignment{UserID: u, ResourceID: sp.ID, Role: role}] = true
			}
		}
	}
	return want
}

func client(t *testing.T, srv *graphfake.Server, opt graphclient.Options) *graphclient.Client {
	t.Helper()
	opt.BaseURL = srv.URL + "/v1.0"
	c, err := graphclient.New(context.Background(), opt)
	require.NoError(t, err)
	return c
}

func assignments(d *tenant.Directory) map[tenant.Assignment]bool {
	out := map[tenant.Assignment]bool{}
	for _, a := range d.Assignments {
		out[a] = true
	}
	return out
}

func TestReadThroughPagingAndThrottling(t *testing.T) {
	ft := fakeTenant(t)
	srv := graphfake.New(ft)
	defer srv.Close()
	srv.SetFaults(graphfake.Faults{ThrottleEvery: 7, UnavailableEvery: 11})
	const token = "s3cret-test-token"
	r := New(client(t, srv, graphclient.Options{Token: token}), Options{PageSize: 9, Concurrency: 4})
	dir, err := r.Read(context.Background())
	require.NoError(t, err)

	require.Len(t, dir.Users, len(ft.Users))
	byID := map[string]tenant.User{}
	for _, u := range dir.Users {
		byID[u.ID] = u
	}
	for _, u := range ft.Users {
		got := byID[u.ID]
		require.Equal(t, u.UserPrincipalName, got.UserPrincipalName)
		require.Equal(t, u.JobTitle, got.JobTitle)
		require.Equal(t, u.Department, got.Department)
		require.Equal(t, u.ManagerID, got.ManagerID)
		require.NotNil(t, got.AccountEnabled)
		require.Equal(t, u.AccountEnabled, *got.AccountEnabled)
	}
	require.Equal(t, expected(ft), assignments(dir), "every membership (transitive), ownership, site role and app role")
	types := map[string]int{}
	for _, res := range dir.Resources {
		types[res.Type]++
	}
	require.Equal(t, len(ft.Groups), types[tenant.TypeGroup])
	require.Positive(t, types[tenant.TypeSite])
	require.Positive(t, types[tenant.TypeApplication])

	require.Len(t, dir.Packages, 1)
	p := dir.Packages[0]
	require.Equal(t, "Existing <Finance>", p.DisplayName)
	require.Equal(t, []tenant.Entitlement{{ResourceID: graphfake.GUID("all-finance"), Role: "Member"},
		{ResourceID: ft.ServicePrincipals[0].ID, Role: ft.ServicePrincipals[0].AppRoles[0].Value}}, p.Entitlements)
	require.ElementsMatch(t, []string{ft.Users[0].ID, ft.Users[1].ID}, p.Assignees)
	require.Contains(t, dir.State[StateUsersDelta], "deltatoken=")
	require.Contains(t, dir.State[StateGroupsDelta], "deltatoken=")

	// The requests really paged, were throttled, and carried the token.
	require.Greater(t, srv.Count("$skiptoken="), 10)
	require.Greater(t, srv.Count("GET /v1.0/groups/"), len(ft.Groups), "per-group calls")
	auth := srv.Authorizations()
	require.Equal(t, len(srv.Requests()), auth["Bearer "+token], "every request carries the static token")
}

func TestFaultsEndTheReadNamingTheEndpoint(t *testing.T) {
	ft := fakeTenant(t)
	const token = "s3cret-test-token"
	for name, c := range map[string]struct {
		faults graphfake.Faults
		want   []string
	}{
		"failing page":       {graphfake.Faults{FailPath: "/owners"}, []string{"GET /groups/", "/owners", "HTTP 500", "generalException"}},
		"malformed page":     {graphfake.Faults{MalformedPath: "/servicePrincipals"}, []string{"GET /servicePrincipals"}},
		"throttled for ever": {graphfake.Faults{ThrottleEvery: 1}, []string{"GET /users/delta()", "429"}},
	} {
		t.Run(name, func(t *testing.T) {
			srv := graphfake.New(ft)
			defer srv.Close()
			srv.SetFaults(c.faults)
			_, err := New(client(t, srv, graphclient.Options{Token: token, MaxRetries: 2}), Options{}).Read(context.Background())
			require.Error(t, err)
			for _, w := range c.want {
				require.Contains(t, err.Error(), w)
			}
			require.NotContains(t, err.Error(), token, "no secret in errors")
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		srv := graphfake.New(ft)
		defer srv.Close()
		ctx, cancel := context.WithCancel(context.Background())
		r := New(client(t, srv, graphclient.Options{}), Options{Progress: func(p mining.Progress) {
			if p.Stage == "group members" && p.Done > 3 {
				cancel()
			}
		}})
		_, err := r.Read(ctx)
		require.ErrorIs(t, err, context.Canceled)
		require.Less(t, srv.Count("/owners"), len(ft.Groups), "stopped early")
	})
}

func TestDeltaBuildsTheCompleteNewDirectory(t *testing.T) {
	ft := fakeTenant(t)
	srv := graphfake.New(ft)
	defer srv.Close()
	r := New(client(t, srv, graphclient.Options{}), Options{PageSize: 50})
	ctx := context.Background()
	first, err := r.Read(ctx)
	require.NoError(t, err)
	fullGroupCalls := srv.Count("/transitiveMembers")

	// Changes: a new title and manager, a leaver, a joiner of a Finance
	// group (and so of "All Finance", which holds it), a new hire.
	var finance graphfake.Group
	for _, g := range ft.Groups {
		if strings.HasPrefix(g.DisplayName, "SG-Finance-") {
			finance = g
			break
		}
	}
	changed := ft.Users[5]
	changed.JobTitle = "Chief Mover"
	changed.ManagerID = ft.Users[6].ID
	srv.UpdateUser(changed)
	leaver := ft.Users[7].ID
	srv.RemoveUser(leaver)
	var joiner string
	for _, u := range ft.Users {
		if !slices.Contains(finance.Members, u.ID) {
			joiner = u.ID
			break
		}
	}
	srv.AddMember(finance.ID, joiner)
	hire := graphfake.User{ID: graphfake.GUID("new hire"), UserPrincipalName: "new.hire@contoso.com", JobTitle: "Accountant",
		Department: "Finance", AccountEnabled: true, UserType: "Member"}
	srv.UpdateUser(hire)
	srv.AddMember(finance.ID, hire.ID)

	before := len(srv.Requests())
	second, err := r.Delta(ctx, first)
	require.NoError(t, err)
	require.Equal(t, expected(ft), assignments(second), "the delta result equals a full read of the changed tenant")
	byID := map[string]tenant.User{}
	for _, u := range second.Users {
		byID[u.ID] = u
	}
	require.Len(t, second.Users, len(ft.Users))
	require.Equal(t, "Chief Mover", byID[changed.ID].JobTitle)
	require.Equal(t, ft.Users[6].ID, byID[changed.ID].ManagerID)
	require.NotContains(t, byID, leaver)
	require.Contains(t, byID, hire.ID)
	require.Contains(t, second.Assignments, tenant.Assignment{UserID: joiner, ResourceID: graphfake.GUID("all-finance"), Role: "Member"},
		"membership reaches the group that holds the changed one")
	require.NotEqual(t, first.State[StateUsersDelta], second.State[StateUsersDelta])

	deltaGroupCalls := srv.Count("/transitiveMembers") - fullGroupCalls
	require.LessOrEqual(t, deltaGroupCalls, 4, "only the changed group and its parents are re-read (%d requests in all)", len(srv.Requests())-before)

	// Full read of the same tenant agrees.
	full, err := r.Read(ctx)
	require.NoError(t, err)
	require.Equal(t, assignments(full), assignments(second))

	// Without delta links there is nothing to start from.
	_, err = r.Delta(ctx, &tenant.Directory{})
	require.ErrorContains(t, err, "run a full `rolemine ingest graph` first")
}
