package mining

import (
	"context"
	"slices"
	"sync/atomic"
)

// ruleFit sets the rule precision and recall of the job-function and
// variant packages (see Metrics). A user has a variant's access when they
// hold at least the threshold share of its entitlements, and a job
// function's when theirs is the job function of which they hold the largest
// share, at least the threshold (ties: the larger package, then the first):
// job functions share much of their access with their department's others.
// Users are counted in chunks on all workers; a Matcher finds the
// packages each user's access fits.
func (m *miner) ruleFit(ctx context.Context, pkgs []Package) error {
	fitted := make([][]int32, len(pkgs))
	for i, p := range pkgs {
		if p.Kind == JobFunction || p.Kind == Variant {
			fitted[i] = p.Entitlements
		}
	}
	matcher := NewMatcher(m.d, fitted, m.opt.Threshold)
	holders := make([]atomic.Int32, len(pkgs)) // users with the access
	members := make([]atomic.Int32, len(pkgs)) // of them, selected by the rule
	const chunk = 4096
	err := m.parallel(ctx, (m.d.NumUsers+chunk-1)/chunk, work{stage: "rule fit", unit: "users", total: m.d.NumUsers}, func(w *miner, c int) error {
		if w.match == nil {
			w.match = matcher.Scratch()
		}
		for u := c * chunk; u < min((c+1)*chunk, m.d.NumUsers); u++ {
			if !m.d.IsEligible(u) {
				continue
			}
			count := func(p int32) {
				holders[p].Add(1)
				if _, ok := slices.BinarySearch(pkgs[p].Members, int32(u)); ok {
					members[p].Add(1)
				}
			}
			best, bestShare := int32(-1), 0.0
			for _, mt := range matcher.Match(w.match, m.d.Row(u), nil) {
				p := mt.Package
				if pkgs[p].Kind == Variant {
					count(p)
					continue
				}
				n := len(pkgs[p].Entitlements)
				share := float64(mt.Held) / float64(n)
				if share > bestShare || share == bestShare && (n > len(pkgs[best].Entitlements) || n == len(pkgs[best].Entitlements) && p < best) {
					best, bestShare = p, share
				}
			}
			if best >= 0 {
				count(best)
			}
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
