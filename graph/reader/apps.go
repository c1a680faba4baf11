package reader

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/serviceprincipals"
	"golang.org/x/sync/errgroup"
)

const defaultAccessID = "00000000-0000-0000-0000-000000000000"

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
