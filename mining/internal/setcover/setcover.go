// Package setcover solves set-cover instances: elements 0..n-1, sets as
// lists of elements. Exact finds a cover with the fewest sets by
// reduction rules and branch and bound with a packing lower bound, within
// work bounds; Greedy takes the sets that cover most new elements.
//
// The role-mining core (package mining) turns a matrix component into an
// instance whose sets are its concepts' cells.
package setcover

import (
	"cmp"
	"container/heap"
	"context"
	"slices"

	"github.com/rolemine/rolemine/mining/internal/bitset"
)

// Work bounds of the exact set cover: membership tests of the reduction
// rules, and search nodes times kernel elements. Each is a few seconds.
const (
	maxReduceWork = 300_000_000
	maxSearchWork = 4_000_000_000
)

// Solution is a cover of a set-cover instance and what is known of it.
type Solution struct {
	// Chosen are the sets of the cover.
	Chosen []int
	// Forced counts the sets the reduction rules fixed.
	Forced int
	// LowerBound is a proved lower bound on the fewest sets; Proved says
	// that Chosen has that many.
	LowerBound int
	Proved     bool
	// KernelElements and KernelSets are what the reduction rules left for
	// the search; Nodes the search nodes it visited.
	KernelElements, KernelSets, Nodes int
	// LimitOptimal says that the search proved nothing smaller than the
	// cover of size limit known from elsewhere (Exact's limit).
	LimitOptimal bool
}

// Exact covers elements 0..n-1 with the fewest sets: the reduction
// rules (an element in one set fixes it; a set inside another is dropped; an
// element whose sets include another's is dropped) to a fixpoint, then
// branch and bound on what is left with a packing lower bound. Past
// maxNodes it returns the best cover found, not proved. limit is the size
// of a cover known from elsewhere: when the search proves that nothing
// smaller exists, the result says so with LimitOptimal.
func Exact(ctx context.Context, n int, sets [][]int32, maxNodes, limit int) (*Solution, error) {
	r := newReducer(n, sets)
	sol := &Solution{}
	// work counts the membership tests of the domination rules; past
	// maxReduceWork the rules stop and the search takes what is left.
	for changed := true; changed && r.work < maxReduceWork; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fixed := r.fixSingletons()
		sol.Chosen = append(sol.Chosen, fixed...)
		sol.Forced += len(fixed)
		changed = len(fixed) > 0
		changed = r.dropDominatedSets() || changed
		changed = r.dropDominatedElements() || changed
	}
	kElems, kSets, kElemIndex := r.kernelIndex()
	sol.KernelElements, sol.KernelSets = len(kElems), len(kSets)
	if len(kElems) == 0 {
		sol.LowerBound, sol.Proved = len(sol.Chosen), true
		return sol, nil
	}
	// A node costs about a pass over the kernel's elements, each a bitset
	// over its sets: bound the nodes so that the search stays within a
	// fixed amount of work.
	maxNodes = max(1, min(maxNodes, maxSearchWork/((len(kElems)+1)*bitset.Words(len(kSets)))))
	k := &kernel{sets: make([][]int32, len(kSets)), elemSets: make([][]int32, len(kElems)), maxNodes: maxNodes, ctx: ctx,
		limit: limit - sol.Forced}
	for i, s := range kSets {
		for _, e := range sets[s] {
			if r.liveElem[e] {
				k.sets[i] = append(k.sets[i], int32(kElemIndex[e]))
				k.elemSets[kElemIndex[e]] = append(k.elemSets[kElemIndex[e]], int32(i))
			}
		}
	}
	best, rootLB, proved, err := k.solve()
	if err != nil {
		return nil, err
	}
	sol.Nodes = k.nodes
	if proved && len(best) >= k.limit {
		// Nothing smaller than the outside cover exists.
		sol.LimitOptimal, sol.LowerBound, sol.Proved = true, limit, true
		return sol, nil
	}
	for _, i := range best {
		sol.Chosen = append(sol.Chosen, kSets[i])
	}
	sol.Proved = proved
	if proved {
		sol.LowerBound = len(sol.Chosen)
	} else {
		sol.LowerBound = sol.Forced + rootLB
	}
	return sol, nil
}

// reducer applies the reduction rules to an instance: which sets and
// elements are still live, both ways as lists and as bit sets.
type reducer struct {
	n, m       int
	sets       [][]int32 // set → elements
	elemSets   [][]int32 // element → sets
	setBits    []bitset.Set
	elemBits   []bitset.Set
	liveSet    []bool
	liveElem   []bool
	b1, b2, b3 []int32 // scratch lists
	work       int     // membership tests of the domination rules so far
}

func newReducer(n int, sets [][]int32) *reducer {
	m := len(sets)
	r := &reducer{n: n, m: m, sets: sets, elemSets: make([][]int32, n), setBits: make([]bitset.Set, m), elemBits: make([]bitset.Set, n),
		liveSet: make([]bool, m), liveElem: make([]bool, n)}
	for s, es := range sets {
		r.setBits[s] = bitset.New(n)
		for _, e := range es {
			r.elemSets[e] = append(r.elemSets[e], int32(s))
			r.setBits[s].Add(int(e))
		}
		r.liveSet[s] = true
	}
	for e, ss := range r.elemSets {
		r.elemBits[e] = bitset.New(m)
		for _, s := range ss {
			r.elemBits[e].Add(int(s))
		}
		r.liveElem[e] = true
	}
	return r
}

func (r *reducer) liveSetsOf(e int, buf []int32) []int32 {
	buf = buf[:0]
	for _, s := range r.elemSets[e] {
		if r.liveSet[s] {
			buf = append(buf, s)
		}
	}
	return buf
}

func (r *reducer) liveElemsOf(s int, buf []int32) []int32 {
	buf = buf[:0]
	for _, e := range r.sets[s] {
		if r.liveElem[e] {
			buf = append(buf, e)
		}
	}
	return buf
}

// fixSingletons is rule (a): an element in exactly one live set fixes
// that set, which leaves with its elements. It returns the sets fixed.
func (r *reducer) fixSingletons() []int {
	var fixed []int
	for e := 0; e < r.n; e++ {
		if !r.liveElem[e] {
			continue
		}
		r.b1 = r.liveSetsOf(e, r.b1)
		if len(r.b1) == 1 {
			s := int(r.b1[0])
			fixed = append(fixed, s)
			r.liveSet[s] = false
			for _, x := range r.sets[s] {
				r.liveElem[x] = false
			}
		}
	}
	return fixed
}

// dropDominatedSets is rule (b): a set whose live elements lie inside
// another live set's is not needed (of two equal ones, the lower index
// stays). It reports whether a set left.
func (r *reducer) dropDominatedSets() bool {
	changed := false
	for s := 0; s < r.m; s++ {
		if !r.liveSet[s] {
			continue
		}
		r.b1 = r.liveElemsOf(s, r.b1)
		if len(r.b1) == 0 {
			r.liveSet[s] = false
			changed = true
			continue
		}
		pivot := r.b1[0]
		for _, x := range r.b1[1:] {
			if len(r.elemSets[x]) < len(r.elemSets[pivot]) {
				pivot = x
			}
		}
		for _, t := range r.elemSets[pivot] {
			if int(t) == s || !r.liveSet[t] {
				continue
			}
			inside := true
			r.work += len(r.b1)
			for _, x := range r.b1 {
				if !r.setBits[t].Has(int(x)) {
					inside = false
					break
				}
			}
			if !inside {
				continue
			}
			// Equal live elements: keep the lower index.
			if int(t) > s && len(r.liveElemsOf(int(t), r.b3)) == len(r.b1) {
				continue
			}
			r.liveSet[s] = false
			changed = true
			break
		}
	}
	return changed
}

// dropDominatedElements is rule (c): an element whose live sets all
// contain another element is covered whenever that one is, so the other
// leaves (of two with equal sets, only the higher index). It reports
// whether an element left.
func (r *reducer) dropDominatedElements() bool {
	changed := false
	for e := 0; e < r.n; e++ {
		if !r.liveElem[e] {
			continue
		}
		r.b1 = r.liveSetsOf(e, r.b1)
		if len(r.b1) == 0 {
			continue
		}
		pivot := r.b1[0]
		for _, s := range r.b1[1:] {
			if len(r.sets[s]) < len(r.sets[pivot]) {
				pivot = s
			}
		}
		r.b2 = r.liveElemsOf(int(pivot), r.b2)
		for _, f := range r.b2 {
			if int(f) == e || !r.liveElem[f] {
				continue
			}
			dominated := true
			r.work += len(r.b1)
			for _, s := range r.b1 {
				if !r.elemBits[f].Has(int(s)) {
					dominated = false
					break
				}
			}
			if !dominated {
				continue
			}
			// Equal live sets: drop only the higher index.
			if int(f) < e && len(r.liveSetsOf(int(f), r.b3)) == len(r.b1) {
				continue
			}
			r.liveElem[f] = false
			changed = true
		}
	}
	return changed
}

// kernelIndex lists the live elements and sets, and numbers the elements
// in the kernel.
func (r *reducer) kernelIndex() (elems, sets, elemIndex []int) {
	elemIndex = make([]int, r.n)
	for e, live := range r.liveElem {
		if live {
			elemIndex[e] = len(elems)
			elems = append(elems, e)
		}
	}
	for s, live := range r.liveSet {
		if live {
			sets = append(sets, s)
		}
	}
	return elems, sets, elemIndex
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
// uncovered elements (see LazyGreedy).
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
	var out []int
	LazyGreedy(len(k.sets), 1, gain, func(s int) bool {
		out = append(out, s)
		for _, e := range k.sets[s] {
			if !covered[e] {
				covered[e] = true
				left--
			}
		}
		return left > 0
	})
	return out
}

// LazyGreedy takes candidates 0..n-1 by their gain, the largest first
// with ties to the lower index, while it is at least minGain: take(k)
// takes candidate k and says whether to go on. Gains must only fall as
// candidates are taken, so that stale gains in a max-heap are upper
// bounds: a popped candidate whose recomputed gain still beats the next
// one's is the best.
func LazyGreedy(n, minGain int, gain func(k int) int, take func(k int) bool) {
	h := make(gainHeap, 0, n)
	for k := range n {
		if g := gain(k); g >= minGain {
			h = append(h, gainItem{g, k})
		}
	}
	heap.Init(&h)
	for h.Len() > 0 {
		top := heap.Pop(&h).(gainItem)
		g := gain(top.set)
		if g < minGain {
			continue
		}
		if h.Len() > 0 && (g < h[0].gain || g == h[0].gain && h[0].set < top.set) {
			heap.Push(&h, gainItem{g, top.set})
			continue
		}
		if !take(top.set) {
			return
		}
	}
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

// Greedy covers every element with sets taken by most new
// elements; it proves nothing.
func Greedy(n int, sets [][]int32) *Solution {
	k := &kernel{sets: sets, elemSets: make([][]int32, n)}
	for s, es := range sets {
		for _, e := range es {
			k.elemSets[e] = append(k.elemSets[e], int32(s))
		}
	}
	return &Solution{Chosen: k.greedy(), LowerBound: 0, Proved: false}
}
