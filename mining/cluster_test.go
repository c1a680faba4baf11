package mining

import (
	"context"
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestMulmod(t *testing.T) {
	const m = (1 << 61) - 1
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		a, b := rng.Uint64N(m), rng.Uint64N(m)
		want := new(big.Int).Mod(new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(b)), new(big.Int).SetUint64(m))
		if got := mulmod(a, b, m); got != want.Uint64() {
			t.Fatalf("mulmod(%d, %d) = %d, want %d", a, b, got, want)
		}
	}
}

// TestClustersFindTheFunctions: users cluster by their job function's
// access, whatever their (here often wrong) titles say.
func TestClustersFindTheFunctions(t *testing.T) {
	d, truth := functions(3, 9, 40, 0.2, 0.15)
	res, err := Clusters(context.Background(), d, DefaultClusterOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d clusters, %d edges of %d candidates, %d unclustered", len(res.Clusters), res.Edges, res.Candidates, res.Unclustered)
	if len(res.Clusters) != 9 {
		t.Errorf("%d clusters, want the 9 functions", len(res.Clusters))
	}
	found := map[int]bool{}
	for _, c := range res.Clusters {
		count := map[int]int{}
		for _, u := range c.Members {
			count[truth[u]]++
		}
		best, n := -1, 0
		for f, k := range count {
			if k > n {
				best, n = f, k
			}
		}
		if purity := float64(n) / float64(len(c.Members)); purity < 0.95 {
			t.Errorf("cluster of %d users is %.2f pure", len(c.Members), purity)
		}
		if float64(n) < 0.85*40 {
			t.Errorf("cluster holds %d of function %d's 40 users", n, best)
		}
		found[best] = true
	}
	if len(found) != 9 {
		t.Errorf("functions found: %v", found)
	}
	if res.Candidates >= 360*359/2/4 {
		t.Errorf("%d candidate pairs: the LSH should compare far fewer than all %d pairs", res.Candidates, 360*359/2)
	}

	again, err := Clusters(context.Background(), d, DefaultClusterOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res, again) {
		t.Error("the same seed gives different clusters")
	}
	opt := DefaultClusterOptions()
	opt.Resolution = 0.05
	coarse, err := Clusters(context.Background(), d, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(coarse.Clusters) > len(res.Clusters) {
		t.Errorf("a lower resolution gives more clusters (%d > %d)", len(coarse.Clusters), len(res.Clusters))
	}
	opt = DefaultClusterOptions()
	opt.Bands = 5
	if _, err := Clusters(context.Background(), d, opt); err == nil {
		t.Error("64 hashes in 5 bands is not an error")
	}
}
