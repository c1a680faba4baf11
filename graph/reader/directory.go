package reader

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"

	"github.com/rolemine/rolemine/tenant"
)

// build assembles a directory from users, fully read groups, apps and
// packages; a role granted to a group reaches the group's transitive
// member users.
func build(us []tenant.User, gs []groupData, apps []*app, pkgs []tenant.ExistingPackage, state map[string]string) (*tenant.Directory, error) {
	dir := &tenant.Directory{Users: us, Packages: pkgs, State: state}
	known := make(map[string]bool, len(us))
	for _, u := range us {
		known[u.ID] = true
	}
	members := map[string][]string{}
	add := func(user, res, role string) {
		if known[user] {
			dir.Assignments = append(dir.Assignments, tenant.Assignment{UserID: user, ResourceID: res, Role: role})
		}
	}
	slices.SortFunc(gs, func(a, b groupData) int { return strings.Compare(a.id, b.id) })
	groupStates := map[string]groupState{}
	sites := map[string]bool{}
	for _, g := range gs {
		groupStates[g.id] = g.state
		members[g.id] = g.users
		dir.Resources = append(dir.Resources, tenant.Resource{ID: g.id, Type: tenant.TypeGroup, DisplayName: g.state.Name})
		for _, u := range g.users {
			add(u, g.id, tenant.DefaultRole)
		}
		for _, u := range g.owner {
			add(u, g.id, "Owner")
		}
		if g.state.Site != "" && !sites[g.state.Site] {
			sites[g.state.Site] = true
			dir.Resources = append(dir.Resources, tenant.Resource{ID: g.state.Site, Type: tenant.TypeSite, DisplayName: g.state.Name})
			for _, u := range g.users {
				add(u, g.state.Site, SiteMemberRole)
			}
			for _, u := range g.owner {
				add(u, g.state.Site, SiteOwnerRole)
			}
		}
	}
	slices.SortFunc(apps, func(a, b *app) int { return strings.Compare(a.id, b.id) })
	for _, a := range apps {
		dir.Resources = append(dir.Resources, tenant.Resource{ID: a.id, Type: tenant.TypeApplication, DisplayName: a.name})
		for _, x := range a.assigned {
			if x.GetPrincipalId() == nil {
				continue
			}
			role := DefaultAccessRole
			if id := x.GetAppRoleId(); id != nil && id.String() != defaultAccessID {
				role = cmp.Or(a.roles[id.String()], id.String())
			}
			principal := x.GetPrincipalId().String()
			switch str(x.GetPrincipalType()) {
			case "User":
				add(principal, a.id, role)
			case "Group":
				for _, u := range members[principal] {
					add(u, a.id, role)
				}
			}
		}
	}
	raw, err := json.Marshal(groupStates)
	if err != nil {
		return nil, err
	}
	dir.State[StateGroups] = string(raw)
	return dir, nil
}
