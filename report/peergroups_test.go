package report

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// peerFixture is a department of 60 in three job functions of 20 (users
// 0-19, 20-39, 40-59), organised in twelve teams of five across them
// (team k: the users whose index is k modulo 12, managed by user k). Team
// 0 runs a group; six users, two per function, are in a project; user 5
// holds the buyers' group (a copied grant) and user 17 a group nobody
// else holds.
func peerFixture(t *testing.T) (*tenant.Data, *tenant.Run) {
	t.Helper()
	const n = 60
	ents := []tenant.Entitlement{{ResourceID: "g-all", Role: "Member"},
		{ResourceID: "g-analysts", Role: "Member"}, {ResourceID: "g-buyers", Role: "Member"}, {ResourceID: "g-clerks", Role: "Member"},
		{ResourceID: "g-team0", Role: "Member"}, {ResourceID: "g-project", Role: "Member"}, {ResourceID: "g-orphan", Role: "Member"}}
	d := &tenant.Data{Snapshot: tenant.Snapshot{ID: 1}, Entitlements: ents, Resources: map[string]tenant.Resource{}}
	managers := make([]int32, n)
	for _, e := range ents {
		d.Resources[e.ResourceID] = tenant.Resource{ID: e.ResourceID, Type: "group", DisplayName: strings.ToUpper(e.ResourceID)}
	}
	b := mining.NewBuilder(n, len(ents))
	titles := []string{"Analyst", "Buyer", "Clerk"}
	for u := range n {
		d.UserIDs = append(d.UserIDs, fmt.Sprintf("u%02d", u))
		d.UPNs = append(d.UPNs, fmt.Sprintf("u%02d@contoso.com", u))
		d.Kinds = append(d.Kinds, tenant.Member)
		b.SetAttribute("jobTitle", u, titles[u/20])
		b.SetAttribute("department", u, "Procurement")
		b.Add(u, 0)
		b.Add(u, 1+u/20)
		managers[u] = int32(u % 12)
		if u < 12 {
			managers[u] = -1
		}
		if u%12 == 0 {
			b.Add(u, 4)
		}
	}
	for _, u := range []int{1, 2, 21, 22, 41, 42} {
		b.Add(u, 5)
	}
	b.Add(5, 2)
	b.Add(17, 6)
	d.Dataset = b.Build()
	d.Dataset.Managers = managers
	res, err := mining.JobFunctions(context.Background(), d.Dataset, mining.DefaultOptions())
	require.NoError(t, err)
	return d, &tenant.Run{ID: 1, SnapshotID: 1, Packages: tenant.Packages(d, res, nil)}
}

// TestOtherPeerGroupsExplain: the team group is explained by the team and
// the project as shared access no job function holds, each listed with
// why under Explain; the copied grant and the orphan stay findings, whose
// reasons name the groups consulted. Without the managers, the team group
// is explained as shared access, not by a team.
func TestOtherPeerGroupsExplain(t *testing.T) {
	d, run := peerFixture(t)
	require.Len(t, run.Packages, 4, "the birthright and three job functions")
	opt := DefaultOverOptions()
	opt.Explain = true
	rep, err := ComputeOverprovisioning(context.Background(), d, run, opt)
	require.NoError(t, err)
	var found []string
	for _, f := range rep.Findings {
		found = append(found, f.UserID+" "+f.ResourceID)
		require.Contains(t, f.Reason, "no other group of theirs explains it: the team of ")
	}
	slices.Sort(found)
	require.Equal(t, []string{"u05 g-buyers", "u17 g-orphan"}, found)
	by := map[string][]string{}
	for _, x := range rep.Explained {
		by[x.ResourceID] = append(by[x.ResourceID], x.UserID)
		switch x.ResourceID {
		case "g-team0":
			require.Regexp(t, `^the team of u00@contoso.com: 4 of its 4 other members hold it too`, x.ExplainedBy)
		case "g-project":
			require.Contains(t, x.ExplainedBy, "shared access that belongs to no job function (a project or collaboration group?): 6 users hold it")
		default:
			t.Errorf("%s %s is explained: %s", x.UserID, x.ResourceID, x.ExplainedBy)
		}
	}
	require.Equal(t, []string{"u00", "u12", "u24", "u36", "u48"}, by["g-team0"])
	require.Equal(t, []string{"u01", "u02", "u21", "u22", "u41", "u42"}, by["g-project"])
	require.Equal(t, 11, rep.Summary.Explained)
	require.Equal(t, 2, rep.Summary.Findings)

	d.Dataset.Managers = nil
	opt.Explain = false
	rep, err = ComputeOverprovisioning(context.Background(), d, run, opt)
	require.NoError(t, err)
	require.Empty(t, rep.Explained, "listed only on request")
	require.Equal(t, 11, rep.Summary.Explained, "five users hold the team's group, none by function: shared access")
}

// The users scanned in parts give the same report as in one pass.
func TestScanInPartsIsTheSame(t *testing.T) {
	d, run := peerFixture(t)
	opt := DefaultOverOptions()
	opt.Explain = true
	defer func(n, m int) { scanParts, minPartUsers = n, m }(scanParts, minPartUsers)
	scanParts, minPartUsers = 1, 1
	one, err := ComputeOverprovisioning(context.Background(), d, run, opt)
	require.NoError(t, err)
	require.NotEmpty(t, one.Findings)
	require.NotEmpty(t, one.Explained)
	for _, parts := range []int{2, 7} {
		scanParts = parts
		got, err := ComputeOverprovisioning(context.Background(), d, run, opt)
		require.NoError(t, err)
		require.Equal(t, one, got, "%d parts", parts)
	}
	// Interrupted, the parts stop with the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = ComputeOverprovisioning(ctx, d, run, opt)
	require.ErrorIs(t, err, context.Canceled)
	_, err = SuggestRules(ctx, d, run, nil, DefaultSuggestOptions())
	require.ErrorIs(t, err, context.Canceled)
	_, _, err = countPairs(ctx, d.Dataset, nil) // the parts' own check
	require.ErrorIs(t, err, context.Canceled)
}

// Counting each distinct row once, times its holders, counts what a pass
// over every eligible user counts, in one part or several, the rows seen
// through the entitlements in a pair.
func TestCountPairsCountsEveryEligibleUser(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	const users, ents = 3000, 40
	shapes := make([][]int32, 25) // few distinct rows, held by many users
	for i := range shapes {
		for e := range int32(ents) {
			if rng.IntN(3) == 0 {
				shapes[i] = append(shapes[i], e)
			}
		}
	}
	b := mining.NewCSRBuilder(users, ents, 0)
	eligible := make([]bool, users)
	for u := range users {
		row := shapes[rng.IntN(len(shapes))]
		if u%7 == 0 { // and some rows of their own
			row = append(slices.Clone(row), int32(rng.IntN(ents)))
		}
		us := make([]int32, len(row))
		for i := range us {
			us[i] = int32(u)
		}
		require.NoError(t, b.Add(us, row))
		eligible[u] = u%5 != 0
	}
	ds, err := b.Build()
	require.NoError(t, err)
	ds.Eligible = eligible
	const paired = 30 // the last entitlements are in no pair
	var pairs []pair
	for a := range int32(paired) {
		for c := a + 1; c < paired; c++ {
			if rng.IntN(2) == 0 {
				pairs = append(pairs, pair{a: a, b: c})
			}
		}
	}
	wantTogether, wantHolders := make([]int, len(pairs)), make([]int, ents)
	for u := range users {
		if !eligible[u] {
			continue
		}
		row := ds.Row(u)
		for _, e := range row {
			if e < paired {
				wantHolders[e]++
			}
		}
		for i, p := range pairs {
			if slices.Contains(row, p.a) && slices.Contains(row, p.b) {
				wantTogether[i]++
			}
		}
	}
	defer func(n, m int) { scanParts, minPartUsers = n, m }(scanParts, minPartUsers)
	minPartUsers = 1
	for _, parts := range []int{1, 3} {
		scanParts = parts
		together, holders, err := countPairs(context.Background(), ds, pairs)
		require.NoError(t, err)
		require.Equal(t, wantTogether, together, "%d parts", parts)
		require.Equal(t, wantHolders, holders, "%d parts", parts)
	}
	keep := make([]bool, ents)
	for _, p := range pairs {
		keep[p.a], keep[p.b] = true, true
	}
	all, seen := distinctRows(ds, 0, users, nil), distinctRows(ds, 0, users, keep)
	require.Less(t, len(all.times), users/4, "the repeated rows are counted once each")
	require.Less(t, len(seen.times), len(all.times), "rows that differ only outside the pairs are one")
	for i := range seen.times {
		for _, e := range seen.row(i) {
			require.True(t, keep[e], "entitlement %d is in no pair", e)
		}
	}
	for _, rows := range []rowSet{all, seen} {
		total := 0
		for _, n := range rows.times {
			total += int(n)
		}
		require.Equal(t, users-(users+4)/5, total, "every eligible user, and only those")
	}
}

// sortLarge sorts as slices.SortFunc does, fixed points and long cycles
// alike.
func TestSortLarge(t *testing.T) {
	defer func(n int) { parallelSort = n }(parallelSort)
	parallelSort = 64 // halves sorted apart and merged from 64 elements
	rng := rand.New(rand.NewPCG(3, 3))
	for _, n := range []int{0, 1, 2, 5, 63, 64, 65, 100, 1000} {
		s := make([][2]int, n)
		for i := range s {
			s[i] = [2]int{rng.IntN(10), i} // ties on the first, broken by the second
		}
		if n > 0 {
			s[0] = [2]int{-1, -1} // a fixed point
		}
		want := slices.Clone(s)
		byBoth := func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) }
		slices.SortFunc(want, byBoth)
		sortLarge(s, func(a, b *[2]int) int { return byBoth(*a, *b) })
		require.Equal(t, want, s, "n=%d", n)
	}
}
