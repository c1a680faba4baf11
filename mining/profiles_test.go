package mining

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// A profile's score walks the row and the group's scored entitlements
// together (or searches them, when they are many more): the model's
// log-likelihood written out, where the entitlements held at the floor
// weigh 0 and are left out.
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
	logit := func(x float64) float64 { return math.Log(x / (1 - x)) }
	skipped := 0
	for _, members := range []int{10, 1000} {
		for range 200 {
			ents := sample(1+rng.IntN(120), 200)
			prev := make([]float64, len(ents))
			for i := range prev {
				prev[i] = rng.Float64()
				if rng.IntN(3) == 0 {
					prev[i] /= 200 // a long-tail grant: held at the floor in a large group
				}
			}
			p := newProfiles([][]int32{ents}, [][]float64{prev}, []int{members}, 200)
			// The model written out: every entitlement some member holds
			// weighs in, those at the floor with 0.
			n := float64(members)
			want, weight, most := 0.0, map[int32]float64{}, []int32(nil)
			for i, e := range ents {
				x := min(max((prev[i]*n+0.5)/(n+1), profileFloor), 1-profileFloor)
				want += math.Log((1 - x) / (1 - profileFloor))
				weight[e] = logit(x) - logit(profileFloor)
				if x == profileFloor {
					skipped++
				}
				if prev[i] >= 0.5 {
					most = append(most, e)
				}
			}
			row := sample(rng.IntN(40), 200)
			for _, e := range row {
				want += weight[e]
			}
			require.InDelta(t, want, p.score(0, row), 1e-9, "ents %v row %v", ents, row)
			require.Equal(t, most, p.most[0])
		}
	}
	require.Positive(t, skipped, "some entitlements at the floor")
}
