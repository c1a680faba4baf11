package mining_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/rolemine/rolemine/mining"
)

func randomMatrix(rng *rand.Rand, users, perms int, density float64) *mining.Dataset {
	b := mining.NewBuilder(users, perms)
	for u := range users {
		for p := range perms {
			if rng.Float64() < density {
				b.Add(u, p)
			}
		}
	}
	return b.Build()
}

// bruteMinRoles finds the minimum number of roles of an exact cover by
// trying every set of maximal bicliques of growing size.
func bruteMinRoles(d *mining.Dataset) int {
	type cell struct{ u, p int }
	has := map[cell]bool{}
	var cells []cell
	for u := range d.NumUsers {
		for _, p := range d.Row(u) {
			has[cell{u, int(p)}] = true
			cells = append(cells, cell{u, int(p)})
		}
	}
	if len(cells) == 0 {
		return 0
	}
	// Maximal bicliques: closures of every subset of permissions.
	var bicliques []map[cell]bool
	seen := map[string]bool{}
	for mask := 1; mask < 1<<d.NumEntitlements; mask++ {
		var users []int
		for u := range d.NumUsers {
			ok := true
			for p := range d.NumEntitlements {
				if mask&(1<<p) != 0 && !has[cell{u, p}] {
					ok = false
					break
				}
			}
			if ok {
				users = append(users, u)
			}
		}
		if len(users) == 0 {
			continue
		}
		// Close the permission side.
		closed := 0
		for p := range d.NumEntitlements {
			all := true
			for _, u := range users {
				if !has[cell{u, p}] {
					all = false
					break
				}
			}
			if all {
				closed |= 1 << p
			}
		}
		key := fmt.Sprint(closed)
		if seen[key] {
			continue
		}
		seen[key] = true
		b := map[cell]bool{}
		for _, u := range users {
			for p := range d.NumEntitlements {
				if closed&(1<<p) != 0 {
					b[cell{u, p}] = true
				}
			}
		}
		bicliques = append(bicliques, b)
	}
	var try func(start, left int, covered map[cell]int) bool
	try = func(start, left int, covered map[cell]int) bool {
		if left == 0 {
			for _, c := range cells {
				if covered[c] == 0 {
					return false
				}
			}
			return true
		}
		for i := start; i < len(bicliques); i++ {
			for c := range bicliques[i] {
				covered[c]++
			}
			ok := try(i+1, left-1, covered)
			for c := range bicliques[i] {
				covered[c]--
			}
			if ok {
				return true
			}
		}
		return false
	}
	for k := 1; ; k++ {
		if try(0, k, map[cell]int{}) {
			return k
		}
	}
}

func cover(t *testing.T, d *mining.Dataset, opt mining.CoverOptions) *mining.CoverResult {
	t.Helper()
	res, err := mining.Cover(context.Background(), d, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := mining.VerifyCover(d, res.Roles, res.Exceptions); err != nil {
		t.Fatalf("cover is wrong: %v", err)
	}
	return res
}

// TestCoverAgainstBruteForce compares the role count with an exhaustive
// search on small random matrices.
func TestCoverAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 300 {
		d := randomMatrix(rng, 1+rng.IntN(7), 1+rng.IntN(6), 0.2+0.6*rng.Float64())
		res := cover(t, d, mining.DefaultCoverOptions())
		want := bruteMinRoles(d)
		if len(res.Roles) != want || !res.Proved || res.LowerBound != want {
			t.Fatalf("trial %d: %d roles (lower bound %d, proved %v), brute force %d", trial, len(res.Roles), res.LowerBound, res.Proved, want)
		}
		wsc := mining.DefaultCoverOptions()
		wsc.Objective = mining.MinWSC
		w := cover(t, d, wsc)
		if len(w.Exceptions) != 0 {
			t.Fatalf("trial %d: WSC cover left exceptions", trial)
		}
	}
}

// TestCoverMetamorphic: permuting users or permissions, or duplicating a
// user, does not change the number of roles.
func TestCoverMetamorphic(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for trial := range 40 {
		nu, np := 5+rng.IntN(25), 5+rng.IntN(20)
		d := randomMatrix(rng, nu, np, 0.1+0.25*rng.Float64())
		r0 := cover(t, d, mining.DefaultCoverOptions())
		base := len(r0.Roles)
		if !r0.Proved {
			t.Fatalf("trial %d: not proved (%d roles, lower bound %d)", trial, base, r0.LowerBound)
		}
		up, pp := rng.Perm(nu), rng.Perm(np)
		b := mining.NewBuilder(nu+1, np)
		for u := range nu {
			for _, p := range d.Row(u) {
				b.Add(up[u], pp[p])
			}
		}
		dup := rng.IntN(nu)
		for _, p := range d.Row(dup) {
			b.Add(nu, pp[p])
		}
		r1 := cover(t, b.Build(), mining.DefaultCoverOptions())
		if len(r1.Roles) != base || !r1.Proved {
			t.Fatalf("trial %d: %d roles (proved %v) after permuting and duplicating, %d before", trial, len(r1.Roles), r1.Proved, base)
		}
	}
}

func TestCoverNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	d := randomMatrix(rng, 60, 40, 0.15)
	exact := cover(t, d, mining.DefaultCoverOptions())
	opt := mining.DefaultCoverOptions()
	opt.MaxNoise = 0.1
	noisy := cover(t, d, opt)
	if len(noisy.Exceptions) == 0 || len(noisy.Exceptions) > int(0.1*float64(d.NumAssignments())) {
		t.Fatalf("%d exceptions for a budget of %d", len(noisy.Exceptions), int(0.1*float64(d.NumAssignments())))
	}
	if len(noisy.Roles) >= len(exact.Roles) {
		t.Fatalf("noise mode kept %d roles, the exact cover has %d", len(noisy.Roles), len(exact.Roles))
	}
	if _, err := mining.Cover(context.Background(), d, mining.CoverOptions{MaxNoise: 1}); err == nil {
		t.Error("noise 1 accepted")
	}
}

func TestCoverCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := randomMatrix(rand.New(rand.NewPCG(1, 1)), 200, 100, 0.2)
	if _, err := mining.Cover(ctx, d, mining.DefaultCoverOptions()); err == nil {
		t.Error("cancelled cover returned no error")
	}
}

func TestVerifyCoverCatchesErrors(t *testing.T) {
	b := mining.NewBuilder(2, 2)
	b.Add(0, 0)
	b.Add(0, 1)
	b.Add(1, 1)
	d := b.Build()
	for _, c := range []struct {
		roles []mining.Role
		exc   [][2]int32
	}{
		{[]mining.Role{{Users: []int32{0, 1}, Perms: []int32{0, 1}}}, nil},                               // grants (1,0)
		{[]mining.Role{{Users: []int32{0}, Perms: []int32{0, 1}}}, nil},                                  // misses (1,1)
		{[]mining.Role{{Users: []int32{0, 1}, Perms: []int32{1}}}, [][2]int32{{0, 1}}},                   // exception covered
		{[]mining.Role{{Users: []int32{0}, Perms: []int32{0, 1}}, {Users: []int32{1}, Perms: nil}}, nil}, // empty role
	} {
		if mining.VerifyCover(d, c.roles, c.exc) == nil {
			t.Errorf("accepted %+v %v", c.roles, c.exc)
		}
	}
	if err := mining.VerifyCover(d, []mining.Role{{Users: []int32{0}, Perms: []int32{0}}, {Users: []int32{0, 1}, Perms: []int32{1}}}, nil); err != nil {
		t.Errorf("rejected a correct cover: %v", err)
	}
}
