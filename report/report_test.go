package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// fixture is a small tenant: five payroll clerks (one with a treasury
// Owner grant nobody else has), four senior accountants, a user without a
// title, a disabled clerk, a CEO and a guest.
func fixture(t *testing.T) (*tenant.Data, *tenant.Run) {
	t.Helper()
	type u struct {
		id, title, kind string
		ents            []int
	}
	users := []u{
		{"u0", "Payroll Clerk", "", []int{0, 1, 2}},
		{"u1", "Payroll Clerk", "", []int{0, 1, 2}},
		{"u2", "Payroll Clerk", "", []int{0, 1, 2}},
		{"u3", "Payroll Clerk", "", []int{0, 1, 2}},
		{"u4", "Payroll Clerk", "", []int{0, 1, 2, 5}},
		{"u5", "Senior Accountant", "", []int{0, 3, 4}},
		{"u6", "Senior Accountant", "", []int{0, 3, 4}},
		{"u7", "Senior Accountant", "", []int{0, 3, 4}},
		{"u8", "Senior Accountant", "", []int{0, 3, 4}},
		{"u9", "", "", []int{0, 1}},
		{"u10", "Payroll Clerk", "disabled", []int{0, 1, 2}},
		{"u11", "CEO", "", []int{0, 7}},
		{"u12", "", "guest", []int{6}},
	}
	d := &tenant.Data{
		Snapshot: tenant.Snapshot{ID: 1},
		Entitlements: []tenant.Entitlement{
			{ResourceID: "g-all", Role: "Member"}, {ResourceID: "g-payroll", Role: "Member"}, {ResourceID: "sap", Role: "AP.Clerk"},
			{ResourceID: "sap", Role: "GL.Post"}, {ResourceID: "https://x/sites/fin", Role: "Edit"}, {ResourceID: "g-treasury", Role: "Owner"},
			{ResourceID: "g-ext", Role: "Member"}, {ResourceID: "https://x/sites/board", Role: "Full Control"},
		},
		Resources: map[string]tenant.Resource{
			"g-all": {ID: "g-all", Type: "group", DisplayName: "All Staff"}, "g-payroll": {ID: "g-payroll", Type: "group", DisplayName: "SG-Payroll"},
			"sap": {ID: "sap", Type: "application", DisplayName: "SAP"}, "https://x/sites/fin": {ID: "https://x/sites/fin", Type: "site", DisplayName: "Finance"},
			"g-treasury": {ID: "g-treasury", Type: "group", DisplayName: "=Treasury-Admins"}, "g-ext": {ID: "g-ext", Type: "group", DisplayName: "EXT"},
			"https://x/sites/board": {ID: "https://x/sites/board", Type: "site", DisplayName: "Board"},
		},
	}
	b := mining.NewBuilder(len(users), len(d.Entitlements))
	for i, usr := range users {
		for _, e := range usr.ents {
			b.Add(i, e)
		}
		b.SetAttribute("jobTitle", i, usr.title)
		b.SetAttribute("department", i, "Finance")
		d.UserIDs = append(d.UserIDs, usr.id)
		d.UPNs = append(d.UPNs, usr.id+"@contoso.com")
		kind := tenant.Member
		switch usr.kind {
		case "disabled":
			kind = tenant.Disabled
		case "guest":
			kind = tenant.Guest
		}
		d.Kinds = append(d.Kinds, kind)
	}
	d.Dataset = b.Build()
	d.Dataset.Eligible = make([]bool, len(users))
	for i, k := range d.Kinds {
		d.Dataset.Eligible[i] = k == tenant.Member
	}
	res, err := mining.JobFunctions(context.Background(), d.Dataset, mining.DefaultOptions())
	require.NoError(t, err)
	return d, &tenant.Run{ID: 3, SnapshotID: 1, Packages: tenant.Packages(d, res, nil)}
}

func TestOverprovisioning(t *testing.T) {
	d, run := fixture(t)
	require.Equal(t, []string{"birthright", "payroll-clerk-finance", "senior-accountant-finance"}, ids(run))
	rep, err := ComputeOverprovisioning(context.Background(), d, run, DefaultOverOptions())
	require.NoError(t, err)

	byUser := map[string][]Finding{}
	for _, f := range rep.Findings {
		byUser[f.UserID] = append(byUser[f.UserID], f)
	}
	require.Len(t, byUser["u4"], 1, "the treasury Owner grant of one clerk")
	f := byUser["u4"][0]
	require.Equal(t, "g-treasury", f.ResourceID)
	require.Equal(t, "Owner", f.Role)
	require.Equal(t, "Payroll Clerk / Finance", f.PeerGroup)
	require.Equal(t, 4, f.PeerSize)
	require.Equal(t, 0, f.PeerHolders)
	require.True(t, f.Sensitive)
	require.Equal(t, `none of the 4 other members of "Payroll Clerk / Finance" hold Owner on =Treasury-Admins; 9.1% of the tenant; privileged role; `+
		`no other group of theirs explains it: jobTitle "Payroll Clerk" (none of the 4 others)`, f.Reason)

	require.Len(t, byUser["u11"], 1, "the CEO's board site fits no package and no one else holds it")
	require.Equal(t, "all users", byUser["u11"][0].PeerGroup)
	require.Empty(t, byUser["u9"], "half the tenant holds what the user without a title holds")
	require.Len(t, rep.Findings, 2)
	require.GreaterOrEqual(t, rep.Findings[0].Score, rep.Findings[1].Score, "findings are ordered by score")

	require.Equal(t, []AccountFinding{
		{UserID: "u10", UserPrincipalName: "u10@contoso.com", Kind: "disabled", Grants: 3, Reason: "disabled account still holds 3 grants"},
		{UserID: "u12", UserPrincipalName: "u12@contoso.com", Kind: "guest", Grants: 1, Reason: "guest account holds 1 grant; review with its sponsor"},
	}, rep.Accounts)
	require.Equal(t, OverSummary{Users: 11, UsersWithExcess: 2, Findings: 2, Sensitive: 2, Disabled: 1, Guests: 1}, rep.Summary)

	// A user whose title selects no package is compared with the package
	// their access matches.
	opt := DefaultOverOptions()
	opt.MinMatch = 0.5
	rep, err = ComputeOverprovisioning(context.Background(), d, run, opt)
	require.NoError(t, err)
	require.Len(t, rep.Findings, 2)
}

func ids(run *tenant.Run) []string {
	var out []string
	for _, p := range run.Packages {
		out = append(out, p.ID)
	}
	return out
}

const rules = `version: 1
rules:
  - name: payroll vs treasury
    severity: critical
    left:
      - resource: SG-Payroll
    right:
      - resource: g-treasury
        role: owner
  - name: clerk vs poster
    description: AP entry and GL posting
    left:
      - resource: SAP
        role: AP.Clerk
    right:
      - resource: SAP
        role: GL.Post
  - name: clerk inside one package
    severity: low
    left:
      - resource: g-payroll
    right:
      - resource: SAP
        role: AP.Clerk
  - name: typo
    left:
      - resource: SAPP
    right:
      - resource: SAP
`

func TestSoD(t *testing.T) {
	d, run := fixture(t)
	rs, err := ParseSoDRules("rules.yaml", strings.NewReader(rules))
	require.NoError(t, err)
	require.Equal(t, "medium", rs.Rules[1].Severity, "severity defaults to medium")
	rep, err := ComputeSoD(context.Background(), d, run, rs)
	require.NoError(t, err)

	var violators []string
	for _, v := range rep.Violations {
		violators = append(violators, v.Rule+":"+v.UserID)
	}
	want := []string{"payroll vs treasury:u4"}
	for _, u := range []string{"u0", "u1", "u10", "u2", "u3", "u4"} {
		want = append(want, "clerk inside one package:"+u)
	}
	require.Equal(t, want, violators, "critical first; disabled accounts count too")
	require.Equal(t, `holds Member on SG-Payroll and Owner on =Treasury-Admins, which rule "payroll vs treasury" forbids together`, rep.Violations[0].Reason)

	require.Equal(t, []PackageConflict{{Rule: "clerk inside one package", Severity: "low", PackageID: "payroll-clerk-finance", PackageName: "Payroll Clerk / Finance",
		Reason: `package "Payroll Clerk / Finance" would grant both sides of rule "clerk inside one package"`}}, rep.PackageConflicts)
	require.Equal(t, []IncompatiblePackage{{Rule: "clerk vs poster", Severity: "medium", PackageID: "payroll-clerk-finance", OtherID: "senior-accountant-finance"}}, rep.Incompatible)
	require.Equal(t, []string{"typo"}, rep.Unmatched, "SAPP names no resource")
}

func TestParseSoDRulesErrors(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"empty", "", "the rule file is empty"},
		{"version", "rules: []\n", `field "version": unsupported version 0`},
		{"unknown key", "version: 1\nrules:\n  - name: a\n    lefty: []\n", "line 4: field lefty not found"},
		{"unknown selector key", "version: 1\nrules:\n  - name: a\n    left: [{resource: a, rol: x}]\n    right: [{resource: b}]\n", "line 4: field rol not found"},
		{"unknown top key", "version: 1\nrulez: []\n", "line 2: field rulez not found"},
		{"no name", "version: 1\nrules:\n  - severity: high\n    left: [{resource: a}]\n    right: [{resource: b}]\n", `line 3: field "name": rule 1 (""): a rule needs a name`},
		{"bad severity", "version: 1\nrules:\n  - name: a\n    severity: huge\n    left: [{resource: a}]\n    right: [{resource: b}]\n", `line 3: field "severity": rule 1 ("a"): unknown severity "huge"`},
		{"empty side", "version: 1\nrules:\n  - name: a\n    left: [{resource: a}]\n", `field "right": rule 1 ("a"): a rule needs at least one entitlement on each side`},
		{"no resource", "version: 1\nrules:\n  - name: a\n    left: [{role: x}]\n    right: [{resource: b}]\n", `field "left": rule 1 ("a"): every entry needs a resource or a package`},
		{"both", "version: 1\nrules:\n  - name: a\n    left: [{resource: x, package: y}]\n    right: [{resource: b}]\n", `a resource or a package, not both`},
		{"package role", "version: 1\nrules:\n  - name: a\n    left: [{resource: x}]\n    right: [{package: y, role: Member}]\n", `field "right": rule 1 ("a"): a package entry takes no role`},
		{"duplicate", "version: 1\nrules:\n  - name: a\n    left: [{resource: a}]\n    right: [{resource: b}]\n  - name: a\n    left: [{resource: a}]\n    right: [{resource: b}]\n", "line 6: field \"name\": rule 2 (\"a\"): two rules have this name"},
		{"not yaml", "version: [1\n", "rules.yaml: line"},
	}
	for _, c := range cases {
		_, err := ParseSoDRules("rules.yaml", strings.NewReader(c.text))
		require.Error(t, err, c.name)
		var ie *tenant.InputError
		require.True(t, errors.As(err, &ie), c.name)
		require.Contains(t, err.Error(), c.want, c.name)
	}
}

func FuzzParseSoDRules(f *testing.F) {
	f.Add(rules)
	f.Add("version: 1\nrules:\n  - name: a\n    left: [{resource: a}]\n    right: [{resource: b}]\n")
	f.Add("{")
	f.Fuzz(func(t *testing.T, text string) {
		rs, err := ParseSoDRules("f.yaml", strings.NewReader(text))
		if err == nil {
			for _, r := range rs.Rules {
				if r.Name == "" || len(r.Left) == 0 || len(r.Right) == 0 {
					t.Fatalf("accepted an incomplete rule: %+v", r)
				}
			}
		}
	})
}

func TestRenderingIsSafe(t *testing.T) {
	d, run := fixture(t)
	d.Resources["g-treasury"] = tenant.Resource{ID: "g-treasury", Type: "group", DisplayName: "=HYPERLINK(\"http://evil\")\x1b[31m"}
	rep, err := ComputeOverprovisioning(context.Background(), d, run, DefaultOverOptions())
	require.NoError(t, err)

	var buf bytes.Buffer
	require.NoError(t, WriteOverprovisioning(&buf, rep, "csv", render.Layout{}))
	records, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	for _, rec := range records {
		for _, cell := range rec {
			require.False(t, cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])), "cell %q would run as a formula", cell)
		}
	}

	buf.Reset()
	require.NoError(t, WriteOverprovisioning(&buf, rep, "table", render.Layout{}))
	require.NotContains(t, buf.String(), "\x1b", "no terminal escapes in tables")
	require.Contains(t, buf.String(), "HYPERLINK")

	buf.Reset()
	require.NoError(t, WriteOverprovisioning(&buf, rep, "json", render.Layout{}))
	require.NotContains(t, buf.String(), "\x1b")

	require.Error(t, WriteOverprovisioning(&buf, rep, "xml", render.Layout{}))
}

// The packages' members are looked up in parts, and come out the same as
// one lookup after another; an unknown member is named, the first in
// package order, whichever part meets it.
func TestIndexPackagesMembersInParts(t *testing.T) {
	d, run := fixture(t)
	defer func(n, m int) { scanParts, minPartUsers = n, m }(scanParts, minPartUsers)
	pkgs := slices.Clone(run.Packages)
	pkgs = append(pkgs, tenant.Package{ID: "empty"}) // a package of no members
	slices.Reverse(pkgs)
	var want [][]int32
	for _, p := range pkgs {
		var ms []int32
		for _, id := range p.Members {
			u, ok := d.UserIndex(id)
			require.True(t, ok)
			ms = append(ms, u)
		}
		want = append(want, ms)
	}
	for _, parts := range []int{1, 2, 3, 7} {
		scanParts, minPartUsers = parts, 1
		ix, err := indexPackages(d, pkgs)
		require.NoError(t, err)
		for i := range pkgs {
			require.Equal(t, len(want[i]), len(ix.members[i]), "parts=%d package %d", parts, i)
			if len(want[i]) > 0 {
				require.Equal(t, want[i], ix.members[i], "parts=%d package %d", parts, i)
			}
		}
		bad := slices.Clone(pkgs)
		last := len(bad) - 1
		bad[1].Members = append(slices.Clone(bad[1].Members), "nobody-1")
		bad[last].Members = append(slices.Clone(bad[last].Members), "nobody-2")
		_, err = indexPackages(d, bad)
		require.ErrorContains(t, err, "member nobody-1 is not in snapshot", "parts=%d", parts)
	}
}
