package mining

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/mining/internal/bitset"
)

// A fooling set is one: its cells are set and no two fit in one role; and
// its size never exceeds the roles of an exact cover.
func TestFoolingSetBoundsTheCover(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	bigger := 0
	for trial := range 60 {
		users, perms := 4+rng.IntN(12), 4+rng.IntN(12)
		rows := make([]bitset.Set, users)
		b := NewBuilder(users, perms)
		for i := range rows {
			rows[i] = bitset.New(perms)
			for j := range perms {
				if rng.IntN(3) == 0 {
					rows[i].Add(j)
					b.Add(i, j)
				}
			}
		}
		set, err := foolingSet(context.Background(), rows, perms, 1<<20)
		require.NoError(t, err)
		for a, x := range set {
			require.True(t, rows[x[0]].Has(int(x[1])), "trial %d: cell %v is clear", trial, x)
			for _, y := range set[a+1:] {
				require.False(t, rows[x[0]].Has(int(y[1])) && rows[y[0]].Has(int(x[1])), "trial %d: %v and %v fit in one role", trial, x, y)
			}
		}
		res, err := Cover(context.Background(), b.Build(), CoverOptions{})
		require.NoError(t, err)
		require.LessOrEqual(t, len(set), len(res.Roles), "trial %d", trial)
		if len(set) > 1 {
			bigger++
		}
	}
	require.Greater(t, bigger, 30, "the bound says something on most matrices")
}

// The work bound stops the search early, with a smaller set that is still
// a fooling set.
func TestFoolingSetWorkBound(t *testing.T) {
	rows := make([]bitset.Set, 30)
	for i := range rows {
		rows[i] = bitset.New(30)
		rows[i].Add(i) // the identity: all 30 cells form a fooling set
	}
	all, err := foolingSet(context.Background(), rows, 30, 1<<20)
	require.NoError(t, err)
	require.Len(t, all, 30)
	some, err := foolingSet(context.Background(), rows, 30, 50)
	require.NoError(t, err)
	require.Less(t, len(some), 30)
	require.NotEmpty(t, some)
}
