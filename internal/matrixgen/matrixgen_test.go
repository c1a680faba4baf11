package matrixgen

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/mining"
)

// TestPlanted: each user's row is exactly the union of their planted
// roles' permissions, about half the cells are set, the same seed gives
// the same instance, and the planted roles are an exact cover, so Cover's
// proved lower bound never exceeds their number.
func TestPlanted(t *testing.T) {
	cfg := Config{Users: 100, Perms: 200, Roles: 25, MinRolesPerUser: 3, MaxRolesPerUser: 10, Seed: 4}
	pl, err := Generate(cfg)
	require.NoError(t, err)
	set := 0
	for u := 0; u < cfg.Users; u++ {
		var want []int32
		for _, r := range pl.UserRoles[u] {
			want = append(want, pl.Roles[r]...)
		}
		slices.Sort(want)
		require.Equal(t, slices.Compact(want), pl.Data.Row(u), "user %d", u)
		require.GreaterOrEqual(t, len(pl.UserRoles[u]), 3)
		require.LessOrEqual(t, len(pl.UserRoles[u]), 10)
		set += len(pl.Data.Row(u))
	}
	require.InDelta(t, 0.5, float64(set)/float64(cfg.Users*cfg.Perms), 0.08)
	again, err := Generate(cfg)
	require.NoError(t, err)
	require.Equal(t, pl.Roles, again.Roles)

	res, err := mining.Cover(context.Background(), pl.Data, mining.DefaultCoverOptions())
	require.NoError(t, err)
	require.LessOrEqual(t, res.LowerBound, cfg.Roles, "the planted roles cover exactly")

	_, err = Generate(Config{Users: 10, Perms: 10, Roles: 3, MinRolesPerUser: 2, MaxRolesPerUser: 5})
	require.ErrorContains(t, err, "roles per user 2-5 must be within 1-3")
}
