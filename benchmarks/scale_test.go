package benchmarks

import (
	"context"
	"fmt"
	"testing"

	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/mining"
)

// BenchmarkCoverTenant runs structural mining on generated tenants: 10k
// users at the default density, and 100k users with the dense settings of
// the scale suite (about 45 grants per user, 27.6k entitlements).
func BenchmarkCoverTenant(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		cfg := tenantgen.DefaultConfig(n, 1)
		if n >= 100_000 {
			cfg.BundleScale, cfg.UsersPerRegion = 12, 5000
		}
		t, err := tenantgen.Build(cfg)
		if err != nil {
			b.Fatal(err)
		}
		d := Dataset(t).Dataset
		b.Run(fmt.Sprintf("users=%d/assignments=%d", n, d.NumAssignments()), func(b *testing.B) {
			var res *mining.CoverResult
			for b.Loop() {
				if res, err = mining.Cover(context.Background(), d, mining.DefaultCoverOptions()); err != nil {
					b.Fatal(err)
				}
			}
			if err := mining.VerifyCover(d, res.Roles, res.Exceptions); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(res.Roles)), "roles")
			b.ReportMetric(float64(res.LowerBound), "lowerbound")
			b.Logf("%+v proved %v", res.Stats, res.Proved)
		})
	}
}
