package benchmarks

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rolemine/rolemine/internal/matrixgen"
	"github.com/rolemine/rolemine/mining"
)

// plantedSizes are the planted instances of the dense-matrix benchmark:
// users × permissions and planted roles, each user holding 3 to 10 of
// them, about half the cells set.
var plantedSizes = []struct{ users, perms, roles int }{
	{100, 200, 25}, {100, 200, 50}, {300, 300, 75}, {1000, 1000, 250}, {1000, 1000, 500}, {2000, 2000, 500},
}

// TestPlantedCover covers planted instances (three seeds each) and logs,
// per instance, the roles found against the planted number, the proved
// lower bound and the time. With ROLEMINE_SCALE unset it runs the two
// smallest sizes on one seed; ROLEMINE_SEEDS (e.g. "4,5,6") sets the
// seeds. It checks that every cover is exact, has at most the planted
// number of roles (the target of the structural core on such instances),
// and that the lower bound is not above that number (the planted roles
// are an exact cover). Times are logged, not checked.
func TestPlantedCover(t *testing.T) {
	sizes, seeds := plantedSizes, []uint64{1, 2, 3}
	if os.Getenv("ROLEMINE_SCALE") == "" {
		sizes, seeds = sizes[:2], seeds[:1]
	}
	if s := os.Getenv("ROLEMINE_SEEDS"); s != "" {
		seeds = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.ParseUint(f, 10, 64)
			if err != nil {
				t.Fatalf("ROLEMINE_SEEDS: %v", err)
			}
			seeds = append(seeds, n)
		}
	}
	for _, sz := range sizes {
		for _, seed := range seeds {
			t.Run(fmt.Sprintf("%dx%d/k=%d/seed=%d", sz.users, sz.perms, sz.roles, seed), func(t *testing.T) {
				pl, err := matrixgen.Generate(matrixgen.Config{Users: sz.users, Perms: sz.perms, Roles: sz.roles,
					MinRolesPerUser: 3, MaxRolesPerUser: 10, Seed: seed})
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				res, err := mining.Cover(context.Background(), pl.Data, mining.DefaultCoverOptions())
				if err != nil {
					t.Fatal(err)
				}
				if res.LowerBound > sz.roles {
					t.Errorf("lower bound %d above the %d planted roles", res.LowerBound, sz.roles)
				}
				if len(res.Roles) > sz.roles {
					t.Errorf("%d roles, more than the %d planted", len(res.Roles), sz.roles)
				}
				covered := map[[2]int32]bool{}
				for _, r := range res.Roles {
					for _, u := range r.Users {
						for _, p := range r.Perms {
							covered[[2]int32{u, p}] = true
						}
					}
				}
				if int64(len(covered)) != pl.Data.NumAssignments() {
					t.Errorf("the cover covers %d of %d cells", len(covered), pl.Data.NumAssignments())
				}
				t.Logf("roles %d (planted %d, %.2fx), lower bound %d, proved %v, greedy components %d, %.2fs",
					len(res.Roles), sz.roles, float64(len(res.Roles))/float64(sz.roles), res.LowerBound, res.Proved, res.Stats.Greedy, time.Since(start).Seconds())
			})
		}
	}
}
