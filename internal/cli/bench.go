package cli

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/internal/bench"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/mining"
)

type benchTenantOptions struct {
	users  int
	seed   uint64
	dir    string
	format string
	cfg    tenantgen.Config
}

func newBenchCmd(ios *IO, g *globals) *cobra.Command {
	opts := &benchTenantOptions{cfg: tenantgen.DefaultConfig(0, 0)}
	tenant := &cobra.Command{
		Use:   "tenant",
		Short: "Time the pipeline end to end on a generated tenant and score it against the ground truth",
		Long: `Generate a tenant of --users users, ingest it into a fresh DuckDB file, load it,
mine it and compute both reports, timing every stage; then score the results
against the planted truth. Peak memory is the process's (Linux).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := render.CheckFormat(opts.format, render.Table, render.JSON); err != nil {
				return usageError{err}
			}
			if err := g.checkMemoryLimit(); err != nil {
				return err
			}
			dir := opts.dir
			if dir == "" {
				tmp, err := os.MkdirTemp("", "rolemine-bench-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				dir = tmp
			}
			realisticDefaults(cmd, &opts.cfg)
			cfg := opts.cfg
			cfg.Users, cfg.Seed = opts.users, opts.seed
			opt := mining.DefaultOptions()
			opt.Progress = progress(ios)
			res, err := bench.Tenant(cmd.Context(), dir, cfg, opt, g.memoryLimit)
			if err != nil {
				return err
			}
			if opts.format == render.JSON {
				return render.WriteJSON(ios.Out, res)
			}
			ev := res.Evaluation
			fmt.Fprintf(ios.Out, "%d users, %d entitlements, %d assignments; %d packages.\n", res.Users, res.Entitlements, res.Assignments, res.Packages)
			fmt.Fprintf(ios.Out, "Job functions recovered %d of %d (mean Jaccard %.3f); excess precision %.3f, recall %.3f; SoD violators %d of %d.\n",
				ev.Recovered, ev.JobFunctions, ev.MeanJaccard, ev.ExcessPrecision, ev.ExcessRecall, ev.SoDFound, ev.SoDPlanted)
			if ev.Teams > 0 {
				fmt.Fprintf(ios.Out, "Team groups of at least 5 recovered as team packages: %d of %d.\n", ev.TeamsRecovered, ev.Teams)
			}
			if len(ev.FlaggedLegitimate) > 0 {
				var parts []string
				for _, k := range slices.Sorted(maps.Keys(ev.FlaggedLegitimate)) {
					parts = append(parts, fmt.Sprintf("%s %d", k, ev.FlaggedLegitimate[k]))
				}
				fmt.Fprintf(ios.Out, "Findings on planted legitimate access: %s.\n", strings.Join(parts, ", "))
			}
			if len(ev.Missed) > 0 {
				fmt.Fprintf(ios.Out, "Missed: %s.\n", strings.Join(ev.Missed, "; "))
			}
			fmt.Fprintf(ios.Out, "Peak memory %.0f MiB.\n\n", float64(res.PeakRSSBytes)/(1<<20))
			var rows [][]string
			total := 0.0
			for _, s := range res.Stages {
				rows = append(rows, []string{s.Name, strconv.FormatFloat(s.Seconds, 'f', 3, 64)})
				if s.Name != "generate" {
					total += s.Seconds
				}
			}
			rows = append(rows, []string{"ingest to reports", strconv.FormatFloat(total, 'f', 3, 64)})
			if err := render.WriteTable(ios.Out, []string{"STAGE", "SECONDS"}, rows); err != nil {
				return err
			}
			if f := res.ReadCSV; f.Seconds > 0 {
				fmt.Fprintf(ios.Out, "\nDuckDB's read_csv of the same files into tables: %.3f s for %d rows (%.2f M rows/s); ingest took %.2fx that.\n",
					f.Seconds, f.Rows, float64(f.Rows)/f.Seconds/1e6, res.Stage("ingest")/f.Seconds)
			}
			return nil
		},
	}
	f := tenant.Flags()
	f.IntVar(&opts.users, "users", 100_000, "users in the generated tenant")
	f.Uint64Var(&opts.seed, "seed", 1, "random seed")
	f.StringVar(&opts.dir, "dir", "", "working `directory` (default: a temporary one, removed afterwards)")
	f.StringVar(&opts.format, "format", render.Table, "output format: table or json")
	f.IntVar(&opts.cfg.BundleScale, "bundle-scale", opts.cfg.BundleScale, "multiply the bundles' group memberships (1: about 13 grants per user)")
	f.IntVar(&opts.cfg.UsersPerRegion, "users-per-region", opts.cfg.UsersPerRegion, "users per regional copy of the departments")
	f.Float64Var(&opts.cfg.EmptyTitleRate, "empty-title-rate", opts.cfg.EmptyTitleRate, "share of users without a job title")
	f.Float64Var(&opts.cfg.WrongTitleRate, "wrong-title-rate", opts.cfg.WrongTitleRate, "share of users whose title is another title of their department (stale or wrong)")
	orgFlags(tenant, &opts.cfg)
	withRanges(tenant, atLeast("users", 1), flagRange{name: "bundle-scale", lo: 1, hi: 100}, atLeast("users-per-region", 1),
		share("empty-title-rate"), share("wrong-title-rate"))
	return groupCmd("bench", "Benchmarks", tenant, newBenchHPCmd(ios))
}
