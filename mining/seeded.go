package mining

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/rolemine/rolemine/mining/internal/bitset"
	"github.com/rolemine/rolemine/mining/internal/setcover"
)

// seededCover covers every cell of rows (over ncols columns) with concepts
// grown from pairs of rows, for components whose concepts are too many to
// enumerate (dense matrices of many overlapping roles).
//
// Two rows that share one role share its columns plus the columns they
// happen to hold both. Scoring every row by how far its share of that
// intersection exceeds what its size alone would give separates the
// role's rows (all of the role and a part of the rest) from the others (a
// part of everything), and the columns most of the separated rows hold are
// the role again, without the chance columns. A few rounds converge on a
// role; its closure (the rows holding all of it, and every column they
// share) is a concept, so every role is exact (grower.grow).
//
// Concepts are grown from both sides (rows paired with rows, and columns
// with columns: the statistics differ with the side) into one pool, each
// row paired with the rows whose overlap with it is furthest above chance.
// The cover is then built on each side: the pool's concepts greedily, most
// uncovered cells first, while one covers a role's worth; then, for what
// is left, the row with most uncovered cells paired with a few rows (two
// ways, see fillMode), a column's residual closure (what the rows holding
// it uncovered share) being the fallback, so the search always ends;
// redundant roles dropped, pairs of fragments merged (mergePairs) and
// roles widened to the rows a chance column kept out (widen). The
// smallest cover is returned. It proves nothing.
func seededCover(ctx context.Context, rows []bitset.Set, ncols int) ([]bitRole, error) {
	cols := transposeSets(rows, ncols)
	g, tg := newGrower(rows, cols), newGrower(cols, rows)
	// The two sides run side by side, each with its own grower (and its
	// own fixed-seed random source), so the result does not depend on the
	// scheduling.
	var pool, tpool []bitRole
	err := bothSides(
		func() (err error) { pool, err = g.pool(ctx, poolPartners(g)); return err },
		func() (err error) { tpool, err = tg.pool(ctx, poolPartners(tg)); return err })
	if err != nil {
		return nil, err
	}
	pool = distinct(append(pool, swapSides(tpool, ncols)...))
	tpool = swapSides(pool, len(rows))
	var best, other []bitRole
	err = bothSides(
		func() (err error) { best, err = g.coverEitherWay(ctx, pool); return err },
		func() (err error) { other, err = tg.coverEitherWay(ctx, tpool); return err })
	if err != nil {
		return nil, err
	}
	if len(other) < len(best) {
		best = swapSides(other, ncols)
	}
	return best, nil
}

// coverEitherWay covers g's rows from the pool with each way of choosing
// the fill-in's partners and returns the smaller cover. Neither wins
// everywhere: on planted matrices of 3-10 roles per row and 500 roles the
// random holders reached the planted number where the rows furthest above
// chance did not (500 against 518), and on 1-3 roles per row the other way
// round (547 against 495).
func (g *grower) coverEitherWay(ctx context.Context, pool []bitRole) ([]bitRole, error) {
	best, err := g.cover(ctx, pool, fillRandom)
	if err != nil {
		return nil, err
	}
	other, err := g.cover(ctx, pool, fillRanked)
	if err != nil {
		return nil, err
	}
	if len(other) < len(best) {
		return other, nil
	}
	return best, nil
}

// fillMode is how the fill-in chooses the rows it pairs a row with.
type fillMode int

const (
	// fillRandom takes holders of the row's uncovered columns at random
	// (from a fixed seed).
	fillRandom fillMode = iota
	// fillRanked takes the rows whose overlap with it is furthest above
	// chance.
	fillRanked
)

// bothSides runs f and h concurrently and returns the first error.
func bothSides(f, h func() error) error {
	var wg sync.WaitGroup
	var errH error
	wg.Add(1)
	go func() {
		defer wg.Done()
		errH = h()
	}()
	errF := f()
	wg.Wait()
	return cmp.Or(errF, errH)
}

// cover builds an exact cover of g's rows from the pool, as seededCover
// describes.
func (g *grower) cover(ctx context.Context, pool []bitRole, mode fillMode) ([]bitRole, error) {
	c := newCoverState(g.rows, g.ncols)
	c.greedy(pool, max(1, len(g.rows)/40)*max(1, g.ncols/40))
	open := make(bitset.Set, g.words)
	rng := rand.New(rand.NewPCG(uint64(len(g.rows)), uint64(g.ncols)))
	for c.remaining > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a := 0
		for i := range g.rows {
			if c.uncovered[i] > c.uncovered[a] {
				a = i
			}
		}
		bitset.AndNot(open, g.rows[a], c.covered[a])
		var best bitRole
		bestGain := 0
		consider := func(r bitRole) {
			if gain := c.gain(r); gain > bestGain {
				bestGain, best = gain, r
			}
		}
		if mode == fillRanked {
			for _, b := range g.ranked(a, partners) {
				if x := g.grow(a, int(b)); x != nil {
					consider(bitRole{intent: x, extent: g.extent(x)})
				}
			}
		} else {
			cols := open.AppendTo(nil)
			for range partners {
				h := g.byCol[cols[rng.IntN(len(cols))]]
				if b := int(h[rng.IntN(len(h))]); b != a {
					if x := g.grow(a, b); x != nil {
						consider(bitRole{intent: x, extent: g.extent(x)})
					}
				}
			}
		}
		if bestGain == 0 {
			x := g.residualClosure(int(open.AppendTo(nil)[0]), c.covered)
			best = bitRole{intent: x, extent: g.extent(x)}
		}
		c.take(best)
	}
	roles, err := mergePairs(ctx, g, dropRedundant(g.rows, c.roles, g.ncols))
	if err != nil {
		return nil, err
	}
	return dropRedundant(g.rows, widen(g, roles), g.ncols), nil
}

// partners is how many rows the row with most uncovered cells is paired
// with.
const partners = 4

// poolWork bounds the pool's growth work, in row-word operations: rows ×
// partners × rows × words, about a second.
const poolWork = 100_000_000

// poolPartners is how many rows each row is paired with for the pool:
// 4 to 32, as many as poolWork allows.
func poolPartners(g *grower) int {
	n := len(g.rows)
	return min(32, max(4, poolWork/max(1, n*n*g.words)))
}

// distinct drops roles whose intent an earlier one has.
func distinct(roles []bitRole) []bitRole {
	seen := make(map[string]bool, len(roles))
	return slices.DeleteFunc(roles, func(r bitRole) bool {
		k := r.intent.Key()
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
}

// swapSides turns concepts of a matrix into those of its transpose (of
// width cols, the matrix's row count): extent and intent trade places.
func swapSides(roles []bitRole, width int) []bitRole {
	out := make([]bitRole, len(roles))
	for k, r := range roles {
		x := bitset.New(width)
		for _, i := range r.extent {
			x.Add(int(i))
		}
		out[k] = bitRole{intent: x, extent: r.intent.AppendTo(nil)}
	}
	return out
}

func transposeSets(rows []bitset.Set, ncols int) []bitset.Set {
	out := make([]bitset.Set, ncols)
	for j := range out {
		out[j] = bitset.New(len(rows))
	}
	for i, r := range rows {
		r.Each(func(j int) { out[j].Add(i) })
	}
	return out
}

// pool grows concepts from every row paired with the rows that share the
// most with it beyond chance (the z-score of the overlap, given both
// rows' sizes): pairs that share a role are over-represented there, where
// a random row holding one of its columns shares none of its roles on
// large matrices of many roles. It returns the distinct concepts.
func (g *grower) pool(ctx context.Context, partners int) ([]bitRole, error) {
	var pool []bitRole
	seen := map[string]bool{}
	for a := range g.rows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, b := range g.ranked(a, partners) {
			if x := g.grow(a, int(b)); x != nil && !seen[x.Key()] {
				seen[x.Key()] = true
				pool = append(pool, bitRole{intent: x, extent: g.extent(x)})
			}
		}
	}
	return pool, nil
}

// ranked returns up to k rows other than a, those whose overlap with row a
// is furthest above chance (its z-score, given both rows' sizes) first.
func (g *grower) ranked(a, k int) []int32 {
	m := float64(g.ncols)
	g.order = g.order[:0]
	for b, r := range g.rows {
		p := g.density[a] * g.density[b]
		if b == a || p <= 0 || p >= 1 {
			continue
		}
		g.overlapZ[b] = (float64(bitset.AndCount(g.rows[a], r)) - m*p) / math.Sqrt(m*p*(1-p))
		g.order = append(g.order, int32(b))
	}
	slices.SortFunc(g.order, func(x, y int32) int { return cmp.Compare(g.overlapZ[y], g.overlapZ[x]) })
	return g.order[:min(k, len(g.order))]
}

// coverState tracks the cells a growing cover leaves uncovered.
type coverState struct {
	covered   []bitset.Set
	uncovered []int
	remaining int
	roles     []bitRole
}

func newCoverState(rows []bitset.Set, ncols int) *coverState {
	c := &coverState{covered: make([]bitset.Set, len(rows)), uncovered: make([]int, len(rows))}
	for i, r := range rows {
		c.covered[i] = bitset.New(ncols)
		c.uncovered[i] = r.Count()
		c.remaining += c.uncovered[i]
	}
	return c
}

func (c *coverState) gain(r bitRole) int {
	n := 0
	for _, i := range r.extent {
		n += bitset.AndNotCount(r.intent, c.covered[i])
	}
	return n
}

func (c *coverState) take(r bitRole) {
	for _, i := range r.extent {
		n := bitset.AndNotCount(r.intent, c.covered[i])
		c.remaining -= n
		c.uncovered[i] -= n
		bitset.Or(c.covered[i], c.covered[i], r.intent)
	}
	c.roles = append(c.roles, r)
}

// greedy takes, lazily, the candidate that covers the most uncovered cells
// while that is at least minGain (setcover.LazyGreedy).
func (c *coverState) greedy(cands []bitRole, minGain int) {
	setcover.LazyGreedy(len(cands), minGain, func(k int) int { return c.gain(cands[k]) },
		func(k int) bool { c.take(cands[k]); return true })
}

// grower holds the buffers of the concept growth.
type grower struct {
	rows    []bitset.Set
	cols    []bitset.Set // the transpose: column → rows holding it
	ncols   int
	words   int
	byCol   [][]int32 // column → rows holding it, as a list
	density []float64 // row → share of the columns it holds
	// Scratch space of grow.
	members   []int32
	memberSet bitset.Set
	z, tail   []float64
	// Scratch space of ranked.
	order    []int32
	overlapZ []float64
}

// newGrower returns a grower over rows; cols is their transpose.
func newGrower(rows, cols []bitset.Set) *grower {
	g := &grower{rows: rows, cols: cols, ncols: len(cols), words: bitset.Words(len(cols)),
		byCol: make([][]int32, len(cols)), memberSet: bitset.New(len(rows)),
		density: make([]float64, len(rows)), z: make([]float64, len(rows)), overlapZ: make([]float64, len(rows))}
	for i, r := range rows {
		r.Each(func(j int) { g.byCol[j] = append(g.byCol[j], int32(i)) })
		g.density[i] = float64(r.Count()) / float64(len(cols))
	}
	return g
}

// growRounds bounds the refinement rounds of one concept.
const growRounds = 8

// memberZ is how many standard deviations above chance a row's share of
// a growing role must be for the row to count as one of its members.
const memberZ = 3.0

// grow refines what rows a and b share into a role and returns the intent
// of its concept (nil when nothing survives).
func (g *grower) grow(a, b int) bitset.Set {
	s := bitset.New(g.ncols)
	bitset.And(s, g.rows[a], g.rows[b])
	strict := false
	for range growRounds {
		size := s.Count()
		if size == 0 {
			return nil
		}
		// Score every row by how far its share of s exceeds what its size
		// alone would give, and keep the rows far above; when those fall
		// in two clear groups (rows holding a chunk of s from another
		// role the pair shares columns of, and the role's rows, holding
		// all of it), keep the upper. The pair itself holds all of s and
		// stays out of the split.
		cut := memberZ
		g.tail = g.tail[:0]
		for i, r := range g.rows {
			d := g.density[i]
			mean, sd := float64(size)*d, math.Sqrt(float64(size)*d*(1-d))
			g.z[i] = math.Inf(-1)
			if sd > 0 {
				g.z[i] = (float64(bitset.AndCount(r, s)) - mean) / sd
			}
			if g.z[i] >= memberZ && i != a && i != b {
				g.tail = append(g.tail, g.z[i])
			}
		}
		if c, ok := split(g.tail); ok {
			cut = c
		}
		g.members = g.members[:0]
		for i, z := range g.z {
			if z >= cut || i == a || i == b {
				g.members = append(g.members, int32(i))
			}
		}
		// Keep the columns three quarters of the members hold (nine
		// tenths once that is stable), counted down the columns.
		clear(g.memberSet)
		for _, i := range g.members {
			g.memberSet.Add(int(i))
		}
		next := bitset.New(g.ncols)
		need := (3*len(g.members) + 3) / 4
		if strict {
			need = (9*len(g.members) + 9) / 10
		}
		for j, col := range g.cols {
			if c := bitset.AndCount(col, g.memberSet); c >= need && c > 0 {
				next.Add(j)
			}
		}
		if next.Equal(s) {
			if strict {
				break
			}
			strict = true
		}
		s = next
	}
	return g.closure(s)
}

// closure returns the columns shared by every row holding all of s (nil
// when no row does).
func (g *grower) closure(s bitset.Set) bitset.Set {
	var x bitset.Set
	for _, r := range g.rows {
		if bitset.SubsetOf(s, r) {
			if x == nil {
				x = append(bitset.Set(nil), r...)
			} else {
				bitset.And(x, x, r)
			}
		}
	}
	return x
}

// extent returns the rows holding every column of x.
func (g *grower) extent(x bitset.Set) []int32 {
	var out []int32
	for i, r := range g.rows {
		if bitset.SubsetOf(x, r) {
			out = append(out, int32(i))
		}
	}
	return out
}

// residualClosure returns the columns shared by the rows that hold column j
// uncovered.
func (g *grower) residualClosure(j int, covered []bitset.Set) bitset.Set {
	var x bitset.Set
	for _, i := range g.byCol[j] {
		if covered[i].Has(j) {
			continue
		}
		if x == nil {
			x = append(bitset.Set(nil), g.rows[i]...)
		} else {
			bitset.And(x, x, g.rows[i])
		}
	}
	return x
}

// bitRole is a role over a component's rows: the rows (extent) that hold
// every column of intent.
type bitRole struct {
	extent []int32
	intent bitset.Set
}

// dropRedundant removes, latest first, the roles every cell of which some
// other kept role covers.
func dropRedundant(rows []bitset.Set, roles []bitRole, ncols int) []bitRole {
	cc := newCellCounts(len(rows), ncols)
	for _, r := range roles {
		cc.apply(r, 1)
	}
	keep := make([]bool, len(roles))
	for k := len(roles) - 1; k >= 0; k-- {
		r := roles[k]
		for _, i := range r.extent {
			if bitset.Intersects(cc.once[i], r.intent) {
				keep[k] = true
				break
			}
		}
		if !keep[k] {
			cc.apply(r, -1)
		}
	}
	var out []bitRole
	for k, r := range roles {
		if keep[k] {
			out = append(out, r)
		}
	}
	return out
}

// overlapping says that x and y share at least half of the smaller.
func overlapping(x, y bitset.Set) bool {
	return 2*bitset.AndCount(x, y) >= min(x.Count(), y.Count())
}

// cellCounts holds, per cell, how many roles cover it; once and twice
// mark the cells one and two roles cover.
type cellCounts struct {
	count       [][]int32
	once, twice []bitset.Set
	scratch     bitset.Set
}

func newCellCounts(rows, cols int) *cellCounts {
	c := &cellCounts{count: make([][]int32, rows), once: make([]bitset.Set, rows), twice: make([]bitset.Set, rows), scratch: bitset.New(cols)}
	for i := range rows {
		c.count[i] = make([]int32, cols)
		c.once[i], c.twice[i] = bitset.New(cols), bitset.New(cols)
	}
	return c
}

// apply adds d to the count of every cell of r.
func (c *cellCounts) apply(r bitRole, d int32) {
	for _, i := range r.extent {
		r.intent.Each(func(j int) { c.add(int(i), j, d) })
	}
}

func (c *cellCounts) add(i, j int, d int32) {
	c.count[i][j] += d
	c.once[i].Remove(j)
	c.twice[i].Remove(j)
	switch c.count[i][j] {
	case 1:
		c.once[i].Add(j)
	case 2:
		c.twice[i].Add(j)
	}
}

// widen drops from each role, largest first, the columns whose cells
// other roles cover for all of its rows, and gives the role to every row
// that holds what is left. A role that missed rows of its role for a
// chance column comes back whole, and what covered those rows' cells
// instead may become redundant (dropRedundant then drops it). The cover
// stays exact and keeps its number of roles.
func widen(g *grower, roles []bitRole) []bitRole {
	cc := newCellCounts(len(g.rows), g.ncols)
	for _, r := range roles {
		cc.apply(r, 1)
	}
	order := make([]int, len(roles))
	for k := range order {
		order[k] = k
	}
	area := func(r bitRole) int { return len(r.extent) * r.intent.Count() }
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(area(roles[b]), area(roles[a])) })
	for _, k := range order {
		r := &roles[k]
		// Cells of different columns are different cells: whether one
		// column can go does not depend on the others going.
		x := slices.Clone(r.intent)
		r.intent.Each(func(j int) {
			for _, i := range r.extent {
				if cc.count[i][j] < 2 {
					return
				}
			}
			x.Remove(j)
		})
		if x.Empty() || x.Equal(r.intent) {
			continue // all of it is covered elsewhere (dropRedundant's work), or nothing is
		}
		for _, i := range r.extent {
			bitset.AndNot(cc.scratch, r.intent, x)
			cc.scratch.Each(func(j int) { cc.add(int(i), j, -1) })
		}
		// The rows that hold x and were not in the role gain its cells.
		old := r.extent
		r.intent, r.extent = x, g.extent(x)
		k := 0
		for _, i := range r.extent {
			for k < len(old) && old[k] < i {
				k++
			}
			if k < len(old) && old[k] == i {
				continue
			}
			x.Each(func(j int) { cc.add(int(i), j, 1) })
		}
	}
	return roles
}

// mergePairs replaces two roles by one wherever one concept can cover
// every cell only those two cover: the rows and columns of those cells
// must form a block the matrix holds whole. Only pairs that share half of
// the smaller one's columns or rows are tried. A planted role the search found
// in fragments (each with some chance columns) comes back whole this way.
// It repeats until no pair merges; the cover stays exact.
func mergePairs(ctx context.Context, g *grower, roles []bitRole) ([]bitRole, error) {
	cc := newCellCounts(len(g.rows), g.ncols)
	once, twice, apply := cc.once, cc.twice, cc.apply
	extents := make([]bitset.Set, 0, len(roles))
	asSet := func(xs []int32) bitset.Set {
		s := bitset.New(len(g.rows))
		for _, i := range xs {
			s.Add(int(i))
		}
		return s
	}
	for _, r := range roles {
		apply(r, 1)
		extents = append(extents, asSet(r.extent))
	}
	alive := make([]bool, len(roles))
	for k := range alive {
		alive[k] = true
	}
	needRows, needCols, cells := bitset.New(len(g.rows)), bitset.New(g.ncols), bitset.New(g.ncols)
	// need marks the cells of role a that no role but a and b covers:
	// those a alone covers, and those a and b both do.
	need := func(a, b int) {
		ra, rb := roles[a], roles[b]
		for _, i := range ra.extent {
			if extents[b].Has(int(i)) {
				bitset.And(cells, twice[i], rb.intent)
				bitset.Or(cells, cells, once[i])
			} else {
				copy(cells, once[i])
			}
			bitset.And(cells, cells, ra.intent)
			if !cells.Empty() {
				needRows.Add(int(i))
				bitset.Or(needCols, needCols, cells)
			}
		}
	}
	// A quick test first: the cells a role alone covers are needed
	// whatever it merges with, so every row with such a cell, of either
	// role, must hold all such columns of both. uRows and holders (the
	// rows holding all of the role's such columns) are taken once a pass;
	// a merge in the pass can only make the test pass a pair the full one
	// rejects, or miss one a later pass finds.
	var uRows, holders []bitset.Set
	uCols := bitset.New(g.ncols)
	setUnique := func(k int) {
		r := roles[k]
		uRows[k], holders[k] = bitset.New(len(g.rows)), bitset.New(len(g.rows))
		clear(uCols)
		for _, i := range r.extent {
			bitset.And(cells, once[i], r.intent)
			if !cells.Empty() {
				uRows[k].Add(int(i))
				bitset.Or(uCols, uCols, cells)
			}
		}
		for i, row := range g.rows {
			if bitset.SubsetOf(uCols, row) {
				holders[k].Add(i)
			}
		}
	}
	rowsAB, heldAB := bitset.New(len(g.rows)), bitset.New(len(g.rows))
	for merged := true; merged; {
		merged = false
		uRows, holders = make([]bitset.Set, len(roles)), make([]bitset.Set, len(roles))
		for k := range roles {
			if alive[k] {
				setUnique(k)
			}
		}
		for a := range roles {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			for b := a + 1; b < len(roles) && alive[a]; b++ {
				if !alive[b] || !overlapping(roles[a].intent, roles[b].intent) && !overlapping(extents[a], extents[b]) {
					continue
				}
				if uRows[b] != nil {
					bitset.Or(rowsAB, uRows[a], uRows[b])
					bitset.And(heldAB, holders[a], holders[b])
					if !bitset.SubsetOf(rowsAB, heldAB) {
						continue
					}
				}
				clear(needRows)
				clear(needCols)
				need(a, b)
				need(b, a)
				ok := true
				needRows.Each(func(i int) { ok = ok && bitset.SubsetOf(needCols, g.rows[i]) })
				if !ok {
					continue
				}
				x := g.closure(needCols)
				if x == nil {
					continue // no column needed: both were redundant
				}
				r := bitRole{intent: x, extent: g.extent(x)}
				apply(roles[a], -1)
				apply(roles[b], -1)
				apply(r, 1)
				alive[a], alive[b] = false, false
				roles = append(roles, r)
				extents = append(extents, asSet(r.extent))
				alive = append(alive, true)
				uRows, holders = append(uRows, nil), append(holders, nil)
				merged = true
			}
		}
	}
	out := roles[:0]
	for k, r := range roles {
		if alive[k] {
			out = append(out, r)
		}
	}
	return out, nil
}

// splitGap is how far apart, in standard deviations, the means of two
// groups of member scores must be for split to separate them.
const splitGap = 3.0

// split sorts zs and returns the value at and above which the upper of
// two groups starts, at the cut that maximises the variance between the
// groups, when their means are splitGap or more apart.
func split(zs []float64) (float64, bool) {
	if len(zs) < 4 {
		return 0, false
	}
	slices.Sort(zs)
	total := 0.0
	for _, z := range zs {
		total += z
	}
	best, cut, lowSum := -1.0, 0, 0.0
	for k := 1; k < len(zs); k++ {
		lowSum += zs[k-1]
		n0, n1 := float64(k), float64(len(zs)-k)
		m0, m1 := lowSum/n0, (total-lowSum)/n1
		if v := n0 * n1 * (m1 - m0) * (m1 - m0); v > best && m1-m0 >= splitGap {
			best, cut = v, k
		}
	}
	if cut == 0 {
		return 0, false
	}
	return zs[cut], true
}
