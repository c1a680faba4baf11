package graphfake

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The entitlement-management side of the fake: catalogs, resource
// requests, access packages, resource role scopes, assignment policies and
// incompatibilities, created by POST and listed by GET with the $filter
// forms the export plan uses.

// EMObject is a created entitlement-management object, as JSON.
type EMObject = map[string]any

// em holds what POST requests created.
type em struct {
	catalogs      []EMObject
	resources     map[string][]EMObject // catalog id → resources (with roles)
	packages      []EMObject
	scopes        map[string][]EMObject // package id → resource role scopes
	policies      []EMObject
	incompatibles map[string][]string // package id → package ids
	incompatGroup map[string][]string // package id → group ids
	next          int
	// requests are the assignment requests, in order; assignments the
	// assignments they created once delivered.
	requests    []EMObject
	assignments []EMObject
	pending     []pendingAssignment
	updates     int // policies replaced
	removed     int // role scopes removed
	// removals are assignments an adminRemove request will take away.
	removals []pendingAssignment
	// roles are entitlement management role assignments (catalog owners).
	roles []EMObject
}

// pendingAssignment is an assignment Entra has accepted a request for but
// not yet delivered.
type pendingAssignment struct {
	at  time.Time
	obj EMObject
}

// WriteFaults make writes misbehave.
type WriteFaults struct {
	// ThrottleWrites answers every n-th POST with 429 and Retry-After: 0,
	// before applying it.
	ThrottleWrites int
	// FailWrite answers the n-th POST (counted from 1) with 500 before
	// applying it.
	FailWrite int
	// LoseWrite applies the n-th POST but answers 500, as when a response
	// is lost.
	LoseWrite int
	// DeliveryDelay is how long after an assignment request its
	// assignment appears in the list (Entra answers a request before it
	// delivers it).
	DeliveryDelay time.Duration
}

// SetWriteFaults replaces the write faults and restarts their count.
func (s *Server) SetWriteFaults(f WriteFaults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writeFaults = f
	s.writes = 0
}

// Created returns how many objects of a kind exist: "catalogs",
// "resources", "packages", "scopes", "policies", "automaticPolicies",
// "incompatibles", "incompatibleGroups", "assignmentRequests",
// "assignments".
func (s *Server) Created(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := &s.em
	n := 0
	switch kind {
	case "catalogs":
		n = len(e.catalogs)
	case "packages":
		n = len(e.packages)
	case "policies":
		n = len(e.policies)
	case "resources":
		for _, r := range e.resources {
			n += len(r)
		}
	case "scopes":
		for _, r := range e.scopes {
			n += len(r)
		}
	case "incompatibles":
		for _, r := range e.incompatibles {
			n += len(r)
		}
	case "incompatibleGroups":
		for _, r := range e.incompatGroup {
			n += len(r)
		}
	case "assignmentRequests":
		n = len(e.requests)
	case "removalRequests":
		for _, r := range e.requests {
			if r["requestType"] == "adminRemove" {
				n++
			}
		}
	case "catalogOwners":
		n = len(e.roles)
	case "policyUpdates":
		n = e.updates
	case "removedScopes":
		n = e.removed
	case "automaticPolicies":
		for _, p := range e.policies {
			if p["automaticRequestSettings"] != nil {
				n++
			}
		}
	case "assignments":
		n = len(e.assignments) + len(e.pending) - len(e.removals)
	}
	return n
}

// AssignmentRequests returns, per access package display name, the users
// its assignment requests named, in order (a user twice is a duplicate).
func (s *Server) AssignmentRequests() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]string{}
	for _, r := range s.em.requests {
		if r["requestType"] != "adminAdd" {
			continue
		}
		p := s.packageByID(get(r, "accessPackage.id"))
		out[get(p, "displayName")] = append(out[get(p, "displayName")], get(r, "assignment.target.objectId"))
	}
	return out
}

// deliver moves the pending assignments whose time has come to the list,
// and grants or takes away the access they carry. An assignment delivers
// its package's resource roles to its target as the directory's own
// objects: group membership (or ownership) and an app role assignment to
// the user, the same objects a direct grant is (Graph v1.0,
// accessPackageResourceRoleScope: "For a Microsoft Entra group, the role
// is member or owner"; for an application, an appRoleAssignment of the
// app role the role's originId names). The user's existing membership is
// that one membership; when the assignment ends Entra takes it away
// unless another delivered assignment of the user grants it.
func (s *Server) deliver(now time.Time) {
	e := &s.em
	kept := e.pending[:0]
	for _, p := range e.pending {
		if now.Before(p.at) {
			kept = append(kept, p)
			continue
		}
		p.obj["state"], p.obj["status"] = "delivered", "Delivered"
		e.assignments = append(e.assignments, p.obj)
		s.grantScopes(get(p.obj, "target.objectId"), get(p.obj, "accessPackage.id"), true)
	}
	e.pending = kept
	keptRemovals := e.removals[:0]
	for _, p := range e.removals {
		if now.Before(p.at) {
			keptRemovals = append(keptRemovals, p)
			continue
		}
		e.assignments = slices.DeleteFunc(e.assignments, func(a EMObject) bool { return a["id"] == p.obj["id"] })
		s.grantScopes(get(p.obj, "target.objectId"), get(p.obj, "accessPackage.id"), false)
	}
	e.removals = keptRemovals
}

// grantScopes adds user to the groups and app roles of the package's role
// scopes (add), or takes them away where no other delivered assignment of
// the user grants them. SharePoint site roles are left alone: the fake
// lists no SharePoint group members.
func (s *Server) grantScopes(user, pkgID string, add bool) {
	for _, sc := range s.em.scopes[pkgID] {
		role, sys, origin := get(sc, "role.originId"), get(sc, "role.originSystem"), get(sc, "scope.originId")
		if !add && s.otherGrant(user, pkgID, role, origin) {
			continue
		}
		switch sys {
		case "AadGroup":
			g := s.findGroup(origin)
			if g == nil {
				continue
			}
			list := &g.Members
			if strings.HasPrefix(role, "Owner_") {
				list = &g.Owners
			}
			has := slices.Contains(*list, user)
			switch {
			case add && !has:
				*list = append(*list, user)
				if list == &g.Members {
					s.version++
					s.changes = append(s.changes, change{version: s.version, kind: "member", id: g.ID, sub: user})
				}
			case !add && has:
				*list = slices.DeleteFunc(*list, func(m string) bool { return m == user })
				if list == &g.Members {
					s.version++
					s.changes = append(s.changes, change{version: s.version, kind: "memberRemoved", id: g.ID, sub: user})
				}
			}
		case "AadApplication":
			for i := range s.tenant.ServicePrincipals {
				sp := &s.tenant.ServicePrincipals[i]
				if sp.ID != origin {
					continue
				}
				mine := func(a RoleAssignment) bool { return a.PrincipalID == user && a.AppRoleID == role }
				has := slices.ContainsFunc(sp.Assigned, mine)
				switch {
				case add && !has:
					sp.Assigned = append(sp.Assigned, RoleAssignment{ID: GUID("delivered", sp.ID, user, role)[:22], AppRoleID: role,
						PrincipalID: user, PrincipalType: "User"})
				case !add:
					sp.Assigned = slices.DeleteFunc(sp.Assigned, mine)
				}
			}
		}
	}
}

// otherGrant reports whether another delivered assignment of user (to
// another package) carries the role on the resource.
func (s *Server) otherGrant(user, pkgID, role, origin string) bool {
	for _, a := range s.em.assignments {
		other := get(a, "accessPackage.id")
		if other == pkgID || get(a, "target.objectId") != user {
			continue
		}
		for _, sc := range s.em.scopes[other] {
			if get(sc, "role.originId") == role && get(sc, "scope.originId") == origin {
				return true
			}
		}
	}
	return false
}

// RoleScopes returns the resource role scopes created, by package display
// name, as JSON objects.
func (s *Server) RoleScopes() map[string][]EMObject {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]EMObject{}
	for _, p := range s.em.packages {
		name, _ := p["displayName"].(string)
		id, _ := p["id"].(string)
		out[name] = append(out[name], s.em.scopes[id]...)
	}
	return out
}

// Writes returns the POST, PUT and DELETE requests served (applied or
// not), as "METHOD path?query".
func (s *Server) Writes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.requests {
		if !strings.HasPrefix(r, "GET ") {
			out = append(out, r)
		}
	}
	return out
}

func (e *em) id(kind string) string {
	e.next++
	return GUID("em", kind, strconv.Itoa(e.next))
}

// readBody reads a request body, gunzipping it when it says it is
// compressed; a body labelled gzip that is not is refused as Graph does.
func readBody(r *http.Request) (map[string]any, error) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, &httpError{http.StatusBadRequest, "BadRequest", "The request body is labelled gzip but is not: " + err.Error()}
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return nil, &httpError{http.StatusBadRequest, "BadRequest", "Corrupt gzip body: " + err.Error()}
		}
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, &httpError{http.StatusBadRequest, "BadRequest", "Invalid JSON body: " + err.Error()}
	}
	return body, nil
}

func get(m map[string]any, path string) string {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = mm[k]
	}
	s, _ := cur.(string)
	return s
}

var filterTerm = regexp.MustCompile(`^\s*([\w/]+)\s+eq\s+'((?:[^']|'')*)'\s*$`)

// matches applies a $filter of "field eq 'value'" terms joined by "and".
func matches(obj map[string]any, filter string) (bool, error) {
	if filter == "" {
		return true, nil
	}
	for _, term := range strings.Split(filter, " and ") {
		m := filterTerm.FindStringSubmatch(term)
		if m == nil {
			return false, &httpError{http.StatusBadRequest, "BadRequest", "Unsupported $filter term: " + term}
		}
		if get(obj, strings.ReplaceAll(m[1], "/", ".")) != strings.ReplaceAll(m[2], "''", "'") {
			return false, nil
		}
	}
	return true, nil
}

func filtered(items []EMObject, q url.Values) ([]map[string]any, error) {
	var out []map[string]any
	for _, it := range items {
		ok, err := matches(it, q.Get("$filter"))
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, it)
		}
	}
	return out, nil
}

// emGet serves the entitlement-management lists.
func (s *Server) emGet(seg []string, q url.Values) (*listing, map[string]any, error) {
	e := &s.em
	switch {
	case len(seg) == 1 && seg[0] == "catalogs":
		items, err := filtered(e.catalogs, q)
		return &listing{items: items}, nil, err
	case len(seg) == 3 && seg[0] == "catalogs" && seg[2] == "resources":
		items, err := filtered(e.resources[seg[1]], q)
		return &listing{items: items}, nil, err
	case len(seg) == 3 && seg[0] == "catalogs" && seg[2] == "resourceRoles":
		var roles []EMObject
		for _, res := range e.resources[seg[1]] {
			for _, r := range res["roles"].([]EMObject) {
				role := EMObject{"id": r["id"], "originId": r["originId"], "originSystem": r["originSystem"], "displayName": r["displayName"],
					"resource": EMObject{"id": res["id"], "originId": res["originId"]}}
				roles = append(roles, role)
			}
		}
		items, err := filtered(roles, q)
		return &listing{items: items}, nil, err
	case len(seg) == 3 && seg[0] == "accessPackages" && seg[2] == "resourceRoleScopes":
		return &listing{items: e.scopes[seg[1]]}, nil, nil
	case len(seg) == 3 && seg[0] == "accessPackages" && seg[2] == "assignmentPolicies":
		var items []map[string]any
		for _, p := range e.policies {
			if get(p, "accessPackage.id") == seg[1] {
				items = append(items, p)
			}
		}
		return &listing{items: items}, nil, nil
	case len(seg) == 3 && seg[0] == "accessPackages" && seg[2] == "incompatibleAccessPackages":
		var items []map[string]any
		for _, id := range e.incompatibles[seg[1]] {
			items = append(items, EMObject{"id": id})
		}
		return &listing{items: items}, nil, nil
	case len(seg) == 3 && seg[0] == "accessPackages" && seg[2] == "incompatibleGroups":
		var items []map[string]any
		for _, id := range e.incompatGroup[seg[1]] {
			items = append(items, EMObject{"@odata.type": "#microsoft.graph.group", "id": id})
		}
		return &listing{items: items}, nil, nil
	}
	return nil, nil, &httpError{http.StatusBadRequest, "BadRequest", "Resource not found for the segment '" + strings.Join(seg, "/") + "'."}
}

func (s *Server) packageByID(id string) EMObject {
	for _, p := range s.em.packages {
		if p["id"] == id {
			return p
		}
	}
	return nil
}

// emPost creates an object and returns it (nil for a 204 reference).
func (s *Server) emPost(seg []string, body map[string]any) (map[string]any, error) {
	e := &s.em
	if e.resources == nil {
		e.resources, e.scopes = map[string][]EMObject{}, map[string][]EMObject{}
		e.incompatibles, e.incompatGroup = map[string][]string{}, map[string][]string{}
	}
	bad := func(msg string) error { return &httpError{http.StatusBadRequest, "BadRequest", msg} }
	switch {
	case len(seg) == 1 && seg[0] == "catalogs":
		name := get(body, "displayName")
		if name == "" {
			return nil, bad("displayName is required")
		}
		obj := EMObject{"id": e.id("catalog"), "displayName": name, "description": get(body, "description"), "catalogType": "userManaged",
			"state": "published", "isExternallyVisible": body["isExternallyVisible"], "createdDateTime": "2026-01-01T00:00:00Z"}
		e.catalogs = append(e.catalogs, obj)
		return obj, nil
	case len(seg) == 1 && seg[0] == "resourceRequests":
		cat := get(body, "catalog.id")
		if !s.hasCatalog(cat) {
			return nil, notFound(cat)
		}
		origin, system := get(body, "resource.originId"), get(body, "resource.originSystem")
		res := EMObject{"id": e.id("resource"), "originId": origin, "originSystem": system, "displayName": get(body, "resource.displayName"),
			"roles": s.rolesOf(origin, system, get(body, "resource.displayName"))}
		e.resources[cat] = append(e.resources[cat], res)
		return EMObject{"id": e.id("request"), "requestType": "adminAdd", "state": "delivered", "catalog": EMObject{"id": cat},
			"resource": EMObject{"originId": origin, "originSystem": system}}, nil
	case len(seg) == 1 && seg[0] == "accessPackages":
		cat := get(body, "catalog.id")
		if !s.hasCatalog(cat) {
			return nil, notFound(cat)
		}
		obj := EMObject{"id": e.id("package"), "displayName": get(body, "displayName"), "description": get(body, "description"),
			"isHidden": false, "catalog": EMObject{"id": cat}, "createdDateTime": "2026-01-01T00:00:00Z"}
		e.packages = append(e.packages, obj)
		return obj, nil
	case len(seg) == 3 && seg[0] == "accessPackages" && seg[2] == "resourceRoleScopes":
		if s.packageByID(seg[1]) == nil {
			return nil, notFound(seg[1])
		}
		if get(body, "role.originId") == "" || get(body, "scope.originId") == "" {
			return nil, bad("role.originId and scope.originId are required")
		}
		obj := EMObject{"id": e.id("scope"), "role": body["role"], "scope": body["scope"], "createdDateTime": "2026-01-01T00:00:00Z"}
		e.scopes[seg[1]] = append(e.scopes[seg[1]], obj)
		return obj, nil
	case len(seg) == 1 && seg[0] == "assignmentPolicies":
		if s.packageByID(get(body, "accessPackage.id")) == nil {
			return nil, notFound(get(body, "accessPackage.id"))
		}
		obj := EMObject{}
		for k, v := range body {
			obj[k] = v
		}
		obj["id"] = e.id("policy")
		e.policies = append(e.policies, obj)
		if obj["automaticRequestSettings"] != nil {
			s.autoAssign(obj)
		}
		return obj, nil
	case len(seg) == 1 && seg[0] == "assignmentRequests":
		return s.assignmentRequest(body)
	case len(seg) == 4 && seg[0] == "accessPackages" && seg[3] == "$ref":
		if s.packageByID(seg[1]) == nil {
			return nil, notFound(seg[1])
		}
		ref, _ := body["@odata.id"].(string)
		other := ref[strings.LastIndex(ref, "/")+1:]
		switch seg[2] {
		case "incompatibleAccessPackages":
			if s.packageByID(other) == nil {
				return nil, notFound(other)
			}
			e.incompatibles[seg[1]] = append(e.incompatibles[seg[1]], other)
			return nil, nil
		case "incompatibleGroups":
			e.incompatGroup[seg[1]] = append(e.incompatGroup[seg[1]], other)
			return nil, nil
		}
	}
	return nil, bad("Resource not found for the segment '" + strings.Join(seg, "/") + "'.")
}

func (s *Server) hasCatalog(id string) bool {
	for _, c := range s.em.catalogs {
		if c["id"] == id {
			return true
		}
	}
	return false
}

// rolesOf lists the roles a catalog resource offers: Member and Owner of a
// group, the app roles of an application, the SharePoint groups of a site.
func (s *Server) rolesOf(origin, system, displayName string) []EMObject {
	var roles []EMObject
	add := func(originID, name string) {
		roles = append(roles, EMObject{"id": GUID("role", origin, originID), "originId": originID, "originSystem": system, "displayName": name})
	}
	switch system {
	case "AadGroup":
		// Group roles: origin ids Member_<group id> and Owner_<group id>
		// (Graph v1.0, "Create resourceRoleScope", example 3).
		add("Member_"+origin, "Member")
		add("Owner_"+origin, "Owner")
	case "AadApplication":
		// "A group can have two roles, one for the owner and another for
		// the member. An application's roles are defined the application
		// manifest" (Graph v1.0, accessPackageResourceRole): the origin id
		// is the app role's id, the display name its display name (not
		// its value).
		for _, sp := range s.tenant.ServicePrincipals {
			if sp.ID == origin {
				for _, r := range sp.AppRoles {
					add(r.ID, cmp.Or(r.DisplayName, r.Value))
				}
			}
		}
	case "SharePointOnline":
		// A site's roles are its SharePoint groups, named "<site> Owners",
		// "<site> Members", "<site> Visitors" (Microsoft Learn,
		// "Understanding permission levels in SharePoint": the default
		// groups of a site, with Full Control, Edit and Read), plus any
		// custom group. Their origin id is the group's sequence number in
		// the site (Graph v1.0, accessPackageResourceRole: "For a
		// SharePoint Online site, the originId is the sequence number of
		// the role in the site"), which differs from site to site: never
		// the permission level's name.
		name := s.siteName(origin, displayName)
		h := fnv.New32a()
		h.Write([]byte(origin))
		seq := 3 + int(h.Sum32()%5)
		add(strconv.Itoa(seq), name+" Owners")
		add(strconv.Itoa(seq+1), name+" Visitors")
		if h.Sum32()%2 == 0 {
			// A custom group whose name also ends in Members.
			add(strconv.Itoa(seq+7), name+" Project Members")
		}
		add(strconv.Itoa(seq+2), name+" Members")
	}
	return roles
}

// siteName is a site's title: the connected group's site name, else the
// display name the resource request gave, else the URL's last segment.
func (s *Server) siteName(url, displayName string) string {
	for _, g := range s.tenant.Groups {
		if g.Site != nil && g.Site.WebURL == url && g.Site.Name != "" {
			return g.Site.Name
		}
	}
	if displayName != "" {
		return displayName
	}
	return url[strings.LastIndex(url, "/")+1:]
}

// assignmentRequest takes an administrator's direct-assignment request, as
// Graph v1.0 documents it ("Create accessPackageAssignmentRequest"): for
// requestType adminAdd "the assignment property contains the targetId of
// the user being assigned, the assignmentPolicyId property identifying the
// accessPackageAssignmentPolicy, and the accessPackageId property
// identifying the accessPackage"; the answer is 201 with the request in
// state submitted, and "subsequently an accessPackageAssignment ... [is]
// also created" (here after WriteFaults.DeliveryDelay). A direct request
// through a policy that assigns automatically is refused: such a policy
// assigns the users its rule selects, and nobody else.
func (s *Server) assignmentRequest(body map[string]any) (map[string]any, error) {
	e := &s.em
	bad := func(msg string) error { return &httpError{http.StatusBadRequest, "BadRequest", msg} }
	rt := get(body, "requestType")
	if strings.EqualFold(rt, "adminRemove") {
		// Graph v1.0, example 2: "requestType ... adminRemove. In the
		// assignment property, include an object with the identifier of
		// the accessPackageAssignment object to delete."
		id := get(body, "assignment.id")
		for _, a := range e.assignments {
			if a["id"] == id {
				req := EMObject{"id": e.id("assignmentRequest"), "requestType": "adminRemove", "state": "submitted", "status": "Accepted",
					"accessPackage": a["accessPackage"], "assignment": EMObject{"id": id}}
				e.requests = append(e.requests, req)
				e.removals = append(e.removals, pendingAssignment{at: time.Now().Add(s.writeFaults.DeliveryDelay), obj: a})
				return EMObject{"id": req["id"], "requestType": "adminRemove", "state": "submitted", "status": "Accepted"}, nil
			}
		}
		return nil, notFound(id)
	}
	if !strings.EqualFold(rt, "adminAdd") {
		return nil, bad("Unsupported requestType " + strconv.Quote(rt) + ": the fake takes adminAdd and adminRemove")
	}
	target, policyID, pkgID := get(body, "assignment.targetId"), get(body, "assignment.assignmentPolicyId"), get(body, "assignment.accessPackageId")
	if _, ok := s.findUser(target); !ok {
		return nil, notFound(target)
	}
	pkg := s.packageByID(pkgID)
	if pkg == nil {
		return nil, notFound(pkgID)
	}
	var policy EMObject
	for _, p := range e.policies {
		if p["id"] == policyID {
			policy = p
		}
	}
	switch {
	case policy == nil:
		return nil, notFound(policyID)
	case get(policy, "accessPackage.id") != pkgID:
		return nil, bad("The policy " + policyID + " is not a policy of access package " + pkgID + ".")
	case policy["automaticRequestSettings"] != nil:
		return nil, bad("The policy " + policyID + " assigns automatically; direct assignment requests need a direct-assignment policy.")
	}
	req := EMObject{"id": e.id("assignmentRequest"), "requestType": "adminAdd", "state": "submitted", "status": "Accepted",
		"accessPackage": EMObject{"id": pkgID}, "assignment": EMObject{"target": EMObject{"objectId": target}}}
	e.requests = append(e.requests, req)
	e.pending = append(e.pending, pendingAssignment{at: time.Now().Add(s.writeFaults.DeliveryDelay), obj: EMObject{
		"id": e.id("assignment"), "state": "delivering", "status": "Delivering",
		"target":           EMObject{"id": GUID("subject", target), "objectId": target, "subjectType": "user"},
		"accessPackage":    EMObject{"id": pkgID, "displayName": get(pkg, "displayName")},
		"assignmentPolicy": EMObject{"id": policyID}}})
	return EMObject{"id": req["id"], "requestType": "adminAdd", "state": "submitted", "status": "Accepted"}, nil
}

// emPut replaces an assignment policy, as Graph v1.0 "Update
// accessPackageAssignmentPolicy" does (PUT .../assignmentPolicies/{id},
// 200 with the policy). A policy stays with its access package.
func (s *Server) emPut(seg []string, body map[string]any) (map[string]any, error) {
	if len(seg) != 2 || seg[0] != "assignmentPolicies" {
		return nil, &httpError{http.StatusMethodNotAllowed, "BadRequest", "The fake replaces assignment policies only."}
	}
	for i, p := range s.em.policies {
		if p["id"] != seg[1] {
			continue
		}
		if pkg := get(body, "accessPackage.id"); pkg != "" && pkg != get(p, "accessPackage.id") {
			return nil, &httpError{http.StatusBadRequest, "BadRequest", "A policy cannot move to another access package."}
		}
		obj := EMObject{}
		for k, v := range body {
			obj[k] = v
		}
		obj["id"], obj["accessPackage"] = p["id"], p["accessPackage"]
		s.em.policies[i] = obj
		s.em.updates++
		if obj["automaticRequestSettings"] != nil {
			s.autoAssign(obj)
		}
		return obj, nil
	}
	return nil, notFound(seg[1])
}

// emDelete removes a resource role scope from an access package, as Graph
// v1.0 "Remove resourceRoleScope from an access package" does (DELETE
// .../accessPackages/{id}/resourceRoleScopes/{id}, 204).
func (s *Server) emDelete(seg []string) error {
	if len(seg) != 4 || seg[0] != "accessPackages" || seg[2] != "resourceRoleScopes" {
		return &httpError{http.StatusMethodNotAllowed, "BadRequest", "The fake removes resource role scopes only."}
	}
	scopes := s.em.scopes[seg[1]]
	for i, sc := range scopes {
		if sc["id"] == seg[3] {
			s.em.scopes[seg[1]] = append(scopes[:i:i], scopes[i+1:]...)
			s.em.removed++
			return nil
		}
	}
	return notFound(seg[3])
}

// dirDelete removes a group's direct member, as Graph v1.0 "Remove
// member" does (DELETE /groups/{group-id}/members/{directoryObject-id}/$ref,
// 204), or an app role assignment of a service principal, as "Delete
// appRoleAssignedTo" does (DELETE
// /servicePrincipals/{resource-SP-id}/appRoleAssignedTo/{appRoleAssignment-id},
// 204).
func (s *Server) dirDelete(seg []string) error {
	switch {
	case len(seg) == 5 && seg[0] == "groups" && seg[2] == "members" && seg[4] == "$ref":
		g := s.findGroup(seg[1])
		if g == nil {
			return notFound(seg[1])
		}
		if !slices.Contains(g.Members, seg[3]) {
			return notFound(seg[3])
		}
		g.Members = slices.DeleteFunc(g.Members, func(m string) bool { return m == seg[3] })
		s.version++
		s.changes = append(s.changes, change{version: s.version, kind: "memberRemoved", id: g.ID, sub: seg[3]})
		return nil
	case len(seg) == 4 && seg[0] == "servicePrincipals" && seg[2] == "appRoleAssignedTo":
		for i := range s.tenant.ServicePrincipals {
			sp := &s.tenant.ServicePrincipals[i]
			if sp.ID != seg[1] {
				continue
			}
			n := len(sp.Assigned)
			sp.Assigned = slices.DeleteFunc(sp.Assigned, func(a RoleAssignment) bool { return a.ID == seg[3] })
			if len(sp.Assigned) == n {
				return notFound(seg[3])
			}
			return nil
		}
		return notFound(seg[1])
	}
	return &httpError{http.StatusMethodNotAllowed, "BadRequest", "The fake removes group members and app role assignments only."}
}

// rmPost takes an entitlement management role assignment, as Graph v1.0
// "Create unifiedRoleAssignment" does for that provider: principalId,
// roleDefinitionId, and appScopeId "/AccessPackageCatalog/{catalog id}".
func (s *Server) rmPost(path string, body map[string]any) (map[string]any, error) {
	if strings.Trim(path, "/") != "roleAssignments" {
		return nil, &httpError{http.StatusBadRequest, "BadRequest", "Resource not found for the segment '" + path + "'."}
	}
	cat, ok := strings.CutPrefix(get(body, "appScopeId"), "/AccessPackageCatalog/")
	if !ok || !s.hasCatalog(cat) {
		return nil, notFound(get(body, "appScopeId"))
	}
	principal := get(body, "principalId")
	_, user := s.findUser(principal)
	if !user && s.findGroup(principal) == nil {
		return nil, notFound(principal)
	}
	obj := EMObject{"id": s.em.id("roleAssignment"), "principalId": principal, "roleDefinitionId": get(body, "roleDefinitionId"),
		"appScopeId": get(body, "appScopeId"), "directoryScopeId": "/"}
	s.em.roles = append(s.em.roles, obj)
	return obj, nil
}
