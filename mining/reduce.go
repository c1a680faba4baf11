package mining

import (
	"cmp"
	"context"
	"slices"

	"github.com/rolemine/rolemine/mining/internal/bitset"
)

// bmatrix is a Boolean matrix as row bitsets, with the dataset index behind
// every row and column.
type bmatrix struct {
	rowIDs []int32
	colIDs []int32
	rows   []bitset.Set // over len(colIDs) bits
}

func (m *bmatrix) transpose() *bmatrix {
	t := &bmatrix{rowIDs: m.colIDs, colIDs: m.rowIDs, rows: make([]bitset.Set, len(m.colIDs))}
	for j := range t.rows {
		t.rows[j] = bitset.New(len(m.rowIDs))
	}
	for i, r := range m.rows {
		r.Each(func(j int) { t.rows[j].Add(i) })
	}
	return t
}

// keep returns the matrix restricted to the rows marked alive.
func (m *bmatrix) keep(alive []bool) *bmatrix {
	out := &bmatrix{colIDs: m.colIDs}
	for i, ok := range alive {
		if ok {
			out.rowIDs = append(out.rowIDs, m.rowIDs[i])
			out.rows = append(out.rows, m.rows[i])
		}
	}
	return out
}

// stepKind is a reduction step, undone in reverse order to rebuild roles.
type stepKind uint8

const (
	mergeRow stepKind = iota // row a is identical to row b: a gets b's roles
	dropRow                  // row a is the union of strictly smaller rows
)

type step struct {
	kind   stepKind
	onCols bool // the step is about permissions (columns), not users
	a, b   int32
}

// reduction is the outcome of reduce: the reduced matrix over dataset
// indices and the log to rebuild roles on the full matrix.
type reduction struct {
	m                          *bmatrix
	log                        []step
	usersAfterR1, permsAfterR1 int
}

// maxUnionRows bounds the quadratic union test; above it rows are only
// merged.
const maxUnionRows = 2_000_000

// reduce merges identical rows and columns (R1) and, when dropUnions is
// set, drops rows and columns that are unions of strictly smaller ones
// (R2), to a fixpoint. Users and permissions without assignments are left
// out: no role needs them.
func reduce(ctx context.Context, d *Dataset, dropUnions bool) (*reduction, error) {
	red := &reduction{}
	// R1 on users over the sparse rows: the matrix may be too wide for
	// bitsets before it.
	repOf := map[string]int32{}
	var reps []int32
	for u := 0; u < d.NumUsers; u++ {
		row := d.Row(u)
		if len(row) == 0 {
			continue
		}
		key := int32Key(row)
		if r, ok := repOf[key]; ok {
			red.log = append(red.log, step{kind: mergeRow, a: int32(u), b: r})
			continue
		}
		repOf[key] = int32(u)
		reps = append(reps, int32(u))
	}
	// R1 on permissions: columns over the representative users.
	cols := make([][]int32, d.NumEntitlements)
	for i, u := range reps {
		for _, p := range d.Row(int(u)) {
			cols[p] = append(cols[p], int32(i))
		}
	}
	colRep := map[string]int32{}
	var permReps []int32
	local := make([]int32, d.NumEntitlements)
	for p, c := range cols {
		if len(c) == 0 {
			continue
		}
		key := int32Key(c)
		if r, ok := colRep[key]; ok {
			red.log = append(red.log, step{kind: mergeRow, onCols: true, a: int32(p), b: r})
			continue
		}
		colRep[key] = int32(p)
		local[p] = int32(len(permReps))
		permReps = append(permReps, int32(p))
	}
	red.usersAfterR1, red.permsAfterR1 = len(reps), len(permReps)
	m := &bmatrix{rowIDs: reps, colIDs: permReps, rows: make([]bitset.Set, len(reps))}
	isRep := make([]bool, d.NumEntitlements)
	for _, p := range permReps {
		isRep[p] = true
	}
	for i, u := range reps {
		m.rows[i] = bitset.New(len(permReps))
		for _, p := range d.Row(int(u)) {
			if isRep[p] {
				m.rows[i].Add(int(local[p]))
			}
		}
	}
	if !dropUnions {
		red.m = m
		return red, nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		changed := false
		var c bool
		m, c = dropUnionRows(m, &red.log, false)
		changed = changed || c
		t := m.transpose()
		t, c = dropUnionRows(t, &red.log, true)
		changed = changed || c
		t, c = mergeIdentical(t, &red.log, true)
		changed = changed || c
		m = t.transpose()
		m, c = mergeIdentical(m, &red.log, false)
		changed = changed || c
		if !changed {
			break
		}
	}
	red.m = m
	return red, nil
}

// mergeIdentical merges rows with equal bits into the first of them.
func mergeIdentical(m *bmatrix, log *[]step, onCols bool) (*bmatrix, bool) {
	first := map[string]int{}
	alive := make([]bool, len(m.rows))
	changed := false
	for i, r := range m.rows {
		k := r.Key()
		if j, ok := first[k]; ok {
			*log = append(*log, step{kind: mergeRow, onCols: onCols, a: m.rowIDs[i], b: m.rowIDs[j]})
			changed = true
			continue
		}
		first[k] = i
		alive[i] = true
	}
	if !changed {
		return m, false
	}
	return m.keep(alive), true
}

// dropUnionRows drops, one at a time, every row that equals the union of
// the live rows strictly inside it (R2). Rows must be distinct. A row is
// checked bit by bit: each of its bits must lie in some live, strictly
// smaller row inside it, found through the rows holding that bit; the
// first bit without one ends the check, which keeps sparse matrices fast.
func dropUnionRows(m *bmatrix, log *[]step, onCols bool) (*bmatrix, bool) {
	n := len(m.rows)
	if n > maxUnionRows || n == 0 {
		return m, false
	}
	counts := make([]int, n)
	holders := make([][]int32, len(m.colIDs)) // column → rows with the bit
	for i, r := range m.rows {
		counts[i] = r.Count()
		r.Each(func(j int) { holders[j] = append(holders[j], int32(i)) })
	}
	alive := make([]bool, n)
	for i := range alive {
		alive[i] = true
	}
	acc := bitset.New(len(m.colIDs))
	changed := false
	var bits []int32
	for i, r := range m.rows {
		if counts[i] < 2 {
			continue
		}
		clear(acc)
		// Rarest bits first: they are the likeliest to have no smaller row
		// inside this one, which ends the check at once.
		bits = r.AppendTo(bits[:0])
		slices.SortFunc(bits, func(a, b int32) int { return cmp.Compare(len(holders[a]), len(holders[b])) })
		union := true
		for _, j := range bits {
			if acc.Has(int(j)) {
				continue
			}
			found := false
			for _, v := range holders[j] {
				if int(v) != i && alive[v] && counts[v] < counts[i] && bitset.SubsetOf(m.rows[v], r) {
					bitset.Or(acc, acc, m.rows[v])
					found = true
					break
				}
			}
			if !found {
				union = false
				break
			}
		}
		if union {
			alive[i] = false
			*log = append(*log, step{kind: dropRow, onCols: onCols, a: m.rowIDs[i]})
			changed = true
		}
	}
	if !changed {
		return m, false
	}
	return m.keep(alive), true
}

// rebuild undoes the reduction log on roles over dataset indices, so that
// they cover the full matrix exactly as they covered the reduced one.
func rebuild(d *Dataset, roles []Role, log []step) []Role {
	// Sets for the subset tests of dropped rows and columns.
	userRows := map[int32]map[int32]bool{}
	permCols := map[int32]map[int32]bool{}
	for _, s := range log {
		if s.kind != dropRow {
			continue
		}
		if s.onCols {
			permCols[s.a] = map[int32]bool{}
		} else {
			userRows[s.a] = map[int32]bool{}
			for _, p := range d.Row(int(s.a)) {
				userRows[s.a][p] = true
			}
		}
	}
	if len(permCols) > 0 {
		for u := 0; u < d.NumUsers; u++ {
			for _, p := range d.Row(u) {
				if c, ok := permCols[p]; ok {
					c[int32(u)] = true
				}
			}
		}
	}
	// Which roles hold each user and permission, kept up to date.
	userRoles := map[int32][]int{}
	permRoles := map[int32][]int{}
	for r, role := range roles {
		for _, u := range role.Users {
			userRoles[u] = append(userRoles[u], r)
		}
		for _, p := range role.Perms {
			permRoles[p] = append(permRoles[p], r)
		}
	}
	for i := len(log) - 1; i >= 0; i-- {
		s := log[i]
		switch {
		case s.kind == mergeRow && !s.onCols:
			for _, r := range userRoles[s.b] {
				roles[r].Users = append(roles[r].Users, s.a)
			}
			userRoles[s.a] = append(userRoles[s.a], userRoles[s.b]...)
		case s.kind == mergeRow && s.onCols:
			for _, r := range permRoles[s.b] {
				roles[r].Perms = append(roles[r].Perms, s.a)
			}
			permRoles[s.a] = append(permRoles[s.a], permRoles[s.b]...)
		case s.kind == dropRow && !s.onCols:
			for r := range roles {
				if allIn(roles[r].Perms, userRows[s.a]) {
					roles[r].Users = append(roles[r].Users, s.a)
					userRoles[s.a] = append(userRoles[s.a], r)
				}
			}
		case s.kind == dropRow && s.onCols:
			for r := range roles {
				if allIn(roles[r].Users, permCols[s.a]) {
					roles[r].Perms = append(roles[r].Perms, s.a)
					permRoles[s.a] = append(permRoles[s.a], r)
				}
			}
		}
	}
	return roles
}

func allIn(xs []int32, set map[int32]bool) bool {
	for _, x := range xs {
		if !set[x] {
			return false
		}
	}
	return true
}

// components splits the matrix into the connected components of its
// bipartite graph (R3); each is returned as row and column positions.
func components(m *bmatrix) [][2][]int {
	n := len(m.rows)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	owner := make([]int, len(m.colIDs))
	for j := range owner {
		owner[j] = -1
	}
	for i, r := range m.rows {
		r.Each(func(j int) {
			if owner[j] < 0 {
				owner[j] = i
			} else if a, b := find(owner[j]), find(i); a != b {
				parent[max(a, b)] = min(a, b)
			}
		})
	}
	index := map[int]int{}
	var out [][2][]int
	for i := range m.rows {
		root := find(i)
		k, ok := index[root]
		if !ok {
			k = len(out)
			index[root] = k
			out = append(out, [2][]int{})
		}
		out[k][0] = append(out[k][0], i)
	}
	for j, o := range owner {
		if o >= 0 {
			k := index[find(o)]
			out[k][1] = append(out[k][1], j)
		}
	}
	return out
}

// int32Key encodes a list of indices as a map key.
func int32Key(xs []int32) string {
	b := make([]byte, 4*len(xs))
	for i, x := range xs {
		b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = byte(x), byte(x>>8), byte(x>>16), byte(x>>24)
	}
	return string(b)
}
