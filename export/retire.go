package export

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/rolemine/rolemine/internal/render"
)

// What a package replaces. Entra delivers a package's group and app roles
// as the directory's own objects: a direct membership of the group, an
// app role assignment to the user. A user who was a member before the
// package was assigned keeps that one membership, which the package now
// governs (it goes when the assignment ends). So the user's own grant is
// not a second copy to delete; what the packages make redundant are the
// other paths to the same access that nobody governs: groups nested in
// the package's group, and groups assigned the package's app role. Retiring
// one removes that path, and only when every user it reaches keeps the
// access another way, so nobody loses anything.

// Kinds of grant paths a retire plan can remove.
const (
	// PathNestedGroup is a group that is a member of the package's group:
	// its members hold the group's access transitively.
	PathNestedGroup = "nestedGroup"
	// PathGroupAppRole is an app role assigned to a group: its direct
	// members hold the role (group-based app assignment does not reach
	// nested groups' members).
	PathGroupAppRole = "groupAppRole"
)

// RetireState is what the tenant shows of the ways users hold the access
// that the packages' delivered assignments grant (apply.ReadRetireState
// reads it from Graph).
type RetireState struct {
	Catalog      string
	Entitlements []GrantPaths
	// Warnings say what could not be read or is not retired (a package not
	// in Entra yet, a site's roles).
	Warnings []string
}

// GrantPaths are the ways users hold one entitlement that a package
// delivers.
type GrantPaths struct {
	ResourceID   string `json:"resourceId"`
	ResourceName string `json:"resourceName"`
	Role         string `json:"role"`
	// AppRoleID is the app role's id, for an application.
	AppRoleID string `json:"appRoleId,omitempty"`
	// Direct are the users who hold it themselves: direct members of the
	// group, users assigned the app role.
	Direct []string `json:"direct"`
	// Delivered are the users whom a delivered package assignment grants it.
	Delivered []string `json:"delivered"`
	// Paths are the other ways to it: nested groups, group app role
	// assignments.
	Paths []GrantPath `json:"paths"`
}

// GrantPath is a group through which users hold an entitlement.
type GrantPath struct {
	Kind      string `json:"kind"`
	GroupID   string `json:"groupId"`
	GroupName string `json:"groupName"`
	// AssignmentID is the app role assignment's id (PathGroupAppRole).
	AssignmentID string `json:"assignmentId,omitempty"`
	// Users are the users the path reaches.
	Users []string `json:"users"`
}

// Retained is a grant path a retire plan keeps, and why.
type Retained struct {
	GrantPath
	ResourceID   string `json:"resourceId"`
	ResourceName string `json:"resourceName"`
	Role         string `json:"role"`
	Reason       string `json:"reason"`
	// Losing are the users who hold the access only through this path.
	Losing []string `json:"losing,omitempty"`
}

// BuildRetire builds the plan that retires the grant paths the packages
// make redundant. A path is removed when a delivered package grants its
// access to at least one of the users it reaches, and every user it
// reaches holds the access directly or through another path the plan
// keeps (paths are taken in order of group name, and one removed no longer
// counts for the next). Every other path is listed in Retained with the
// users it alone serves. Each removal runs only when the path is still
// there (a rerun removes nothing); nothing is created.
func BuildRetire(st RetireState) *Plan {
	p := &Plan{Version: 1, APIVersion: "v1.0", Catalog: cmp.Or(st.Catalog, "rolemine proposals"), Skipped: []Skipped{},
		Warnings: slices.Clone(st.Warnings), Conflicts: []Conflict{}, Retained: []Retained{}}
	ents := slices.Clone(st.Entitlements)
	slices.SortFunc(ents, func(a, b GrantPaths) int {
		return cmp.Or(cmp.Compare(a.ResourceName, b.ResourceName), cmp.Compare(a.ResourceID, b.ResourceID), cmp.Compare(a.Role, b.Role))
	})
	for _, e := range ents {
		direct := set(e.Direct)
		delivered := set(e.Delivered)
		paths := slices.Clone(e.Paths)
		slices.SortFunc(paths, func(a, b GrantPath) int {
			return cmp.Or(cmp.Compare(a.GroupName, b.GroupName), cmp.Compare(a.GroupID, b.GroupID), cmp.Compare(a.AssignmentID, b.AssignmentID))
		})
		// reach counts, per user, the paths that remain.
		reach := map[string]int{}
		for _, path := range paths {
			for _, u := range path.Users {
				reach[u]++
			}
		}
		for _, path := range paths {
			keep := func(reason string, losing []string) {
				p.Retained = append(p.Retained, Retained{GrantPath: path, ResourceID: e.ResourceID, ResourceName: e.ResourceName,
					Role: e.Role, Reason: reason, Losing: losing})
			}
			var losing []string
			for _, u := range path.Users {
				if !direct[u] && reach[u] == 1 {
					losing = append(losing, u)
				}
			}
			slices.Sort(losing)
			if !slices.ContainsFunc(path.Users, func(u string) bool { return delivered[u] }) {
				keep("no package assignment delivers this access to its users", losing)
				continue
			}
			if len(losing) > 0 {
				keep(fmt.Sprintf("%s the access only through it", render.Count(len(losing), "user holds", "users hold")), losing)
				continue
			}
			for _, u := range path.Users {
				reach[u]--
			}
			p.Steps = append(p.Steps, retireStep(e, path))
		}
	}
	return p
}

// retireStep removes one grant path, if it is still there.
func retireStep(e GrantPaths, path GrantPath) Step {
	users := render.Count(len(path.Users), "user")
	if path.Kind == PathGroupAppRole {
		// Graph v1.0, "Delete appRoleAssignedTo": DELETE
		// /servicePrincipals/{resource-SP-id}/appRoleAssignedTo/{appRoleAssignment-id}.
		list := "/servicePrincipals/" + e.ResourceID + "/appRoleAssignedTo"
		return Step{
			ID: "retire:" + e.ResourceID + ":" + path.AssignmentID, Method: "DELETE", Path: list + "/" + path.AssignmentID,
			Description: fmt.Sprintf("Remove the app role %s of %q from group %q: each of its %s holds it another way", e.Role, e.ResourceName, path.GroupName, users),
			Find:        &Lookup{Path: list, Match: map[string]string{"id": path.AssignmentID}, Shared: true},
		}
	}
	// Graph v1.0, "Remove member": DELETE
	// /groups/{group-id}/members/{directoryObject-id}/$ref.
	list := "/groups/" + e.ResourceID + "/members?$select=id,displayName"
	return Step{
		ID: "retire:" + e.ResourceID + ":" + path.GroupID, Method: "DELETE", Path: "/groups/" + e.ResourceID + "/members/" + path.GroupID + "/$ref",
		Description: fmt.Sprintf("Remove group %q from group %q: each of its %s holds %q another way", path.GroupName, e.ResourceName, users, e.ResourceName),
		Find:        &Lookup{Path: list, Match: map[string]string{"id": path.GroupID}, Shared: true},
	}
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}
