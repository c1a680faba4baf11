package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/ingest"
	"github.com/rolemine/rolemine/internal/store"
	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/internal/tfschema"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// TestExportedRulesAreEvaluable: on a generated tenant whose users carry a
// cost centre (which tells hidden variants apart, and which Entra's rules
// cannot evaluate) and an office, no export of a run (defaults, --by auto
// with clusters) names a property outside Entra's supported list, every
// rule selects member accounts only, and a package that would need the cost
// centre is for direct assignment with the reason. Mapped to an extension
// attribute, the cost centre gives those packages rules again.
func TestExportedRulesAreEvaluable(t *testing.T) {
	ctx := context.Background()
	st := ingestedTenant(t, 3000, 11)

	auto := mining.DefaultOptions()
	auto.By, auto.Clusters = []string{"auto"}, true
	for name, mo := range map[string]MineOptions{
		"defaults":         {Options: mining.DefaultOptions()},
		"auto and cluster": {Options: auto},
	} {
		t.Run(name, func(t *testing.T) {
			_, run, err := Mine(ctx, st, 0, mo)
			require.NoError(t, err)
			direct := 0
			for _, p := range run.Packages {
				if p.Automatic {
					require.True(t, strings.HasPrefix(p.Rule, `(user.userType -eq "Member")`), "%s: %s", p.ID, p.Rule)
				}
				if p.DirectReason != "" {
					direct++
					require.False(t, p.Automatic)
					require.Contains(t, p.Description, "assign it directly")
				}
			}
			out := t.TempDir()
			schema, err := tfschema.AzureAD()
			require.NoError(t, err)
			for _, f := range export.Formats {
				path, err := Export(ctx, out, f, run.Packages, export.Options{})
				require.NoError(t, err)
				raw, err := os.ReadFile(path)
				require.NoError(t, err)
				if f == "terraform" {
					// Groups, app roles and sites: the provider's schema
					// accepts every resource and argument written.
					require.Empty(t, tfschema.Check(raw, path, schema))
				}
				for _, prop := range tenant.RulePropertiesUsed(string(raw)) {
					require.True(t, tenant.IsRuleProperty(prop), "%s export names user.%s", f, prop)
				}
			}
			t.Logf("%d packages, %d for direct assignment because of their rule", len(run.Packages), direct)
		})
	}

	// The hidden variants are told apart by cost centre: without a
	// mapping they are direct assignment, with one they get a rule on the
	// extension attribute.
	opt := mining.DefaultOptions()
	_, run, err := Mine(ctx, st, 0, MineOptions{Options: opt})
	require.NoError(t, err)
	variants := func(run *tenant.Run) (auto, direct int) {
		for _, p := range run.Packages {
			if p.Kind == tenant.KindVariant {
				if p.Automatic {
					auto++
				} else {
					direct++
				}
			}
		}
		return
	}
	a0, d0 := variants(run)
	_, run, err = Mine(ctx, st, 0, MineOptions{Options: opt, RuleAttributes: []string{"costCenter=extensionAttribute3"}})
	require.NoError(t, err)
	a1, d1 := variants(run)
	t.Logf("variants: %d automatic and %d direct without the mapping, %d and %d with it", a0, d0, a1, d1)
	require.Greater(t, a1, a0, "the mapping gives variants rules")
	require.Equal(t, []string{"costcenter=extensionAttribute3"}, run.Params.RuleAttributes)
	found := false
	for _, p := range run.Packages {
		found = found || strings.Contains(p.Rule, "user.extensionAttribute3")
	}
	require.True(t, found)
}

// ingestedTenant generates a tenant of users users and ingests it into a
// new database, closed when the test ends.
func ingestedTenant(t *testing.T, users int, seed uint64) *store.Store {
	t.Helper()
	dir := t.TempDir()
	_, err := tenantgen.Generate(tenantgen.DefaultConfig(users, seed), dir)
	require.NoError(t, err)
	st, err := store.Open(context.Background(), filepath.Join(dir, "db.duckdb"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	_, err = st.IngestFiles(context.Background(), ingest.FileSet{Users: filepath.Join(dir, tenantgen.UsersFile),
		Resources: filepath.Join(dir, tenantgen.ResourcesFile), Assignments: filepath.Join(dir, tenantgen.AssignmentsFile)})
	require.NoError(t, err)
	return st
}
