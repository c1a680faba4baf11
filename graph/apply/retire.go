package apply

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/graph/graphclient"
	"github.com/rolemine/rolemine/tenant"
)

// ReadRetireState reads, for the packages as Entra holds them (found by
// display name), who their delivered assignments reach and which
// entitlements their resource role scopes grant, and then every way users
// hold each of those entitlements: the group's direct members and nested
// groups, the app role's user and group assignments. export.BuildRetire
// turns it into a plan. Nothing is written.
func ReadRetireState(ctx context.Context, c *graphclient.Client, pkgs []tenant.Package, catalog string) (export.RetireState, error) {
	rr := &retireReader{r: newRun(c, Options{}),
		st: export.RetireState{Catalog: catalog}, names: map[string]string{}, byKey: map[string]*export.GrantPaths{}, warned: map[string]bool{}}
	for _, p := range pkgs {
		for _, e := range p.Entitlements {
			rr.names[e.ResourceID] = e.ResourceName
		}
	}
	for _, p := range pkgs {
		if err := ctx.Err(); err != nil {
			return rr.st, err
		}
		if err := rr.pkg(ctx, p); err != nil {
			return rr.st, err
		}
	}
	for _, key := range rr.order {
		g := rr.byKey[key]
		slices.Sort(g.Delivered)
		g.Delivered = slices.Compact(g.Delivered)
		var err error
		if g.AppRoleID != "" {
			err = rr.r.appRolePaths(ctx, g)
		} else {
			err = rr.r.groupPaths(ctx, g)
		}
		if err != nil {
			return rr.st, err
		}
		rr.st.Entitlements = append(rr.st.Entitlements, *g)
	}
	return rr.st, nil
}

// retireReader collects a RetireState.
type retireReader struct {
	r      *run
	st     export.RetireState
	names  map[string]string // resource id → name, from the mined packages
	byKey  map[string]*export.GrantPaths
	order  []string // keys of byKey in order of first use
	warned map[string]bool
}

func (rr *retireReader) warn(msg string) {
	if !rr.warned[msg] {
		rr.warned[msg] = true
		rr.st.Warnings = append(rr.st.Warnings, msg)
	}
}

// pkg reads package p as Entra holds it: its delivered assignments and
// the entitlements of its role scopes.
func (rr *retireReader) pkg(ctx context.Context, p tenant.Package) error {
	found, err := rr.r.list(ctx, em+"/accessPackages?$filter=displayName eq '"+odataQuote(p.Name)+"'")
	if err != nil {
		return err
	}
	found = slices.DeleteFunc(found, func(o map[string]any) bool { return o["displayName"] != p.Name })
	switch len(found) {
	case 0:
		rr.warn(fmt.Sprintf("package %s: %q is not in Entra; apply it first", p.ID, p.Name))
		return nil
	case 1:
	default:
		rr.warn(fmt.Sprintf("package %s: %d access packages are named %q; none of them is read", p.ID, len(found), p.Name))
		return nil
	}
	id, _ := found[0]["id"].(string)
	assignments, err := rr.r.list(ctx, em+"/assignments?$filter=accessPackage/id eq '"+id+"'&$expand=target")
	if err != nil {
		return err
	}
	var delivered []string
	for _, a := range assignments {
		// Graph v1.0, accessPackageAssignment: state "delivered" once the
		// access is in place.
		if s, _ := a["state"].(string); strings.EqualFold(s, "delivered") {
			if u, ok := field(a, "target.objectId"); ok {
				delivered = append(delivered, fmt.Sprint(u))
			}
		}
	}
	scopes, err := rr.r.list(ctx, em+"/accessPackages/"+id+"/resourceRoleScopes?$expand=role,scope")
	if err != nil {
		return err
	}
	for _, sc := range scopes {
		rr.scope(sc, delivered)
	}
	return nil
}

// scope records that the delivered users hold a role scope's entitlement
// through a package: a group's membership or an app role (a group's
// ownership and a site's roles are not retired).
func (rr *retireReader) scope(sc map[string]any, delivered []string) {
	sys, _ := field(sc, "role.originSystem")
	roleID, _ := field(sc, "role.originId")
	resID, _ := field(sc, "scope.originId")
	res, role := fmt.Sprint(resID), fmt.Sprint(roleID)
	var g export.GrantPaths
	switch sys {
	case "AadGroup":
		// A group's roles have origin ids Member_<id> and Owner_<id>.
		if !strings.HasPrefix(role, "Member_") {
			rr.warn(fmt.Sprintf("group %s: only its members are retired, not its %s", cmp.Or(rr.names[res], res), strings.Split(role, "_")[0]))
			return
		}
		g = export.GrantPaths{ResourceID: res, ResourceName: rr.names[res], Role: "Member"}
	case "AadApplication":
		name, _ := field(sc, "role.displayName")
		g = export.GrantPaths{ResourceID: res, ResourceName: rr.names[res], Role: fmt.Sprint(name), AppRoleID: role}
	default:
		rr.warn(fmt.Sprintf("site %s: SharePoint group memberships are not retired (Graph v1.0 does not manage them)", cmp.Or(rr.names[res], res)))
		return
	}
	key := res + "|" + role
	if rr.byKey[key] == nil {
		rr.byKey[key] = &g
		rr.order = append(rr.order, key)
	}
	rr.byKey[key].Delivered = append(rr.byKey[key].Delivered, delivered...)
}

const em = "/identityGovernance/entitlementManagement"

func odataQuote(s string) string { return strings.ReplaceAll(s, "'", "''") }

// isGroup reports whether a directory object is a group (Graph marks
// every directory object with its @odata.type).
func isGroup(o map[string]any) bool { return o["@odata.type"] == "#microsoft.graph.group" }

func isUser(o map[string]any) bool { return o["@odata.type"] == "#microsoft.graph.user" }

// groupPaths reads the group's direct members: users hold it directly,
// and a nested group's transitive members hold it through that group.
func (r *run) groupPaths(ctx context.Context, g *export.GrantPaths) error {
	members, err := r.list(ctx, "/groups/"+g.ResourceID+"/members?$select=id,displayName")
	if err != nil {
		return err
	}
	for _, m := range members {
		id, _ := m["id"].(string)
		switch {
		case isUser(m):
			g.Direct = append(g.Direct, id)
		case isGroup(m):
			users, err := r.users(ctx, "/groups/"+id+"/transitiveMembers?$select=id,displayName")
			if err != nil {
				return err
			}
			name, _ := m["displayName"].(string)
			g.Paths = append(g.Paths, export.GrantPath{Kind: export.PathNestedGroup, GroupID: id, GroupName: name, Users: users})
		}
	}
	return nil
}

// appRolePaths reads the app role's assignments: users assigned it hold it
// directly, and a group assigned it gives it to its direct members
// ("Group-based assignment ... nested group memberships aren't
// supported", Microsoft Entra, "Assign users and groups to an
// application").
func (r *run) appRolePaths(ctx context.Context, g *export.GrantPaths) error {
	path := "/servicePrincipals/" + g.ResourceID + "/appRoleAssignedTo"
	assigned, ok := r.shared[path]
	if !ok {
		var err error
		if assigned, err = r.list(ctx, path); err != nil {
			return err
		}
		r.shared[path] = assigned
	}
	for _, a := range assigned {
		if a["appRoleId"] != g.AppRoleID {
			continue
		}
		principal, _ := a["principalId"].(string)
		switch a["principalType"] {
		case "User":
			g.Direct = append(g.Direct, principal)
		case "Group":
			users, err := r.users(ctx, "/groups/"+principal+"/members?$select=id,displayName")
			if err != nil {
				return err
			}
			name, _ := a["principalDisplayName"].(string)
			id, _ := a["id"].(string)
			g.Paths = append(g.Paths, export.GrantPath{Kind: export.PathGroupAppRole, GroupID: principal, GroupName: name, AssignmentID: id, Users: users})
		}
		if g.ResourceName == "" {
			g.ResourceName, _ = a["resourceDisplayName"].(string)
		}
	}
	return nil
}

// users lists the users of a member list.
func (r *run) users(ctx context.Context, path string) ([]string, error) {
	items, err := r.list(ctx, path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, o := range items {
		if isUser(o) {
			id, _ := o["id"].(string)
			out = append(out, id)
		}
	}
	return out, nil
}
