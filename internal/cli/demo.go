package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/internal/bench"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

type demoOptions struct {
	out   string
	users int
	seed  uint64
	force bool
}

func newDemoCmd(ios *IO) *cobra.Command {
	opts := &demoOptions{}
	c := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole job on a generated sample tenant",
		Long: `Generate a realistic sample tenant (fixed seed), ingest it into a DuckDB file,
mine job-function packages, write the overprovisioning and separation-of-duties
reports and the exports, all into --out, and print where everything is. No
network and no set-up needed. A non-empty --out is refused unless --force.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutDir(opts.out, opts.force); err != nil {
				return err
			}
			var step func(mining.Progress)
			if ios.ErrTTY {
				step = func(p mining.Progress) { fmt.Fprintf(ios.Err, "\r\033[K%s…", p.Stage) }
			}
			res, err := bench.Demo(cmd.Context(), opts.out, opts.users, opts.seed, step)
			if step != nil {
				fmt.Fprint(ios.Err, "\r\033[K")
			}
			if err != nil {
				return err
			}
			return writeDemo(ios, res)
		},
	}
	c.Flags().StringVar(&opts.out, "out", "rolemine-demo", "output `directory`")
	c.Flags().IntVar(&opts.users, "users", 5000, "users in the sample tenant")
	c.Flags().Uint64Var(&opts.seed, "seed", 42, "random seed of the sample tenant")
	c.Flags().BoolVar(&opts.force, "force", false, "write into --out even if it holds files (they are replaced)")
	return withRanges(c, atLeast("users", 1))
}

func writeDemo(ios *IO, r *bench.DemoResult) error {
	w := ios.Out
	s := r.Snapshot
	fmt.Fprintf(w, "rolemine demo: a sample tenant of %d users, %d resources and %d assignments.\n\n", s.Users, s.Resources, s.Assignments)
	kinds := map[tenant.Kind]int{}
	for _, p := range r.Run.Packages {
		kinds[p.Kind]++
	}
	ev := r.Evaluation
	fmt.Fprintf(w, "Mined %d packages: %d job functions, %d variants hidden in titles, and %d birthright.\n",
		len(r.Run.Packages), kinds[tenant.KindJobFunction], kinds[tenant.KindVariant], kinds[tenant.KindBirthright])
	fmt.Fprintf(w, "  Planted job functions recovered (entitlement Jaccard >= %.1f): %d of %d\n", bench.RecoveryJaccard, ev.Recovered, ev.JobFunctions)
	fmt.Fprintf(w, "Overprovisioning: %d findings for %d users; against the planted excess grants precision %.2f, recall %.2f.\n",
		r.Over.Summary.Findings, r.Over.Summary.UsersWithExcess, ev.ExcessPrecision, ev.ExcessRecall)
	fmt.Fprintf(w, "  %d users look like movers who kept an earlier job function's access (precision %.2f, recall %.2f against the planted ones).\n",
		r.Over.Summary.Movers, ev.MoversPrecision, ev.MoversRecall)
	fmt.Fprintf(w, "  %d users hold another job function's access than their title's (precision %.2f, recall %.2f against the planted stale titles).\n",
		r.Over.Summary.TitleMismatches, ev.MismatchesPrecision, ev.MismatchesRecall)
	fmt.Fprintf(w, "  Also %s, %s and %s hold access.\n",
		render.Count(r.Over.Summary.Disabled, "disabled account"), render.Count(r.Over.Summary.Guests, "guest"), render.Count(r.Over.Summary.NonPerson, "service account"))
	fmt.Fprintf(w, "Separation of duties: %d violations today (%d of %d planted found), %d package pairs to mark incompatible;\n",
		len(r.SoD.Violations), ev.SoDFound, ev.SoDPlanted, len(r.SoD.Incompatible))
	fmt.Fprintf(w, "  %d suggested rules, covering %d of the %d planted regional-split pairs.\n",
		len(r.SoD.Suggested), ev.SplitPairsSuggested, ev.SplitPairs)
	fmt.Fprintf(w, "If the packages replaced today's grants, %d users would gain and %d would lose access.\n\n",
		r.Impact.Summary.UsersGaining, r.Impact.Summary.UsersLosing)
	rows := make([][]string, len(r.Files))
	for i, f := range r.Files {
		rows[i] = []string{f.What, f.Path}
	}
	if err := render.WriteTable(w, []string{"WHAT", "WHERE"}, rows); err != nil {
		return err
	}
	// Name the binary as the user ran it (make demo runs ./bin/rolemine).
	prog := "rolemine"
	if len(os.Args) > 0 && strings.Contains(os.Args[0], "/") && filepath.Base(os.Args[0]) == "rolemine" {
		prog = os.Args[0]
	}
	fmt.Fprintf(w, "\nNext: '%s --db %s mine' to re-mine with other thresholds, or open the database with the DuckDB CLI.\n", prog, filepath.Join(r.Dir, "rolemine.duckdb"))
	return nil
}
