package mining

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
)

type miner struct {
	d      *Dataset
	opt    Options
	counts []int32
	mark   []bool
	// votes counts, per attribute group, a user's entitlements that most of
	// the group holds (see profiles.fitsElsewhere), and match is the
	// worker's memory for matching users to packages (see ruleFit);
	// allocated on first use.
	votes []int32
	match *MatchScratch
	norm  map[*Attribute]*normalized
	mu    *sync.Mutex // serialises progress callbacks
}

func (m *miner) progress(stage string, done, total int) {
	m.progressOf(work{stage: stage}, done, total)
}

// work names a stage of parallel work for progress: its items count in
// unit ("groups"), or, when total is set, the n items are total units (a
// block of users is many users).
type work struct {
	stage, unit string
	total       int
}

// progressOf reports item done of n of w.
func (m *miner) progressOf(w work, done, n int) {
	if m.opt.Progress == nil {
		return
	}
	if w.total > 0 && n > 0 {
		done, n = int(int64(done)*int64(w.total)/int64(n)), w.total
	}
	m.mu.Lock()
	m.opt.Progress(Progress{Stage: w.stage, Done: done, Total: n, Unit: w.unit})
	m.mu.Unlock()
}

// parallel runs f for items 0..n-1 on up to GOMAXPROCS workers, each with
// its own scratch space, telling progress as wk; it stops at the first
// error or cancellation.
func (m *miner) parallel(ctx context.Context, n int, wk work, f func(w *miner, i int) error) error {
	workers := max(1, min(runtime.GOMAXPROCS(0), 8, n))
	var next atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for k := range workers {
		w := &miner{d: m.d, opt: m.opt, counts: make([]int32, m.d.NumEntitlements), mark: make([]bool, m.d.NumEntitlements), norm: m.norm, mu: m.mu}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if i%256 == 0 {
					if err := ctx.Err(); err != nil {
						errs[k] = err
						return
					}
					w.progressOf(wk, i, n)
				}
				if err := f(w, i); err != nil {
					errs[k] = err
					next.Store(int64(n))
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	m.progressOf(wk, n, n)
	return nil
}
