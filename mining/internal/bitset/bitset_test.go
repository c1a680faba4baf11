package bitset

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// naive is the obvious []bool version each kernel is compared with.
type naive []bool

func randomPair(rng *rand.Rand, n int, density float64) (Set, Set, naive, naive) {
	a, b := New(n), New(n)
	na, nb := make(naive, n), make(naive, n)
	for i := range n {
		if rng.Float64() < density {
			a.Add(i)
			na[i] = true
		}
		if rng.Float64() < density {
			b.Add(i)
			nb[i] = true
		}
	}
	return a, b, na, nb
}

func TestGolden(t *testing.T) {
	a, b := New(130), New(130)
	for _, i := range []int{0, 5, 64, 129} {
		a.Add(i)
	}
	for _, i := range []int{5, 64, 100} {
		b.Add(i)
	}
	dst := New(130)
	And(dst, a, b)
	if got := dst.AppendTo(nil); !slices.Equal(got, []int32{5, 64}) {
		t.Errorf("And = %v", got)
	}
	AndNot(dst, a, b)
	if got := dst.AppendTo(nil); !slices.Equal(got, []int32{0, 129}) {
		t.Errorf("AndNot = %v", got)
	}
	Or(dst, a, b)
	if got := dst.AppendTo(nil); !slices.Equal(got, []int32{0, 5, 64, 100, 129}) {
		t.Errorf("Or = %v", got)
	}
	if a.Count() != 4 || AndCount(a, b) != 2 || AndNotCount(a, b) != 2 || Jaccard(a, b) != 2.0/5 || Containment(b, a) != 2.0/3 {
		t.Errorf("counts: %d %d %d %v %v", a.Count(), AndCount(a, b), AndNotCount(a, b), Jaccard(a, b), Containment(b, a))
	}
	if SubsetOf(a, b) || !SubsetOf(dst, dst) || !Intersects(a, b) {
		t.Error("subset/intersects")
	}
	a.Remove(0)
	if a.Has(0) || !a.Has(5) || New(10).Count() != 0 || !New(10).Empty() || Jaccard(New(10), New(10)) != 1 {
		t.Error("remove/has/empty")
	}
}

// TestRandomAgainstNaive compares every kernel with the []bool version on
// random sets of many sizes and densities.
func TestRandomAgainstNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 500 {
		n := 1 + rng.IntN(300)
		a, b, na, nb := randomPair(rng, n, rng.Float64())
		var inter, union, diff, ca int
		subset, meets := true, false
		for i := range n {
			if na[i] && nb[i] {
				inter++
				meets = true
			}
			if na[i] || nb[i] {
				union++
			}
			if na[i] && !nb[i] {
				diff++
				subset = false
			}
			if na[i] {
				ca++
			}
		}
		if AndCount(a, b) != inter || AndNotCount(a, b) != diff || a.Count() != ca || SubsetOf(a, b) != subset || Intersects(a, b) != meets {
			t.Fatalf("trial %d: counts differ", trial)
		}
		wantJ := 1.0
		if union > 0 {
			wantJ = float64(inter) / float64(union)
		}
		if Jaccard(a, b) != wantJ {
			t.Fatalf("trial %d: Jaccard %v, want %v", trial, Jaccard(a, b), wantJ)
		}
		dst := New(n)
		And(dst, a, b)
		for i := range n {
			if dst.Has(i) != (na[i] && nb[i]) {
				t.Fatalf("trial %d: And bit %d", trial, i)
			}
		}
		var each []int32
		a.Each(func(i int) { each = append(each, int32(i)) })
		if !slices.Equal(each, a.AppendTo(nil)) || len(each) != ca {
			t.Fatalf("trial %d: iteration", trial)
		}
		if (a.Key() == b.Key()) != a.Equal(b) {
			t.Fatalf("trial %d: key", trial)
		}
	}
}

func naiveAndCount(a, b naive) int {
	n := 0
	for i := range a {
		if a[i] && b[i] {
			n++
		}
	}
	return n
}

// BenchmarkAndCount compares the word kernel with the []bool loop.
func BenchmarkAndCount(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{1024, 16384} {
		x, y, nx, ny := randomPair(rng, n, 0.1)
		b.Run(fmt.Sprintf("bits=%d/impl=bitset", n), func(b *testing.B) {
			s := 0
			for b.Loop() {
				s += AndCount(x, y)
			}
			_ = s
		})
		b.Run(fmt.Sprintf("bits=%d/impl=naive", n), func(b *testing.B) {
			s := 0
			for b.Loop() {
				s += naiveAndCount(nx, ny)
			}
			_ = s
		})
	}
}

func BenchmarkJaccard(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y, _, _ := randomPair(rng, 4096, 0.05)
	for b.Loop() {
		Jaccard(x, y)
	}
}

func TestAndHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		n := 1 + rng.IntN(200)
		a, b, _, _ := randomPair(rng, n, rng.Float64())
		dst := New(n)
		h, empty, eq := AndHash(dst, a, b)
		want := New(n)
		And(want, a, b)
		if !dst.Equal(want) || h != want.Hash() || empty != want.Empty() || eq != want.Equal(b) {
			t.Fatal("AndHash disagrees with And, Hash, Empty and Equal")
		}
	}
}
