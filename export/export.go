package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/rolemine/rolemine/tenant"
)

// Formats this package writes, and the file name each is written to.
var Formats = []string{"graph-json", "powershell", "terraform", "json", "csv", "yaml"}

// FileName returns the file an export format is written to.
func FileName(format string) string {
	switch format {
	case "graph-json":
		return "graph-plan.json"
	case "powershell":
		return "access-packages.ps1"
	case "terraform":
		return "access-packages.tf"
	case "json":
		return "packages.json"
	case "csv":
		return "packages.csv"
	case "yaml":
		return "packages.yaml"
	}
	return ""
}

// Options configure an export; they are the plan's options (the
// Terraform and neutral formats use the catalog name and the
// incompatibilities).
type Options PlanOptions

// Write writes pkgs in the given format.
func Write(w io.Writer, format string, pkgs []tenant.Package, opt Options) error {
	switch format {
	case "graph-json":
		return WriteGraphJSON(w, BuildPlan(pkgs, PlanOptions(opt)))
	case "powershell":
		return WritePowerShell(w, BuildPlan(pkgs, PlanOptions(opt)))
	case "terraform":
		return WriteTerraform(w, pkgs, opt)
	case "json":
		return WriteJSON(w, BuildDefinitions(pkgs, opt))
	case "csv":
		return WriteCSV(w, BuildDefinitions(pkgs, opt))
	case "yaml":
		return WriteYAML(w, BuildDefinitions(pkgs, opt))
	}
	return fmt.Errorf("unknown export format %q (use %s)", format, strings.Join(Formats, ", "))
}
