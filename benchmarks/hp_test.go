package benchmarks

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rolemine/rolemine/ingest/matrix"
	"github.com/rolemine/rolemine/mining"
)

var hpDir = filepath.Join("..", "..", "shared", "datasets", "hp")

func TestHPMinRoles(t *testing.T) {
	if _, err := os.Stat(hpDir); err != nil {
		t.Skipf("benchmark data not found: %v", err)
	}
	results, err := RunHP(context.Background(), hpDir, mining.DefaultCoverOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		t.Logf("%-15s roles %4d (min %4d, lb %4d, proved %v) wsc %6d  %.2fs  %+v", r.Dataset, r.Roles, r.MinRoles, r.LowerBound, r.Proved, r.WSC, r.Seconds, r.Stats)
		if r.Error != "" || !r.Exact {
			t.Errorf("%s: cover is not exact: %s", r.Dataset, r.Error)
		}
		if r.Roles < r.MinRoles {
			t.Errorf("%s: %d roles, below the proved minimum %d: the cover or the bound is wrong", r.Dataset, r.Roles, r.MinRoles)
		}
	}
}

func TestHPWSC(t *testing.T) {
	if _, err := os.Stat(hpDir); err != nil {
		t.Skipf("benchmark data not found: %v", err)
	}
	opt := mining.DefaultCoverOptions()
	opt.Objective = mining.MinWSC
	results, err := RunHP(context.Background(), hpDir, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		t.Logf("%-15s roles %4d wsc %6d (best published %6d)  %.2fs", r.Dataset, r.Roles, r.WSC, r.BestWSC, r.Seconds)
		if r.Error != "" || !r.Exact {
			t.Errorf("%s: cover is not exact: %s", r.Dataset, r.Error)
		}
		if r.BestWSC > 0 && r.WSC > r.BestWSC {
			t.Errorf("%s: WSC %d above the best published %d", r.Dataset, r.WSC, r.BestWSC)
		}
	}
}

// BenchmarkHP covers each dataset; it reports roles and WSC beside the time.
func BenchmarkHP(b *testing.B) {
	if _, err := os.Stat(hpDir); err != nil {
		b.Skipf("benchmark data not found: %v", err)
	}
	for _, obj := range []mining.Objective{mining.MinRoles, mining.MinWSC} {
		for _, ds := range HPDatasets {
			m, err := matrix.ReadFile(filepath.Join(hpDir, ds.File), "")
			if err != nil {
				b.Fatal(err)
			}
			opt := mining.DefaultCoverOptions()
			opt.Objective = obj
			b.Run(fmt.Sprintf("objective=%s/dataset=%s", []string{"roles", "wsc"}[obj], ds.Name), func(b *testing.B) {
				var res *mining.CoverResult
				for b.Loop() {
					if res, err = mining.Cover(context.Background(), m.Data, opt); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(res.Roles)), "roles")
				b.ReportMetric(float64(res.WSC()), "wsc")
			})
		}
	}
}
