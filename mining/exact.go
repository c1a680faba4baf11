package mining

import (
	"context"
	"math/bits"
	"runtime"
	"slices"
	"sync"

	"github.com/rolemine/rolemine/mining/internal/bitset"
	"github.com/rolemine/rolemine/mining/internal/setcover"
)

// maxClosureWork bounds the intersections concept enumeration may compute
// (sets × concepts so far × words): about ten seconds of work at most.
const maxClosureWork = 1_500_000_000

// concepts returns the closed subsets of the narrow side: every non-empty
// intersection of some of the sets, by incremental closure. It stops with
// errBudget past max sets (0: max(100,000, 20 per set)) or maxClosureWork.
func concepts(ctx context.Context, sets []bitset.Set, max int) ([]bitset.Set, error) {
	if max <= 0 {
		max = 100_000
		if 20*len(sets) > max {
			max = 20 * len(sets)
		}
	}
	if len(sets) == 0 {
		return nil, nil
	}
	t := &conceptTable{head: map[uint64]int32{}, words: len(sets[0])}
	// The intersections of a row with the sets found so far are computed in
	// parallel chunks that only read the table; the chunks' new sets are then
	// added in order, so the result does not depend on the number of workers.
	results := make([]intersections, min(runtime.GOMAXPROCS(0), 8))
	work := 0
	for i, s := range sets {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		n := len(t.out)
		if work += n * len(s); work > maxClosureWork {
			return nil, errBudget
		}
		if h := s.Hash(); !s.Empty() && !t.has(s, h) {
			t.add(slices.Clone(s), h)
		}
		w := 1
		if n >= 4096 {
			w = len(results)
		}
		t.intersect(s, n, results[:w])
		for _, r := range results[:w] {
			for j, x := range r.sets {
				if h := r.hashes[j]; !t.has(x, h) {
					t.add(x, h)
					if len(t.out) > max {
						return nil, errBudget
					}
				}
			}
		}
	}
	return t.out, nil
}

// conceptTable holds the closed sets found so far, in order, with an open
// hash table over them: head by hash, chained by next.
type conceptTable struct {
	head  map[uint64]int32
	next  []int32
	out   []bitset.Set
	words int
}

func (t *conceptTable) has(x bitset.Set, h uint64) bool {
	i, ok := t.head[h]
	for ok && i >= 0 {
		if t.out[i].Equal(x) {
			return true
		}
		i = t.next[i]
	}
	return false
}

func (t *conceptTable) add(x bitset.Set, h uint64) {
	prev, ok := t.head[h]
	if !ok {
		prev = -1
	}
	t.head[h] = int32(len(t.out))
	t.next = append(t.next, prev)
	t.out = append(t.out, x)
}

// intersections are the new sets one chunk of the table gave, with their
// hashes.
type intersections struct {
	sets   []bitset.Set
	hashes []uint64
}

// intersect computes the intersections of s with the table's first n sets
// that the table lacks, in len(rs) chunks on as many goroutines, into rs.
func (t *conceptTable) intersect(s bitset.Set, n int, rs []intersections) {
	scan := func(lo, hi int, r *intersections) {
		tmp := make(bitset.Set, t.words)
		r.sets, r.hashes = r.sets[:0], r.hashes[:0]
		for c := lo; c < hi; c++ {
			h, empty, same := bitset.AndHash(tmp, s, t.out[c])
			if empty || same { // s ∩ c = c is already there
				continue
			}
			if !t.has(tmp, h) {
				r.sets = append(r.sets, slices.Clone(tmp))
				r.hashes = append(r.hashes, h)
			}
		}
	}
	if len(rs) == 1 {
		scan(0, n, &rs[0])
		return
	}
	var wg sync.WaitGroup
	for k := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scan(k*n/len(rs), (k+1)*n/len(rs), &rs[k])
		}()
	}
	wg.Wait()
}

// extentsOf returns, for every narrow-side set x, the rows that contain it,
// as the intersection of x's columns.
func extentsOf(rows []bitset.Set, width int, xs []bitset.Set) [][]int32 {
	cols := make([]bitset.Set, width)
	for j := range cols {
		cols[j] = bitset.New(len(rows))
	}
	for i, r := range rows {
		r.Each(func(j int) { cols[j].Add(i) })
	}
	acc := bitset.New(len(rows))
	out := make([][]int32, len(xs))
	for c, x := range xs {
		first := true
		x.Each(func(j int) {
			if first {
				copy(acc, cols[j])
				first = false
			} else {
				bitset.And(acc, acc, cols[j])
			}
		})
		out[c] = acc.AppendTo(nil)
	}
	return out
}

// minRoles finds an exact cover with the fewest roles: reduce, split into
// components, enumerate concepts, and solve each component's set cover.
func minRoles(ctx context.Context, d *Dataset, opt CoverOptions) (*CoverResult, error) {
	red, err := reduce(ctx, d, true)
	if err != nil {
		return nil, err
	}
	res := &CoverResult{Proved: true}
	res.Stats.UsersAfterR1, res.Stats.PermsAfterR1 = red.usersAfterR1, red.permsAfterR1
	m := red.m
	res.Stats.UsersReduced, res.Stats.PermsReduced = len(m.rowIDs), len(m.colIDs)
	comps := components(m)
	res.Stats.Components = len(comps)
	for ci, comp := range comps {
		if opt.Progress != nil {
			opt.Progress(Progress{Stage: "components", Done: ci, Total: len(comps)})
		}
		roles, sol, err := solveComponent(ctx, m, comp, opt)
		if err != nil {
			return nil, err
		}
		res.Roles = append(res.Roles, roles...)
		res.LowerBound += sol.LowerBound
		// A cover as small as the bound is a minimum, however found.
		res.Proved = res.Proved && (sol.Proved || len(roles) <= sol.LowerBound)
		res.Stats.Forced += sol.Forced
		res.Stats.KernelElements += sol.KernelElements
		res.Stats.KernelSets += sol.KernelSets
		res.Stats.Nodes += sol.Nodes
		res.Stats.Concepts += sol.concepts
		if sol.greedy {
			res.Stats.Greedy++
		}
	}
	if opt.Progress != nil {
		opt.Progress(Progress{Stage: "components", Done: len(comps), Total: len(comps)})
	}
	res.Roles = trim(d, rebuild(d, res.Roles, red.log))
	return res, nil
}

type componentSolution struct {
	setcover.Solution
	concepts int
	greedy   bool
}

// foolingWork bounds the pair checks of a component's fooling set search
// (about a tenth of a second).
const foolingWork = 50_000_000

// solveComponent covers one component of the reduced matrix; roles come
// back over dataset indices.
func solveComponent(ctx context.Context, m *bmatrix, comp [2][]int, opt CoverOptions) ([]Role, *componentSolution, error) {
	sub, transposed := m.component(comp)
	sol := &componentSolution{}
	closed, err := concepts(ctx, sub.rows, opt.MaxConcepts)
	if err == errBudget {
		closed, sol.greedy = fallbackConcepts(sub), true
	} else if err != nil {
		return nil, nil, err
	}
	sol.concepts = len(closed)
	// Cells of the component, numbered row by row.
	base := make([]int, len(sub.rows)+1)
	for i, r := range sub.rows {
		base[i+1] = base[i] + r.Count()
	}
	cell := func(i, j int) int32 {
		r := sub.rows[i]
		rank := 0
		for w := 0; w < j>>6; w++ {
			rank += bits.OnesCount64(r[w])
		}
		rank += bits.OnesCount64(r[j>>6] & (1<<(uint(j)&63) - 1))
		return int32(base[i] + rank)
	}
	extents := extentsOf(sub.rows, len(sub.colIDs), closed)
	sets := make([][]int32, len(closed))
	for c, x := range closed {
		for _, i := range extents[c] {
			x.Each(func(j int) { sets[c] = append(sets[c], cell(int(i), j)) })
		}
	}
	// One concept per narrow-side column (its users and everything they
	// share) always covers the component: a bound for the search and a
	// fallback.
	ncols := len(sub.colIDs)
	var cover *setcover.Solution
	if sol.greedy {
		cover = setcover.Greedy(base[len(sub.rows)], sets)
	} else if cover, err = setcover.Exact(ctx, base[len(sub.rows)], sets, opt.MaxNodes, ncols); err != nil {
		return nil, nil, err
	}
	sol.Solution = *cover
	if !sol.Proved {
		// No bound from the search (or a weak one): a fooling set bounds
		// any exact cover of the component.
		set, err := foolingSet(ctx, sub.rows, ncols, foolingWork)
		if err != nil {
			return nil, nil, err
		}
		sol.LowerBound = max(sol.LowerBound, len(set))
	}
	toRole := func(users []int32, x bitset.Set) Role {
		var role Role
		for _, i := range users {
			role.Users = append(role.Users, sub.rowIDs[i])
		}
		x.Each(func(j int) { role.Perms = append(role.Perms, sub.colIDs[j]) })
		if transposed {
			role.Users, role.Perms = role.Perms, role.Users
		}
		return role
	}
	var roles []Role
	if sol.greedy {
		// The concepts were too many: grow roles instead (seeded.go), and
		// keep them when they beat the greedy cover.
		grown, err := seededCover(ctx, sub.rows, ncols)
		if err != nil {
			return nil, nil, err
		}
		if len(grown) < len(cover.Chosen) && len(grown) <= ncols {
			for _, r := range grown {
				roles = append(roles, toRole(r.extent, r.intent))
			}
			sol.Chosen = nil
			return roles, sol, nil
		}
	}
	if cover.LimitOptimal || len(cover.Chosen) > ncols {
		xs := columnClosures(sub.rows, ncols)
		for c, users := range extentsOf(sub.rows, ncols, xs) {
			roles = append(roles, toRole(users, xs[c]))
		}
		sol.Chosen = nil
		return roles, sol, nil
	}
	for _, c := range cover.Chosen {
		roles = append(roles, toRole(extents[c], closed[c]))
	}
	return roles, sol, nil
}

// component returns a component of m (its rows and columns) as a matrix
// of its own, with the narrow side as columns (transposed when that is the
// rows).
func (m *bmatrix) component(comp [2][]int) (sub *bmatrix, transposed bool) {
	rows, cols := comp[0], comp[1]
	sub = &bmatrix{rows: make([]bitset.Set, len(rows))}
	colPos := make(map[int]int, len(cols))
	for j, c := range cols {
		colPos[c] = j
		sub.colIDs = append(sub.colIDs, m.colIDs[c])
	}
	for i, r := range rows {
		sub.rowIDs = append(sub.rowIDs, m.rowIDs[r])
		sub.rows[i] = bitset.New(len(cols))
		m.rows[r].Each(func(j int) { sub.rows[i].Add(colPos[j]) })
	}
	if len(cols) > len(rows) {
		return sub.transpose(), true
	}
	return sub, false
}

// fallbackConcepts are the candidates when there are too many concepts:
// those of single rows (each row is closed) and of single columns (the
// closure of what a column's users share), which together cover every
// cell.
func fallbackConcepts(sub *bmatrix) []bitset.Set {
	var closed []bitset.Set
	seen := map[string]bool{}
	for _, r := range sub.rows {
		if k := r.Key(); !seen[k] {
			seen[k] = true
			closed = append(closed, r)
		}
	}
	for _, x := range columnClosures(sub.rows, len(sub.colIDs)) {
		if k := x.Key(); !seen[k] {
			seen[k] = true
			closed = append(closed, x)
		}
	}
	return closed
}

// columnClosures returns, for every column, the set of columns that all its
// rows share: the intent of the column's concept.
func columnClosures(rows []bitset.Set, width int) []bitset.Set {
	out := make([]bitset.Set, width)
	for j := range out {
		out[j] = bitset.New(width)
		for k := range out[j] {
			out[j][k] = ^uint64(0)
		}
	}
	seen := make([]bool, width)
	for _, r := range rows {
		r.Each(func(j int) {
			bitset.And(out[j], out[j], r)
			seen[j] = true
		})
	}
	for j := range out {
		if !seen[j] {
			clear(out[j])
		}
	}
	return out
}
