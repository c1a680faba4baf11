// Package apply carries out an export plan (export.BuildPlan) against
// Microsoft Graph through msgraph-sdk-go: it creates the catalog, adds the
// resources, creates the access packages with their resource role scopes
// and assignment policies, and marks the incompatibilities.
//
// Before every create it looks the object up (the step's Lookup): what
// exists is reused, so a second run creates nothing, and a run that failed
// halfway, even after a write whose response was lost, resumes without
// duplicates. Without Options.Yes it writes nothing and reports what it
// would create. Every request body is decoded into the SDK's model for its
// endpoint and sent as the SDK serialises it. Request bodies go out
// uncompressed (see graph/graphclient): kiota-http-go#183 reports that a
// compressed write retried after a 429 is resent uncompressed but labelled
// gzip.
package apply

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/graph/graphclient"
)

// Options configure a run.
type Options struct {
	// Yes creates what is missing; otherwise nothing is written.
	Yes bool
	// Report, when set, receives a line per step: what exists, what was
	// (or would be) created, what was read.
	Report func(line string)
	// Prune removes what a step's Prune finds the plan no longer has;
	// without it such items are reported, not removed.
	Prune bool
	// AwaitTimeout is how long a read-back (a step's Await) waits for Entra
	// to carry out what it was asked (default 2 minutes), polling every
	// AwaitPoll (default 2 seconds).
	AwaitTimeout, AwaitPoll time.Duration
}

// Outcomes of a step.
const (
	Exists      = "exists"
	Created     = "created"
	WouldCreate = "would create"
	Read        = "read"
	WouldRead   = "would read"
	Updated     = "updated"
	WouldUpdate = "would update"
	Removed     = "removed"
	WouldRemove = "would remove"
	Absent      = "absent"
)

// Result counts the outcomes.
type Result struct {
	Steps    int            `json:"steps"`
	Outcomes map[string]int `json:"outcomes"`
}

var placeholder = regexp.MustCompile(`\{\{([^{}]+)\}\}`)

type run struct {
	c    *graphclient.Client
	opt  Options
	vars map[string]string
	res  *Result
	// shared holds the lists that Shared lookups read, by path.
	shared map[string][]map[string]any
	// detail is what the last step adds to its report line.
	detail string
}

// Apply carries out the plan.
func Apply(ctx context.Context, c *graphclient.Client, plan *export.Plan, opt Options) (*Result, error) {
	if opt.AwaitTimeout == 0 {
		opt.AwaitTimeout = 2 * time.Minute
	}
	if opt.AwaitPoll == 0 {
		opt.AwaitPoll = 2 * time.Second
	}
	r := newRun(c, opt)
	for _, st := range plan.Steps {
		if err := ctx.Err(); err != nil {
			return r.res, err
		}
		r.detail = ""
		outcome, err := r.step(ctx, st)
		if err != nil {
			return r.res, fmt.Errorf("step %s (%s): %w", st.ID, st.Description, err)
		}
		r.res.Steps++
		r.res.Outcomes[outcome]++
		if opt.Report != nil {
			opt.Report(fmt.Sprintf("%-12s %s%s", outcome, st.Description, r.detail))
		}
	}
	return r.res, nil
}

func newRun(c *graphclient.Client, opt Options) *run {
	return &run{c: c, opt: opt, vars: map[string]string{}, res: &Result{Outcomes: map[string]int{}}, shared: map[string][]map[string]any{}}
}

// body returns a step's body as JSON with its placeholders filled.
func (r *run) body(st export.Step) (string, error) {
	raw, err := json.Marshal(st.Body)
	if err != nil {
		return "", err
	}
	body, ok := r.subst(string(raw), jsonEscape)
	if !ok {
		return "", fmt.Errorf("a value it needs is missing: %s", body)
	}
	return body, nil
}

// subst fills the placeholders of s; escape formats a value for where it
// goes. ok is false when a placeholder has no value yet (in a dry run, an
// object that would be created first).
func (r *run) subst(s string, escape func(string) string) (string, bool) {
	ok := true
	out := placeholder.ReplaceAllStringFunc(s, func(m string) string {
		v, found := r.vars[m[2:len(m)-2]]
		if !found {
			ok = false
			return m
		}
		return escape(v)
	})
	return out, ok
}

func jsonEscape(v string) string {
	b, _ := json.Marshal(v)
	return string(b[1 : len(b)-1])
}

func same(v string) string { return v }

func (r *run) step(ctx context.Context, st export.Step) (string, error) {
	if st.Find != nil {
		found, known, err := r.lookup(ctx, st.Find)
		if err != nil {
			return "", err
		}
		if found == nil {
			if !known && !r.opt.Yes {
				return WouldRemove, nil
			}
			return Absent, nil
		}
	}
	if st.Lookup != nil {
		found, known, err := r.lookup(ctx, st.Lookup)
		if err != nil {
			return "", err
		}
		if found != nil {
			if st.Update != nil {
				return r.update(ctx, st, found)
			}
			return Exists, nil
		}
		if !known && !r.opt.Yes {
			return WouldCreate, nil
		}
	}
	switch st.Method {
	case http.MethodGet:
		path, ok := r.subst(st.Path, same)
		if !ok {
			if r.opt.Yes {
				return "", fmt.Errorf("a value it needs is missing: %s", st.Path)
			}
			return WouldRead, nil
		}
		if st.Await != nil {
			return r.await(ctx, path, st.Await)
		}
		if st.Prune != nil {
			return r.prune(ctx, path, st.Prune)
		}
		doc, err := r.get(ctx, path)
		if err != nil {
			return "", err
		}
		if st.Choose != nil {
			if err := r.choose(ctx, st.Choose, doc); err != nil {
				return "", err
			}
			return Read, nil
		}
		if err := r.capture(st.Captures, doc); err != nil {
			if !r.opt.Yes {
				return WouldRead, nil // what it reads back would be created first
			}
			return "", err
		}
		return Read, nil
	case http.MethodPost:
		if !r.opt.Yes {
			if st.Find != nil {
				return WouldRemove, nil
			}
			return WouldCreate, nil
		}
		body, err := r.body(st)
		if err != nil {
			return "", err
		}
		path, ok := r.subst(st.Path, same)
		if !ok {
			return "", fmt.Errorf("a value it needs is missing: %s", st.Path)
		}
		content, err := Serialize(path, []byte(body))
		if err != nil {
			return "", err
		}
		doc, err := r.send(ctx, abs.POST, path, content)
		if err != nil {
			if graphclient.Status(err) == http.StatusForbidden && strings.HasSuffix(path, "/assignmentPolicies") {
				return "", fmt.Errorf("%w (an automatic assignment policy needs the Identity Governance Administrator or Global Administrator role and EntitlementManagement.ReadWrite.All)", err)
			}
			return "", err
		}
		if err := r.capture(st.Captures, doc); err != nil {
			return "", err
		}
		if st.Find != nil {
			return Removed, nil
		}
		return Created, nil
	case http.MethodDelete:
		if !r.opt.Yes {
			return WouldRemove, nil
		}
		path, ok := r.subst(st.Path, same)
		if !ok {
			return "", fmt.Errorf("a value it needs is missing: %s", st.Path)
		}
		if _, err := r.send(ctx, abs.DELETE, path, nil); err != nil {
			return "", err
		}
		return Removed, nil
	}
	return "", fmt.Errorf("unsupported method %s", st.Method)
}

// lookup returns the object a step creates when it exists already, and
// captures its values; known is false when the lookup cannot run yet.
func (r *run) lookup(ctx context.Context, l *export.Lookup) (found map[string]any, known bool, err error) {
	path, ok := r.subst(l.Path, same)
	if !ok {
		return nil, false, nil
	}
	match := map[string]string{}
	for k, v := range l.Match {
		if match[k], ok = r.subst(v, same); !ok {
			return nil, false, nil
		}
	}
	if l.Shared {
		items, ok := r.shared[path]
		if !ok {
			if items, err = r.list(ctx, path); err != nil {
				return nil, true, fmt.Errorf("look up: %w", err)
			}
			r.shared[path] = items
		}
		for _, obj := range items {
			if matchAll(obj, match) {
				return obj, true, r.capture(l.Captures, obj)
			}
		}
		return nil, true, nil
	}
	for path != "" {
		doc, err := r.get(ctx, path)
		if err != nil {
			return nil, true, fmt.Errorf("look up: %w", err)
		}
		items, _ := doc["value"].([]any)
		for _, it := range items {
			obj, _ := it.(map[string]any)
			if matchAll(obj, match) {
				return obj, true, r.capture(l.Captures, obj)
			}
		}
		next, _ := doc["@odata.nextLink"].(string)
		path = next
	}
	return nil, true, nil
}

// update compares the object found with the step's body on the Update's
// fields and replaces it when one differs (a dry run says which).
func (r *run) update(ctx context.Context, st export.Step, found map[string]any) (string, error) {
	body, err := r.body(st)
	if err != nil {
		return "", err
	}
	var want map[string]any
	if err := json.Unmarshal([]byte(body), &want); err != nil {
		return "", err
	}
	var changed []string
	for _, f := range st.Update.Compare {
		w, set := want[f]
		if set && !covers(canonical(found[f]), canonical(w)) {
			changed = append(changed, f)
		}
	}
	if len(changed) == 0 {
		return Exists, nil
	}
	r.detail = " (changed: " + strings.Join(changed, ", ") + ")"
	if !r.opt.Yes {
		return WouldUpdate, nil
	}
	id, _ := found["id"].(string)
	want["id"] = id
	full, err := json.Marshal(want)
	if err != nil {
		return "", err
	}
	path := st.Update.Path + id
	content, err := Serialize(path, full)
	if err != nil {
		return "", err
	}
	if _, err := r.send(ctx, abs.PUT, path, content); err != nil {
		return "", err
	}
	return Updated, nil
}

// covers reports whether have holds every value of want: equal leaves,
// lists of the same length item by item, and objects with at least want's
// keys (Graph may answer with properties the body does not set).
func covers(have, want any) bool {
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range w {
			if !covers(h[k], v) {
				return false
			}
		}
		return true
	case []any:
		h, ok := have.([]any)
		if !ok || len(h) != len(w) {
			return false
		}
		for i := range w {
			if !covers(h[i], w[i]) {
				return false
			}
		}
		return true
	}
	return fmt.Sprint(have) == fmt.Sprint(want)
}

// isoDuration matches the durations the plan writes (P14D) and the SDK
// writes back (P2W).
var isoDuration = regexp.MustCompile(`^P(\d+W)?(\d+D)?$`)

// canonical writes ISO 8601 durations of weeks and days in days, so that
// P14D and P2W compare equal.
func canonical(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = canonical(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = canonical(e)
		}
		return out
	case string:
		if m := isoDuration.FindStringSubmatch(x); m != nil && x != "P" {
			w, _ := strconv.Atoi(strings.TrimSuffix(m[1], "W"))
			d, _ := strconv.Atoi(strings.TrimSuffix(m[2], "D"))
			return fmt.Sprintf("P%dD", 7*w+d)
		}
	}
	return v
}

// prune removes the items of the list at path that the plan no longer
// has, when Options.Prune says so; otherwise it says which they are.
func (r *run) prune(ctx context.Context, path string, p *export.Prune) (string, error) {
	keep := map[string]bool{}
	for _, k := range p.Keep {
		v, ok := r.subst(k, same)
		if !ok {
			if r.opt.Yes {
				return "", fmt.Errorf("a value it needs is missing: %s", k)
			}
			return WouldRead, nil
		}
		keep[v] = true
	}
	items, err := r.list(ctx, path)
	if err != nil {
		return "", err
	}
	var stale []map[string]any
	var names []string
	for _, obj := range items {
		var key []string
		for _, f := range p.Fields {
			v, _ := field(obj, f)
			key = append(key, fmt.Sprint(v))
		}
		if !keep[strings.Join(key, "|")] {
			stale = append(stale, obj)
			name, _ := field(obj, "role.displayName")
			names = append(names, fmt.Sprint(name))
		}
	}
	if len(stale) == 0 {
		return Read, nil
	}
	r.detail = fmt.Sprintf(": %d no longer in the plan (%s)", len(stale), strings.Join(names, ", "))
	if !r.opt.Yes || !r.opt.Prune {
		if !r.opt.Prune {
			r.detail += "; --prune removes them"
		}
		return WouldRemove, nil
	}
	base, _, _ := strings.Cut(path, "?")
	for _, obj := range stale {
		id, _ := obj["id"].(string)
		if _, err := r.send(ctx, abs.DELETE, base+"/"+id, nil); err != nil {
			return "", err
		}
	}
	return Removed, nil
}

// list reads every page of a collection.
func (r *run) list(ctx context.Context, path string) ([]map[string]any, error) {
	var out []map[string]any
	for path != "" {
		doc, err := r.get(ctx, path)
		if err != nil {
			return nil, err
		}
		items, _ := doc["value"].([]any)
		for _, it := range items {
			obj, _ := it.(map[string]any)
			out = append(out, obj)
		}
		path, _ = doc["@odata.nextLink"].(string)
	}
	return out, nil
}

// await reads the list at path until the Field values of its items hold
// every value of a.Want, or AwaitTimeout passes. A dry run reads once and
// says how many are there.
func (r *run) await(ctx context.Context, path string, a *export.Await) (string, error) {
	deadline := time.Now().Add(r.opt.AwaitTimeout)
	for {
		items, err := r.list(ctx, path)
		if err != nil {
			return "", err
		}
		have := map[string]bool{}
		for _, obj := range items {
			if v, ok := field(obj, a.Field); ok {
				have[fmt.Sprint(v)] = true
			}
		}
		var missing []string
		for _, w := range a.Want {
			if have[w] == a.Absent {
				missing = append(missing, w)
			}
		}
		if len(missing) == 0 {
			return Read, nil
		}
		if !r.opt.Yes {
			return WouldRead, nil
		}
		if time.Now().After(deadline) {
			state := "not delivered"
			if a.Absent {
				state = "still there"
			}
			return "", fmt.Errorf("%s: %d of %d %s after %s (first: %s); Entra may still be working: run apply again to check",
				a.What, len(missing), len(a.Want), state, r.opt.AwaitTimeout, missing[0])
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(r.opt.AwaitPoll):
		}
	}
}

func matchAll(obj map[string]any, match map[string]string) bool {
	for k, want := range match {
		if v, ok := field(obj, k); !ok || fmt.Sprint(v) != want {
			return false
		}
	}
	return true
}

// field reads a dotted path, with list indices like value[0].id.
func field(doc map[string]any, path string) (any, bool) {
	var cur any = doc
	for _, part := range strings.Split(path, ".") {
		name, idx := part, -1
		if i := strings.Index(part, "["); i >= 0 && strings.HasSuffix(part, "]") {
			name = part[:i]
			n, err := strconv.Atoi(part[i+1 : len(part)-1])
			if err != nil {
				return nil, false
			}
			idx = n
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[name]; !ok {
			return nil, false
		}
		if idx >= 0 {
			list, ok := cur.([]any)
			if !ok || idx >= len(list) {
				return nil, false
			}
			cur = list[idx]
		}
	}
	return cur, cur != nil
}

// choose reads every page of a listed value and captures from the item the
// step's Choose picks; none fits is an error naming what was listed.
func (r *run) choose(ctx context.Context, c *export.Choose, doc map[string]any) error {
	var items []map[string]any
	var names []string
	for {
		list, _ := doc[c.ListName()].([]any)
		for _, it := range list {
			obj, _ := it.(map[string]any)
			items = append(items, obj)
			name, _ := obj[c.FieldName()].(string)
			names = append(names, name)
		}
		next, _ := doc["@odata.nextLink"].(string)
		if next == "" {
			break
		}
		var err error
		if doc, err = r.get(ctx, next); err != nil {
			return err
		}
	}
	i := c.Pick(names)
	if i < 0 {
		if len(names) == 0 {
			return fmt.Errorf("%s: no roles are listed for it", c.What)
		}
		return fmt.Errorf("%s: no role fits; the roles found are %q", c.What, names)
	}
	return r.capture(c.Captures, items[i])
}

func (r *run) capture(captures map[string]string, doc map[string]any) error {
	for name, path := range captures {
		v, ok := field(doc, path)
		if !ok {
			return fmt.Errorf("the response has no %s", path)
		}
		r.vars[name] = fmt.Sprint(v)
	}
	return nil
}

// requestURL turns a plan path (unencoded, for people to read) or an
// absolute next link into a URL; plan query parameters all start with $.
func (r *run) requestURL(path string) (*url.URL, error) {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return url.Parse(path)
	}
	p, query, _ := strings.Cut(path, "?")
	u, err := url.Parse(r.c.BaseURL + p)
	if err != nil {
		return nil, err
	}
	if query != "" {
		var parts []string
		for i, param := range strings.Split(query, "&$") {
			if i > 0 {
				param = "$" + param
			}
			k, v, _ := strings.Cut(param, "=")
			parts = append(parts, k+"="+strings.ReplaceAll(url.QueryEscape(v), "+", "%20"))
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	return u, nil
}

func (r *run) get(ctx context.Context, path string) (map[string]any, error) {
	return r.send(ctx, abs.GET, path, nil)
}

var errorMapping = abs.ErrorMappings{"XXX": odataerrors.CreateODataErrorFromDiscriminatorValue}

// send makes a request through the SDK's adapter (authentication,
// retries) and decodes the JSON response (nil for 204).
func (r *run) send(ctx context.Context, method abs.HttpMethod, path string, body []byte) (map[string]any, error) {
	u, err := r.requestURL(path)
	if err != nil {
		return nil, err
	}
	ri := abs.NewRequestInformation()
	ri.Method = method
	ri.SetUri(*u)
	ri.Headers.TryAdd("Accept", "application/json")
	if body != nil {
		ri.SetStreamContentAndContentType(body, "application/json")
	}
	out, err := r.c.Adapter.SendPrimitive(ctx, ri, "[]byte", errorMapping)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method.String(), u.Path, graphclient.Describe(err))
	}
	raw, _ := out.([]byte)
	if len(raw) == 0 {
		return map[string]any{}, nil
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s %s: malformed response: %w", method.String(), u.Path, err)
	}
	return doc, nil
}

// Model returns the SDK model factory for the body of a POST to path.
func Model(path string) (serialization.ParsableFactory, error) {
	p, _, _ := strings.Cut(path, "?")
	switch {
	case strings.HasSuffix(p, "/$ref"):
		return models.CreateReferenceCreateFromDiscriminatorValue, nil
	case strings.HasSuffix(p, "/entitlementManagement/catalogs"):
		return models.CreateAccessPackageCatalogFromDiscriminatorValue, nil
	case strings.HasSuffix(p, "/entitlementManagement/resourceRequests"):
		return models.CreateAccessPackageResourceRequestFromDiscriminatorValue, nil
	case strings.HasSuffix(p, "/entitlementManagement/accessPackages"):
		return models.CreateAccessPackageFromDiscriminatorValue, nil
	case strings.HasSuffix(p, "/resourceRoleScopes"):
		return models.CreateAccessPackageResourceRoleScopeFromDiscriminatorValue, nil
	case strings.HasSuffix(p, "/entitlementManagement/assignmentPolicies"),
		strings.Contains(p, "/entitlementManagement/assignmentPolicies/"): // PUT to replace one
		return models.CreateAccessPackageAssignmentPolicyFromDiscriminatorValue, nil
	case strings.HasSuffix(p, "/roleManagement/entitlementManagement/roleAssignments"):
		return models.CreateUnifiedRoleAssignmentFromDiscriminatorValue, nil
	case strings.HasSuffix(p, "/entitlementManagement/assignmentRequests"):
		return models.CreateAccessPackageAssignmentRequestFromDiscriminatorValue, nil
	}
	return nil, fmt.Errorf("no model for POST %s", p)
}

// Decode parses a request body into the SDK model of its endpoint.
// Properties the model does not define are an error.
func Decode(path string, body []byte) (serialization.Parsable, error) {
	factory, err := Model(path)
	if err != nil {
		return nil, err
	}
	node, err := jsonser.NewJsonParseNode(body)
	if err != nil {
		return nil, fmt.Errorf("body of POST %s: %w", path, err)
	}
	v, err := node.GetObjectValue(factory)
	if err != nil {
		return nil, fmt.Errorf("body of POST %s: %w", path, err)
	}
	if err := checkProperties(path, v); err != nil {
		return nil, err
	}
	return v, nil
}

// documented are properties a request body carries that the SDK's model
// does not define. An adminAdd request names the user, the policy and the
// package on its assignment: Graph v1.0, "Create
// accessPackageAssignmentRequest": "the assignment property contains the
// targetId of the user being assigned, the assignmentPolicyId property
// identifying the accessPackageAssignmentPolicy, and the accessPackageId
// property identifying the accessPackage."
var documented = map[string]bool{"assignment.targetId": true, "assignment.assignmentPolicyId": true, "assignment.accessPackageId": true}

// checkProperties refuses properties of v (and of the objects it holds)
// that its model does not define, except documented ones.
func checkProperties(path string, v serialization.Parsable) error {
	check := func(prefix string, v any) error {
		h, ok := v.(serialization.AdditionalDataHolder)
		if !ok {
			return nil
		}
		for k := range h.GetAdditionalData() {
			if !strings.HasPrefix(k, "@odata.") && !documented[prefix+k] {
				return fmt.Errorf("body of POST %s: %q is not a property of the model", path, prefix+k)
			}
		}
		return nil
	}
	if err := check("", v); err != nil {
		return err
	}
	if req, ok := v.(models.AccessPackageAssignmentRequestable); ok && req.GetAssignment() != nil {
		return check("assignment.", req.GetAssignment())
	}
	return nil
}

// Serialize decodes a body into its SDK model and returns it as the SDK
// serialises it.
func Serialize(path string, body []byte) ([]byte, error) {
	v, err := Decode(path, body)
	if err != nil {
		return nil, err
	}
	w := jsonser.NewJsonSerializationWriter()
	defer w.Close()
	if err := w.WriteObjectValue("", v); err != nil {
		return nil, err
	}
	return w.GetSerializedContent()
}
