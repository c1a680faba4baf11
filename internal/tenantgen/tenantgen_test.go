package tenantgen

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	return recs
}

func TestDeterministic(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		_, err := Generate(DefaultConfig(1200, 9), dir)
		require.NoError(t, err)
	}
	_, err := Generate(DefaultConfig(1200, 10), c)
	require.NoError(t, err)
	for _, f := range []string{UsersFile, ResourcesFile, AssignmentsFile, TruthFile, SoDRulesFile} {
		x, err := os.ReadFile(filepath.Join(a, f))
		require.NoError(t, err)
		y, err := os.ReadFile(filepath.Join(b, f))
		require.NoError(t, err)
		require.True(t, bytes.Equal(x, y), "%s differs for the same seed", f)
		z, err := os.ReadFile(filepath.Join(c, f))
		require.NoError(t, err)
		if f != SoDRulesFile {
			require.False(t, bytes.Equal(x, z), "%s is the same for another seed", f)
		}
	}
}

func TestTruthMatchesFiles(t *testing.T) {
	dir := t.TempDir()
	truth, err := Generate(DefaultConfig(4000, 3), dir)
	require.NoError(t, err)

	users := readCSV(t, filepath.Join(dir, UsersFile))
	require.Equal(t, []string{"id", "userPrincipalName", "displayName", "jobTitle", "department", "companyName", "employeeType", "accountEnabled", "userType", "managerId", "officeLocation", "costCenter"}, users[0])
	require.Len(t, users, 4001)
	ids := map[string]bool{}
	var empty, disabled, guests, variants int
	titles := map[string]bool{}
	for _, jf := range truth.JobFunctions {
		titles[jf.JobTitle] = true
	}
	for _, u := range users[1:] {
		require.False(t, ids[u[0]], "duplicate id %s", u[0])
		ids[u[0]] = true
		switch {
		case u[8] == "Guest":
			guests++
		case u[7] == "false":
			disabled++
		}
		if u[3] == "" && u[4] != "" {
			empty++
		} else if u[3] != "" && !titles[u[3]] {
			variants++
		}
	}
	require.Equal(t, len(truth.Guests), guests)
	require.Equal(t, len(truth.Disabled), disabled)
	require.Greater(t, empty, 40, "about 3% of employees lack a title")
	require.Greater(t, variants, 200, "about 8% of titles are typed differently")
	require.NotEmpty(t, truth.Service)

	resources := map[string]string{}
	for _, r := range readCSV(t, filepath.Join(dir, ResourcesFile))[1:] {
		resources[r[0]] = r[1]
	}
	held := map[string]bool{}
	for _, a := range readCSV(t, filepath.Join(dir, AssignmentsFile))[1:] {
		require.True(t, ids[a[0]], "assignment of unknown user %s", a[0])
		require.Contains(t, resources, a[1])
		held[a[0]+"|"+a[1]+"|"+a[2]] = true
	}
	kinds := map[string]int{}
	for _, g := range truth.ExcessGrants {
		require.True(t, held[g.UserID+"|"+g.ResourceID+"|"+g.Role], "planted grant %+v is not in the assignments", g)
		kinds[g.Kind]++
	}
	for _, k := range []string{"random", "mover", "sod"} {
		require.NotZero(t, kinds[k], "no %s excess grants planted", k)
	}
	require.GreaterOrEqual(t, len(truth.SoDRules), 2, "a few SoD rules are planted")
	for _, v := range truth.SoDViolations {
		var rule SoDRule
		for _, r := range truth.SoDRules {
			if r.Name == v.Rule {
				rule = r
			}
		}
		require.True(t, held[v.UserID+"|"+rule.Left.ResourceID+"|"+rule.Left.Role] && held[v.UserID+"|"+rule.Right.ResourceID+"|"+rule.Right.Role], "violator %s", v.UserID)
	}
	types := map[string]int{}
	for _, jf := range truth.JobFunctions {
		require.GreaterOrEqual(t, jf.Members, DefaultConfig(0, 0).MinFunctionSize)
		for _, e := range jf.Entitlements {
			types[resources[e.ResourceID]]++
		}
	}
	for _, typ := range []string{"group", "application", "site"} {
		require.NotZero(t, types[typ], "job functions use %s resources", typ)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []Config{DefaultConfig(0, 1), func() Config { c := DefaultConfig(10, 1); c.ExcessRate = 2; return c }(),
		func() Config { c := DefaultConfig(10, 1); c.Domain = "a b"; return c }()} {
		_, err := Generate(cfg, t.TempDir())
		require.Error(t, err)
	}
	// Tiny tenants still work.
	truth, err := Generate(DefaultConfig(3, 1), t.TempDir())
	require.NoError(t, err)
	require.NotEmpty(t, truth.JobFunctions)
	require.Empty(t, truth.JobFunctions[0].Variant)
}

func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			for b.Loop() {
				if _, err := Generate(DefaultConfig(n, 1), dir); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "users/s")
		})
	}
}
