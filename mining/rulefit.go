package mining

import (
	"context"
	"math"
	"slices"
	"sync/atomic"
)

// ruleFit sets the rule precision and recall of the job-function and
// variant packages (see Metrics). A user has a variant's access when they
// hold at least the threshold share of its entitlements, and a job
// function's when theirs is the job function of which they hold the largest
// share, at least the threshold (ties: the larger package, then the first):
// job functions share much of their access with their department's others.
// Users are counted in chunks on all workers.
func (m *miner) ruleFit(ctx context.Context, pkgs []Package) error {
	// A user who holds the threshold share of a package's n entitlements
	// holds at least one of any n-need+1 of them, so each package is found
	// through its rarest few (prefix filtering): an entitlement held across
	// many regions' copies of a function does not make them all candidates.
	holding := make([]int32, m.d.NumEntitlements)
	for _, e := range m.d.Cols {
		holding[e]++
	}
	byEnt := make([][]int32, m.d.NumEntitlements)
	for i, p := range pkgs {
		if p.Kind != JobFunction && p.Kind != Variant || len(p.Entitlements) == 0 {
			continue
		}
		ents := slices.Clone(p.Entitlements)
		slices.SortStableFunc(ents, func(a, b int32) int { return int(holding[a]) - int(holding[b]) })
		need := max(1, int(math.Ceil(m.opt.Threshold*float64(len(ents))-1e-9)))
		for _, e := range ents[:len(ents)-need+1] {
			byEnt[e] = append(byEnt[e], int32(i))
		}
	}
	holders := make([]atomic.Int32, len(pkgs)) // users with the access
	members := make([]atomic.Int32, len(pkgs)) // of them, selected by the rule
	const chunk = 4096
	err := m.parallel(ctx, (m.d.NumUsers+chunk-1)/chunk, "rule fit", func(w *miner, c int) error {
		if len(w.held) < len(pkgs) {
			w.held = make([]int32, len(pkgs))
		}
		var touched []int32
		for u := c * chunk; u < min((c+1)*chunk, m.d.NumUsers); u++ {
			if !m.d.IsEligible(u) {
				continue
			}
			row := m.d.Row(u)
			for _, e := range row {
				w.mark[e] = true
			}
			for _, e := range row {
				for _, p := range byEnt[e] {
					if w.held[p] != 0 {
						continue
					}
					touched = append(touched, p)
					for _, pe := range pkgs[p].Entitlements {
						if w.mark[pe] {
							w.held[p]++
						}
					}
				}
			}
			for _, e := range row {
				w.mark[e] = false
			}
			count := func(p int32) {
				holders[p].Add(1)
				if _, ok := slices.BinarySearch(pkgs[p].Members, int32(u)); ok {
					members[p].Add(1)
				}
			}
			best, bestShare := int32(-1), 0.0
			for _, p := range touched {
				n := len(pkgs[p].Entitlements)
				share := float64(w.held[p]) / float64(n)
				w.held[p] = 0
				if share < m.opt.Threshold-1e-9 {
					continue
				}
				if pkgs[p].Kind == Variant {
					count(p)
					continue
				}
				if share > bestShare || share == bestShare && (n > len(pkgs[best].Entitlements) || n == len(pkgs[best].Entitlements) && p < best) {
					best, bestShare = p, share
				}
			}
			if best >= 0 {
				count(best)
			}
			touched = touched[:0]
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range pkgs {
		p := &pkgs[i]
		if p.Kind != JobFunction && p.Kind != Variant {
			continue
		}
		both := float64(members[i].Load())
		if len(p.Members) > 0 {
			p.Metrics.RulePrecision = both / float64(len(p.Members))
		}
		if h := holders[i].Load(); h > 0 {
			p.Metrics.RuleRecall = both / float64(h)
		}
	}
	return nil
}
