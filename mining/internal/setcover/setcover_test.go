package setcover

import (
	"context"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// fewest finds the fewest sets covering 0..n-1 by trying every subset.
func fewest(n int, sets [][]int32) int {
	best := len(sets) + 1
	for mask := uint32(1); mask < 1<<len(sets); mask++ {
		k := bits.OnesCount32(mask)
		if k >= best {
			continue
		}
		covered := make([]bool, n)
		left := n
		for s := range sets {
			if mask&(1<<s) == 0 {
				continue
			}
			for _, e := range sets[s] {
				if !covered[e] {
					covered[e] = true
					left--
				}
			}
		}
		if left == 0 {
			best = k
		}
	}
	return best
}

func covers(n int, sets [][]int32, chosen []int) bool {
	covered := make([]bool, n)
	for _, s := range chosen {
		for _, e := range sets[s] {
			covered[e] = true
		}
	}
	for _, c := range covered {
		if !c {
			return false
		}
	}
	return true
}

// TestExactIsOptimal compares Exact with every subset on random small
// instances (every element in at least one set): the cover is one, it has
// the fewest sets, and its lower bound is proved.
func TestExactIsOptimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := range 300 {
		n, m := 4+rng.IntN(12), 3+rng.IntN(12)
		// Each element in one set for sure, and in others at random.
		sets := make([][]int32, m)
		for e := range n {
			s := rng.IntN(m)
			sets[s] = append(sets[s], int32(e))
			for s := range m {
				if rng.Float64() < 0.25 && (len(sets[s]) == 0 || sets[s][len(sets[s])-1] != int32(e)) {
					sets[s] = append(sets[s], int32(e))
				}
			}
		}
		for s := range sets {
			sets[s] = dedupe(sets[s])
		}
		want := fewest(n, sets)
		sol, err := Exact(context.Background(), n, sets, 1_000_000, m+1)
		require.NoError(t, err)
		require.True(t, covers(n, sets, sol.Chosen), "trial %d: a cover", trial)
		require.True(t, sol.Proved, "trial %d", trial)
		require.Len(t, sol.Chosen, want, "trial %d: the fewest sets", trial)
		require.Equal(t, want, sol.LowerBound, "trial %d", trial)

		g := Greedy(n, sets)
		require.True(t, covers(n, sets, g.Chosen), "trial %d: greedy covers too", trial)
		require.GreaterOrEqual(t, len(g.Chosen), want)
		require.False(t, g.Proved)
	}
}

func dedupe(xs []int32) []int32 {
	seen := map[int32]bool{}
	out := xs[:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// TestExactLimit: with a known cover as small as the optimum the result
// is proved (LimitOptimal when the search had to show it); below a larger
// one the search finds the optimum.
func TestExactLimit(t *testing.T) {
	sets := [][]int32{{0, 1}, {2, 3}, {0, 2}, {1, 3}, {0, 1, 2}}
	sol, err := Exact(context.Background(), 4, sets, 1_000_000, 2)
	require.NoError(t, err)
	require.True(t, sol.Proved)
	require.Equal(t, 2, sol.LowerBound)
	require.True(t, sol.LimitOptimal || len(sol.Chosen) == 2, "the known cover of 2 is optimal, or the cover found has 2 sets")
	sol, err = Exact(context.Background(), 4, sets, 1_000_000, 3)
	require.NoError(t, err)
	require.False(t, sol.LimitOptimal)
	require.Len(t, sol.Chosen, 2, "below a known cover of 3, the search finds 2")
}

func TestExactStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rng := rand.New(rand.NewPCG(1, 2))
	n, m := 400, 300
	sets := make([][]int32, m)
	for e := range n {
		for range 3 {
			s := rng.IntN(m)
			sets[s] = append(sets[s], int32(e))
		}
	}
	for s := range sets {
		sets[s] = dedupe(sets[s])
	}
	_, err := Exact(ctx, n, sets, 1<<30, m+1)
	require.ErrorIs(t, err, context.Canceled)
}
