package benchmarks

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/rolemine/rolemine/internal/bench"
	"github.com/rolemine/rolemine/internal/pipeline"
	"github.com/rolemine/rolemine/internal/store"
	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/report"
)

// BenchmarkBacktestSnapshot is what a user runs: `rolemine mine` (load the
// snapshot from its DuckDB file, mine, save the run) beside `rolemine
// backtest --splits 5` (load it once, five splits), on a generated tenant
// ingested from its files. The ratio of their ns/op is what a backtest
// costs in mines.
func BenchmarkBacktestSnapshot(b *testing.B) {
	ctx := context.Background()
	for _, n := range sizes {
		dir := b.TempDir()
		if _, err := tenantgen.Generate(tenantgen.DefaultConfig(n, 1), dir); err != nil {
			b.Fatal(err)
		}
		st, err := store.Open(ctx, filepath.Join(dir, "rolemine.duckdb"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		snap, err := st.IngestFiles(ctx, bench.GeneratedFiles(dir))
		if err != nil {
			b.Fatal(err)
		}
		mo := pipeline.MineOptions{Options: mining.DefaultOptions()}
		b.Run(fmt.Sprintf("mine/users=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := pipeline.Mine(ctx, st, snap.ID, mo); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("backtest5/users=%d", n), func(b *testing.B) {
			var res *report.BacktestResult
			for b.Loop() {
				if res, err = pipeline.Backtest(ctx, st, snap.ID, mo, report.BacktestOptions{Splits: 5, Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(res.F1.Mean, "f1")
		})
	}
}
