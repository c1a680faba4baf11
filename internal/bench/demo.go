package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/internal/pipeline"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/internal/store"
	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/report"
	"github.com/rolemine/rolemine/tenant"
)

// DemoResult tells what the demo did and where it put everything.
type DemoResult struct {
	Dir        string
	Snapshot   tenant.Snapshot
	Run        *tenant.Run
	Over       *report.Overprovisioning
	SoD        *report.SoD
	Impact     *report.Impact
	Evaluation Evaluation
	Files      []DemoFile
}

// DemoFile is one file the demo wrote.
type DemoFile struct {
	What string
	Path string
}

// Demo runs the whole job on a generated tenant: generate, ingest, mine,
// report and export, all into dir.
func Demo(ctx context.Context, dir string, users int, seed uint64, progress func(mining.Progress)) (*DemoResult, error) {
	cfg := tenantgen.DefaultConfig(users, seed)
	cfg.WrongTitleRate = 0.05 // some titles are stale, as in every directory
	return DemoTenant(ctx, dir, cfg, progress)
}

// DemoTenant runs the whole job, as Demo, on a tenant generated with cfg.
func DemoTenant(ctx context.Context, dir string, cfg tenantgen.Config, progress func(mining.Progress)) (*DemoResult, error) {
	step := func(s string) {
		if progress != nil {
			progress(mining.Progress{Stage: s})
		}
	}
	res := &DemoResult{Dir: dir}
	add := func(what, path string) { res.Files = append(res.Files, DemoFile{what, path}) }
	tenantDir := filepath.Join(dir, "tenant")
	dbPath := filepath.Join(dir, "rolemine.duckdb")
	// The demo owns its directory's database: start from a fresh one so that
	// every run gives the same results.
	for _, p := range []string{dbPath, dbPath + ".wal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}

	step("generating a tenant")
	truth, err := tenantgen.Generate(cfg, tenantDir)
	if err != nil {
		return nil, err
	}
	add("sample tenant (CSV input files)", tenantDir)
	add("separation-of-duties rules", filepath.Join(tenantDir, tenantgen.SoDRulesFile))

	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	step("ingesting")
	res.Snapshot, err = st.IngestFiles(ctx, GeneratedFiles(tenantDir))
	if err != nil {
		return nil, err
	}
	add("DuckDB database", dbPath)

	step("mining job functions")
	data, run, err := pipeline.Mine(ctx, st, res.Snapshot.ID, pipeline.MineOptions{Options: mining.DefaultOptions()})
	if err != nil {
		return nil, err
	}
	res.Run = run
	if err := writeOut(dir, "packages.json", "proposed packages (JSON)", add, func(w io.Writer) error { return render.WriteJSON(w, run) }); err != nil {
		return nil, err
	}

	step("reporting")
	res.Over, err = pipeline.Overprovisioning(ctx, data, run, report.DefaultOverOptions())
	if err != nil {
		return nil, err
	}
	if err := pipeline.SaveOverprovisioning(ctx, st, run, report.DefaultOverOptions(), res.Over); err != nil {
		return nil, err
	}
	for _, f := range []string{render.CSV, render.JSON} {
		if err := writeOut(dir, "overprovisioning."+f, "overprovisioning report ("+f+")", add,
			func(w io.Writer) error { return report.WriteOverprovisioning(w, res.Over, f, render.Layout{}) }); err != nil {
			return nil, err
		}
	}
	rules, err := pipeline.ReadSoDRules(filepath.Join(tenantDir, tenantgen.SoDRulesFile))
	if err != nil {
		return nil, err
	}
	res.SoD, err = pipeline.SoD(ctx, data, run, rules)
	if err != nil {
		return nil, err
	}
	if err := pipeline.SaveSoD(ctx, st, run, res.SoD); err != nil {
		return nil, err
	}
	for _, f := range []string{render.CSV, render.JSON} {
		if err := writeOut(dir, "sod."+f, "separation-of-duties report ("+f+")", add,
			func(w io.Writer) error { return report.WriteSoD(w, res.SoD, f, render.Layout{}) }); err != nil {
			return nil, err
		}
	}

	res.Impact, err = pipeline.Impact(ctx, data, run)
	if err != nil {
		return nil, err
	}
	if err := writeOut(dir, "impact.json", "impact of replacing today's grants (JSON)", add,
		func(w io.Writer) error { return report.WriteImpact(w, res.Impact, render.JSON, render.Layout{}) }); err != nil {
		return nil, err
	}
	doc := &report.Document{Data: data, Run: run, Over: res.Over, Impact: res.Impact, SoD: res.SoD}
	if doc.Attributes, err = mining.RankAttributes(ctx, data.Dataset, mining.DefaultRankOptions()); err != nil {
		return nil, err
	}
	if err := writeOut(dir, "report.html", "HTML report", add, func(w io.Writer) error { return report.WriteHTML(w, doc) }); err != nil {
		return nil, err
	}

	step("exporting")
	opt := export.Options(pipeline.Rollout(data, run, export.PlanOptions{Incompatible: pipeline.Incompatibilities(res.SoD)}))
	for _, f := range export.Formats {
		path, err := pipeline.Export(ctx, filepath.Join(dir, "export"), f, run.Packages, opt)
		if err != nil {
			return nil, err
		}
		add("export ("+f+")", path)
	}
	res.Evaluation = Evaluate(truth, run, res.Over, res.SoD)
	return res, nil
}

func writeOut(dir, name, what string, add func(string, string), fill func(io.Writer) error) error {
	path := filepath.Join(dir, name)
	if err := pipeline.WriteFile(path, fill); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	add(what, path)
	return nil
}
