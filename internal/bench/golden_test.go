package bench

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/internal/tenantgen"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenTenants are two small generated tenants: the demo's shape (5% stale
// titles), and one with many blank and stale titles, more movers and
// excess, a third region and a smaller minimum function size.
func goldenTenants() map[string]tenantgen.Config {
	demo := tenantgen.DefaultConfig(300, 3)
	demo.WrongTitleRate = 0.05
	noisy := tenantgen.DefaultConfig(350, 8)
	noisy.WrongTitleRate, noisy.EmptyTitleRate = 0.15, 0.1
	noisy.MoverRate, noisy.ExcessRate = 0.06, 0.06
	return map[string]tenantgen.Config{"demo-300": demo, "noisy-350": noisy}
}

// goldenFiles are the outputs pinned: the mining run as `mine --format
// json` prints it, every report's JSON (overprovisioning with its findings,
// scores, movers and title mismatches; SoD with suggested rules; impact),
// the overprovisioning CSV, and the exports (the PowerShell script and the
// YAML carry the plan and the JSON, which their own tests compare).
var goldenFiles = []string{
	"packages.json", "overprovisioning.json", "overprovisioning.csv", "sod.json", "impact.json",
	"export/graph-plan.json", "export/access-packages.tf", "export/packages.json", "export/packages.csv",
}

// TestGoldenOutputs pins every number of the outputs on two generated
// tenants, so that a changed weight, threshold or rule (the findings'
// score, the movers' rule, a package metric) shows up as a diff of the
// golden files; `go test ./internal/bench -run TestGoldenOutputs
// -update` rewrites them after a deliberate change.
func TestGoldenOutputs(t *testing.T) {
	for name, cfg := range goldenTenants() {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := DemoTenant(context.Background(), dir, cfg, nil)
			require.NoError(t, err)
			for _, f := range goldenFiles {
				got, err := os.ReadFile(filepath.Join(dir, f))
				require.NoError(t, err)
				path := filepath.Join("testdata", "golden", name, filepath.Base(filepath.Dir(f))+"-"+filepath.Base(f))
				if filepath.Dir(f) == "." {
					path = filepath.Join("testdata", "golden", name, f)
				}
				if *update {
					require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
					require.NoError(t, os.WriteFile(path, got, 0o644))
					continue
				}
				want, err := os.ReadFile(path)
				require.NoError(t, err, "go test ./internal/bench -run TestGoldenOutputs -update writes the golden files")
				if !bytes.Equal(want, got) {
					t.Errorf("%s differs from %s (%s); after a deliberate change, rewrite it with -update", f, path, firstDiff(want, got))
				}
			}
		})
	}
}

// firstDiff names the first line where two outputs differ.
func firstDiff(want, got []byte) string {
	w, g := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(w) && i < len(g); i++ {
		if !bytes.Equal(w[i], g[i]) {
			return fmt.Sprintf("line %d: want %s, got %s", i+1, clip(w[i]), clip(g[i]))
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}

func clip(b []byte) string {
	if len(b) > 120 {
		b = append(b[:120:120], "..."...)
	}
	return "`" + string(b) + "`"
}
