package mining

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMatcherFindsEveryFit compares Match with counting every package for
// every user, on random packages (some sharing common entitlements) and
// shares.
func TestMatcherFindsEveryFit(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	const users, ents = 300, 60
	b := NewBuilder(users, ents)
	for u := range users {
		for e := range ents {
			// Low entitlements are common, high ones rare.
			if rng.Float64() < 0.6/float64(1+e/6) {
				b.Add(u, e)
			}
		}
	}
	d := b.Build()
	var pkgs [][]int32
	for range 40 {
		n := 1 + rng.IntN(8)
		p := map[int32]bool{}
		for len(p) < n {
			p[int32(rng.IntN(ents))] = true
		}
		var list []int32
		for e := range p {
			list = append(list, e)
		}
		slices.Sort(list)
		pkgs = append(pkgs, list)
	}
	pkgs = append(pkgs, nil) // never matches
	for _, share := range []float64{0.3, 0.5, 0.8, 1} {
		m := NewMatcher(d, pkgs, share)
		s := m.Scratch()
		found := 0
		for u := range users {
			row := d.Row(u)
			want := map[int32]int32{}
			for p, ents := range pkgs {
				held := int32(0)
				for _, e := range ents {
					if _, ok := slices.BinarySearch(row, e); ok {
						held++
					}
				}
				if len(ents) > 0 && float64(held)/float64(len(ents)) >= share-1e-9 {
					want[int32(p)] = held
				}
			}
			got := map[int32]int32{}
			for _, mt := range m.Match(s, row, nil) {
				got[mt.Package] = mt.Held
			}
			require.Equal(t, want, got, "share %v, user %d", share, u)
			found += len(got)
		}
		require.Positive(t, found, "share %v: some users fit some packages", share)
	}
}
