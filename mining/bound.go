package mining

import (
	"cmp"
	"context"
	"slices"

	"github.com/rolemine/rolemine/mining/internal/bitset"
)

// foolingSet finds, greedily, a fooling set of the matrix rows (over ncols
// columns): cells that are set, no two of which one role can hold. For
// cells (i1, j1) and (i2, j2) of it, cell (i1, j2) or (i2, j1) is clear;
// a role (users × permissions, all of its cells set) holding both would
// hold those too. An exact cover needs a role per cell of the set, so its
// size is a lower bound on the roles, proved without enumerating any
// concept: what bounds the components whose concepts are too many.
//
// Cells are tried sparsest first (the fewest set cells in their row and
// column: such cells are compatible with few others), each against the
// cells chosen so far; the search stops after about work such checks.
func foolingSet(ctx context.Context, rows []bitset.Set, ncols, work int) ([][2]int32, error) {
	colCount := make([]int, ncols)
	rowCount := make([]int, len(rows))
	var cells [][2]int32
	for i, r := range rows {
		rowCount[i] = r.Count()
		r.Each(func(j int) {
			colCount[j]++
			cells = append(cells, [2]int32{int32(i), int32(j)})
		})
	}
	weight := func(c [2]int32) int { return rowCount[c[0]] + colCount[c[1]] }
	slices.SortStableFunc(cells, func(a, b [2]int32) int { return cmp.Compare(weight(a), weight(b)) })
	usedRow := make([]bool, len(rows))
	usedCol := make([]bool, ncols)
	var set [][2]int32
	checks := 0
	for n, c := range cells {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		i, j := c[0], c[1]
		if usedRow[i] || usedCol[j] {
			continue // a role of that row (column) alone holds both
		}
		if checks += len(set); checks > work {
			break
		}
		ok := true
		for _, f := range set {
			if rows[i].Has(int(f[1])) && rows[f[0]].Has(int(j)) {
				ok = false
				break
			}
		}
		if ok {
			set = append(set, c)
			usedRow[i], usedCol[j] = true, true
		}
	}
	return set, nil
}
