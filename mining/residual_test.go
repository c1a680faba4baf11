package mining

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/mining/internal/bitset"
)

// planted builds rows as the OR of k random roles, each row holding lo to
// hi of them, about half the cells set.
func planted(seed uint64, n, m, k, lo, hi int) []bitset.Set {
	rng := rand.New(rand.NewPCG(seed, 7))
	roles := make([]bitset.Set, k)
	for r := range roles {
		roles[r] = bitset.New(m)
		for j := range m {
			if rng.Float64() < 0.1 {
				roles[r].Add(j)
			}
		}
	}
	rows := make([]bitset.Set, n)
	for i := range rows {
		rows[i] = bitset.New(m)
		for _, r := range rng.Perm(k)[:lo+rng.IntN(hi-lo+1)] {
			bitset.Or(rows[i], rows[i], roles[r])
		}
	}
	return rows
}

// TestResidualCover: on planted instances whose concepts are too many to
// enumerate, the residual cover is exact (every cell covered, no role
// outside a row) and, with few roles, close to the planted number; no
// role it keeps is redundant.
func TestResidualCover(t *testing.T) {
	for seed := range uint64(3) {
		rows := planted(seed, 100, 200, 20, 3, 8)
		roles, err := residualCover(context.Background(), rows, 200)
		require.NoError(t, err)
		require.NotNil(t, roles)
		covered := make([]bitset.Set, len(rows))
		for i := range covered {
			covered[i] = bitset.New(200)
		}
		for _, r := range roles {
			for _, i := range r.extent {
				require.True(t, bitset.SubsetOf(r.intent, rows[i]), "a role lies inside every row it is assigned to")
				bitset.Or(covered[i], covered[i], r.intent)
			}
		}
		for i := range rows {
			require.True(t, covered[i].Equal(rows[i]), "seed %d: row %d covered exactly", seed, i)
		}
		require.LessOrEqual(t, len(roles), 30, "seed %d: %d roles for 20 planted", seed, len(roles))
		require.Equal(t, len(roles), len(dropRedundant(rows, roles, 200)), "none redundant")
	}
}
