package pipeline

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/report"
	"github.com/rolemine/rolemine/tenant"
)

// WriteFile writes a file through fill, atomically: the file appears whole
// or not at all.
func WriteFile(path string, fill func(io.Writer) error) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriter(tmp)
	if err := fill(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Incompatibilities lists the package pairs that a SoD report says must be
// marked incompatible, each pair once per direction.
func Incompatibilities(sod *report.SoD) []export.Incompatibility {
	if sod == nil {
		return nil
	}
	seen := map[export.Incompatibility]bool{}
	var out []export.Incompatibility
	add := func(inc export.Incompatibility) {
		if !seen[inc] {
			seen[inc] = true
			out = append(out, inc)
		}
	}
	for _, c := range sod.Incompatible {
		add(export.Incompatibility{PackageID: c.PackageID, OtherID: c.OtherID})
		add(export.Incompatibility{PackageID: c.OtherID, OtherID: c.PackageID})
	}
	for _, g := range sod.IncompatibleGroups {
		add(export.Incompatibility{PackageID: g.PackageID, GroupID: g.GroupID})
	}
	return out
}

// RuleIncompatibilities reads a rule file (none when path is empty),
// checks the run's packages against it, and returns the incompatibilities
// to export. It records no report and suggests no rules.
func RuleIncompatibilities(ctx context.Context, d *tenant.Data, run *tenant.Run, path string) ([]export.Incompatibility, error) {
	if path == "" {
		return nil, nil
	}
	rules, err := ReadSoDRules(path)
	if err != nil {
		return nil, err
	}
	sod, err := report.ComputeSoD(ctx, d, run, rules)
	if err != nil {
		return nil, err
	}
	return Incompatibilities(sod), nil
}

// ReadPolicyFile reads a policy file (docs/policies.md); "" gives nil, the
// built-in defaults.
func ReadPolicyFile(path string) (*export.PolicyFile, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return export.ReadPolicyFile(path, f)
}

// Export writes the packages in format into dir and returns the file's path.
func Export(ctx context.Context, dir, format string, pkgs []tenant.Package, opt export.Options) (string, error) {
	name := export.FileName(format)
	if name == "" {
		return "", export.Write(io.Discard, format, nil, opt)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	if err := WriteFile(path, func(w io.Writer) error { return export.Write(w, format, pkgs, opt) }); err != nil {
		return "", fmt.Errorf("export %s: %w", format, err)
	}
	return path, nil
}
