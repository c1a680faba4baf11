package mining

import (
	"context"
	"slices"
	"sync/atomic"
)

// ruleFit sets the rule precision and recall of the job-function and
// variant packages (see Metrics): a user has a package's access when they
// hold at least the threshold share of its entitlements. Users are counted
// in chunks on all workers; each package's holders are counted once.
func (m *miner) ruleFit(ctx context.Context, pkgs []Package) error {
	byEnt := make([][]int32, m.d.NumEntitlements)
	for i, p := range pkgs {
		if p.Kind == JobFunction || p.Kind == Variant {
			for _, e := range p.Entitlements {
				byEnt[e] = append(byEnt[e], int32(i))
			}
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
			for _, e := range m.d.Row(u) {
				for _, p := range byEnt[e] {
					if w.held[p] == 0 {
						touched = append(touched, p)
					}
					w.held[p]++
				}
			}
			for _, p := range touched {
				if float64(w.held[p]) >= m.opt.Threshold*float64(len(pkgs[p].Entitlements))-1e-9 {
					holders[p].Add(1)
					if _, ok := slices.BinarySearch(pkgs[p].Members, int32(u)); ok {
						members[p].Add(1)
					}
				}
				w.held[p] = 0
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
