// Package tenant is rolemine's domain vocabulary: snapshots of a directory,
// its users, resources and entitlements, the packages proposed for it, and
// the Entra membership rules that assign them. It sits between the pure
// mining core, which knows only indices, and the adapters (the DuckDB store,
// reports, exports, Graph), which know identifiers and names.
package tenant

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rolemine/rolemine/mining"
)

// Resource types, as in resources.csv.
const (
	TypeGroup       = "group"
	TypeApplication = "application"
	TypeSite        = "site"
	TypeUnknown     = "unknown"
)

// ResourceTypes lists the resource types a snapshot may hold.
var ResourceTypes = []string{TypeGroup, TypeApplication, TypeSite, TypeUnknown}

// DefaultRole is the role of an assignment that names none.
const DefaultRole = "Member"

// Snapshot describes one immutable ingest of a directory.
type Snapshot struct {
	ID           int64     `json:"id"`
	Source       string    `json:"source"`
	Detail       string    `json:"detail,omitempty"`
	CreatedAt    time.Time `json:"createdAt"`
	Users        int64     `json:"users"`
	Resources    int64     `json:"resources"`
	Entitlements int64     `json:"entitlements"`
	Assignments  int64     `json:"assignments"`
}

// Resource is a group, an application (service principal) or a site.
type Resource struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	DisplayName string `json:"displayName"`
}

// Entitlement is a role on a resource: what an assignment grants.
type Entitlement struct {
	ResourceID string `json:"resourceId"`
	Role       string `json:"role"`
}

func (e Entitlement) String() string { return e.Role + " on " + e.ResourceID }

// AccountKind classifies a user account for mining and reporting.
type AccountKind uint8

const (
	// Member is an enabled human member account: the population that job
	// functions are mined from.
	Member AccountKind = iota
	Disabled
	Guest
	// NonPerson is a service or shared account, recognised by its employee
	// type or a svc-style name.
	NonPerson
)

func (k AccountKind) String() string {
	return [...]string{"member", "disabled", "guest", "nonPerson"}[k]
}

// Classify tells what kind of account a user is from its Graph properties.
// enabled is the accountEnabled property; an unknown value counts as enabled.
func Classify(enabled bool, userType, employeeType, upn, displayName string) AccountKind {
	switch {
	case strings.EqualFold(strings.TrimSpace(userType), "guest"):
		return Guest
	case !enabled:
		return Disabled
	case isServiceAccount(employeeType, upn, displayName):
		return NonPerson
	}
	return Member
}

func isServiceAccount(employeeType, upn, displayName string) bool {
	switch mining.NormalizeValue(employeeType) {
	case "service", "service account", "serviceaccount", "system", "system account", "shared", "shared mailbox", "resource":
		return true
	}
	for _, s := range []string{upn, displayName} {
		s = strings.ToLower(strings.TrimSpace(s))
		for _, p := range []string{"svc-", "svc_", "svc.", "sa-", "srv-", "service-"} {
			if strings.HasPrefix(s, p) {
				return true
			}
		}
	}
	return false
}

// Data is a snapshot loaded for analysis: the mining dataset and the
// identifiers and names behind its indices.
type Data struct {
	Snapshot Snapshot
	Dataset  *mining.Dataset
	// UserIDs[u] is the directory id of user u; UPNs[u] its user principal name.
	UserIDs []string
	UPNs    []string
	// Kinds[u] classifies user u's account.
	Kinds []AccountKind
	// Entitlements[e] is entitlement e.
	Entitlements []Entitlement
	// Resources by id.
	Resources map[string]Resource

	userIndex map[string]int32
	entIndex  map[Entitlement]int32
	holders   [][]int32 // see Holders
}

// Holders returns, per entitlement, the users who hold it, in order (the
// matrix by column). It is built on first use and kept.
func (d *Data) Holders() [][]int32 {
	if d.holders == nil {
		counts := make([]int32, d.Dataset.NumEntitlements+1)
		for _, e := range d.Dataset.Cols {
			counts[e+1]++
		}
		for e := 1; e < len(counts); e++ {
			counts[e] += counts[e-1]
		}
		users := make([]int32, len(d.Dataset.Cols))
		next := slices.Clone(counts[:len(counts)-1])
		for u := range d.Dataset.NumUsers {
			for _, e := range d.Dataset.Row(u) {
				users[next[e]] = int32(u)
				next[e]++
			}
		}
		d.holders = make([][]int32, d.Dataset.NumEntitlements)
		for e := range d.holders {
			d.holders[e] = users[counts[e]:counts[e+1]:counts[e+1]]
		}
	}
	return d.holders
}

// UserIndex returns the index of the user with the given id.
func (d *Data) UserIndex(id string) (int32, bool) {
	if d.userIndex == nil {
		d.userIndex = make(map[string]int32, len(d.UserIDs))
		for i, id := range d.UserIDs {
			d.userIndex[id] = int32(i)
		}
	}
	i, ok := d.userIndex[id]
	return i, ok
}

// EntitlementIndex returns the index of an entitlement.
func (d *Data) EntitlementIndex(e Entitlement) (int32, bool) {
	if d.entIndex == nil {
		d.entIndex = make(map[Entitlement]int32, len(d.Entitlements))
		for i, e := range d.Entitlements {
			d.entIndex[e] = int32(i)
		}
	}
	i, ok := d.entIndex[e]
	return i, ok
}

// ResourceName returns the display name of a resource, or its id.
func (d *Data) ResourceName(id string) string {
	if r, ok := d.Resources[id]; ok && r.DisplayName != "" {
		return r.DisplayName
	}
	return id
}

// Attribute returns attribute name of user u, or "".
func (d *Data) Attribute(name string, u int) string {
	if a := d.Dataset.Attribute(name); a != nil {
		return a.Value(u)
	}
	return ""
}

// InputError is bad input: it names the file, the line (or row, for
// Parquet) and the field.
type InputError struct {
	File  string
	Line  int    // 1-based line, or row for Parquet; 0 when the whole file is at fault
	Row   bool   // Line counts rows, not lines
	Field string // the column at fault, if any
	Msg   string
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		if e.Row {
			fmt.Fprintf(&b, ": row %d", e.Line)
		} else {
			fmt.Fprintf(&b, ": line %d", e.Line)
		}
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %q", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}
