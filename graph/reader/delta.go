package reader

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/microsoftgraph/msgraph-sdk-go/groups"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/rolemine/rolemine/tenant"
)

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
	uc, err := r.userChanges(ctx, usersLink)
	if err != nil {
		return nil, err
	}
	gc, err := r.groupChanges(ctx, groupsLink)
	if err != nil {
		return nil, err
	}
	if uc.link == "" || gc.link == "" {
		return nil, fmt.Errorf("GET /users/delta(), /groups/delta(): no @odata.deltaLink in the response")
	}
	us := uc.apply(prev.Users)
	gs, todo := gc.apply(prev, prevGroups, uc.removed)
	return r.finish(ctx, us, gs, todo, uc.link, gc.link)
}

// userDelta is a round of /users/delta(): the users changed (with their
// manager when it changed) and removed, and the next delta link.
type userDelta struct {
	changed  map[string]tenant.User
	managers map[string]string
	removed  map[string]bool
	link     string
}

func (r *Reader) userChanges(ctx context.Context, link string) (*userDelta, error) {
	r.progress("user changes", 0, 0)
	resp, err := users.NewDeltaRequestBuilder(link, r.c.Adapter).GetAsDeltaGetResponse(ctx, nil)
	if err != nil {
		return nil, endpointErr("/users/delta()", err)
	}
	uc := &userDelta{changed: map[string]tenant.User{}, managers: map[string]string{}, removed: map[string]bool{}}
	uc.link, err = collect(ctx, r, "/users/delta()", resp, users.CreateDeltaGetResponseFromDiscriminatorValue, func(u models.Userable) {
		id := str(u.GetId())
		if removedMark(u) {
			uc.removed[id] = true
			delete(uc.changed, id)
			return
		}
		uc.changed[id] = toUser(u)
		if m, ok := managerDelta(u); ok {
			uc.managers[id] = m
		}
	})
	return uc, err
}

// apply returns the users of the new snapshot: prev's without the removed
// ones, changed ones replaced (keeping their attributes, and their manager
// unless it changed), then the new users by id.
func (uc *userDelta) apply(prev []tenant.User) []tenant.User {
	var us []tenant.User
	seen := map[string]bool{}
	for _, u := range prev {
		if uc.removed[u.ID] {
			continue
		}
		if c, ok := uc.changed[u.ID]; ok {
			m, ok := uc.managers[u.ID]
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
	for _, id := range slices.Sorted(maps.Keys(uc.changed)) {
		if !seen[id] {
			u := uc.changed[id]
			if m, ok := uc.managers[id]; ok {
				u.ManagerID = m
			}
			us = append(us, u)
		}
	}
	return us
}

// groupDelta is a round of /groups/delta(): the groups changed and
// removed, and the next delta link.
type groupDelta struct {
	changed map[string]models.Groupable
	removed map[string]bool
	link    string
}

func (r *Reader) groupChanges(ctx context.Context, link string) (*groupDelta, error) {
	r.progress("group changes", 0, 0)
	resp, err := groups.NewDeltaRequestBuilder(link, r.c.Adapter).GetAsDeltaGetResponse(ctx, nil)
	if err != nil {
		return nil, endpointErr("/groups/delta()", err)
	}
	gc := &groupDelta{changed: map[string]models.Groupable{}, removed: map[string]bool{}}
	gc.link, err = collect(ctx, r, "/groups/delta()", resp, groups.CreateDeltaGetResponseFromDiscriminatorValue, func(g models.Groupable) {
		id := str(g.GetId())
		if removedMark(g) {
			gc.removed[id] = true
			return
		}
		gc.changed[id] = g
	})
	return gc, err
}

// affected returns the groups to re-read: the changed ones and those that
// contain them. A group whose only change is that deleted users left it
// needs no re-read: they are dropped anyway.
func (gc *groupDelta) affected(prevGroups map[string]groupState, removedUsers map[string]bool) map[string]bool {
	affected := map[string]bool{}
	for id, g := range gc.changed {
		if st, ok := prevGroups[id]; ok && str(g.GetDisplayName()) == st.Name && onlyLeavers(g, removedUsers) {
			continue
		}
		affected[id] = true
	}
	for id, st := range prevGroups {
		for _, n := range st.Nested {
			if affected[n] || gc.removed[n] {
				affected[id] = true
			}
		}
	}
	return affected
}

// apply returns the groups of the new snapshot, with the members and
// owners prev recorded (the removed users left out), and the indices of
// those to re-read (todo).
func (gc *groupDelta) apply(prev *tenant.Directory, prevGroups map[string]groupState, removedUsers map[string]bool) (gs []groupData, todo []int) {
	affected := gc.affected(prevGroups, removedUsers)
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
	for _, id := range slices.Sorted(maps.Keys(prevGroups)) {
		if gc.removed[id] {
			continue
		}
		st := prevGroups[id]
		if g, ok := gc.changed[id]; ok {
			st.Name = cmp.Or(str(g.GetDisplayName()), st.Name)
			if types := g.GetGroupTypes(); types != nil {
				st.Unified = slices.Contains(types, "Unified")
			}
		}
		if affected[id] {
			todo = append(todo, len(gs))
		}
		st.Nested = slices.DeleteFunc(slices.Clone(st.Nested), func(n string) bool { return gc.removed[n] })
		gs = append(gs, groupData{id: id, state: st, users: prevMembers[id], owner: prevOwners[id]})
	}
	for _, id := range slices.Sorted(maps.Keys(gc.changed)) {
		if _, ok := prevGroups[id]; ok {
			continue
		}
		g := gc.changed[id]
		todo = append(todo, len(gs))
		gs = append(gs, groupData{id: id, state: groupState{Name: str(g.GetDisplayName()), Unified: slices.Contains(g.GetGroupTypes(), "Unified")}})
	}
	return gs, todo
}
