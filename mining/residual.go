package mining

import (
	"context"

	"github.com/rolemine/rolemine/mining/internal/bitset"
)

// maxResidualWork bounds residualCover's word operations: a few seconds.
const maxResidualWork = 3_000_000_000

// residualRole is a role of residualCover: the rows (extent) that hold
// every column of intent.
type residualRole struct {
	extent []int32
	intent bitset.Set
}

// residualCover covers every cell of rows (over ncols columns) with roles
// built from the cells still uncovered, for components whose concepts are
// too many to enumerate (dense matrices of many overlapping roles): each
// step takes, for every column j, the columns that all rows with j still
// uncovered share (the residual closure of j: when j belongs to one role
// of those rows, that role), extends it to every row that holds it, and
// adds the one that covers the most uncovered cells. A final pass drops
// roles whose cells the others cover. The cover is exact; it proves
// nothing. Past maxResidualWork word operations it gives up and returns
// nil.
func residualCover(ctx context.Context, rows []bitset.Set, ncols int) ([]residualRole, error) {
	words := bitset.Words(ncols)
	covered := make([]bitset.Set, len(rows))
	remaining := 0
	for i, r := range rows {
		covered[i] = bitset.New(ncols)
		remaining += r.Count()
	}
	full := bitset.New(ncols)
	for j := range ncols {
		full.Add(j)
	}
	x := make(bitset.Set, words)
	var roles []residualRole
	step := 2 * ncols * len(rows) * words // word operations of one step
	for work := 0; remaining > 0; work += step {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if work > maxResidualWork {
			return nil, nil
		}
		bestGain, bestJ := 0, -1
		var best bitset.Set
		for j := range ncols {
			copy(x, full)
			any := false
			for i, r := range rows {
				if r.Has(j) && !covered[i].Has(j) {
					bitset.And(x, x, r)
					any = true
				}
			}
			if !any {
				continue
			}
			gain := 0
			for i, r := range rows {
				if bitset.SubsetOf(x, r) {
					gain += bitset.AndNotCount(x, covered[i])
				}
			}
			if gain > bestGain {
				bestGain, bestJ = gain, j
				best = append(best[:0], x...)
			}
		}
		if bestJ < 0 {
			break // cannot happen: an uncovered cell's column gives a gain
		}
		role := residualRole{intent: best}
		for i, r := range rows {
			if bitset.SubsetOf(best, r) {
				role.extent = append(role.extent, int32(i))
				remaining -= bitset.AndNotCount(best, covered[i])
				bitset.Or(covered[i], covered[i], best)
			}
		}
		roles = append(roles, role)
	}
	return dropRedundant(rows, roles, ncols), nil
}

// dropRedundant removes, latest first, the roles every cell of which some
// other kept role covers.
func dropRedundant(rows []bitset.Set, roles []residualRole, ncols int) []residualRole {
	count := make([][]int32, len(rows)) // row → per column, roles covering it
	for i := range rows {
		count[i] = make([]int32, ncols)
	}
	for _, r := range roles {
		for _, i := range r.extent {
			r.intent.Each(func(j int) { count[i][j]++ })
		}
	}
	keep := make([]bool, len(roles))
	for k := range keep {
		keep[k] = true
	}
	for k := len(roles) - 1; k >= 0; k-- {
		r := roles[k]
		needed := false
		for _, i := range r.extent {
			r.intent.Each(func(j int) {
				if count[i][j] == 1 {
					needed = true
				}
			})
			if needed {
				break
			}
		}
		if !needed {
			keep[k] = false
			for _, i := range r.extent {
				r.intent.Each(func(j int) { count[i][j]-- })
			}
		}
	}
	var out []residualRole
	for k, r := range roles {
		if keep[k] {
			out = append(out, r)
		}
	}
	return out
}
