package mining

import (
	"context"
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
