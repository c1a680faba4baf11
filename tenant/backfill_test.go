package tenant

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/mining"
)

// backfillData: u1-u3 hold the payroll access (g1 and sap), u3 also the
// treasury group; u4 holds only g1; u5 holds all but is disabled; u6 holds
// all and is a guest.
func backfillData() *Data {
	d := &Data{
		Entitlements: []Entitlement{{ResourceID: "g1", Role: "Member"}, {ResourceID: "sap", Role: "AP.Clerk"}, {ResourceID: "g-treasury", Role: "Member"}},
		UserIDs:      []string{"u1", "u2", "u3", "u4", "u5", "u6"},
		Kinds:        []AccountKind{Member, Member, Member, Member, Disabled, Guest},
	}
	rows := [][]int{{0, 1}, {0, 1}, {0, 1, 2}, {0}, {0, 1}, {0, 1}}
	b := mining.NewBuilder(len(rows), len(d.Entitlements))
	for u, row := range rows {
		for _, e := range row {
			b.Add(u, e)
		}
	}
	d.Dataset = b.Build()
	return d
}

func TestBackfill(t *testing.T) {
	d := backfillData()
	ents := []PackageEntitlement{{ResourceID: "g1", Role: "Member"}, {ResourceID: "sap", Role: "AP.Clerk"}}
	auto := Package{ID: "payroll", Automatic: true, Members: []string{"u1", "u4"}, Entitlements: ents}
	require.Equal(t, []string{"u2", "u3"}, Backfill(d, auto),
		"who hold all of it and whom the rule does not select; not u4 (holds part), not the disabled or guest accounts")
	direct := Package{ID: "payroll-direct", Members: []string{"u1", "u3", "u4"}, Entitlements: ents}
	require.Equal(t, []string{"u1", "u3"}, Backfill(d, direct), "a direct package: its members who hold all of it")
	none := Package{ID: "x", Automatic: true, Entitlements: []PackageEntitlement{{ResourceID: "nobody", Role: "Member"}}}
	require.Empty(t, Backfill(d, none))
}

// Backfill and Backfills, through the holders of each package's rarest
// entitlement, find whom a scan of every user finds, on random tenants.
func TestBackfillMatchesScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 7))
	for trial := range 20 {
		users, ents := 50+rng.IntN(300), 5+rng.IntN(30)
		d := &Data{}
		for e := range ents {
			d.Entitlements = append(d.Entitlements, Entitlement{ResourceID: fmt.Sprint("r", e), Role: "Member"})
		}
		b := mining.NewBuilder(users, ents)
		for u := range users {
			d.UserIDs = append(d.UserIDs, fmt.Sprint("u", u))
			d.Kinds = append(d.Kinds, []AccountKind{Member, Member, Member, Disabled, Guest}[rng.IntN(5)])
			for e := range ents {
				if rng.IntN(3) == 0 {
					b.Add(u, e)
				}
			}
		}
		d.Dataset = b.Build()
		for range 10 {
			p := Package{ID: "p", Automatic: rng.IntN(2) == 0}
			for e := range ents {
				if rng.IntN(ents) < 2 {
					p.Entitlements = append(p.Entitlements, PackageEntitlement{ResourceID: fmt.Sprint("r", e), Role: "Member"})
				}
			}
			for u := range users {
				if rng.IntN(4) == 0 {
					p.Members = append(p.Members, fmt.Sprint("u", u))
				}
			}
			// The scan: every user, by id.
			var want []string
			members := map[string]bool{}
			for _, m := range p.Members {
				members[m] = true
			}
			for u := range users {
				id := d.UserIDs[u]
				if d.Kinds[u] != Member || p.Automatic == members[id] || len(p.Entitlements) == 0 {
					continue
				}
				all := true
				for _, pe := range p.Entitlements {
					e, _ := d.EntitlementIndex(Entitlement{ResourceID: pe.ResourceID, Role: pe.Role})
					all = all && slices.Contains(d.Dataset.Row(u), e)
				}
				if all {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			require.Equal(t, want, Backfill(d, p), "trial %d", trial)
			// Alone, no other package covers it: Backfills finds the same.
			require.Equal(t, want, Backfills(d, []Package{p})[p.ID], "trial %d", trial)
		}
	}
}

// Backfills leaves out a user whose own package (one whose rule selects
// them) grants all of another's access: the birthright packages of two
// departments, both with the tenant-wide group, are not back-filled to
// each other's users; a package with more than theirs still is.
func TestBackfillsSkipWhatOwnPackagesGrant(t *testing.T) {
	d := &Data{
		Entitlements: []Entitlement{{ResourceID: "all-staff", Role: "Member"}, {ResourceID: "sap", Role: "AP.Clerk"}},
		UserIDs:      []string{"u1", "u2", "u3", "u4"},
		Kinds:        []AccountKind{Member, Member, Member, Member},
	}
	b := mining.NewBuilder(4, 2)
	for u, row := range [][]int{{0, 1}, {0}, {0, 1}, {0}} {
		for _, e := range row {
			b.Add(u, e)
		}
	}
	d.Dataset = b.Build()
	staff := []PackageEntitlement{{ResourceID: "all-staff", Role: "Member"}}
	pkgs := []Package{
		{ID: "birthright-eng", Automatic: true, Members: []string{"u1", "u2"}, Entitlements: staff},
		{ID: "birthright-fin", Automatic: true, Members: []string{"u3"}, Entitlements: staff},
		{ID: "clerk", Automatic: true, Members: []string{"u3"}, Entitlements: append(slices.Clone(staff), PackageEntitlement{ResourceID: "sap", Role: "AP.Clerk"})},
		{ID: "direct", Members: []string{"u2"}, Entitlements: staff},
	}
	require.Equal(t, map[string][]string{
		"birthright-eng": {"u4"}, // not u3, whose birthright-fin (and clerk) grant it
		"birthright-fin": {"u4"}, // not u1 or u2
		"clerk":          {"u1"}, // birthright-eng does not grant sap
		"direct":         {"u2"}, // a direct package keeps its members
	}, Backfills(d, pkgs))
	for _, p := range pkgs {
		require.Subset(t, Backfill(d, p), Backfills(d, pkgs)[p.ID], "only fewer than each package's own")
	}
}
