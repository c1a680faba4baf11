package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/tenant"
)

func sampleDirectory() *tenant.Directory {
	yes, no := true, false
	return &tenant.Directory{
		Users: []tenant.User{
			{ID: "u1", UserPrincipalName: "ada@contoso.com", JobTitle: "Payroll Clerk", Department: "Finance", AccountEnabled: &yes, UserType: "Member", ManagerID: "u2",
				Attributes: map[string]string{"officeLocation": "Oslo"}},
			{ID: "u2", UserPrincipalName: "bo@contoso.com", JobTitle: "Controller", AccountEnabled: &no},
			{ID: "u3"},
		},
		Resources: []tenant.Resource{{ID: "g1", Type: "group", DisplayName: "SG-Payroll"}, {ID: "sp1", Type: "application", DisplayName: "SAP"}},
		Assignments: []tenant.Assignment{
			{UserID: "u1", ResourceID: "g1"}, {UserID: "u1", ResourceID: "g1", Role: "Member"}, {UserID: "u2", ResourceID: "g1", Role: "Owner"},
			{UserID: "u2", ResourceID: "sp1", Role: "GL.Post"},
		},
		Packages: []tenant.ExistingPackage{{ID: "ap1", DisplayName: "Payroll", CatalogID: "c1",
			Entitlements: []tenant.Entitlement{{ResourceID: "g1", Role: "Member"}}, Assignees: []string{"u1"}}},
		State: map[string]string{"graph.usersDeltaLink": "https://graph/users/delta?$deltatoken=1"},
	}
}

func TestWriteAndReadDirectory(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "db.duckdb"))
	require.NoError(t, err)
	defer st.Close()
	dir := sampleDirectory()
	snap, err := st.WriteDirectory(ctx, "graph", "https://graph", dir)
	require.NoError(t, err)
	require.Equal(t, int64(3), snap.Users)
	require.Equal(t, int64(3), snap.Entitlements)
	require.Equal(t, int64(3), snap.Assignments, "the duplicate grant is merged")

	back, err := st.ReadDirectory(ctx, snap.ID)
	require.NoError(t, err)
	require.Equal(t, dir.State, back.State)
	require.Equal(t, dir.Users, back.Users)
	require.ElementsMatch(t, dir.Resources, back.Resources)
	require.Equal(t, []tenant.Assignment{{UserID: "u1", ResourceID: "g1", Role: "Member"}, {UserID: "u2", ResourceID: "g1", Role: "Owner"},
		{UserID: "u2", ResourceID: "sp1", Role: "GL.Post"}}, back.Assignments)

	// The snapshot loads for mining like a file ingest.
	data, err := st.Load(ctx, snap)
	require.NoError(t, err)
	require.Equal(t, "Oslo", data.Attribute("officeLocation", 0))
	require.Equal(t, tenant.Disabled, data.Kinds[1])
	existing, err := st.ExistingPackages(ctx, snap.ID)
	require.NoError(t, err)
	require.Equal(t, dir.Packages, existing)
}

func TestWriteDirectoryRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "db.duckdb"))
	require.NoError(t, err)
	defer st.Close()
	for name, c := range map[string]struct {
		edit func(*tenant.Directory)
		want string
	}{
		"no id":            {func(d *tenant.Directory) { d.Users[2].ID = "" }, "user 3 has no id"},
		"duplicate user":   {func(d *tenant.Directory) { d.Users[2].ID = "u1" }, `two users have id "u1"`},
		"bad type":         {func(d *tenant.Directory) { d.Resources[0].Type = "device" }, `unknown type "device"`},
		"unknown user":     {func(d *tenant.Directory) { d.Assignments[0].UserID = "x" }, "names a user the directory does not hold"},
		"unknown resource": {func(d *tenant.Directory) { d.Assignments[0].ResourceID = "x" }, `names resource "x"`},
	} {
		dir := sampleDirectory()
		c.edit(dir)
		_, err := st.WriteDirectory(ctx, "graph", "", dir)
		require.ErrorContains(t, err, c.want, name)
	}
	_, err = st.Latest(ctx)
	require.ErrorIs(t, err, ErrNoSnapshot, "nothing written")

	// A failure at commit time leaves no snapshot either.
	st.beforeCommit = func(context.Context) error { return context.Canceled }
	_, err = st.WriteDirectory(ctx, "graph", "", sampleDirectory())
	require.Error(t, err)
	st.beforeCommit = nil
	_, err = st.Latest(ctx)
	require.ErrorIs(t, err, ErrNoSnapshot)
}
