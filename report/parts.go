package report

import (
	"cmp"
	"runtime"
	"sync"
)

// scanParts is the number of parts a pass over the users is split into
// (0: GOMAXPROCS, at most 8), each of at least minPartUsers users; tests
// set them.
var scanParts, minPartUsers = 0, 4096

// userParts returns how many parts a pass over n users takes.
func userParts(n int) int {
	return max(1, min(cmp.Or(scanParts, runtime.GOMAXPROCS(0)), 8, n/minPartUsers))
}

// inParts runs f for each of parts contiguous ranges of the users 0..n-1,
// each on its own goroutine, and returns the first part's error. f(w, lo, hi)
// scans users lo..hi-1 as part w, with state of its own.
func inParts(parts, n int, f func(w, lo, hi int) error) error {
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for w := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = f(w, w*n/parts, (w+1)*n/parts)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
