// Package reader reads a tenant from Microsoft Graph through msgraph-sdk-go
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
package reader

import (
	"context"

	"github.com/rolemine/rolemine/graph/graphclient"
	"github.com/rolemine/rolemine/mining"
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

// Options tune a read.
type Options struct {
	// Concurrency bounds the per-group and per-application calls in flight
	// (default 8).
	Concurrency int
	// PageSize is the $top of collection requests (default 999, Graph's
	// maximum for directory objects).
	PageSize int32
	// Progress, when set, is told what the reader is doing: a stage and,
	// for per-object stages, how many of how many are done (Total 0 for a
	// count without a known end).
	Progress func(mining.Progress)
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
		r.opt.Progress(mining.Progress{Stage: stage, Done: done, Total: total})
	}
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
