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
// smaller exists, the result says so with limitOptimal.
func Exact(ctx context.Context, n int, sets [][]int32, maxNodes, limit int) (*Solution, error) {
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
	sol := &Solution{}
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
				sol.Chosen = append(sol.Chosen, s)
				sol.Forced++
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
		sol.LimitOptimal = true
		sol.LowerBound = limit
		sol.Proved = true
		sol.Nodes = k.nodes
		return sol, nil
	}
	for _, i := range best {
		sol.Chosen = append(sol.Chosen, kSets[i])
	}
	sol.Nodes = k.nodes
	sol.Proved = proved
	if proved {
		sol.LowerBound = len(sol.Chosen)
	} else {
		sol.LowerBound = sol.Forced + rootLB
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
