package mining

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// A profile's score walks the row and the group's entitlements together
// (or searches them, when they are many more): the same sum as looking
// each of the row's entitlements up.
func TestProfileScoreSeeks(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	sample := func(n, of int) []int32 { // n of 0..of-1, ascending
		var s []int32
		for _, e := range rng.Perm(of)[:n] {
			s = append(s, int32(e))
		}
		slices.Sort(s)
		return s
	}
	for range 200 {
		ents := sample(1+rng.IntN(120), 200)
		prev := make([]float64, len(ents))
		for i := range prev {
			prev[i] = rng.Float64()
		}
		p := newProfiles([][]int32{ents}, [][]float64{prev}, []int{10}, 200)
		row := sample(rng.IntN(40), 200)
		want := p.base[0]
		for _, e := range row {
			if k, ok := slices.BinarySearch(ents, e); ok {
				want += p.weight[0][k]
			}
		}
		require.Equal(t, want, p.score(0, row), "ents %v row %v", ents, row)
	}
}
