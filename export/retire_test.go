package export

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBuildRetire(t *testing.T) {
	st := RetireState{Catalog: "Finance", Warnings: []string{"site x: not retired"}, Entitlements: []GrantPaths{
		{ResourceID: "g1", ResourceName: "SG-Payroll", Role: "Member",
			Direct: []string{"u1", "u2", "u3"}, Delivered: []string{"u1", "u2", "u3", "u5"},
			Paths: []GrantPath{
				// u4 holds it only through the contractors' group.
				{Kind: PathNestedGroup, GroupID: "c2", GroupName: "SG-Contractors", Users: []string{"u3", "u4"}},
				// Every user of the legacy group holds it directly.
				{Kind: PathNestedGroup, GroupID: "c1", GroupName: "SG-Legacy", Users: []string{"u1", "u2"}},
				// u5 holds it through two groups and not directly: the
				// first goes, the second stays.
				{Kind: PathNestedGroup, GroupID: "c3", GroupName: "SG-Old-A", Users: []string{"u5"}},
				{Kind: PathNestedGroup, GroupID: "c4", GroupName: "SG-Old-B", Users: []string{"u5"}},
			}},
		{ResourceID: "sp1", ResourceName: "SAP", Role: "AP Clerk", AppRoleID: "r1",
			Direct: []string{"u1", "u6"}, Delivered: []string{"u1"},
			Paths: []GrantPath{
				{Kind: PathGroupAppRole, GroupID: "c5", GroupName: "SAP-Clerks", AssignmentID: "a5", Users: []string{"u1"}},
				// No package delivers the role to u6: not the packages'
				// to retire, although u6 holds it directly.
				{Kind: PathGroupAppRole, GroupID: "c6", GroupName: "SAP-Temps", AssignmentID: "a6", Users: []string{"u6"}},
			}},
	}}
	p := BuildRetire(st)
	type step struct{ ID, Method, Path, Find, Match string }
	var got []step
	for _, s := range p.Steps {
		require.NotNil(t, s.Find, "every removal runs only when the path is still there")
		got = append(got, step{s.ID, s.Method, s.Path, s.Find.Path, s.Find.Match["id"]})
	}
	require.Equal(t, []step{
		{"retire:sp1:a5", "DELETE", "/servicePrincipals/sp1/appRoleAssignedTo/a5", "/servicePrincipals/sp1/appRoleAssignedTo", "a5"},
		{"retire:g1:c1", "DELETE", "/groups/g1/members/c1/$ref", "/groups/g1/members?$select=id,displayName", "c1"},
		{"retire:g1:c3", "DELETE", "/groups/g1/members/c3/$ref", "/groups/g1/members?$select=id,displayName", "c3"},
	}, got)
	type kept struct {
		Group  string
		Losing []string
		Reason string
	}
	var retained []kept
	for _, r := range p.Retained {
		retained = append(retained, kept{r.GroupID, r.Losing, r.Reason})
	}
	require.Equal(t, []kept{
		{"c6", nil, "no package assignment delivers this access to its users"},
		{"c2", []string{"u4"}, "1 user holds the access only through it"},
		{"c4", []string{"u5"}, "1 user holds the access only through it"},
	}, retained)
	require.Equal(t, []string{"site x: not retired"}, p.Warnings)
	require.Equal(t, "Finance", p.Catalog)
	require.Zero(t, p.Assignments())
}
