package bench

import (
	"bufio"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rolemine/rolemine/ingest"
	"github.com/rolemine/rolemine/internal/pipeline"
	"github.com/rolemine/rolemine/internal/store"
	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/report"
	"github.com/rolemine/rolemine/tenant"
)

// Result holds the figures of one end-to-end run on a generated tenant.
type Result struct {
	Users        int     `json:"users"`
	Seed         uint64  `json:"seed"`
	Assignments  int64   `json:"assignments"`
	Entitlements int64   `json:"entitlements"`
	Packages     int     `json:"packages"`
	Stages       []Stage `json:"stages"`
	// ReadCSV is DuckDB's own read_csv of the same files into tables:
	// the floor of the ingest stage, not counted among the stages.
	ReadCSV      Floor      `json:"readCsv"`
	PeakRSSBytes int64      `json:"peakRssBytes"`
	Evaluation   Evaluation `json:"evaluation"`
}

// Stage is the wall time of one stage.
type Stage struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
}

// Stage returns the seconds of the named stage, 0 when there is none.
func (r *Result) Stage(name string) float64 {
	for _, s := range r.Stages {
		if s.Name == name {
			return s.Seconds
		}
	}
	return 0
}

// Floor is the time to read the input files with DuckDB alone.
type Floor struct {
	Rows    int64   `json:"rows"`
	Seconds float64 `json:"seconds"`
}

// Tenant generates a tenant into dir, ingests it into a fresh database
// there, loads it and runs mining with opt and both reports (SoD with its
// suggested rules), timing every stage. DuckDB's memory limit is
// memoryLimit ("": store.DefaultMemoryLimit), for the ingest and the
// read_csv floor alike. opt.Progress, when set, is told of every stage:
// the store's and the miner's own, and the others here.
func Tenant(ctx context.Context, dir string, cfg tenantgen.Config, opt mining.Options, memoryLimit string) (*Result, error) {
	res := &Result{Users: cfg.Users, Seed: cfg.Seed}
	stage := func(name string, f func() error) error {
		start := time.Now()
		err := f()
		res.Stages = append(res.Stages, Stage{name, time.Since(start).Seconds()})
		return err
	}
	var truth *tenantgen.Truth
	if err := stage("generate", func() (err error) {
		done := mining.StartStage(opt.Progress, "generate tenant")
		if truth, err = tenantgen.Generate(cfg, dir); err == nil {
			done(cfg.Users, "users")
		}
		return err
	}); err != nil {
		return nil, err
	}
	dbPath := filepath.Join(dir, "bench.duckdb")
	for _, p := range []string{dbPath, dbPath + ".wal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	st, err := store.OpenWith(ctx, dbPath, store.OpenOptions{MemoryLimit: memoryLimit})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	st.Progress = opt.Progress
	var snap tenant.Snapshot
	if err := stage("ingest", func() (err error) {
		snap, err = st.IngestFiles(ctx, GeneratedFiles(dir))
		return err
	}); err != nil {
		return nil, err
	}
	res.Assignments, res.Entitlements = snap.Assignments, snap.Entitlements
	files := GeneratedFiles(dir)
	start := time.Now()
	floorDB := filepath.Join(dir, "read_csv.duckdb")
	done := mining.StartStage(opt.Progress, "read_csv floor")
	if res.ReadCSV.Rows, err = store.ReadCSVFloor(ctx, floorDB, memoryLimit, files.Users, files.Resources, files.Assignments); err != nil {
		return nil, err
	}
	done(int(res.ReadCSV.Rows), "rows")
	res.ReadCSV.Seconds = time.Since(start).Seconds()
	os.Remove(floorDB)
	var data *tenant.Data
	if err := stage("load", func() (err error) {
		data, err = st.Load(ctx, snap)
		return err
	}); err != nil {
		return nil, err
	}
	var mined *mining.Result
	if err := stage("mine", func() (err error) {
		opt, _ := pipeline.WithRuleProperties(opt, data.Dataset, nil) // the built-in rule properties
		mined, err = mining.JobFunctions(ctx, data.Dataset, opt)
		return err
	}); err != nil {
		return nil, err
	}
	run := &tenant.Run{SnapshotID: snap.ID, Method: "jobFunctions", Packages: tenant.Packages(data, mined, nil)}
	res.Packages = len(run.Packages)
	if err := stage("save run", func() error { return st.SaveRun(ctx, run) }); err != nil {
		return nil, err
	}
	var over *report.Overprovisioning
	if err := stage("overprovisioning", func() (err error) {
		done := mining.StartStage(opt.Progress, "overprovisioning")
		if over, err = report.ComputeOverprovisioning(ctx, data, run, report.DefaultOverOptions()); err == nil {
			done(data.Dataset.NumUsers, "users")
		}
		return err
	}); err != nil {
		return nil, err
	}
	var sod *report.SoD
	if err := stage("sod", func() (err error) {
		rules, err := pipeline.ReadSoDRules(filepath.Join(dir, tenantgen.SoDRulesFile))
		if err != nil {
			return err
		}
		done := mining.StartStage(opt.Progress, "separation of duties")
		defer func() {
			if err == nil {
				done(data.Dataset.NumUsers, "users")
			}
		}()
		if sod, err = report.ComputeSoD(ctx, data, run, rules); err != nil {
			return err
		}
		sod.Suggested, err = report.SuggestRules(ctx, data, run, rules, report.DefaultSuggestOptions())
		return err
	}); err != nil {
		return nil, err
	}
	res.Evaluation = Evaluate(truth, run, over, sod)
	res.PeakRSSBytes = peakRSS()
	return res, nil
}

// peakRSS returns the process's peak resident set size, from
// /proc/self/status, or 0 where that is not available.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

// GeneratedFiles names the input files of a tenant that tenantgen wrote
// into dir.
func GeneratedFiles(dir string) ingest.FileSet {
	return ingest.FileSet{
		Users:       filepath.Join(dir, tenantgen.UsersFile),
		Resources:   filepath.Join(dir, tenantgen.ResourcesFile),
		Assignments: filepath.Join(dir, tenantgen.AssignmentsFile),
	}
}
