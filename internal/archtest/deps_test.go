package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/rolemine/rolemine"

type pkg struct {
	ImportPath string
	Standard   bool
	Imports    []string
	Deps       []string
}

// list runs go list over the module's packages, with test imports.
func list(t *testing.T, args ...string) []pkg {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json"}, args...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func under(path, prefix string) bool { return path == prefix || strings.HasPrefix(path, prefix+"/") }

// TestMiningIsPure: the mining core depends on the standard library, gonum
// and itself only, and never on I/O-heavy or adapter packages.
func TestMiningIsPure(t *testing.T) {
	forbiddenStd := []string{"net/http", "database/sql", "os/exec", "log", "net"}
	for _, p := range list(t, "-deps", "./mining/...") {
		switch {
		case p.Standard:
			for _, f := range forbiddenStd {
				if p.ImportPath == f {
					t.Errorf("mining depends on %s: keep I/O out of the core", f)
				}
			}
		case under(p.ImportPath, module+"/mining"), under(p.ImportPath, "gonum.org/v1/gonum"):
		default:
			t.Errorf("mining depends on %s: it may use only the standard library, gonum and its own packages", p.ImportPath)
		}
	}
}

// TestAdapterImports: one package owns DuckDB, only the command layer uses
// cobra, only Graph-facing packages use the Graph SDK, and the library
// packages never reach them.
func TestAdapterImports(t *testing.T) {
	rules := []struct {
		dep     string
		allowed []string // packages that may import dep directly
	}{
		{"github.com/marcboeker/go-duckdb", []string{module + "/internal/store"}},
		{"github.com/spf13/cobra", []string{module + "/internal/cli"}},
		{"github.com/microsoftgraph/msgraph-sdk-go", []string{module + "/ingest/graph", module + "/internal/graphclient", module + "/export/apply"}},
	}
	for _, p := range list(t, "./...") {
		for _, imp := range p.Imports {
			for _, r := range rules {
				if !under(imp, r.dep) {
					continue
				}
				ok := false
				for _, a := range r.allowed {
					ok = ok || p.ImportPath == a
				}
				if !ok {
					t.Errorf("%s imports %s; only %v may", p.ImportPath, imp, r.allowed)
				}
			}
		}
	}
	// Library packages stay free of the database, the CLI and Graph, even
	// indirectly.
	for _, lib := range []string{"./tenant/...", "./report/...", "./export", "./mining/..."} {
		for _, p := range list(t, "-deps", lib) {
			for _, bad := range []string{"github.com/marcboeker/go-duckdb", "github.com/spf13/cobra", "github.com/microsoftgraph/msgraph-sdk-go", module + "/internal/store", module + "/internal/cli"} {
				if under(p.ImportPath, bad) {
					t.Errorf("%s depends on %s", lib, p.ImportPath)
				}
			}
		}
	}
}

// TestShippedBinaryCarriesNoTestDoubles: the rolemine binary holds neither
// the fake Graph server nor httptest, nor any test library; they serve the
// tests and the benchmarks only.
func TestShippedBinaryCarriesNoTestDoubles(t *testing.T) {
	forbidden := []string{module + "/internal/graphfake", module + "/internal/tfschema", module + "/internal/browsertest", "net/http/httptest",
		"github.com/stretchr/testify", "github.com/rogpeppe/go-internal/testscript", "github.com/chromedp"}
	deps := list(t, "-deps", "./cmd/rolemine")
	if len(deps) < 50 {
		t.Fatalf("go list found %d dependencies of cmd/rolemine: the check proves nothing", len(deps))
	}
	for _, p := range deps {
		for _, bad := range forbidden {
			if under(p.ImportPath, bad) {
				t.Errorf("cmd/rolemine depends on %s", p.ImportPath)
			}
		}
	}
}
