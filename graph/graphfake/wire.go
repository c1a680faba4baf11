package graphfake

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (s *Server) userObject(u User, q url.Values) map[string]any {
	obj := map[string]any{
		"@odata.type": "#microsoft.graph.user", "id": u.ID, "userPrincipalName": u.UserPrincipalName, "displayName": u.DisplayName,
		"jobTitle": nullable(u.JobTitle), "department": nullable(u.Department), "companyName": nullable(u.CompanyName),
		"employeeType": nullable(u.EmployeeType), "accountEnabled": u.AccountEnabled, "userType": u.UserType,
	}
	if strings.Contains(q.Get("$expand"), "manager") && u.ManagerID != "" {
		obj["manager"] = map[string]any{"@odata.type": "#microsoft.graph.user", "id": u.ManagerID}
	}
	return obj
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Server) users(q url.Values) []map[string]any {
	out := make([]map[string]any, len(s.tenant.Users))
	for i, u := range s.tenant.Users {
		out[i] = s.userObject(u, q)
	}
	return out
}

func (s *Server) groupObject(g Group) map[string]any {
	types := []string{}
	if g.Unified {
		types = append(types, "Unified")
	}
	return map[string]any{"@odata.type": "#microsoft.graph.group", "id": g.ID, "displayName": g.DisplayName, "groupTypes": types,
		"securityEnabled": !g.Unified, "mailEnabled": g.Unified, "membershipRule": nil, "onPremisesSyncEnabled": nil}
}

func (s *Server) groups() []map[string]any {
	out := make([]map[string]any, len(s.tenant.Groups))
	for i, g := range s.tenant.Groups {
		out[i] = s.groupObject(g)
	}
	return out
}

// index maps ids to positions; rebuilt when the tenant changes size.
func (s *Server) index() {
	if len(s.userIdx) == len(s.tenant.Users) && len(s.groupIdx) == len(s.tenant.Groups) && !s.dirty {
		return
	}
	s.userIdx = make(map[string]int, len(s.tenant.Users))
	for i, u := range s.tenant.Users {
		s.userIdx[u.ID] = i
	}
	s.groupIdx = make(map[string]int, len(s.tenant.Groups))
	for i, g := range s.tenant.Groups {
		s.groupIdx[g.ID] = i
	}
	s.dirty = false
}

func (s *Server) findGroup(id string) *Group {
	s.index()
	if i, ok := s.groupIdx[id]; ok {
		return &s.tenant.Groups[i]
	}
	return nil
}

func (s *Server) findUser(id string) (User, bool) {
	s.index()
	if i, ok := s.userIdx[id]; ok {
		return s.tenant.Users[i], true
	}
	return User{}, false
}

// objects returns directory objects for ids: users and groups.
func (s *Server) objects(ids []string) []map[string]any {
	var out []map[string]any
	for _, id := range ids {
		if usr, ok := s.findUser(id); ok {
			out = append(out, map[string]any{"@odata.type": "#microsoft.graph.user", "id": usr.ID, "displayName": usr.DisplayName,
				"userPrincipalName": usr.UserPrincipalName})
		} else if g := s.findGroup(id); g != nil {
			out = append(out, map[string]any{"@odata.type": "#microsoft.graph.group", "id": g.ID, "displayName": g.DisplayName})
		}
	}
	return out
}

// transitive returns the users and groups reachable through g's members.
func (s *Server) transitive(g *Group) []map[string]any {
	seen := map[string]bool{}
	var ids []string
	var walk func(*Group)
	walk = func(g *Group) {
		for _, m := range g.Members {
			if seen[m] {
				continue
			}
			seen[m] = true
			ids = append(ids, m)
			if sub := s.findGroup(m); sub != nil {
				walk(sub)
			}
		}
	}
	walk(g)
	return s.objects(ids)
}

func (s *Server) servicePrincipals() []map[string]any {
	out := make([]map[string]any, len(s.tenant.ServicePrincipals))
	for i, sp := range s.tenant.ServicePrincipals {
		roles := make([]map[string]any, len(sp.AppRoles))
		for k, r := range sp.AppRoles {
			roles[k] = map[string]any{"id": r.ID, "value": r.Value, "displayName": r.DisplayName, "description": r.DisplayName,
				"allowedMemberTypes": []string{"User"}, "isEnabled": true, "origin": "Application"}
		}
		out[i] = map[string]any{"@odata.type": "#microsoft.graph.servicePrincipal", "id": sp.ID, "appId": sp.AppID,
			"displayName": sp.DisplayName, "appRoles": roles, "appRoleAssignmentRequired": true}
	}
	return out
}

func (s *Server) assignedTo(sp ServicePrincipal) []map[string]any {
	out := make([]map[string]any, len(sp.Assigned))
	for i, a := range sp.Assigned {
		name := ""
		for _, o := range s.objects([]string{a.PrincipalID}) {
			name, _ = o["displayName"].(string)
		}
		out[i] = map[string]any{"id": a.ID, "deletedDateTime": nil, "appRoleId": a.AppRoleID, "createdDateTime": "2021-02-02T04:22:45.9480566Z",
			"principalDisplayName": name, "principalId": a.PrincipalID, "principalType": a.PrincipalType,
			"resourceDisplayName": sp.DisplayName, "resourceId": sp.ID}
	}
	return out
}

func (s *Server) accessPackages() []map[string]any {
	out := make([]map[string]any, len(s.tenant.AccessPackages))
	for i, p := range s.tenant.AccessPackages {
		scopes := make([]map[string]any, len(p.Scopes))
		for k, sc := range p.Scopes {
			scopes[k] = map[string]any{
				"id": p.ID + "-scope-" + strconv.Itoa(k), "createdDateTime": "2024-01-01T00:00:00Z",
				"role": map[string]any{"id": p.ID + "-role-" + strconv.Itoa(k), "originId": sc.RoleOriginID, "originSystem": sc.OriginSystem,
					"displayName": sc.RoleDisplayName, "description": nil},
				"scope": map[string]any{"id": p.ID + "-sc-" + strconv.Itoa(k), "originId": sc.OriginID, "originSystem": sc.OriginSystem,
					"isRootScope": true, "displayName": "Root", "description": "Root Scope"},
			}
		}
		out[i] = map[string]any{"id": p.ID, "displayName": p.DisplayName, "description": "", "isHidden": false,
			"createdDateTime": "2024-01-01T00:00:00Z", "modifiedDateTime": "2024-01-01T00:00:00Z",
			"catalog": map[string]any{"id": p.CatalogID, "displayName": "General"}, "resourceRoleScopes": scopes}
	}
	return out
}

func (s *Server) packageAssignments() []map[string]any {
	var out []map[string]any
	for _, p := range s.tenant.AccessPackages {
		for k, u := range p.Assignees {
			out = append(out, map[string]any{"id": p.ID + "-assignment-" + strconv.Itoa(k), "state": "delivered", "status": "Delivered",
				"target":        map[string]any{"id": "t-" + u, "objectId": u, "subjectType": "user"},
				"accessPackage": map[string]any{"id": p.ID, "displayName": p.DisplayName}})
		}
	}
	return out
}

// deltaToken reads the version a delta link carries: 0 for an initial
// round.
func deltaToken(q url.Values) (int, error) {
	t := q.Get("$deltatoken")
	if t == "" {
		return 0, nil
	}
	if t == "latest" {
		return -1, nil
	}
	v, err := strconv.Atoi(strings.TrimPrefix(t, "v"))
	if err != nil {
		return 0, &httpError{http.StatusBadRequest, "badRequest", "Invalid delta token."}
	}
	return v, nil
}

func (s *Server) deltaLink(r *http.Request) string {
	q := r.URL.Query()
	q.Del("$skiptoken")
	q.Set("$deltatoken", "v"+strconv.Itoa(s.version))
	return s.URL + r.URL.Path + "?" + q.Encode()
}

func removed(id, typ, reason string) map[string]any {
	return map[string]any{"@odata.type": typ, "id": id, "@removed": map[string]any{"reason": reason}}
}

func (s *Server) usersDelta(r *http.Request, q url.Values) (*listing, map[string]any, error) {
	since, err := deltaToken(q)
	if err != nil {
		return nil, nil, err
	}
	l := &listing{deltaLink: s.deltaLink(r)}
	switch since {
	case -1:
		return l, nil, nil
	case 0:
		l.items = s.users(q)
		return l, nil, nil
	}
	done := map[string]bool{}
	for _, c := range slices.Backward(s.changes) {
		if c.version <= since || done[c.id] {
			continue
		}
		switch c.kind {
		case "user":
			done[c.id] = true
			if i := slices.IndexFunc(s.tenant.Users, func(x User) bool { return x.ID == c.id }); i >= 0 {
				u := s.tenant.Users[i]
				obj := s.userObject(u, q)
				if strings.Contains(q.Get("$select"), "manager") && u.ManagerID != "" {
					obj["manager@delta"] = []map[string]any{{"@odata.type": "#microsoft.graph.user", "id": u.ManagerID}}
				}
				l.items = append(l.items, obj)
			}
		case "userRemoved":
			done[c.id] = true
			l.items = append(l.items, removed(c.id, "#microsoft.graph.user", "deleted"))
		}
	}
	return l, nil, nil
}

func (s *Server) groupsDelta(r *http.Request, q url.Values) (*listing, map[string]any, error) {
	since, err := deltaToken(q)
	if err != nil {
		return nil, nil, err
	}
	withMembers := strings.Contains(q.Get("$select"), "members")
	l := &listing{deltaLink: s.deltaLink(r)}
	member := func(id string) map[string]any {
		typ := "#microsoft.graph.user"
		if s.findGroup(id) != nil {
			typ = "#microsoft.graph.group"
		}
		return map[string]any{"@odata.type": typ, "id": id}
	}
	if since == -1 {
		return l, nil, nil
	}
	if since == 0 {
		for _, g := range s.tenant.Groups {
			obj := s.groupObject(g)
			if withMembers {
				ms := []map[string]any{}
				for _, m := range g.Members {
					ms = append(ms, member(m))
				}
				obj["members@delta"] = ms
			}
			l.items = append(l.items, obj)
		}
		return l, nil, nil
	}
	changed := map[string][]map[string]any{}
	var order []string
	for _, c := range s.changes {
		if c.version <= since || (c.kind != "member" && c.kind != "memberRemoved" && c.kind != "group") {
			continue
		}
		if _, ok := changed[c.id]; !ok {
			order = append(order, c.id)
			changed[c.id] = []map[string]any{}
		}
		switch c.kind {
		case "member":
			changed[c.id] = append(changed[c.id], member(c.sub))
		case "memberRemoved":
			m := member(c.sub)
			m["@removed"] = map[string]any{"reason": "deleted"}
			changed[c.id] = append(changed[c.id], m)
		}
	}
	for _, id := range order {
		g := s.findGroup(id)
		if g == nil {
			l.items = append(l.items, removed(id, "#microsoft.graph.group", "deleted"))
			continue
		}
		obj := s.groupObject(*g)
		if withMembers {
			obj["members@delta"] = changed[id]
		}
		l.items = append(l.items, obj)
	}
	return l, nil, nil
}

// selectFields keeps the properties $select names, with id and the
// annotations.
func selectFields(obj map[string]any, q url.Values) map[string]any {
	sel := q.Get("$select")
	if sel == "" {
		return obj
	}
	keep := map[string]bool{"id": true}
	for _, f := range strings.Split(sel, ",") {
		keep[strings.TrimSpace(f)] = true
	}
	out := map[string]any{}
	for k, v := range obj {
		if keep[k] || strings.HasPrefix(k, "@") || strings.Contains(k, "@delta") || k == "manager" {
			out[k] = v
		}
	}
	return out
}

// page writes one page of a listing: $top items (at most 999) from
// $skiptoken, with an absolute nextLink when more remain, and the delta
// link on the last page of a delta round.
func (s *Server) page(w http.ResponseWriter, r *http.Request, l *listing, malformed bool) {
	q := r.URL.Query()
	size := s.PageSize
	if t, err := strconv.Atoi(q.Get("$top")); err == nil && t > 0 {
		size = min(t, 999)
	}
	from := 0
	if t := q.Get("$skiptoken"); t != "" {
		from, _ = strconv.Atoi(t)
	}
	from = min(max(from, 0), len(l.items))
	to := min(from+size, len(l.items))
	body := map[string]any{"@odata.context": s.URL + "/v1.0/$metadata#" + strings.TrimPrefix(r.URL.Path, "/v1.0/")}
	vals := make([]map[string]any, 0, to-from)
	for _, it := range l.items[from:to] {
		vals = append(vals, selectFields(it, q))
	}
	body["value"] = vals
	if to < len(l.items) {
		nq := r.URL.Query()
		nq.Set("$skiptoken", strconv.Itoa(to))
		body["@odata.nextLink"] = s.URL + r.URL.Path + "?" + nq.Encode()
	} else if l.deltaLink != "" {
		body["@odata.deltaLink"] = l.deltaLink
	}
	s.write(w, body, malformed)
}

func (s *Server) write(w http.ResponseWriter, body map[string]any, malformed bool) {
	raw, err := json.Marshal(body)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "generalException", err.Error())
		return
	}
	if malformed {
		raw = raw[:len(raw)/2]
	}
	w.Header().Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	w.Write(raw)
}

// Holders returns the users who hold a group's membership (directly or
// through nested groups) or, for a service principal and an app role id,
// the app role (assigned to them or to a group they are a direct member
// of), after delivering what Entra has delivered by now. Sorted.
func (s *Server) Holders(resourceID, appRoleID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliver(time.Now())
	seen := map[string]bool{}
	if g := s.findGroup(resourceID); g != nil && appRoleID == "" {
		for _, o := range s.transitive(g) {
			if o["@odata.type"] == "#microsoft.graph.user" {
				seen[o["id"].(string)] = true
			}
		}
	}
	for _, sp := range s.tenant.ServicePrincipals {
		if sp.ID != resourceID {
			continue
		}
		for _, a := range sp.Assigned {
			if a.AppRoleID != appRoleID {
				continue
			}
			if a.PrincipalType == "User" {
				seen[a.PrincipalID] = true
			} else if g := s.findGroup(a.PrincipalID); g != nil {
				for _, m := range g.Members {
					if _, ok := s.findUser(m); ok {
						seen[m] = true
					}
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}
