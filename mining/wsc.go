package mining

import (
	"container/heap"
	"context"
	"slices"

	"github.com/rolemine/rolemine/mining/internal/bitset"
)

// minWSC covers the matrix exactly while keeping |R|+|UA|+|PA| low: the
// weighted set-cover greedy over concepts of the merged matrix (identical
// users and permissions count with their class size), each candidate
// restricted at pick time to the users and permissions that still have
// uncovered cells inside it, picked by covered cells per unit of cost
// 1+|U'|+|P'|; then incidences and roles that other roles make redundant
// are trimmed, as after the min-role cover.
func minWSC(ctx context.Context, d *Dataset, opt CoverOptions) (*CoverResult, error) {
	red, err := reduce(ctx, d, false)
	if err != nil {
		return nil, err
	}
	res := &CoverResult{}
	res.Stats.UsersAfterR1, res.Stats.PermsAfterR1 = red.usersAfterR1, red.permsAfterR1
	m := red.m
	res.Stats.UsersReduced, res.Stats.PermsReduced = len(m.rowIDs), len(m.colIDs)
	// Class weights from the merge log (R1 merges go straight to the
	// representative).
	userW := map[int32]int{}
	permW := map[int32]int{}
	for _, id := range m.rowIDs {
		userW[id] = 1
	}
	for _, id := range m.colIDs {
		permW[id] = 1
	}
	for _, s := range red.log {
		if s.onCols {
			permW[s.b]++
		} else {
			userW[s.b]++
		}
	}
	comps := components(m)
	res.Stats.Components = len(comps)
	for _, comp := range comps {
		roles, n, greedy, err := wscComponent(ctx, m, comp, userW, permW, opt)
		if err != nil {
			return nil, err
		}
		res.Roles = append(res.Roles, roles...)
		res.Stats.Concepts += n
		if greedy {
			res.Stats.Greedy++
		}
	}
	res.Roles = trim(d, rebuild(d, res.Roles, red.log))
	return res, nil
}

type wscCand struct {
	ratio float64
	c     int
}

type wscHeap []wscCand

func (h wscHeap) Len() int { return len(h) }
func (h wscHeap) Less(i, j int) bool {
	if h[i].ratio != h[j].ratio {
		return h[i].ratio > h[j].ratio
	}
	return h[i].c < h[j].c
}
func (h wscHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *wscHeap) Push(x any)   { *h = append(*h, x.(wscCand)) }
func (h *wscHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func wscComponent(ctx context.Context, m *bmatrix, comp [2][]int, userW, permW map[int32]int, opt CoverOptions) ([]Role, int, bool, error) {
	rows, cols := comp[0], comp[1]
	colPos := make(map[int]int, len(cols))
	ncols := len(cols)
	colW := make([]float64, ncols)
	colIDs := make([]int32, ncols)
	for j, c := range cols {
		colPos[c] = j
		colIDs[j] = m.colIDs[c]
		colW[j] = float64(permW[m.colIDs[c]])
	}
	sub := make([]bitset.Set, len(rows))
	rowW := make([]float64, len(rows))
	rowIDs := make([]int32, len(rows))
	for i, r := range rows {
		rowIDs[i] = m.rowIDs[r]
		rowW[i] = float64(userW[m.rowIDs[r]])
		sub[i] = bitset.New(ncols)
		m.rows[r].Each(func(j int) { sub[i].Add(colPos[j]) })
	}
	// Candidates: concepts by their intents (over the columns here, whichever
	// side is narrower only changes the enumeration cost), or the rows
	// alone past the budget.
	greedy := false
	intents, err := concepts(ctx, sub, opt.MaxConcepts)
	if err == errBudget {
		intents, greedy = sub, true
	} else if err != nil {
		return nil, 0, false, err
	}
	extents := extentsOf(sub, ncols, intents)
	unc := make([]bitset.Set, len(sub))
	left := 0
	for i, r := range sub {
		unc[i] = append(bitset.Set(nil), r...)
		left += r.Count()
	}
	tmp := bitset.New(ncols)
	pset := bitset.New(ncols)
	// evaluate returns the candidate's ratio, restricted to what is still
	// uncovered.
	evaluate := func(c int) float64 {
		x := intents[c]
		clear(pset)
		gain, cost := 0.0, 1.0
		for _, i := range extents[c] {
			bitset.And(tmp, unc[i], x)
			if tmp.Empty() {
				continue
			}
			cost += rowW[i]
			w := 0.0
			tmp.Each(func(j int) { w += colW[j] })
			gain += rowW[i] * w
			bitset.Or(pset, pset, tmp)
		}
		if gain == 0 {
			return 0
		}
		pset.Each(func(j int) { cost += colW[j] })
		return gain / cost
	}
	h := make(wscHeap, 0, len(intents))
	for c := range intents {
		if r := evaluate(c); r > 0 {
			h = append(h, wscCand{r, c})
		}
	}
	heap.Init(&h)
	type picked struct{ users, perms []int32 } // positions
	var roles []picked
	for left > 0 && h.Len() > 0 {
		if len(roles)%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, 0, false, err
			}
		}
		top := heap.Pop(&h).(wscCand)
		r := evaluate(top.c)
		if r == 0 {
			continue
		}
		if h.Len() > 0 && r < h[0].ratio {
			heap.Push(&h, wscCand{r, top.c})
			continue
		}
		// Take the restricted candidate.
		x := intents[top.c]
		var p picked
		clear(pset)
		for _, i := range extents[top.c] {
			bitset.And(tmp, unc[i], x)
			if tmp.Empty() {
				continue
			}
			p.users = append(p.users, i)
			bitset.Or(pset, pset, tmp)
		}
		p.perms = pset.AppendTo(nil)
		for _, i := range p.users {
			for _, j := range p.perms {
				if unc[i].Has(int(j)) {
					unc[i].Remove(int(j))
					left--
				}
			}
		}
		roles = append(roles, p)
	}
	out := make([]Role, 0, len(roles))
	for _, p := range roles {
		if len(p.users) == 0 || len(p.perms) == 0 {
			continue
		}
		var role Role
		for _, i := range p.users {
			role.Users = append(role.Users, rowIDs[i])
		}
		for _, j := range p.perms {
			role.Perms = append(role.Perms, colIDs[j])
		}
		out = append(out, role)
	}
	return out, len(intents), greedy, nil
}

// dropForNoise removes roles, fewest uniquely covered assignments first,
// while the assignments left uncovered stay within budget; it returns those
// assignments. Roles never grant more than the matrix holds, so this only
// ever leaves access out ("from below").
func dropForNoise(d *Dataset, roles *[]Role, budget int) [][2]int32 {
	// Cells of the matrix, numbered in CSR order.
	cellOf := func(u, p int32) int {
		row := d.Row(int(u))
		i, _ := slices.BinarySearch(row, p)
		return int(d.Offsets[u]) + i
	}
	cover := make([][]int32, len(d.Cols)) // cell → roles covering it
	for r, role := range *roles {
		for _, u := range role.Users {
			for _, p := range role.Perms {
				c := cellOf(u, p)
				cover[c] = append(cover[c], int32(r))
			}
		}
	}
	alive := make([]bool, len(*roles))
	unique := make([]int, len(*roles))
	count := make([]int32, len(cover))
	for c, rs := range cover {
		count[c] = int32(len(rs))
		if len(rs) == 1 {
			unique[rs[0]]++
		}
	}
	for r := range alive {
		alive[r] = true
	}
	uncovered := 0
	for {
		best := -1
		for r := range alive {
			if alive[r] && (best < 0 || unique[r] < unique[best]) {
				best = r
			}
		}
		if best < 0 || uncovered+unique[best] > budget {
			break
		}
		alive[best] = false
		uncovered += unique[best]
		role := (*roles)[best]
		for _, u := range role.Users {
			for _, p := range role.Perms {
				c := cellOf(u, p)
				count[c]--
				if count[c] == 1 {
					for _, r := range cover[c] {
						if alive[r] {
							unique[r]++
						}
					}
				}
			}
		}
	}
	kept := (*roles)[:0]
	for r, role := range *roles {
		if alive[r] {
			kept = append(kept, role)
		}
	}
	*roles = kept
	var out [][2]int32
	for u := 0; u < d.NumUsers; u++ {
		for i, p := range d.Row(u) {
			if count[int(d.Offsets[u])+i] == 0 {
				out = append(out, [2]int32{int32(u), p})
			}
		}
	}
	return out
}
