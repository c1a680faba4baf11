package tenant

import (
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
