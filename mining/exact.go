package mining

import (
	"cmp"
	"container/heap"
	"context"
	"math/bits"
	"runtime"
	"slices"
	"sync"

	"github.com/rolemine/rolemine/mining/internal/bitset"
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
	words := len(sets[0])
	// An open hash table of the sets found: head by hash, chained by next.
	head := map[uint64]int32{}
	var next []int32
	var out []bitset.Set
	find := func(x bitset.Set, h uint64) bool {
		i, ok := head[h]
		for ok && i >= 0 {
			if out[i].Equal(x) {
				return true
			}
			i = next[i]
		}
		return false
	}
	add := func(x bitset.Set, h uint64) {
		prev, ok := head[h]
		if !ok {
			prev = -1
		}
		head[h] = int32(len(out))
		next = append(next, prev)
		out = append(out, x)
	}
	// The intersections of a row with the sets found so far are computed in
	// parallel chunks that only read the table; the chunks' new sets are then
	// added in order, so the result does not depend on the number of workers.
	workers := min(runtime.GOMAXPROCS(0), 8)
	type found struct {
		sets   []bitset.Set
		hashes []uint64
	}
	results := make([]found, workers)
	work := 0
	scan := func(s bitset.Set, lo, hi int, f *found) {
		tmp := make(bitset.Set, words)
		f.sets, f.hashes = f.sets[:0], f.hashes[:0]
		for c := lo; c < hi; c++ {
			h, empty, same := bitset.AndHash(tmp, s, out[c])
			if empty || same { // s ∩ c = c is already there
				continue
			}
			if !find(tmp, h) {
				f.sets = append(f.sets, slices.Clone(tmp))
				f.hashes = append(f.hashes, h)
			}
		}
	}
	for i, s := range sets {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		n := len(out)
		if work += n * len(s); work > maxClosureWork {
			return nil, errBudget
		}
		if h := s.Hash(); !s.Empty() && !find(s, h) {
			add(slices.Clone(s), h)
		}
		w := 1
		if n >= 4096 {
			w = workers
		}
		if w == 1 {
			scan(s, 0, n, &results[0])
		} else {
			var wg sync.WaitGroup
			for k := range w {
				wg.Add(1)
				go func() {
					defer wg.Done()
					scan(s, k*n/w, (k+1)*n/w, &results[k])
				}()
			}
			wg.Wait()
		}
		for k := range w {
			for j, x := range results[k].sets {
				if h := results[k].hashes[j]; !find(x, h) {
					add(x, h)
					if len(out) > max {
						return nil, errBudget
					}
				}
			}
		}
	}
	return out, nil
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

// Work bounds of the exact set cover: membership tests of the reduction
// rules, and search nodes times kernel elements. Each is a few seconds.
const (
	maxReduceWork = 300_000_000
	maxSearchWork = 4_000_000_000
)

// setCover is a solution of a set-cover instance.
type setCover struct {
	chosen         []int // sets chosen
	forced         int   // how many the reduction rules fixed
	lowerBound     int   // proved lower bound on the optimum
	proved         bool
	kernelElements int
	kernelSets     int
	nodes          int
	limitOptimal   bool // the outside cover of size limit is optimal
}

// exactSetCover covers elements 0..n-1 with the fewest sets: the reduction
// rules (an element in one set fixes it; a set inside another is dropped; an
// element whose sets include another's is dropped) to a fixpoint, then
// branch and bound on what is left with a packing lower bound. Past
// maxNodes it returns the best cover found, not proved. limit is the size
// of a cover known from elsewhere: when the search proves that nothing
// smaller exists, the result says so with limitOptimal.
func exactSetCover(ctx context.Context, n int, sets [][]int32, maxNodes, limit int) (*setCover, error) {
	m := len(sets)
	elemSets := make([][]int32, n)
	for s, es := range sets {
		for _, e := range es {
			elemSets[e] = append(elemSets[e], int32(s))
		}
	}
	setBits := make([]bitset.Set, m)
	for s, es := range sets {
		setBits[s] = bitset.New(n)
		for _, e := range es {
			setBits[s].Add(int(e))
		}
	}
	elemBits := make([]bitset.Set, n)
	for e, ss := range elemSets {
		elemBits[e] = bitset.New(m)
		for _, s := range ss {
			elemBits[e].Add(int(s))
		}
	}
	liveSet := make([]bool, m)
	for s := range liveSet {
		liveSet[s] = true
	}
	liveElem := make([]bool, n)
	for e := range liveElem {
		liveElem[e] = true
	}
	sol := &setCover{}
	liveSetsOf := func(e int, buf []int32) []int32 {
		buf = buf[:0]
		for _, s := range elemSets[e] {
			if liveSet[s] {
				buf = append(buf, s)
			}
		}
		return buf
	}
	liveElemsOf := func(s int, buf []int32) []int32 {
		buf = buf[:0]
		for _, e := range sets[s] {
			if liveElem[e] {
				buf = append(buf, e)
			}
		}
		return buf
	}
	var b1, b2, b3 []int32
	// work counts the membership tests of the domination rules; past
	// maxReduceWork the rules stop and the search takes what is left.
	work := 0
	for changed := true; changed && work < maxReduceWork; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		changed = false
		// (a) An element in exactly one live set fixes that set.
		for e := 0; e < n; e++ {
			if !liveElem[e] {
				continue
			}
			b1 = liveSetsOf(e, b1)
			if len(b1) == 1 {
				s := int(b1[0])
				sol.chosen = append(sol.chosen, s)
				sol.forced++
				liveSet[s] = false
				for _, x := range sets[s] {
					liveElem[x] = false
				}
				changed = true
			}
		}
		// (b) A set whose live elements lie inside another live set's
		// elements is not needed.
		for s := 0; s < m; s++ {
			if !liveSet[s] {
				continue
			}
			b1 = liveElemsOf(s, b1)
			if len(b1) == 0 {
				liveSet[s] = false
				changed = true
				continue
			}
			pivot := b1[0]
			for _, x := range b1[1:] {
				if len(elemSets[x]) < len(elemSets[pivot]) {
					pivot = x
				}
			}
			for _, t := range elemSets[pivot] {
				if int(t) == s || !liveSet[t] {
					continue
				}
				inside := true
				work += len(b1)
				for _, x := range b1 {
					if !setBits[t].Has(int(x)) {
						inside = false
						break
					}
				}
				if !inside {
					continue
				}
				// Equal live elements: keep the lower index.
				if int(t) > s && len(liveElemsOf(int(t), b3)) == len(b1) {
					continue
				}
				liveSet[s] = false
				changed = true
				break
			}
		}
		// (c) An element whose live sets all contain another element is
		// covered whenever that one is.
		for e := 0; e < n; e++ {
			if !liveElem[e] {
				continue
			}
			b1 = liveSetsOf(e, b1)
			if len(b1) == 0 {
				continue
			}
			pivot := b1[0]
			for _, s := range b1[1:] {
				if len(sets[s]) < len(sets[pivot]) {
					pivot = s
				}
			}
			b2 = liveElemsOf(int(pivot), b2)
			for _, f := range b2 {
				if int(f) == e || !liveElem[f] {
					continue
				}
				dominated := true
				work += len(b1)
				for _, s := range b1 {
					if !elemBits[f].Has(int(s)) {
						dominated = false
						break
					}
				}
				if !dominated {
					continue
				}
				// Equal live sets: drop only the higher index.
				if int(f) < e && len(liveSetsOf(int(f), b3)) == len(b1) {
					continue
				}
				liveElem[f] = false
				changed = true
			}
		}
	}
	// The kernel: live elements and live sets, renumbered.
	var kElems, kSets []int
	kElemIndex := make([]int, n)
	for e := range liveElem {
		if liveElem[e] {
			kElemIndex[e] = len(kElems)
			kElems = append(kElems, e)
		}
	}
	for s := range liveSet {
		if liveSet[s] {
			kSets = append(kSets, s)
		}
	}
	sol.kernelElements, sol.kernelSets = len(kElems), len(kSets)
	if len(kElems) == 0 {
		sol.lowerBound, sol.proved = len(sol.chosen), true
		return sol, nil
	}
	// A node costs about a pass over the kernel's elements, each a bitset
	// over its sets: bound the nodes so that the search stays within a
	// fixed amount of work.
	maxNodes = max(1, min(maxNodes, maxSearchWork/((len(kElems)+1)*bitset.Words(len(kSets)))))
	k := &kernel{sets: make([][]int32, len(kSets)), elemSets: make([][]int32, len(kElems)), maxNodes: maxNodes, ctx: ctx,
		limit: limit - sol.forced}
	for i, s := range kSets {
		for _, e := range sets[s] {
			if liveElem[e] {
				k.sets[i] = append(k.sets[i], int32(kElemIndex[e]))
				k.elemSets[kElemIndex[e]] = append(k.elemSets[kElemIndex[e]], int32(i))
			}
		}
	}
	best, rootLB, proved, err := k.solve()
	if err != nil {
		return nil, err
	}
	if proved && len(best) >= k.limit {
		// Nothing smaller than the outside cover exists.
		sol.limitOptimal = true
		sol.lowerBound = limit
		sol.proved = true
		sol.nodes = k.nodes
		return sol, nil
	}
	for _, i := range best {
		sol.chosen = append(sol.chosen, kSets[i])
	}
	sol.nodes = k.nodes
	sol.proved = proved
	if proved {
		sol.lowerBound = len(sol.chosen)
	} else {
		sol.lowerBound = sol.forced + rootLB
	}
	return sol, nil
}

// kernel is a set-cover instance for branch and bound.
type kernel struct {
	sets     [][]int32 // set → elements
	elemSets [][]int32 // element → sets
	elemBits []bitset.Set
	order    []int32 // elements by ascending number of sets, for the packing bound
	cover    []int32 // element → chosen sets covering it
	open     int     // uncovered elements
	cur      []int
	best     []int
	nodes    int
	maxNodes int
	limit    int // a cover of this size is known; search only below it
	aborted  bool
	used     bitset.Set
	ctx      context.Context
}

// solve returns the best cover, the root lower bound and whether the cover
// is proved optimal.
func (k *kernel) solve() ([]int, int, bool, error) {
	n := len(k.elemSets)
	k.elemBits = make([]bitset.Set, n)
	for e, ss := range k.elemSets {
		k.elemBits[e] = bitset.New(len(k.sets))
		for _, s := range ss {
			k.elemBits[e].Add(int(s))
		}
	}
	k.order = make([]int32, n)
	for i := range k.order {
		k.order[i] = int32(i)
	}
	slices.SortStableFunc(k.order, func(a, b int32) int { return cmp.Compare(len(k.elemSets[a]), len(k.elemSets[b])) })
	k.cover = make([]int32, n)
	k.open = n
	k.used = bitset.New(len(k.sets))
	k.best = k.greedy()
	rootLB := k.packing()
	if rootLB < min(len(k.best), k.limit) {
		k.search()
	}
	if err := k.ctx.Err(); err != nil {
		return nil, 0, false, err
	}
	return k.best, rootLB, !k.aborted, nil
}

// greedy covers the kernel by repeatedly taking the set with the most
// uncovered elements. Gains only fall as elements get covered, so stale
// gains in a max-heap are upper bounds: a popped set whose recomputed gain
// still beats the next one is the best (lazy greedy), with ties to the
// lower index.
func (k *kernel) greedy() []int {
	covered := make([]bool, len(k.elemSets))
	left := len(k.elemSets)
	gain := func(s int) int {
		g := 0
		for _, e := range k.sets[s] {
			if !covered[e] {
				g++
			}
		}
		return g
	}
	h := make(gainHeap, 0, len(k.sets))
	for s, es := range k.sets {
		if len(es) > 0 {
			h = append(h, gainItem{len(es), s})
		}
	}
	heap.Init(&h)
	var out []int
	for left > 0 && h.Len() > 0 {
		top := heap.Pop(&h).(gainItem)
		g := gain(top.set)
		if g == 0 {
			continue
		}
		if h.Len() > 0 && (g < h[0].gain || g == h[0].gain && h[0].set < top.set) {
			heap.Push(&h, gainItem{g, top.set})
			continue
		}
		out = append(out, top.set)
		for _, e := range k.sets[top.set] {
			if !covered[e] {
				covered[e] = true
				left--
			}
		}
	}
	return out
}

type gainItem struct{ gain, set int }

type gainHeap []gainItem

func (h gainHeap) Len() int { return len(h) }
func (h gainHeap) Less(i, j int) bool {
	if h[i].gain != h[j].gain {
		return h[i].gain > h[j].gain
	}
	return h[i].set < h[j].set
}
func (h gainHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *gainHeap) Push(x any)   { *h = append(*h, x.(gainItem)) }
func (h *gainHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// packing counts uncovered elements that pairwise share no set: each needs
// a set of its own, so this bounds the sets still needed from below.
func (k *kernel) packing() int {
	clear(k.used)
	n := 0
	for _, e := range k.order {
		if k.cover[e] > 0 || bitset.Intersects(k.elemBits[e], k.used) {
			continue
		}
		n++
		bitset.Or(k.used, k.used, k.elemBits[e])
	}
	return n
}

func (k *kernel) take(s int, d int32) {
	for _, e := range k.sets[s] {
		if k.cover[e] == 0 && d > 0 {
			k.open--
		}
		k.cover[e] += d
		if k.cover[e] == 0 && d < 0 {
			k.open++
		}
	}
}

func (k *kernel) search() {
	if k.aborted {
		return
	}
	k.nodes++
	if k.nodes > k.maxNodes || (k.nodes%4096 == 0 && k.ctx.Err() != nil) {
		k.aborted = true
		return
	}
	if k.open == 0 {
		if len(k.cur) < len(k.best) {
			k.best = slices.Clone(k.cur)
		}
		return
	}
	if len(k.cur)+k.packing() >= min(len(k.best), k.limit) {
		return
	}
	// Branch on the uncovered element with the fewest sets.
	pick := int32(-1)
	for _, e := range k.order {
		if k.cover[e] == 0 {
			pick = e
			break
		}
	}
	choices := slices.Clone(k.elemSets[pick])
	gain := func(s int32) int {
		g := 0
		for _, e := range k.sets[s] {
			if k.cover[e] == 0 {
				g++
			}
		}
		return g
	}
	slices.SortStableFunc(choices, func(a, b int32) int { return cmp.Compare(gain(b), gain(a)) })
	for _, s := range choices {
		k.cur = append(k.cur, int(s))
		k.take(int(s), 1)
		k.search()
		k.take(int(s), -1)
		k.cur = k.cur[:len(k.cur)-1]
		if k.aborted {
			return
		}
	}
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
		res.LowerBound += sol.lowerBound
		res.Proved = res.Proved && sol.proved
		res.Stats.Forced += sol.forced
		res.Stats.KernelElements += sol.kernelElements
		res.Stats.KernelSets += sol.kernelSets
		res.Stats.Nodes += sol.nodes
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
	setCover
	concepts int
	greedy   bool
}

// solveComponent covers one component of the reduced matrix; roles come
// back over dataset indices.
func solveComponent(ctx context.Context, m *bmatrix, comp [2][]int, opt CoverOptions) ([]Role, *componentSolution, error) {
	rows, cols := comp[0], comp[1]
	// The component as its own matrix, with the narrow side as columns.
	sub := &bmatrix{rows: make([]bitset.Set, len(rows))}
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
	transposed := len(cols) > len(rows)
	if transposed {
		sub = sub.transpose()
	}
	sol := &componentSolution{}
	closed, err := concepts(ctx, sub.rows, opt.MaxConcepts)
	if err == errBudget {
		// Too many candidates: fall back to the concepts of single rows
		// (each row is closed) and of single columns (the closure of what a
		// column's users share), which together cover every cell.
		closed = nil
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
		sol.greedy = true
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
	var cover *setCover
	if sol.greedy {
		cover = greedySetCover(base[len(sub.rows)], sets)
	} else if cover, err = exactSetCover(ctx, base[len(sub.rows)], sets, opt.MaxNodes, ncols); err != nil {
		return nil, nil, err
	}
	sol.setCover = *cover
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
	if cover.limitOptimal || len(cover.chosen) > ncols {
		xs := columnClosures(sub.rows, ncols)
		for c, users := range extentsOf(sub.rows, ncols, xs) {
			roles = append(roles, toRole(users, xs[c]))
		}
		sol.chosen = nil
		return roles, sol, nil
	}
	for _, c := range cover.chosen {
		roles = append(roles, toRole(extents[c], closed[c]))
	}
	return roles, sol, nil
}

// greedySetCover covers every element with sets taken by most new
// elements; it proves nothing.
func greedySetCover(n int, sets [][]int32) *setCover {
	k := &kernel{sets: sets, elemSets: make([][]int32, n)}
	for s, es := range sets {
		for _, e := range es {
			k.elemSets[e] = append(k.elemSets[e], int32(s))
		}
	}
	return &setCover{chosen: k.greedy(), lowerBound: 0, proved: false}
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
