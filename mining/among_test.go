package mining

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Among.Select answers as SelectAmong does, on titles written several
// ways, missing values, guests and conditions on one or two attributes.
func TestAmongSelectsAsSelectAmong(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	titles := []string{"Clerk", "clerk ", "Sr. Clerk", "Analyst", "", "Buyer"}
	depts := []string{"Finance", "finance", "Sales", ""}
	const n = 500
	b := NewBuilder(n, 3)
	for u := range n {
		b.SetAttribute("jobTitle", u, titles[rng.IntN(len(titles))])
		b.SetAttribute("department", u, depts[rng.IntN(len(depts))])
		b.Add(u, rng.IntN(3))
	}
	d := b.Build()
	d.Guest = make([]bool, n)
	for u := range n {
		d.Guest[u] = rng.IntN(10) == 0
	}
	sel := NewSelector(d, "jobTitle")
	var among []int32
	for u := range n {
		if rng.IntN(3) == 0 {
			among = append(among, int32(u))
		}
	}
	ix := sel.Among(among)
	norm := func(attr, v string) string {
		if attr == "jobTitle" {
			return NormalizeTitle(v)
		}
		return NormalizeValue(v)
	}
	selected := 0
	for i := range 200 {
		var conds []Condition
		for _, attr := range []string{"jobTitle", "department"}[:1+i%2] {
			vals := titles
			if attr == "department" {
				vals = depts
			}
			c := Condition{Attribute: attr}
			for range 1 + rng.IntN(2) {
				c.Normalized = append(c.Normalized, norm(attr, vals[rng.IntN(len(vals))]))
			}
			conds = append(conds, c)
		}
		if i%2 == 1 && rng.IntN(2) == 0 {
			conds[0], conds[1] = conds[1], conds[0]
		}
		want := sel.SelectAmong(among, conds)
		got := ix.Select(conds)
		require.Equal(t, want, got, fmt.Sprint(conds))
		selected += len(got)
	}
	require.Greater(t, selected, 1000, "the conditions select users")
	require.Len(t, ix.Select(nil), len(sel.SelectAmong(among, nil)))
}
