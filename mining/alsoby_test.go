package mining

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAlsoBy: 40 users in two job functions (entitlements 1 and 2) and
// two offices across them; everyone in office A holds the building group
// (3), and half of office B holds the printer group (4). With AlsoBy
// office, office A gets a package of the building group alone (what the
// job functions already give every member is left out), with the office
// rule; office B gets none at the default threshold. A person's
// packages are then their job function's and their office's.
func TestAlsoBy(t *testing.T) {
	const n = 40
	b := NewBuilder(n, 5)
	for u := range n {
		b.SetAttribute("jobTitle", u, []string{"Analyst", "Buyer"}[u/20])
		office := []string{"A", "B"}[u%2]
		b.SetAttribute("office", u, office)
		b.Add(u, 1+u/20)
		if office == "A" {
			b.Add(u, 3)
		} else if u%4 == 1 {
			b.Add(u, 4)
		}
	}
	d := b.Build()
	opt := DefaultOptions()
	opt.By, opt.AlsoBy = []string{"jobTitle"}, [][]string{{"office"}}
	res, err := JobFunctions(context.Background(), d, opt)
	require.NoError(t, err)
	var groups []Package
	for _, p := range res.Packages {
		if p.Kind == AttributeGroup {
			groups = append(groups, p)
		}
	}
	require.Len(t, groups, 1)
	g := groups[0]
	require.Equal(t, []int32{3}, g.Entitlements)
	require.True(t, g.Automatic)
	require.Equal(t, "office", g.Conditions[0].Attribute)
	require.Equal(t, []string{"a"}, g.Conditions[0].Normalized)
	require.Len(t, g.Members, 20)

	opt.AlsoBy = [][]string{{"floor"}}
	_, err = JobFunctions(context.Background(), d, opt)
	require.ErrorContains(t, err, `unknown attribute "floor"`)
}
