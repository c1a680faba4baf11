package archtest

import (
	"encoding/json"
	"io"
	"os"
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
		deps    []string
		allowed string // the package, or the tree, that may import deps directly
	}{
		{[]string{"github.com/marcboeker/go-duckdb"}, module + "/internal/store"},
		{[]string{"github.com/spf13/cobra"}, module + "/internal/cli"},
		// Everything that speaks to Microsoft Graph lives under graph/.
		{[]string{"github.com/microsoftgraph", "github.com/microsoft/kiota-abstractions-go", "github.com/microsoft/kiota-http-go",
			"github.com/microsoft/kiota-serialization-json-go", "github.com/Azure/azure-sdk-for-go"}, module + "/graph"},
	}
	for _, p := range list(t, "./...") {
		for _, imp := range p.Imports {
			for _, r := range rules {
				for _, dep := range r.deps {
					if under(imp, dep) && !under(p.ImportPath, r.allowed) {
						t.Errorf("%s imports %s; only %s may", p.ImportPath, imp, r.allowed)
					}
				}
			}
		}
	}
	// Library packages stay free of the database, the CLI and Graph, even
	// indirectly.
	for _, lib := range []string{"./tenant/...", "./report/...", "./export", "./mining/...", "./ingest/..."} {
		for _, p := range list(t, "-deps", lib) {
			for _, bad := range []string{"github.com/marcboeker/go-duckdb", "github.com/spf13/cobra", "github.com/microsoftgraph/msgraph-sdk-go",
				module + "/internal/store", module + "/internal/cli", module + "/graph"} {
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
	forbidden := []string{module + "/graph/graphfake", module + "/internal/tfschema", module + "/internal/browsertest", "net/http/httptest",
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

// TestArchitectureNamesEveryPackage: docs/architecture.md names every
// package of the module (as `path`, relative to the module), so a newcomer
// finds each one there.
func TestArchitectureNamesEveryPackage(t *testing.T) {
	doc, err := os.ReadFile("../../docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	pkgs := list(t, "./...")
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages: the check proves nothing", len(pkgs))
	}
	for _, p := range pkgs {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		if !strings.Contains(string(doc), "`"+rel+"`") {
			t.Errorf("docs/architecture.md does not name %s", rel)
		}
	}
}
