package benchmarks

import (
	"context"
	"os"
	"testing"

	"github.com/rolemine/rolemine/internal/bench"
	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/mining"
)

// TestReportsSweep scores the reports against the planted truth on
// generated tenants of 2,000 to 4,925 users (seeds 20 to 59; two of them
// unless ROLEMINE_SCALE is set), end to end: every planted job function
// recovered, overprovisioning and movers precision and recall at least
// 0.9, every SoD violator found, and exactly the planted territory pairs
// suggested (RESULTS.md, "Reports on generated tenants").
func TestReportsSweep(t *testing.T) {
	seeds := []uint64{20, 59}
	if os.Getenv("ROLEMINE_SCALE") != "" {
		seeds = nil
		for s := uint64(20); s < 60; s++ {
			seeds = append(seeds, s)
		}
	}
	lowest := map[string]float64{}
	for _, seed := range seeds {
		n := 2000 + int(seed-20)*75
		res, err := bench.Tenant(context.Background(), t.TempDir(), tenantgen.DefaultConfig(n, seed), mining.DefaultOptions(), "")
		if err != nil {
			t.Fatal(err)
		}
		ev := res.Evaluation
		if ev.Recovered != ev.JobFunctions {
			t.Errorf("seed %d: missed %v", seed, ev.Missed)
		}
		if ev.SoDFound != ev.SoDPlanted {
			t.Errorf("seed %d: %d of %d SoD violators", seed, ev.SoDFound, ev.SoDPlanted)
		}
		if ev.SplitPairsSuggested != ev.SplitPairs || ev.Suggestions != ev.SplitPairs {
			t.Errorf("seed %d: %d suggestions, %d of %d planted pairs", seed, ev.Suggestions, ev.SplitPairsSuggested, ev.SplitPairs)
		}
		for name, v := range map[string]float64{"excess precision": ev.ExcessPrecision, "excess recall": ev.ExcessRecall,
			"movers precision": ev.MoversPrecision, "movers recall": ev.MoversRecall} {
			if v < 0.9 {
				t.Errorf("seed %d, %d users: %s %.3f", seed, n, name, v)
			}
			if old, ok := lowest[name]; !ok || v < old {
				lowest[name] = v
			}
		}
	}
	t.Logf("%d tenants, lowest: %v", len(seeds), lowest)
}
