// Package graph reads a tenant from Microsoft Graph through msgraph-sdk-go
// into a tenant.Directory: users with their job attributes and manager;
// security and Microsoft 365 groups with their transitive members and
// owners; the SharePoint sites connected to Microsoft 365 groups (owners
// hold Full Control, members Edit); service principals with the app roles
// granted to users and to groups (reaching the groups' members); and the
// access packages that already exist, with their resource roles and
// assignments.
//
// Collections are paged through @odata.nextLink; throttled (429) and
// unavailable (503, 504) requests are retried by the SDK's middleware
// honouring Retry-After; per-group and per-application calls run with
// bounded concurrency. Any request that still fails ends the read with an
// error naming the endpoint, and nothing is returned. Read also records
// delta links, so that Delta can later fetch only the changes to users and
// groups and build a complete new directory from the previous one.
package graph

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/microsoft/kiota-abstractions-go/serialization"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/groups"
	"github.com/microsoftgraph/msgraph-sdk-go/identitygovernance"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/serviceprincipals"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
	"golang.org/x/sync/errgroup"

	"github.com/rolemine/rolemine/internal/graphclient"
	"github.com/rolemine/rolemine/tenant"
)

// State keys kept with a snapshot.
const (
	StateUsersDelta  = "graph.usersDeltaLink"
	StateGroupsDelta = "graph.groupsDeltaLink"
	StateGroups      = "graph.groups"
)

// Roles of the assignments the reader produces for sites.
const (
	SiteOwnerRole  = "Full Control"
	SiteMemberRole = "Edit"
	// DefaultAccessRole is the role of an app role assignment without a
	// specific role (appRoleId 00000000-0000-0000-0000-000000000000).
	DefaultAccessRole = "Default Access"
)

const defaultAccessID = "00000000-0000-0000-0000-000000000000"

// Options tune a read.
type Options struct {
	// Concurrency bounds the per-group and per-application calls in flight
	// (default 8).
	Concurrency int
	// PageSize is the $top of collection requests (default 999, Graph's
	// maximum for directory objects).
	PageSize int32
	// Progress, when set, is told what the reader is doing: a stage and,
	// for per-object stages, how many of how many are done.
	Progress func(stage string, done, total int)
	// Warn, when set, receives non-fatal problems (a missing permission
	// for existing access packages).
	Warn func(msg string)
}

// Reader reads a tenant through a Graph client.
type Reader struct {
	c   *graphclient.Client
	pp  map[string]string
	opt Options
}

// New returns a reader.
func New(c *graphclient.Client, opt Options) *Reader {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 8
	}
	if opt.PageSize <= 0 {
		opt.PageSize = 999
	}
	return &Reader{c: c, pp: c.PathParameters(), opt: opt}
}

func (r *Reader) progress(stage string, done, total int) {
	if r.opt.Progress != nil {
		r.opt.Progress(stage, done, total)
	}
}

// groupState is what a snapshot keeps about a group for the next delta
// read.
type groupState struct {
	Name    string   `json:"name"`
	Unified bool     `json:"unified,omitempty"`
	Site    string   `json:"site,omitempty"` // the connected site's URL
	Nested  []string `json:"nested,omitempty"`
}

// groupData is a group read in full.
type groupData struct {
	id    string
	state groupState
	users []string // transitive member users
	owner []string
}

var userSelect = []string{"id", "userPrincipalName", "displayName", "jobTitle", "department", "companyName", "employeeType",
	"accountEnabled", "userType"}

func endpointErr(endpoint string, err error) error {
	return fmt.Errorf("GET %s: %w", endpoint, graphclient.Describe(err))
}

// collect pages through a collection response, calling f for each item.
func collect[T any](ctx context.Context, r *Reader, endpoint string, first any, factory serialization.ParsableFactory, f func(T)) (deltaLink string, err error) {
	it, err := msgraphcore.NewPageIterator[T](first, r.c.Adapter, factory)
	if err != nil {
		return "", endpointErr(endpoint, err)
	}
	if err := it.Iterate(ctx, func(item T) bool { f(item); return true }); err != nil {
		return "", endpointErr(endpoint, err)
	}
	if l := it.GetOdataDeltaLink(); l != nil {
		deltaLink = *l
	}
	return deltaLink, nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func toUser(u models.Userable) tenant.User {
	out := tenant.User{ID: str(u.GetId()), UserPrincipalName: str(u.GetUserPrincipalName()), DisplayName: str(u.GetDisplayName()),
		JobTitle: str(u.GetJobTitle()), Department: str(u.GetDepartment()), CompanyName: str(u.GetCompanyName()),
		EmployeeType: str(u.GetEmployeeType()), AccountEnabled: u.GetAccountEnabled(), UserType: str(u.GetUserType())}
	if m := u.GetManager(); m != nil {
		out.ManagerID = str(m.GetId())
	}
	return out
}

// readUsers lists every user with the attributes mining uses and the
// manager.
func (r *Reader) readUsers(ctx context.Context) ([]tenant.User, error) {
	r.progress("users", 0, 0)
	const endpoint = "/users"
	resp, err := users.NewUsersRequestBuilderInternal(r.pp, r.c.Adapter).Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UsersRequestBuilderGetQueryParameters{Select: userSelect, Expand: []string{"manager($select=id)"}, Top: &r.opt.PageSize},
	})
	if err != nil {
		return nil, endpointErr(endpoint, err)
	}
	var out []tenant.User
	_, err = collect(ctx, r, endpoint, resp, models.CreateUserCollectionResponseFromDiscriminatorValue, func(u models.Userable) {
		out = append(out, toUser(u))
		if len(out)%1000 == 0 {
			r.progress("users", len(out), 0)
		}
	})
	return out, err
}

// latestDeltaLinks asks for delta links that start now, without data
// ($deltatoken=latest), before the full read: a change made during the
// read then shows up in the next delta read, which applies it again.
func (r *Reader) latestDeltaLinks(ctx context.Context) (usersLink, groupsLink string, err error) {
	q := func(sel ...string) string {
		return "?" + url.Values{"$select": {strings.Join(sel, ",")}, "$deltatoken": {"latest"}}.Encode()
	}
	uurl := r.c.BaseURL + "/users/delta()" + q(append(slices.Clone(userSelect), "manager")...)
	uresp, err := users.NewDeltaRequestBuilder(uurl, r.c.Adapter).GetAsDeltaGetResponse(ctx, nil)
	if err != nil {
		return "", "", endpointErr("/users/delta()", err)
	}
	if usersLink, err = collect(ctx, r, "/users/delta()", uresp, users.CreateDeltaGetResponseFromDiscriminatorValue, func(models.Userable) {}); err != nil {
		return "", "", err
	}
	gurl := r.c.BaseURL + "/groups/delta()" + q("displayName", "groupTypes", "members")
	gresp, err := groups.NewDeltaRequestBuilder(gurl, r.c.Adapter).GetAsDeltaGetResponse(ctx, nil)
	if err != nil {
		return "", "", endpointErr("/groups/delta()", err)
	}
	if groupsLink, err = collect(ctx, r, "/groups/delta()", gresp, groups.CreateDeltaGetResponseFromDiscriminatorValue, func(models.Groupable) {}); err != nil {
		return "", "", err
	}
	if usersLink == "" || groupsLink == "" {
		return "", "", fmt.Errorf("GET /users/delta(), /groups/delta(): no @odata.deltaLink in the response")
	}
	return usersLink, groupsLink, nil
}

// listGroups lists every group's id, name and type.
func (r *Reader) listGroups(ctx context.Context) ([]groupData, error) {
	r.progress("groups", 0, 0)
	const endpoint = "/groups"
	resp, err := groups.NewGroupsRequestBuilderInternal(r.pp, r.c.Adapter).Get(ctx, &groups.GroupsRequestBuilderGetRequestConfiguration{
		QueryParameters: &groups.GroupsRequestBuilderGetQueryParameters{Select: []string{"id", "displayName", "groupTypes", "securityEnabled", "mailEnabled"}, Top: &r.opt.PageSize},
	})
	if err != nil {
		return nil, endpointErr(endpoint, err)
	}
	var out []groupData
	_, err = collect(ctx, r, endpoint, resp, models.CreateGroupCollectionResponseFromDiscriminatorValue, func(g models.Groupable) {
		out = append(out, groupData{id: str(g.GetId()), state: groupState{Name: str(g.GetDisplayName()), Unified: slices.Contains(g.GetGroupTypes(), "Unified")}})
	})
	return out, err
}

// readGroup reads one group's transitive members, owners and site.
func (r *Reader) readGroup(ctx context.Context, g *groupData) error {
	gb := groups.NewGroupsRequestBuilderInternal(r.pp, r.c.Adapter).ByGroupId(g.id)
	endpoint := "/groups/" + g.id + "/transitiveMembers"
	resp, err := gb.TransitiveMembers().Get(ctx, &groups.ItemTransitiveMembersRequestBuilderGetRequestConfiguration{
		QueryParameters: &groups.ItemTransitiveMembersRequestBuilderGetQueryParameters{Select: []string{"id"}, Top: &r.opt.PageSize},
	})
	if err != nil {
		return endpointErr(endpoint, err)
	}
	g.users, g.state.Nested = nil, nil
	if _, err := collect(ctx, r, endpoint, resp, models.CreateDirectoryObjectCollectionResponseFromDiscriminatorValue, func(o models.DirectoryObjectable) {
		switch o.(type) {
		case models.Userable:
			g.users = append(g.users, str(o.GetId()))
		case models.Groupable:
			g.state.Nested = append(g.state.Nested, str(o.GetId()))
		}
	}); err != nil {
		return err
	}
	endpoint = "/groups/" + g.id + "/owners"
	oresp, err := gb.Owners().Get(ctx, &groups.ItemOwnersRequestBuilderGetRequestConfiguration{
		QueryParameters: &groups.ItemOwnersRequestBuilderGetQueryParameters{Select: []string{"id"}, Top: &r.opt.PageSize},
	})
	if err != nil {
		return endpointErr(endpoint, err)
	}
	g.owner = nil
	if _, err := collect(ctx, r, endpoint, oresp, models.CreateDirectoryObjectCollectionResponseFromDiscriminatorValue, func(o models.DirectoryObjectable) {
		if _, ok := o.(models.Userable); ok {
			g.owner = append(g.owner, str(o.GetId()))
		}
	}); err != nil {
		return err
	}
	g.state.Site = ""
	if g.state.Unified {
		endpoint = "/groups/" + g.id + "/sites/root"
		site, err := gb.Sites().BySiteId("root").Get(ctx, &groups.ItemSitesSiteItemRequestBuilderGetRequestConfiguration{
			QueryParameters: &groups.ItemSitesSiteItemRequestBuilderGetQueryParameters{Select: []string{"id", "displayName", "webUrl"}},
		})
		switch {
		case graphclient.Status(err) == http.StatusNotFound:
			// A Microsoft 365 group without a provisioned site.
		case err != nil:
			return endpointErr(endpoint, err)
		default:
			g.state.Site = str(site.GetWebUrl())
		}
	}
	slices.Sort(g.users)
	slices.Sort(g.owner)
	slices.Sort(g.state.Nested)
	return nil
}

// readGroups reads the groups at indices todo with bounded concurrency.
func (r *Reader) readGroups(ctx context.Context, gs []groupData, todo []int) error {
	eg, ctx := errgroup.WithContext(ctx)
	eg.SetLimit(r.opt.Concurrency)
	var mu sync.Mutex
	done := 0
	for _, i := range todo {
		eg.Go(func() error {
			if err := r.readGroup(ctx, &gs[i]); err != nil {
				return err
			}
			mu.Lock()
			done++
			r.progress("group members", done, len(todo))
			mu.Unlock()
			return nil
		})
	}
	return eg.Wait()
}

// app is a service principal with the role assignments it has.
type app struct {
	id, name string
	roles    map[string]string // app role id → value
	assigned []models.AppRoleAssignmentable
}

// readApps lists the service principals and reads each one's role
// assignments, keeping those that have any.
func (r *Reader) readApps(ctx context.Context) ([]*app, error) {
	r.progress("applications", 0, 0)
	const endpoint = "/servicePrincipals"
	spb := serviceprincipals.NewServicePrincipalsRequestBuilderInternal(r.pp, r.c.Adapter)
	resp, err := spb.Get(ctx, &serviceprincipals.ServicePrincipalsRequestBuilderGetRequestConfiguration{
		QueryParameters: &serviceprincipals.ServicePrincipalsRequestBuilderGetQueryParameters{Select: []string{"id", "appId", "displayName", "appRoles"}, Top: &r.opt.PageSize},
	})
	if err != nil {
		return nil, endpointErr(endpoint, err)
	}
	var apps []*app
	if _, err := collect(ctx, r, endpoint, resp, models.CreateServicePrincipalCollectionResponseFromDiscriminatorValue, func(sp models.ServicePrincipalable) {
		a := &app{id: str(sp.GetId()), name: str(sp.GetDisplayName()), roles: map[string]string{}}
		for _, role := range sp.GetAppRoles() {
			if id := role.GetId(); id != nil {
				a.roles[id.String()] = cmp.Or(str(role.GetValue()), str(role.GetDisplayName()), id.String())
			}
		}
		apps = append(apps, a)
	}); err != nil {
		return nil, err
	}
	eg, gctx := errgroup.WithContext(ctx)
	eg.SetLimit(r.opt.Concurrency)
	var mu sync.Mutex
	done := 0
	for _, a := range apps {
		eg.Go(func() error {
			endpoint := "/servicePrincipals/" + a.id + "/appRoleAssignedTo"
			resp, err := spb.ByServicePrincipalId(a.id).AppRoleAssignedTo().Get(gctx, &serviceprincipals.ItemAppRoleAssignedToRequestBuilderGetRequestConfiguration{
				QueryParameters: &serviceprincipals.ItemAppRoleAssignedToRequestBuilderGetQueryParameters{Top: &r.opt.PageSize},
			})
			if err != nil {
				return endpointErr(endpoint, err)
			}
			if _, err := collect(gctx, r, endpoint, resp, models.CreateAppRoleAssignmentCollectionResponseFromDiscriminatorValue, func(x models.AppRoleAssignmentable) {
				a.assigned = append(a.assigned, x)
			}); err != nil {
				return err
			}
			mu.Lock()
			done++
			r.progress("app role assignments", done, len(apps))
			mu.Unlock()
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(apps, func(a *app) bool { return len(a.assigned) == 0 }), nil
}

// readPackages reads the existing access packages and their assignments.
// A caller without the permission gets a warning and no packages.
func (r *Reader) readPackages(ctx context.Context, apps []*app) ([]tenant.ExistingPackage, error) {
	r.progress("access packages", 0, 0)
	em := identitygovernance.NewIdentityGovernanceRequestBuilderInternal(r.pp, r.c.Adapter).EntitlementManagement()
	const endpoint = "/identityGovernance/entitlementManagement/accessPackages"
	resp, err := em.AccessPackages().Get(ctx, &identitygovernance.EntitlementManagementAccessPackagesRequestBuilderGetRequestConfiguration{
		QueryParameters: &identitygovernance.EntitlementManagementAccessPackagesRequestBuilderGetQueryParameters{
			Expand: []string{"resourceRoleScopes($expand=role,scope)", "catalog"}},
	})
	if s := graphclient.Status(err); s == http.StatusForbidden || s == http.StatusUnauthorized {
		if r.opt.Warn != nil {
			r.opt.Warn(fmt.Sprintf("existing access packages not read (%v): grant EntitlementManagement.Read.All to compare proposals with them", graphclient.Describe(err)))
		}
		return nil, nil
	}
	if err != nil {
		return nil, endpointErr(endpoint, err)
	}
	roleValue := map[[2]string]string{} // (sp id, app role id) → value
	for _, a := range apps {
		for id, v := range a.roles {
			roleValue[[2]string{a.id, id}] = v
		}
	}
	var pkgs []tenant.ExistingPackage
	index := map[string]int{}
	if _, err := collect(ctx, r, endpoint, resp, models.CreateAccessPackageCollectionResponseFromDiscriminatorValue, func(p models.AccessPackageable) {
		ep := tenant.ExistingPackage{ID: str(p.GetId()), DisplayName: str(p.GetDisplayName())}
		if c := p.GetCatalog(); c != nil {
			ep.CatalogID = str(c.GetId())
		}
		for _, sc := range p.GetResourceRoleScopes() {
			if e, ok := scopeEntitlement(sc, roleValue); ok {
				ep.Entitlements = append(ep.Entitlements, e)
			}
		}
		index[ep.ID] = len(pkgs)
		pkgs = append(pkgs, ep)
	}); err != nil {
		return nil, err
	}
	const aendpoint = "/identityGovernance/entitlementManagement/assignments"
	aresp, err := em.Assignments().Get(ctx, &identitygovernance.EntitlementManagementAssignmentsRequestBuilderGetRequestConfiguration{
		QueryParameters: &identitygovernance.EntitlementManagementAssignmentsRequestBuilderGetQueryParameters{Expand: []string{"target", "accessPackage"}},
	})
	if err != nil {
		return nil, endpointErr(aendpoint, err)
	}
	if _, err := collect(ctx, r, aendpoint, aresp, models.CreateAccessPackageAssignmentCollectionResponseFromDiscriminatorValue, func(a models.AccessPackageAssignmentable) {
		if st := a.GetState(); st != nil && *st != models.DELIVERED_ACCESSPACKAGEASSIGNMENTSTATE {
			return
		}
		p, t := a.GetAccessPackage(), a.GetTarget()
		if p == nil || t == nil {
			return
		}
		if k, ok := index[str(p.GetId())]; ok && str(t.GetObjectId()) != "" {
			pkgs[k].Assignees = append(pkgs[k].Assignees, str(t.GetObjectId()))
		}
	}); err != nil {
		return nil, err
	}
	return pkgs, nil
}

// scopeEntitlement maps a package's resource role to an entitlement: a
// group's Member_/Owner_ role, an app role by value, a site role by its
// permission level.
func scopeEntitlement(sc models.AccessPackageResourceRoleScopeable, roleValue map[[2]string]string) (tenant.Entitlement, bool) {
	role, scope := sc.GetRole(), sc.GetScope()
	if role == nil {
		return tenant.Entitlement{}, false
	}
	origin, system := str(role.GetOriginId()), str(role.GetOriginSystem())
	resource := ""
	if scope != nil {
		resource = str(scope.GetOriginId())
	}
	if res := role.GetResource(); res != nil && resource == "" {
		resource = str(res.GetOriginId())
	}
	switch system {
	case "AadGroup":
		kind, id, ok := strings.Cut(origin, "_")
		if !ok {
			return tenant.Entitlement{}, false
		}
		return tenant.Entitlement{ResourceID: id, Role: kind}, true
	case "AadApplication":
		if v, ok := roleValue[[2]string{resource, origin}]; ok {
			return tenant.Entitlement{ResourceID: resource, Role: v}, true
		}
		return tenant.Entitlement{ResourceID: resource, Role: cmp.Or(str(role.GetDisplayName()), origin)}, resource != ""
	case "SharePointOnline":
		name := str(role.GetDisplayName())
		if level, ok := tenant.SiteLevel(name); ok {
			name = level
		}
		return tenant.Entitlement{ResourceID: resource, Role: name}, resource != ""
	}
	return tenant.Entitlement{}, false
}

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

// Read reads the whole tenant.
func (r *Reader) Read(ctx context.Context) (*tenant.Directory, error) {
	usersLink, groupsLink, err := r.latestDeltaLinks(ctx)
	if err != nil {
		return nil, err
	}
	us, err := r.readUsers(ctx)
	if err != nil {
		return nil, err
	}
	gs, err := r.listGroups(ctx)
	if err != nil {
		return nil, err
	}
	todo := make([]int, len(gs))
	for i := range todo {
		todo[i] = i
	}
	return r.finish(ctx, us, gs, todo, usersLink, groupsLink)
}

// finish reads the groups at indices todo, the applications and the
// access packages, and builds the directory.
func (r *Reader) finish(ctx context.Context, us []tenant.User, gs []groupData, todo []int, usersLink, groupsLink string) (*tenant.Directory, error) {
	if err := r.readGroups(ctx, gs, todo); err != nil {
		return nil, err
	}
	apps, err := r.readApps(ctx)
	if err != nil {
		return nil, err
	}
	pkgs, err := r.readPackages(ctx, apps)
	if err != nil {
		return nil, err
	}
	return build(us, gs, apps, pkgs, map[string]string{StateUsersDelta: usersLink, StateGroupsDelta: groupsLink})
}

// removedMark reports whether a delta item carries @removed.
func removedMark(p interface{ GetAdditionalData() map[string]any }) bool {
	_, ok := p.GetAdditionalData()["@removed"]
	return ok
}

// managerDelta returns the manager a user delta item names in
// manager@delta, if any.
func managerDelta(u models.Userable) (string, bool) {
	raw, ok := u.GetAdditionalData()["manager@delta"]
	if !ok {
		return "", false
	}
	list, _ := raw.([]any)
	for _, item := range list {
		if m, ok := item.(map[string]any); ok {
			if _, gone := m["@removed"]; gone {
				continue
			}
			if id, ok := m["id"].(*string); ok && id != nil {
				return *id, true
			}
		}
	}
	return "", true
}

// onlyLeavers reports whether a group delta item's member changes are all
// removals of the given (deleted) users.
func onlyLeavers(g models.Groupable, leavers map[string]bool) bool {
	list, ok := g.GetAdditionalData()["members@delta"].([]any)
	if !ok {
		return false
	}
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return false
		}
		id, _ := m["id"].(*string)
		if _, gone := m["@removed"]; !gone || id == nil || !leavers[*id] {
			return false
		}
	}
	return true
}

// Delta reads the changes to users and groups since prev (a directory Read
// or Delta returned) through the delta links it keeps, re-reads the
// members, owners and sites of the groups that changed and of the groups
// that contain them, re-reads applications and access packages (Graph has
// no delta for them), and returns the complete new directory.
func (r *Reader) Delta(ctx context.Context, prev *tenant.Directory) (*tenant.Directory, error) {
	usersLink, groupsLink := prev.State[StateUsersDelta], prev.State[StateGroupsDelta]
	var prevGroups map[string]groupState
	if usersLink == "" || groupsLink == "" || json.Unmarshal([]byte(prev.State[StateGroups]), &prevGroups) != nil {
		return nil, fmt.Errorf("the previous snapshot has no Graph delta links: run a full `rolemine ingest graph` first")
	}
	// Users.
	r.progress("user changes", 0, 0)
	uresp, err := users.NewDeltaRequestBuilder(usersLink, r.c.Adapter).GetAsDeltaGetResponse(ctx, nil)
	if err != nil {
		return nil, endpointErr("/users/delta()", err)
	}
	changedUsers := map[string]tenant.User{}
	managers := map[string]string{}
	removedUsers := map[string]bool{}
	newUsersLink, err := collect(ctx, r, "/users/delta()", uresp, users.CreateDeltaGetResponseFromDiscriminatorValue, func(u models.Userable) {
		id := str(u.GetId())
		if removedMark(u) {
			removedUsers[id] = true
			delete(changedUsers, id)
			return
		}
		changedUsers[id] = toUser(u)
		if m, ok := managerDelta(u); ok {
			managers[id] = m
		}
	})
	if err != nil {
		return nil, err
	}
	// Groups.
	r.progress("group changes", 0, 0)
	gresp, err := groups.NewDeltaRequestBuilder(groupsLink, r.c.Adapter).GetAsDeltaGetResponse(ctx, nil)
	if err != nil {
		return nil, endpointErr("/groups/delta()", err)
	}
	changedGroups := map[string]models.Groupable{}
	removedGroups := map[string]bool{}
	newGroupsLink, err := collect(ctx, r, "/groups/delta()", gresp, groups.CreateDeltaGetResponseFromDiscriminatorValue, func(g models.Groupable) {
		id := str(g.GetId())
		if removedMark(g) {
			removedGroups[id] = true
			return
		}
		changedGroups[id] = g
	})
	if err != nil {
		return nil, err
	}
	if newUsersLink == "" || newGroupsLink == "" {
		return nil, fmt.Errorf("GET /users/delta(), /groups/delta(): no @odata.deltaLink in the response")
	}
	// The users of the new snapshot.
	var us []tenant.User
	seen := map[string]bool{}
	for _, u := range prev.Users {
		if removedUsers[u.ID] {
			continue
		}
		if c, ok := changedUsers[u.ID]; ok {
			m, ok := managers[u.ID]
			if !ok {
				m = cmp.Or(c.ManagerID, u.ManagerID)
			}
			c.ManagerID = m
			c.Attributes = u.Attributes
			u = c
		}
		seen[u.ID] = true
		us = append(us, u)
	}
	for _, id := range slices.Sorted(maps.Keys(changedUsers)) {
		if !seen[id] {
			u := changedUsers[id]
			if m, ok := managers[id]; ok {
				u.ManagerID = m
			}
			us = append(us, u)
		}
	}
	// Groups to re-read: the changed ones and those that contain them. A
	// group whose only change is that deleted users left it needs no
	// re-read: they are dropped anyway.
	affected := map[string]bool{}
	for id, g := range changedGroups {
		if st, ok := prevGroups[id]; ok && str(g.GetDisplayName()) == st.Name && onlyLeavers(g, removedUsers) {
			continue
		}
		affected[id] = true
	}
	for id, st := range prevGroups {
		for _, n := range st.Nested {
			if affected[n] || removedGroups[n] {
				affected[id] = true
			}
		}
	}
	prevMembers := map[string][]string{}
	prevOwners := map[string][]string{}
	for _, a := range prev.Assignments {
		if removedUsers[a.UserID] {
			continue
		}
		if _, ok := prevGroups[a.ResourceID]; !ok {
			continue
		}
		switch a.Role {
		case tenant.DefaultRole:
			prevMembers[a.ResourceID] = append(prevMembers[a.ResourceID], a.UserID)
		case "Owner":
			prevOwners[a.ResourceID] = append(prevOwners[a.ResourceID], a.UserID)
		}
	}
	var gs []groupData
	var todo []int
	for _, id := range slices.Sorted(maps.Keys(prevGroups)) {
		if removedGroups[id] {
			continue
		}
		st := prevGroups[id]
		if g, ok := changedGroups[id]; ok {
			st.Name = cmp.Or(str(g.GetDisplayName()), st.Name)
			if types := g.GetGroupTypes(); types != nil {
				st.Unified = slices.Contains(types, "Unified")
			}
		}
		if affected[id] {
			todo = append(todo, len(gs))
		}
		st.Nested = slices.DeleteFunc(slices.Clone(st.Nested), func(n string) bool { return removedGroups[n] })
		gs = append(gs, groupData{id: id, state: st, users: prevMembers[id], owner: prevOwners[id]})
	}
	for _, id := range slices.Sorted(maps.Keys(changedGroups)) {
		if _, ok := prevGroups[id]; ok {
			continue
		}
		g := changedGroups[id]
		todo = append(todo, len(gs))
		gs = append(gs, groupData{id: id, state: groupState{Name: str(g.GetDisplayName()), Unified: slices.Contains(g.GetGroupTypes(), "Unified")}})
	}
	return r.finish(ctx, us, gs, todo, newUsersLink, newGroupsLink)
}
