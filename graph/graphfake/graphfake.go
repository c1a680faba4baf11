// Package graphfake is a local stand-in for Microsoft Graph v1.0 that
// speaks its wire format, for tests and benchmarks of the Graph ingest
// and of `rolemine apply`: JSON shaped like the documented responses (GUID
// ids where Graph has GUIDs, @odata.type on directory objects), $select,
// paging through absolute @odata.nextLink URLs, /users/delta() and
// /groups/delta() with delta links and @removed entries, gzip-compressed
// request bodies, and faults on demand: 429 and 503 with Retry-After: 0, a
// path that keeps failing, a malformed page.
//
// It is test infrastructure: no rolemine command imports it.
package graphfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// User is a directory user.
type User struct {
	ID, UserPrincipalName, DisplayName, JobTitle, Department, CompanyName, EmployeeType, UserType, ManagerID string
	AccountEnabled                                                                                           bool
}

// Group is a security or Microsoft 365 (Unified) group. Members holds the
// direct members: user and group ids. A Unified group may have a site.
type Group struct {
	ID, DisplayName string
	Unified         bool
	Members, Owners []string
	Site            *Site
}

// Site is the SharePoint site connected to a Microsoft 365 group.
type Site struct {
	ID, Name, WebURL string
}

// AppRole is a role a service principal defines.
type AppRole struct {
	ID, Value, DisplayName string
}

// RoleAssignment grants an app role to a user or a group.
type RoleAssignment struct {
	ID, AppRoleID, PrincipalID, PrincipalType string
}

// ServicePrincipal is an application with its roles and assignments.
type ServicePrincipal struct {
	ID, AppID, DisplayName string
	AppRoles               []AppRole
	Assigned               []RoleAssignment
}

// AccessPackage is an existing entitlement-management access package.
type AccessPackage struct {
	ID, DisplayName, CatalogID string
	Scopes                     []Scope
	Assignees                  []string
}

// Scope is a resource role of an access package.
type Scope struct {
	OriginID, OriginSystem, RoleOriginID, RoleDisplayName string
}

// Tenant is the directory the server serves.
type Tenant struct {
	Users             []User
	Groups            []Group
	ServicePrincipals []ServicePrincipal
	AccessPackages    []AccessPackage
}

// Faults make the server misbehave. Counts are of all requests so far.
type Faults struct {
	// ThrottleEvery answers every n-th request with 429 and Retry-After: 0.
	ThrottleEvery int
	// UnavailableEvery answers every n-th request with 503 and
	// Retry-After: 0.
	UnavailableEvery int
	// FailPath answers every request whose path contains it with 500.
	FailPath string
	// MalformedPath answers requests whose path contains it with a page
	// cut off in the middle of its JSON.
	MalformedPath string
	// Delay holds every answer back this long (Graph's latency), unless
	// the request is cancelled first.
	Delay time.Duration
}

// Server serves a Tenant. Create it with New; its URL is where Graph's
// base URL would be (without /v1.0).
type Server struct {
	*httptest.Server
	// PageSize is the page length when a request sets no $top (default 100).
	PageSize int

	mu       sync.Mutex
	tenant   *Tenant
	faults   Faults
	requests []string       // "METHOD path?query", in order
	auth     map[string]int // Authorization headers seen
	count    int
	version  int
	changes  []change
	userIdx  map[string]int
	groupIdx map[string]int
	dirty    bool // ids moved: rebuild the indexes

	em          em
	writeFaults WriteFaults
	writes      int
}

type change struct {
	version int
	kind    string // user, userRemoved, member, memberRemoved, group
	id, sub string
}

// New starts a server for t. Close it when done.
func New(t *Tenant) *Server {
	s := &Server{tenant: t, PageSize: 100, version: 1}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// SetFaults replaces the faults.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// Requests returns the requests served so far, as "METHOD path?query".
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Authorizations returns the Authorization headers seen ("" for none),
// with how many requests carried each.
func (s *Server) Authorizations() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.auth {
		out[k] = v
	}
	return out
}

// Count returns how many requests so far had a path containing part.
func (s *Server) Count(part string) int {
	n := 0
	for _, r := range s.Requests() {
		if strings.Contains(r, part) {
			n++
		}
	}
	return n
}

// UpdateUser replaces a user (or adds one) and records the change for
// delta queries.
func (s *Server) UpdateUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	if i := slices.IndexFunc(s.tenant.Users, func(x User) bool { return x.ID == u.ID }); i >= 0 {
		s.tenant.Users[i] = u
	} else {
		s.tenant.Users = append(s.tenant.Users, u)
		s.dirty = true
	}
	s.changes = append(s.changes, change{version: s.version, kind: "user", id: u.ID})
}

// RemoveUser deletes a user, with its memberships and role assignments.
func (s *Server) RemoveUser(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	s.tenant.Users = slices.DeleteFunc(s.tenant.Users, func(x User) bool { return x.ID == id })
	s.dirty = true
	s.changes = append(s.changes, change{version: s.version, kind: "userRemoved", id: id})
	for i := range s.tenant.Groups {
		g := &s.tenant.Groups[i]
		if slices.Contains(g.Members, id) {
			g.Members = slices.DeleteFunc(g.Members, func(m string) bool { return m == id })
			s.changes = append(s.changes, change{version: s.version, kind: "memberRemoved", id: g.ID, sub: id})
		}
		g.Owners = slices.DeleteFunc(g.Owners, func(m string) bool { return m == id })
	}
	for i := range s.tenant.ServicePrincipals {
		sp := &s.tenant.ServicePrincipals[i]
		sp.Assigned = slices.DeleteFunc(sp.Assigned, func(a RoleAssignment) bool { return a.PrincipalID == id })
	}
}

// AddMember adds a direct member (user or group) to a group.
func (s *Server) AddMember(groupID, memberID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	g := s.group(groupID)
	g.Members = append(g.Members, memberID)
	s.changes = append(s.changes, change{version: s.version, kind: "member", id: groupID, sub: memberID})
}

// RemoveMember removes a direct member from a group.
func (s *Server) RemoveMember(groupID, memberID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	g := s.group(groupID)
	g.Members = slices.DeleteFunc(g.Members, func(m string) bool { return m == memberID })
	s.changes = append(s.changes, change{version: s.version, kind: "memberRemoved", id: groupID, sub: memberID})
}

func (s *Server) group(id string) *Group {
	if g := s.findGroup(id); g != nil {
		return g
	}
	panic("graphfake: no group " + id)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodDelete {
		s.servePost(w, r)
		return
	}
	// The tenant is read under the lock; the response is encoded after it,
	// so that concurrent requests overlap as they would on Graph.
	s.mu.Lock()
	s.count++
	s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
	if s.auth == nil {
		s.auth = map[string]int{}
	}
	s.auth[r.Header.Get("Authorization")]++
	f := s.faults
	n := s.count
	var list *listing
	var obj map[string]any
	var err error
	path, ok := strings.CutPrefix(r.URL.Path, "/v1.0")
	if ok && r.Method == http.MethodGet {
		list, obj, err = s.route(r, path)
	}
	s.mu.Unlock()
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case f.ThrottleEvery > 0 && n%f.ThrottleEvery == 0:
		w.Header().Set("Retry-After", "0")
		writeError(w, http.StatusTooManyRequests, "TooManyRequests", "Too many requests; retry after 0 seconds.")
		return
	case f.UnavailableEvery > 0 && n%f.UnavailableEvery == 0:
		w.Header().Set("Retry-After", "0")
		writeError(w, http.StatusServiceUnavailable, "serviceNotAvailable", "The service is temporarily unavailable.")
		return
	case f.FailPath != "" && strings.Contains(r.URL.Path, f.FailPath):
		writeError(w, http.StatusInternalServerError, "generalException", "An internal server error occurred.")
		return
	case !ok:
		writeError(w, http.StatusNotFound, "BadRequest", "Resource not found for the segment '"+r.URL.Path+"'.")
		return
	case r.Method != http.MethodGet:
		writeError(w, http.StatusMethodNotAllowed, "BadRequest", "Only GET is served.")
		return
	}
	if err != nil {
		var he *httpError
		if ok := asHTTPError(err, &he); ok {
			writeError(w, he.status, he.code, he.msg)
			return
		}
		writeError(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	malformed := f.MalformedPath != "" && strings.Contains(r.URL.Path, f.MalformedPath)
	if obj != nil {
		s.write(w, selectFields(obj, r.URL.Query()), malformed)
		return
	}
	s.page(w, r, list, malformed)
}

// servePost serves the entitlement-management writes, with the write
// faults.
func (s *Server) servePost(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	var berr error
	if r.Method != http.MethodDelete {
		body, berr = readBody(r)
	}
	s.mu.Lock()
	s.count++
	s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
	s.writes++
	n, f := s.writes, s.writeFaults
	var obj map[string]any
	var err error
	path, _ := strings.CutPrefix(r.URL.Path, "/v1.0/identityGovernance/entitlementManagement/")
	throttled := f.ThrottleWrites > 0 && n%f.ThrottleWrites == 0
	failed := f.FailWrite == n
	if berr == nil && !throttled && !failed {
		switch r.Method {
		case http.MethodPut:
			obj, err = s.emPut(strings.Split(strings.Trim(path, "/"), "/"), body)
		case http.MethodDelete:
			if dir, ok := strings.CutPrefix(r.URL.Path, "/v1.0/"); ok && !strings.HasPrefix(dir, "identityGovernance/") {
				err = s.dirDelete(strings.Split(strings.Trim(dir, "/"), "/"))
				break
			}
			err = s.emDelete(strings.Split(strings.Trim(path, "/"), "/"))
		default:
			if rm, ok := strings.CutPrefix(r.URL.Path, "/v1.0/roleManagement/entitlementManagement/"); ok {
				obj, err = s.rmPost(rm, body)
				break
			}
			obj, err = s.emPost(strings.Split(strings.Trim(path, "/"), "/"), body)
		}
	}
	s.mu.Unlock()
	switch {
	case berr != nil:
		var he *httpError
		if asHTTPError(berr, &he) {
			writeError(w, he.status, he.code, he.msg)
		} else {
			writeError(w, http.StatusBadRequest, "BadRequest", berr.Error())
		}
	case throttled:
		w.Header().Set("Retry-After", "0")
		writeError(w, http.StatusTooManyRequests, "TooManyRequests", "Too many requests; retry after 0 seconds.")
	case failed, f.LoseWrite == n && err == nil:
		writeError(w, http.StatusInternalServerError, "generalException", "An internal server error occurred.")
	case err != nil:
		var he *httpError
		if asHTTPError(err, &he) {
			writeError(w, he.status, he.code, he.msg)
		} else {
			writeError(w, http.StatusBadRequest, "BadRequest", err.Error())
		}
	case obj == nil:
		w.WriteHeader(http.StatusNoContent)
	default:
		raw, _ := json.Marshal(obj)
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPut {
			w.WriteHeader(http.StatusOK)
		} else {
			w.WriteHeader(http.StatusCreated)
		}
		w.Write(raw)
	}
}

type httpError struct {
	status    int
	code, msg string
}

func (e *httpError) Error() string { return e.msg }

func asHTTPError(err error, target **httpError) bool {
	he, ok := err.(*httpError)
	if ok {
		*target = he
	}
	return ok
}

func notFound(what string) error {
	return &httpError{http.StatusNotFound, "Request_ResourceNotFound", fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", what)}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": msg,
		"innerError": map[string]any{"request-id": "00000000-0000-4000-8000-000000000000", "date": "2026-01-01T00:00:00"}}})
}

// listing is a collection to page through, or a delta round whose last
// page carries a delta link.
type listing struct {
	items     []map[string]any
	deltaLink string
}

// route returns the collection or the single object a GET asks for.
func (s *Server) route(r *http.Request, path string) (*listing, map[string]any, error) {
	q := r.URL.Query()
	seg := strings.Split(strings.Trim(path, "/"), "/")
	// Entra delivers in the background: whatever a read shows includes
	// what it has delivered since the last one.
	s.deliver(time.Now())
	isDelta := func(x string) bool { return x == "delta" || x == "delta()" || x == "microsoft.graph.delta()" }
	switch {
	case len(seg) == 1 && seg[0] == "users":
		return &listing{items: s.users(q)}, nil, nil
	case len(seg) == 2 && seg[0] == "users" && isDelta(seg[1]):
		return s.usersDelta(r, q)
	case len(seg) == 1 && seg[0] == "groups":
		return &listing{items: s.groups()}, nil, nil
	case len(seg) == 2 && seg[0] == "groups" && isDelta(seg[1]):
		return s.groupsDelta(r, q)
	case len(seg) == 3 && seg[0] == "groups":
		g := s.findGroup(seg[1])
		if g == nil {
			return nil, nil, notFound(seg[1])
		}
		switch seg[2] {
		case "transitiveMembers":
			return &listing{items: s.transitive(g)}, nil, nil
		case "members":
			return &listing{items: s.objects(g.Members)}, nil, nil
		case "owners":
			return &listing{items: s.objects(g.Owners)}, nil, nil
		}
	case len(seg) == 4 && seg[0] == "groups" && seg[2] == "sites" && seg[3] == "root":
		g := s.findGroup(seg[1])
		if g == nil || g.Site == nil {
			return nil, nil, notFound("root")
		}
		return nil, map[string]any{"@odata.context": s.URL + "/v1.0/$metadata#sites/$entity", "id": g.Site.ID, "name": g.Site.Name,
			"displayName": g.Site.Name, "webUrl": g.Site.WebURL, "createdDateTime": "2021-05-09T20:56:00Z"}, nil
	case len(seg) == 1 && seg[0] == "servicePrincipals":
		return &listing{items: s.servicePrincipals()}, nil, nil
	case len(seg) == 2 && seg[0] == "servicePrincipals":
		for _, sp := range s.servicePrincipals() {
			if sp["id"] == seg[1] {
				return nil, sp, nil
			}
		}
		return nil, nil, notFound(seg[1])
	case len(seg) == 3 && seg[0] == "servicePrincipals" && seg[2] == "appRoleAssignedTo":
		for _, sp := range s.tenant.ServicePrincipals {
			if sp.ID == seg[1] {
				return &listing{items: s.assignedTo(sp)}, nil, nil
			}
		}
		return nil, nil, notFound(seg[1])
	case len(seg) == 3 && seg[0] == "identityGovernance" && seg[1] == "entitlementManagement" && seg[2] == "accessPackages":
		items, err := filtered(append(s.accessPackages(), s.em.packages...), q)
		return &listing{items: items}, nil, err
	case len(seg) == 3 && seg[0] == "identityGovernance" && seg[1] == "entitlementManagement" && seg[2] == "assignments":
		// The assignments that exist, with those Entra has delivered since
		// (Graph v1.0, "List accessPackageAssignments": "$filter=accessPackage/id
		// eq '...'" selects a package's; "$expand=target" the subjects).
		items, err := filtered(append(s.packageAssignments(), s.em.assignments...), q)
		return &listing{items: items}, nil, err
	case len(seg) > 2 && seg[0] == "identityGovernance" && seg[1] == "entitlementManagement":
		return s.emGet(seg[2:], q)
	case len(seg) == 3 && seg[0] == "roleManagement" && seg[1] == "entitlementManagement" && seg[2] == "roleAssignments":
		items, err := filtered(s.em.roles, q)
		return &listing{items: items}, nil, err
	}
	return nil, nil, &httpError{http.StatusBadRequest, "BadRequest", "Resource not found for the segment '" + path + "'."}
}

// Nest moves the first n user members of the group named name into a new
// group, "<name> (legacy)", which becomes a member of it: the users hold
// the group's access through a nested group, as in tenants that grew
// before access packages. It returns the new group's id.
func (s *Server) Nest(name string, n int) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.tenant.Groups, func(g Group) bool { return strings.EqualFold(g.DisplayName, name) })
	if i < 0 {
		return "", fmt.Errorf("graphfake: no group %q", name)
	}
	parent := &s.tenant.Groups[i]
	var moved []string
	for _, m := range parent.Members {
		if _, ok := s.findUser(m); ok && len(moved) < n {
			moved = append(moved, m)
		}
	}
	if len(moved) < n {
		return "", fmt.Errorf("graphfake: group %q has %d user members, not %d", name, len(moved), n)
	}
	child := Group{ID: GUID("nested", parent.ID), DisplayName: parent.DisplayName + " (legacy)", Members: moved}
	parent.Members = append(slices.DeleteFunc(parent.Members, func(m string) bool { return slices.Contains(moved, m) }), child.ID)
	s.version++
	for _, m := range moved {
		s.changes = append(s.changes, change{version: s.version, kind: "memberRemoved", id: parent.ID, sub: m})
	}
	s.changes = append(s.changes, change{version: s.version, kind: "member", id: parent.ID, sub: child.ID})
	s.tenant.Groups = append(s.tenant.Groups, child)
	s.dirty = true
	return child.ID, nil
}
