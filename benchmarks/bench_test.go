package benchmarks

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/report"
	"github.com/rolemine/rolemine/tenant"
)

var sizes = []int{10_000, 100_000}

// scaleSizes adds a million users to sizes when ROLEMINE_SCALE is set (the
// tenant alone takes a minute and several GB to generate).
func scaleSizes() []int {
	if os.Getenv("ROLEMINE_SCALE") == "" {
		return sizes
	}
	return append(sizes[:len(sizes):len(sizes)], 1_000_000)
}

func data(b *testing.B, users int) *tenant.Data {
	b.Helper()
	t, err := tenantgen.Build(tenantgen.DefaultConfig(users, 1))
	if err != nil {
		b.Fatal(err)
	}
	return Dataset(t)
}

// BenchmarkJobFunctions mines job-function packages; it reports the
// packages found and the assignments processed per second.
func BenchmarkJobFunctions(b *testing.B) {
	for _, n := range sizes {
		d := data(b, n)
		b.Run(fmt.Sprintf("users=%d/assignments=%d", n, d.Dataset.NumAssignments()), func(b *testing.B) {
			var res *mining.Result
			for b.Loop() {
				var err error
				if res, err = mining.JobFunctions(context.Background(), d.Dataset, mining.DefaultOptions()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(res.Packages)), "packages")
			b.ReportMetric(float64(d.Dataset.NumAssignments())*float64(b.N)/b.Elapsed().Seconds(), "assignments/s")
		})
	}
}

// BenchmarkOverprovisioning computes the excess-access report for mined
// packages, on tenants with the managers and attributes the store loads
// (the peer groups the report consults); a million users with
// ROLEMINE_SCALE=1.
func BenchmarkOverprovisioning(b *testing.B) {
	for _, n := range scaleSizes() {
		d := data(b, n)
		res, err := mining.JobFunctions(context.Background(), d.Dataset, mining.DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		run := &tenant.Run{Packages: tenant.Packages(d, res, nil)}
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			var rep *report.Overprovisioning
			for b.Loop() {
				if rep, err = report.ComputeOverprovisioning(context.Background(), d, run, report.DefaultOverOptions()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(rep.Findings)), "findings")
		})
	}
}

// BenchmarkBacktest runs a backtest of five splits, beside one mine of
// the same tenant: the ratio of their ns/op is what the backtest costs in
// mines (the splits share the loaded matrix).
func BenchmarkBacktest(b *testing.B) {
	for _, n := range sizes {
		d := data(b, n)
		b.Run(fmt.Sprintf("mine/users=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := mining.JobFunctions(context.Background(), d.Dataset, mining.DefaultOptions()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("backtest5/users=%d", n), func(b *testing.B) {
			var res *report.BacktestResult
			for b.Loop() {
				var err error
				if res, err = report.Backtest(context.Background(), d, report.BacktestOptions{Splits: 5, Seed: 1, Mining: mining.DefaultOptions()}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(res.F1.Mean, "f1")
		})
	}
}

// BenchmarkSuggestRules suggests SoD rules on a dense generated tenant
// (bundle scale 12, 50,000 users per region: about 140 grants a user),
// where many entitlement pairs are candidates, and on the same tenant
// with teams, projects, offices, nested groups and one-off grants
// (tenantgen.Config.Realistic), whose rows hold much that is in no pair.
func BenchmarkSuggestRules(b *testing.B) {
	for _, realistic := range []bool{false, true} {
		for _, n := range sizes {
			cfg := tenantgen.DefaultConfig(n, 1)
			cfg.BundleScale, cfg.UsersPerRegion = 12, 50_000
			if realistic {
				cfg = cfg.Realistic()
			}
			t, err := tenantgen.Build(cfg)
			if err != nil {
				b.Fatal(err)
			}
			d := Dataset(t)
			res, err := mining.JobFunctions(context.Background(), d.Dataset, mining.DefaultOptions())
			if err != nil {
				b.Fatal(err)
			}
			run := &tenant.Run{Packages: tenant.Packages(d, res, nil)}
			b.Run(fmt.Sprintf("realistic=%t/users=%d/assignments=%d", realistic, n, d.Dataset.NumAssignments()), func(b *testing.B) {
				var out []report.SuggestedRule
				for b.Loop() {
					if out, err = report.SuggestRules(context.Background(), d, run, nil, report.DefaultSuggestOptions()); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(out)), "suggestions")
			})
		}
	}
}

// BenchmarkBuildDataset builds the CSR matrix from pairs, as the loader does.
func BenchmarkBuildDataset(b *testing.B) {
	for _, n := range sizes {
		t, err := tenantgen.Build(tenantgen.DefaultConfig(n, 1))
		if err != nil {
			b.Fatal(err)
		}
		var us, es []int32
		for i, u := range t.Users {
			for _, e := range u.Grants {
				us, es = append(us, int32(i)), append(es, e)
			}
		}
		b.Run(fmt.Sprintf("users=%d/assignments=%d", n, len(us)), func(b *testing.B) {
			for b.Loop() {
				cb := mining.NewCSRBuilder(len(t.Users), len(t.Entitlements), len(us))
				if err := cb.Add(us, es); err != nil {
					b.Fatal(err)
				}
				if _, err := cb.Build(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
