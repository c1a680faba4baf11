package reader

import (
	"context"
	"net/http"
	"slices"
	"sync"

	"github.com/microsoftgraph/msgraph-sdk-go/groups"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"golang.org/x/sync/errgroup"

	"github.com/rolemine/rolemine/graph/graphclient"
)

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
