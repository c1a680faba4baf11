package reader

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/microsoftgraph/msgraph-sdk-go/identitygovernance"
	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/rolemine/rolemine/graph/graphclient"
	"github.com/rolemine/rolemine/tenant"
)

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
