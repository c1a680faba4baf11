package benchmarks

import (
	"context"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/rolemine/rolemine/graph/graphclient"
	"github.com/rolemine/rolemine/graph/graphfake"
	"github.com/rolemine/rolemine/graph/reader"
	"github.com/rolemine/rolemine/internal/store"
)

// GraphResult is one run of the Graph ingest against the fake server in
// scale mode.
type GraphResult struct {
	Users, Groups, Memberships int
	// Objects counts the directory objects read: users, groups, member and
	// owner entries, service principals and role assignments.
	Objects     int
	Requests    int
	ReadSecs    float64
	WriteSecs   float64
	ObjectsPerS float64
	// PeakHeapMiB is the largest Go heap in use seen while reading and
	// writing, sampled every 10 ms; the fake server runs in the same
	// process, so its tenant and its JSON encoding are included.
	PeakHeapMiB float64
	Assignments int64
}

// RunGraphIngest serves a synthetic tenant of the given size from the fake
// Graph server, reads it through the real SDK client and writes it into a
// DuckDB file in dir.
func RunGraphIngest(ctx context.Context, dir string, users, groups, memberships int) (GraphResult, error) {
	t := graphfake.Synthetic(users, groups, memberships, 1)
	res := GraphResult{Users: users, Groups: groups, Memberships: memberships}
	for _, g := range t.Groups {
		res.Objects += 1 + len(g.Members) + len(g.Owners)
	}
	for _, sp := range t.ServicePrincipals {
		res.Objects += 1 + len(sp.Assigned)
	}
	res.Objects += len(t.Users)
	srv := graphfake.New(t)
	defer srv.Close()
	c, err := graphclient.New(ctx, graphclient.Options{BaseURL: srv.URL + "/v1.0"})
	if err != nil {
		return res, err
	}
	st, err := store.Open(ctx, filepath.Join(dir, "graph.duckdb"))
	if err != nil {
		return res, err
	}
	defer st.Close()

	runtime.GC()
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	d, err := reader.New(c, reader.Options{}).Read(ctx)
	res.ReadSecs = time.Since(start).Seconds()
	if err == nil {
		start = time.Now()
		snap, werr := st.WriteDirectory(ctx, "graph", srv.URL, d)
		res.WriteSecs = time.Since(start).Seconds()
		res.Assignments = snap.Assignments
		err = werr
	}
	close(stop)
	wg.Wait()
	res.Requests = len(srv.Requests())
	res.ObjectsPerS = float64(res.Objects) / res.ReadSecs
	res.PeakHeapMiB = float64(peak) / (1 << 20)
	return res, err
}
