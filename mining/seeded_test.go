package mining

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/rolemine/rolemine/mining/internal/bitset"
)

// plantedRows builds a planted matrix the way matrixgen does (which this
// package cannot import): k roles, each holding each column with the
// probability that sets about half the cells, and each row the union of lo
// to hi of them.
func plantedRows(n, m, k, lo, hi int, seed uint64) []bitset.Set {
	rng := rand.New(rand.NewPCG(seed, 0x706c616e74))
	p := 1 - math.Pow(0.5, 2/float64(lo+hi))
	roles := make([]bitset.Set, k)
	for r := range roles {
		roles[r] = randomSet(rng, m, p)
		if roles[r].Empty() {
			roles[r].Add(rng.IntN(m))
		}
	}
	rows := make([]bitset.Set, n)
	for u := range rows {
		rows[u] = bitset.New(m)
		for _, r := range rng.Perm(k)[:lo+rng.IntN(hi-lo+1)] {
			bitset.Or(rows[u], rows[u], roles[r])
		}
	}
	return rows
}

// randomSet holds each of m columns with probability p.
func randomSet(rng *rand.Rand, m int, p float64) bitset.Set {
	s := bitset.New(m)
	for q := range m {
		if rng.Float64() < p {
			s.Add(q)
		}
	}
	return s
}

// checkExact fails unless every role's rows hold all of its columns and
// the roles together cover every cell.
func checkExact(t *testing.T, rows []bitset.Set, ncols int, roles []bitRole) {
	t.Helper()
	covered := make([]bitset.Set, len(rows))
	for i := range covered {
		covered[i] = bitset.New(ncols)
	}
	for k, r := range roles {
		if r.intent.Empty() || len(r.extent) == 0 {
			t.Fatalf("role %d is empty", k)
		}
		for _, i := range r.extent {
			if !bitset.SubsetOf(r.intent, rows[i]) {
				t.Fatalf("role %d gives row %d a column it lacks", k, i)
			}
			bitset.Or(covered[i], covered[i], r.intent)
		}
	}
	for i := range rows {
		if !covered[i].Equal(rows[i]) {
			t.Fatalf("row %d is not covered exactly", i)
		}
	}
}

func TestSeededCoverIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for trial := range 24 {
		n, m := 1+rng.IntN(60), 1+rng.IntN(90)
		density := []float64{0.05, 0.3, 0.6, 0.95}[trial%4]
		rows := make([]bitset.Set, n)
		for i := range rows {
			rows[i] = randomSet(rng, m, density)
		}
		roles, err := seededCover(context.Background(), rows, m)
		if err != nil {
			t.Fatal(err)
		}
		checkExact(t, rows, m, roles)
	}
}

// TestSeededCoverRecoversPlanted pins the roles found on small planted
// instances (100 rows, 200 columns, about half the cells set): the planted
// number, where one role per column (what the cover fell back to before)
// is 100 or more.
func TestSeededCoverRecoversPlanted(t *testing.T) {
	for _, k := range []int{25, 50} {
		for seed := uint64(1); seed <= 3; seed++ {
			rows := plantedRows(100, 200, k, 3, 10, seed)
			roles, err := seededCover(context.Background(), rows, 200)
			if err != nil {
				t.Fatal(err)
			}
			checkExact(t, rows, 200, roles)
			if len(roles) > k {
				t.Errorf("k=%d seed %d: %d roles, want at most the %d planted", k, seed, len(roles), k)
			}
		}
	}
}

// TestSeededCoverNoneRedundant: on planted instances of 20 roles, 3-8 per
// row, the cover is exact, has at most 30 roles, and none of them is
// redundant.
func TestSeededCoverNoneRedundant(t *testing.T) {
	for seed := range uint64(3) {
		rows := plantedRows(100, 200, 20, 3, 8, seed)
		roles, err := seededCover(context.Background(), rows, 200)
		if err != nil {
			t.Fatal(err)
		}
		checkExact(t, rows, 200, roles)
		if len(roles) > 30 {
			t.Errorf("seed %d: %d roles for 20 planted", seed, len(roles))
		}
		if n := len(dropRedundant(rows, roles, 200)); n != len(roles) {
			t.Errorf("seed %d: %d of %d roles redundant", seed, len(roles)-n, len(roles))
		}
	}
}

func TestSeededCoverStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := seededCover(ctx, plantedRows(50, 50, 10, 3, 10, 1), 50); err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestMergePairs(t *testing.T) {
	block := func(n, m int, cells [][2]int) []bitset.Set {
		rows := make([]bitset.Set, n)
		for i := range rows {
			rows[i] = bitset.New(m)
		}
		for _, c := range cells {
			rows[c[0]].Add(c[1])
		}
		return rows
	}
	role := func(m int, extent []int32, cols ...int) bitRole {
		x := bitset.New(m)
		for _, j := range cols {
			x.Add(j)
		}
		return bitRole{intent: x, extent: extent}
	}
	var full [][2]int
	for i := range 4 {
		for j := range 4 {
			full = append(full, [2]int{i, j})
		}
	}
	// A 4×4 block covered in two halves merges into one role; two blocks
	// with nothing between them do not.
	for _, tc := range []struct {
		name  string
		rows  []bitset.Set
		roles []bitRole
		want  int
	}{
		{"halves of a block", block(4, 4, full),
			[]bitRole{role(4, []int32{0, 1}, 0, 1, 2, 3), role(4, []int32{2, 3}, 0, 1, 2, 3)}, 1},
		{"two blocks", block(4, 4, [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 2}, {2, 3}, {3, 2}, {3, 3}}),
			[]bitRole{role(4, []int32{0, 1}, 0, 1), role(4, []int32{2, 3}, 2, 3)}, 2},
		{"a block and a row beside it", block(3, 4, append(full[:8:8], [2]int{2, 0})),
			[]bitRole{role(4, []int32{0, 1}, 0, 1, 2, 3), role(4, []int32{0, 1, 2}, 0)}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ncols := 4
			got, err := mergePairs(context.Background(), newGrower(tc.rows, transposeSets(tc.rows, ncols)), tc.roles)
			if err != nil {
				t.Fatal(err)
			}
			checkExact(t, tc.rows, ncols, got)
			if len(got) != tc.want {
				t.Errorf("%d roles after merging, want %d", len(got), tc.want)
			}
		})
	}
}

// TestWiden: a role that took a chance column (3) misses a row (2) that
// holds the rest of it, and a role of that row alone covers its cells;
// the chance column's cells are covered by another role (needed for
// column 4), so the role drops it, takes the row, and the row's role
// becomes redundant. Without widening all three roles are needed.
func TestWiden(t *testing.T) {
	const ncols = 5
	rows := []bitset.Set{bitset.New(ncols), bitset.New(ncols), bitset.New(ncols)}
	for _, c := range [][2]int{{0, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}, {1, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {2, 0}, {2, 1}, {2, 2}} {
		rows[c[0]].Add(c[1])
	}
	set := func(cols ...int) bitset.Set {
		x := bitset.New(ncols)
		for _, j := range cols {
			x.Add(j)
		}
		return x
	}
	roles := []bitRole{
		{intent: set(0, 1, 2, 3), extent: []int32{0, 1}},
		{intent: set(3, 4), extent: []int32{0, 1}},
		{intent: set(0, 1, 2), extent: []int32{2}},
	}
	checkExact(t, rows, ncols, roles)
	if n := len(dropRedundant(rows, slices.Clone(roles), ncols)); n != 3 {
		t.Fatalf("%d roles needed before widening, want 3", n)
	}
	got := dropRedundant(rows, widen(newGrower(rows, transposeSets(rows, ncols)), roles), ncols)
	checkExact(t, rows, ncols, got)
	if len(got) != 2 {
		t.Errorf("%d roles after widening, want 2", len(got))
	}
}

// TestSeededCoverIsDeterministic: the two sides run concurrently, and the
// fill-in draws from a fixed seed; the same matrix gives the same roles.
func TestSeededCoverIsDeterministic(t *testing.T) {
	rows := plantedRows(100, 200, 50, 3, 10, 4)
	key := func(roles []bitRole) []string {
		var out []string
		for _, r := range roles {
			out = append(out, r.intent.Key()+fmt.Sprint(r.extent))
		}
		return out
	}
	var first []string
	for run := range 4 {
		roles, err := seededCover(context.Background(), rows, 200)
		if err != nil {
			t.Fatal(err)
		}
		if run == 0 {
			first = key(roles)
		} else if !slices.Equal(first, key(roles)) {
			t.Fatalf("run %d gave other roles than the first", run)
		}
	}
}
