package mining

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// Dataset is a user×entitlement matrix with user attributes.
//
// Rows are users, columns are entitlements, both dense indices from zero.
// The matrix is stored in compressed sparse row form: the entitlements of
// user u are Cols[Offsets[u]:Offsets[u+1]], sorted ascending and free of
// duplicates.
type Dataset struct {
	NumUsers        int
	NumEntitlements int
	Offsets         []int64
	Cols            []int32

	// Attributes holds one dictionary-encoded column per user attribute.
	Attributes []Attribute

	// Eligible marks the users that job-function mining may use as evidence
	// and propose packages for (typically enabled human member accounts).
	// A nil slice means every user is eligible.
	Eligible []bool

	// Guest marks the users no assignment rule selects: guests (Entra's
	// rules rolemine writes test userType Member). A nil slice means none.
	Guest []bool

	// Managers[u] is the index of user u's manager, -1 when they have
	// none among the users. A nil slice means no manager is known.
	Managers []int32
}

// Manager returns the index of user u's manager, or -1.
func (d *Dataset) Manager(u int) int32 {
	if d.Managers == nil {
		return -1
	}
	return d.Managers[u]
}

// IsGuest reports whether user u is a guest, whom no rule selects.
func (d *Dataset) IsGuest(u int) bool { return d.Guest != nil && d.Guest[u] }

// Attribute is a dictionary-encoded user attribute column. The value of user
// u is Values[Codes[u]]; the empty string stands for a missing value.
type Attribute struct {
	Name   string
	Values []string
	Codes  []uint32
}

// Value returns the attribute value of user u.
func (a *Attribute) Value(u int) string { return a.Values[a.Codes[u]] }

// Row returns the sorted entitlements of user u. The slice aliases the
// dataset and must not be modified.
func (d *Dataset) Row(u int) []int32 { return d.Cols[d.Offsets[u]:d.Offsets[u+1]] }

// NumAssignments returns the number of user×entitlement assignments.
func (d *Dataset) NumAssignments() int64 { return int64(len(d.Cols)) }

// Attribute returns the attribute column with the given name, or nil.
func (d *Dataset) Attribute(name string) *Attribute {
	for i := range d.Attributes {
		if d.Attributes[i].Name == name {
			return &d.Attributes[i]
		}
	}
	return nil
}

// IsEligible reports whether user u is eligible for job-function mining.
func (d *Dataset) IsEligible(u int) bool { return d.Eligible == nil || d.Eligible[u] }

// Validate checks the structural invariants of the dataset: offsets are
// monotone and end at len(Cols), every row is sorted and duplicate free and
// within range, and every attribute column has one code per user.
func (d *Dataset) Validate() error {
	if len(d.Offsets) != d.NumUsers+1 {
		return fmt.Errorf("dataset: %d offsets for %d users", len(d.Offsets), d.NumUsers)
	}
	if d.Offsets[0] != 0 || d.Offsets[d.NumUsers] != int64(len(d.Cols)) {
		return fmt.Errorf("dataset: offsets do not span the %d columns", len(d.Cols))
	}
	for u := 0; u < d.NumUsers; u++ {
		if d.Offsets[u] > d.Offsets[u+1] {
			return fmt.Errorf("dataset: offsets of user %d decrease", u)
		}
		row := d.Row(u)
		for i, e := range row {
			if e < 0 || int(e) >= d.NumEntitlements {
				return fmt.Errorf("dataset: user %d holds entitlement %d out of range", u, e)
			}
			if i > 0 && row[i-1] >= e {
				return fmt.Errorf("dataset: row of user %d is not sorted and unique", u)
			}
		}
	}
	for _, a := range d.Attributes {
		if len(a.Codes) != d.NumUsers {
			return fmt.Errorf("dataset: attribute %q has %d values for %d users", a.Name, len(a.Codes), d.NumUsers)
		}
		for u, c := range a.Codes {
			if int(c) >= len(a.Values) {
				return fmt.Errorf("dataset: attribute %q of user %d has code %d out of range", a.Name, u, c)
			}
		}
	}
	if d.Guest != nil && len(d.Guest) != d.NumUsers {
		return fmt.Errorf("dataset: guest marks of %d users for %d users", len(d.Guest), d.NumUsers)
	}
	if d.Eligible != nil && len(d.Eligible) != d.NumUsers {
		return fmt.Errorf("dataset: eligibility of %d users for %d users", len(d.Eligible), d.NumUsers)
	}
	return nil
}

// Builder accumulates assignments and attribute values into a Dataset. It
// accepts assignments in any order and with duplicates.
type Builder struct {
	numUsers, numEnts int
	rows              [][]int32
	attrs             []attrBuilder
}

type attrBuilder struct {
	name  string
	index map[string]uint32
	vals  []string
	codes []uint32
}

// NewBuilder returns a builder for a matrix of the given size.
func NewBuilder(numUsers, numEntitlements int) *Builder {
	return &Builder{numUsers: numUsers, numEnts: numEntitlements, rows: make([][]int32, numUsers)}
}

// Add records that user u holds entitlement e.
func (b *Builder) Add(u, e int) { b.rows[u] = append(b.rows[u], int32(e)) }

// SetAttribute sets attribute name of user u to value.
func (b *Builder) SetAttribute(name string, u int, value string) {
	var a *attrBuilder
	for i := range b.attrs {
		if b.attrs[i].name == name {
			a = &b.attrs[i]
			break
		}
	}
	if a == nil {
		b.attrs = append(b.attrs, attrBuilder{name: name, index: map[string]uint32{"": 0}, vals: []string{""}, codes: make([]uint32, b.numUsers)})
		a = &b.attrs[len(b.attrs)-1]
	}
	c, ok := a.index[value]
	if !ok {
		c = uint32(len(a.vals))
		a.index[value] = c
		a.vals = append(a.vals, value)
	}
	a.codes[u] = c
}

// Build returns the dataset. The builder must not be used afterwards.
func (b *Builder) Build() *Dataset {
	d := &Dataset{NumUsers: b.numUsers, NumEntitlements: b.numEnts, Offsets: make([]int64, b.numUsers+1)}
	n := 0
	for _, r := range b.rows {
		n += len(r)
	}
	d.Cols = make([]int32, 0, n)
	for u, r := range b.rows {
		slices.Sort(r)
		r = slices.Compact(r)
		d.Cols = append(d.Cols, r...)
		d.Offsets[u+1] = int64(len(d.Cols))
		b.rows[u] = nil
	}
	for _, a := range b.attrs {
		d.Attributes = append(d.Attributes, Attribute{Name: a.name, Values: a.vals, Codes: a.codes})
	}
	return d
}

// CSRBuilder builds a Dataset's matrix from (user, entitlement) pairs that
// arrive in batches and in any order, in two passes over compact arrays.
type CSRBuilder struct {
	numUsers, numEnts int
	users, ents       []int32
}

// NewCSRBuilder returns a builder expecting about sizeHint pairs.
func NewCSRBuilder(numUsers, numEntitlements, sizeHint int) *CSRBuilder {
	return &CSRBuilder{numUsers: numUsers, numEnts: numEntitlements,
		users: make([]int32, 0, sizeHint), ents: make([]int32, 0, sizeHint)}
}

// Add appends a batch of pairs; users[i] holds ents[i].
func (b *CSRBuilder) Add(users, ents []int32) error {
	if len(users) != len(ents) {
		return fmt.Errorf("dataset: %d users for %d entitlements in a batch", len(users), len(ents))
	}
	for i, u := range users {
		if u < 0 || int(u) >= b.numUsers {
			return fmt.Errorf("dataset: user %d out of range", u)
		}
		if e := ents[i]; e < 0 || int(e) >= b.numEnts {
			return fmt.Errorf("dataset: entitlement %d out of range", e)
		}
	}
	b.users = append(b.users, users...)
	b.ents = append(b.ents, ents...)
	return nil
}

// Build returns the dataset with its matrix; rows are sorted and duplicates
// dropped. Attributes and eligibility are left for the caller.
func (b *CSRBuilder) Build() (*Dataset, error) {
	d := &Dataset{NumUsers: b.numUsers, NumEntitlements: b.numEnts, Offsets: make([]int64, b.numUsers+1)}
	for _, u := range b.users {
		d.Offsets[u+1]++
	}
	for u := 0; u < b.numUsers; u++ {
		d.Offsets[u+1] += d.Offsets[u]
	}
	cols := make([]int32, len(b.users))
	next := slices.Clone(d.Offsets[:b.numUsers])
	for i, u := range b.users {
		cols[next[u]] = b.ents[i]
		next[u]++
	}
	b.users, b.ents = nil, nil
	// Sort each row and drop its duplicates, then close the gaps in place.
	lens := sortRows(d.Offsets, cols)
	w := int64(0)
	for u := 0; u < d.NumUsers; u++ {
		start := d.Offsets[u]
		d.Offsets[u] = w
		w += int64(copy(cols[w:], cols[start:start+lens[u]]))
	}
	d.Offsets[d.NumUsers] = w
	d.Cols = cols[:w:w]
	return d, nil
}

// minPartRows is the fewest rows sortRows sorts on a goroutine of their
// own; tests lower it.
var minPartRows = 4096

// sortRows sorts each row cols[start[u]:start[u+1]] and drops its
// duplicates, leaving them at the row's start, and returns each row's
// length after. The rows are sorted in parts on their own goroutines (a
// million rows took a second one after another).
func sortRows(start []int64, cols []int32) []int64 {
	n := len(start) - 1
	lens := make([]int64, n)
	parts := max(1, min(runtime.GOMAXPROCS(0), 8, n/minPartRows))
	var wg sync.WaitGroup
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := p * n / parts; u < (p+1)*n/parts; u++ {
				row := cols[start[u]:start[u+1]]
				slices.Sort(row)
				lens[u] = int64(len(slices.Compact(row)))
			}
		}()
	}
	wg.Wait()
	return lens
}
