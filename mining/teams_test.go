package mining

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTeamPackages: 40 users in two job functions of 20 (entitlements 1
// and 2), in four teams of ten across them (team k: users k, k+4, k+8, ...
// managed by user k). Team 0 holds a team group (3); team 1 a group that
// the 20 users of teams 2 and 3 hold too (4); six of team 2's ten hold
// another group (5), below the threshold. Only team 0 gets a package, of
// its group alone, for direct assignment; none without Teams or without
// managers.
func TestTeamPackages(t *testing.T) {
	const n = 40
	b := NewBuilder(n, 6)
	managers := make([]int32, n)
	for u := range n {
		b.SetAttribute("jobTitle", u, []string{"Analyst", "Buyer"}[u/20])
		b.Add(u, 0)
		b.Add(u, 1+u/20)
		managers[u] = int32(u % 4)
		if u < 4 {
			managers[u] = -1
		}
		switch {
		case u%4 == 0:
			b.Add(u, 3)
		case u%4 == 1:
			b.Add(u, 4)
		case u%4 == 2 && u < 24:
			b.Add(u, 5)
		}
	}
	for u := range n {
		if u%4 >= 2 {
			b.Add(u, 4) // outsiders holding team 1's group
		}
	}
	d := b.Build()
	d.Managers = managers
	opt := DefaultOptions()
	opt.By = []string{"jobTitle"}
	res, err := JobFunctions(context.Background(), d, opt)
	require.NoError(t, err)
	var teams []Package
	for _, p := range res.Packages {
		if p.Kind == Team {
			teams = append(teams, p)
		}
	}
	require.Len(t, teams, 1)
	p := teams[0]
	require.Equal(t, int32(0), p.Manager)
	require.Equal(t, []int32{3}, p.Entitlements)
	require.Equal(t, []int32{0, 4, 8, 12, 16, 20, 24, 28, 32, 36}, p.Members)
	require.False(t, p.Automatic)
	require.Equal(t, 1.0, p.Prevalence[0])

	// With a column that names the team, the package gets its rule.
	b2 := NewBuilder(n, 6)
	for u := range n {
		for _, e := range d.Row(u) {
			b2.Add(u, int(e))
		}
		b2.SetAttribute("jobTitle", u, d.Attribute("jobTitle").Value(u))
		b2.SetAttribute("team", u, []string{"North", "South", "East", "West"}[u%4])
	}
	withTeam := b2.Build()
	withTeam.Managers = managers
	res, err = JobFunctions(context.Background(), withTeam, opt)
	require.NoError(t, err)
	ruled := 0
	for _, p := range res.Packages {
		if p.Kind == Team {
			ruled++
			require.True(t, p.Automatic)
			require.Equal(t, []Condition{{Attribute: "team", Normalized: []string{"north"}, Values: []string{"North"}}}, p.Conditions)
		}
	}
	require.Equal(t, 1, ruled)

	opt.Teams = false
	res, err = JobFunctions(context.Background(), d, opt)
	require.NoError(t, err)
	for _, p := range res.Packages {
		require.NotEqual(t, Team, p.Kind)
	}
	d.Managers = nil
	opt.Teams = true
	res, err = JobFunctions(context.Background(), d, opt)
	require.NoError(t, err)
	for _, p := range res.Packages {
		require.NotEqual(t, Team, p.Kind, "no managers, no teams")
	}
}

// TestMergeChainThroughTwoAttributes: packages A~B differ in the first
// condition and B~C in the second, so A and C differ in both; union-find
// puts them in one group, which must not merge (it used to index the
// conditions with -1 and panic).
func TestMergeChainThroughTwoAttributes(t *testing.T) {
	cond := func(title, dept string) []Condition {
		return []Condition{{Attribute: "jobTitle", Normalized: []string{title}, Values: []string{title}},
			{Attribute: "department", Normalized: []string{dept}, Values: []string{dept}}}
	}
	ents := []int32{1, 2, 3}
	pkgs := []Package{
		{Kind: JobFunction, Conditions: cond("a", "x"), Members: []int32{0}, Entitlements: ents, Prevalence: []float64{1, 1, 1}},
		{Kind: JobFunction, Conditions: cond("c", "y"), Members: []int32{2}, Entitlements: ents, Prevalence: []float64{1, 1, 1}},
		{Kind: JobFunction, Conditions: cond("b", "x"), Members: []int32{1}, Entitlements: ents, Prevalence: []float64{1, 1, 1}},
		{Kind: JobFunction, Conditions: cond("b", "y"), Members: []int32{3}, Entitlements: ents, Prevalence: []float64{1, 1, 1}},
	}
	b := NewBuilder(4, 4)
	for u := range 4 {
		for _, e := range ents {
			b.Add(u, int(e))
		}
	}
	m := &miner{d: b.Build(), opt: DefaultOptions(), counts: make([]int32, 4), mark: make([]bool, 4), norm: map[*Attribute]*normalized{}, mu: &sync.Mutex{}}
	out := m.merge(pkgs)
	require.Len(t, out, 4, "a chain through two attributes stays apart")
}

// granted gives each user the union of their packages' entitlements,
// ascending and without repeats, over several chunks of users; a user's
// row can be appended to without touching the next user's.
func TestGrantedIsEachUsersUnion(t *testing.T) {
	const users, ents = 10_000, 60
	rng := rand.New(rand.NewPCG(7, 7))
	b := NewBuilder(users, ents)
	for u := range users {
		b.Add(u, rng.IntN(ents))
	}
	m := &miner{d: b.Build(), opt: DefaultOptions(), norm: map[*Attribute]*normalized{}, mu: &sync.Mutex{}}
	var pkgs []Package
	for range 40 {
		var p Package
		for range 1 + rng.IntN(8) {
			p.Entitlements = append(p.Entitlements, int32(rng.IntN(ents))) // unsorted, repeats
		}
		for u := range users {
			if rng.IntN(10) == 0 {
				p.Members = append(p.Members, int32(u))
			}
		}
		pkgs = append(pkgs, p)
	}
	got := m.granted(pkgs)
	want := make([][]int32, users)
	for _, p := range pkgs {
		for _, u := range p.Members {
			want[u] = append(want[u], p.Entitlements...)
		}
	}
	for u := range want {
		slices.Sort(want[u])
		want[u] = slices.Compact(want[u])
		require.Equal(t, len(want[u]), len(got[u]), "user %d", u)
		if len(want[u]) > 0 {
			require.Equal(t, want[u], got[u], "user %d", u)
		}
	}
	next := slices.Clone(got[1])
	got[0] = append(got[0], 99)
	require.Equal(t, next, got[1], "user 1's row is its own")
}
