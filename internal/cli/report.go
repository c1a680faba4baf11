package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/internal/pipeline"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/internal/store"
	"github.com/rolemine/rolemine/report"
	"github.com/rolemine/rolemine/tenant"
)

// HTML is the report format that renders the whole review as one page.
const HTML = "html"

type reportOptions struct {
	sel       pipeline.Selection
	format    string
	over      report.OverOptions
	rules     string
	oldRules  string // --rules, the old name of --sod-rules
	suggested string
	noSave    bool
	limit     int
}

// saveHelp tells, in every report's help that writes to the database,
// what it writes.
const saveHelp = `

The findings are saved in the database (tables reports and findings, see
docs/schema.md), so earlier reports can be queried; --no-save leaves the
database untouched. The analysis reads the database read-only, so several
reports can run at once; saving takes the write lock for a moment at the end.`

func newReportCmd(ios *IO, g *globals) *cobra.Command {
	opts := &reportOptions{over: report.DefaultOverOptions()}
	over := &cobra.Command{
		Use:   "overprovisioning",
		Short: "Report access that a user's packages do not explain and few peers hold (saves the findings)",
		Long: `Report, for each user, the access that their job-function and birthright
packages do not explain and that few of their peers hold, with a reason; movers
(users who kept the access of an earlier job function); disabled, guest and
service accounts that hold access; and summaries per user, resource, department
and job function. --format html writes the whole review as one self-contained
page (add --sod-rules for its separation-of-duties section).` + saveHelp,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.format == HTML {
				return runHTMLReport(cmd.Context(), ios, g, opts)
			}
			return runOverprovisioning(cmd.Context(), ios, g, opts)
		},
	}
	over.Flags().Float64Var(&opts.over.MaxPeerPrevalence, "max-peer-prevalence", opts.over.MaxPeerPrevalence, "report access held by at most this share of the user's peers")
	over.Flags().Float64Var(&opts.over.Confidence, "confidence", opts.over.Confidence, "report access only when its share among peers is at most --max-peer-prevalence with this confidence (Wilson upper bound; 0: the observed share)")
	over.Flags().Float64Var(&opts.over.StructuralNoise, "structural-noise", 0, "also cover the members' access with the structural miner, leaving at most this share outside every role, and report those exceptions")
	over.Flags().Float64Var(&opts.over.MinMatch, "min-match", opts.over.MinMatch, "share of a package a user without a matching rule, or whose access is another job function's (a title mismatch), must hold to be compared with its members")
	over.Flags().BoolVar(&opts.over.Explain, "explain", false, "also list the grants few of a user's job-function peers hold that another peer group of theirs explains (their team, office, cost centre, ...; or shared project access), and why")
	over.Flags().Float64Var(&opts.over.MoverShare, "mover-share", opts.over.MoverShare, "share of another job function's distinct access a user must hold to be reported as a mover (0: off)")
	over.Flags().StringVar(&opts.rules, "sod-rules", "", "SoD rule `file` for the separation-of-duties section of --format html")
	withRanges(over, atLeast("limit", 0), share("max-peer-prevalence"), fraction("confidence"), fraction("structural-noise"), posShare("min-match"), share("mover-share"))

	sod := &cobra.Command{
		Use:   "sod",
		Short: "Report separation-of-duties violations today and conflicts in the proposed packages (saves the findings)",
		Long: `Check today's access and the mining run's packages against a rule file
(format: docs/sod-rules.md): users who hold both sides of a rule, packages
that would grant both sides, and the package pairs to mark incompatible. Also
suggest rules: entitlement pairs that the same job functions hold side by side
but their members never hold together. Without --sod-rules, only the
suggestions. --suggested-rules writes them as a rule file to review and pass
back to --sod-rules.` + saveHelp,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.format == HTML {
				return runHTMLReport(cmd.Context(), ios, g, opts)
			}
			return runSoD(cmd.Context(), ios, g, opts)
		},
	}
	sod.Flags().StringVar(&opts.rules, "sod-rules", "", "SoD rule `file` (YAML)")
	sod.Flags().StringVar(&opts.suggested, "suggested-rules", "", "write the suggested rules that no rule covers yet to this `file` (YAML rule format)")

	impact := &cobra.Command{
		Use:   "impact",
		Short: "Show who would gain and who would lose access if the packages replaced today's grants",
		Long: `Show, per user, the access they would gain and lose if the mining run's
packages replaced today's grants. Reads the database only.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return opts.analyse(cmd.Context(), ios, g, []string{render.Table, render.CSV, render.JSON}, func(a *analysis) error {
				imp, err := pipeline.Impact(cmd.Context(), a.data, a.run)
				if err != nil {
					return err
				}
				return report.WriteImpact(ios.Out, imp, opts.format, ios.layout(opts.limit))
			})
		},
	}
	existing := &cobra.Command{
		Use:   "existing",
		Short: "Set the proposed packages beside the access packages that already exist in the tenant",
		Long: `For every proposed package, the existing access package (read by ` + "`ingest graph`" + `)
whose entitlements are most alike (Jaccard), what each has that the other lacks,
and how many of the proposal's members already hold the existing one; and the
existing packages no proposal comes close to. Reads the database only.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return opts.analyse(cmd.Context(), ios, g, []string{render.Table, render.CSV, render.JSON}, func(a *analysis) error {
				c, err := pipeline.CompareExisting(cmd.Context(), a.st, a.data, a.run)
				if err != nil {
					return err
				}
				return report.WriteComparison(ios.Out, c, opts.format, ios.layout(opts.limit))
			})
		},
	}
	var rollout planOptions // its --sod-rules is opts.rules, as for report sod
	roll := &cobra.Command{
		Use:   "rollout",
		Short: "Set out the rollout wave by wave: who each wave assigns, who gains, the approvals and reviews, the conflicts",
		Long: `Set out the rollout that apply carries out (docs/export.md), wave by wave: with
--pilot, first the back-fill and the pilot group's members whom the rules select,
assigned directly, then everyone else by the automatic policies; without it one
wave. For each package, how many users it is assigned to directly and by rule, how
many of them gain access, and the approval, review and expiration that apply
(--policies); then how many of today's grants the packages deliver from then on,
and how many stay direct for review; and, with --sod-rules, the users each
incompatibility will find holding both sides. Reads the database only.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return opts.analyse(cmd.Context(), ios, g, []string{render.Table, render.CSV, render.JSON, HTML}, func(a *analysis) error {
				ctx := cmd.Context()
				inc, err := pipeline.RuleIncompatibilities(ctx, a.data, a.run, opts.rules)
				if err != nil {
					return err
				}
				policies, err := pipeline.ReadPolicyFile(rollout.policies)
				if err != nil {
					return err
				}
				popt, err := rollout.plan(ios, a, export.PlanOptions{Incompatible: inc, Policies: policies})
				if err != nil {
					return err
				}
				done := stage(ios, "rollout report")
				r := pipeline.RolloutReport(a.data, a.run, popt)
				done(len(a.run.Packages), "packages")
				return report.WriteRollout(ios.Out, r, opts.format, ios.layout(opts.limit))
			})
		},
	}
	roll.Flags().StringVar(&rollout.pilot, "pilot", "", "a pilot `group` (object id or name) for the first wave")
	roll.Flags().StringVar(&rollout.wave, "wave", "", "wave `K/N` for the first wave (see apply --wave)")
	roll.Flags().StringVar(&rollout.policies, "policies", "", "policy `file` (docs/policies.md)")
	roll.Flags().BoolVar(&rollout.backfill, "backfill", true, "assign directly the users who hold a package's access today and whom its rule does not select")
	maxBackfillFlag(roll, &rollout.maxBackfill)
	roll.Flags().StringVar(&opts.rules, "sod-rules", "", "SoD rule `file`: the incompatibilities and who would break them")
	for _, c := range []*cobra.Command{over, sod, impact, existing, roll} {
		usage := "output format: table, csv, json or html"
		if c == impact || c == existing {
			usage = "output format: table, csv or json"
		}
		if c == over || c == sod {
			c.Flags().BoolVar(&opts.noSave, "no-save", false, "do not save the findings in the database")
			// The rule file's flag was --rules before it had one name everywhere.
			c.Flags().StringVar(&opts.oldRules, "rules", "", "")
			c.Flags().MarkHidden("rules")
		}
		c.Flags().StringVar(&opts.format, "format", render.Table, usage)
		c.Flags().IntVar(&opts.limit, "limit", 0, "show at most this many rows of each list in a table, the highest scores first (0: all)")
		selectionFlags(c, &opts.sel)
	}
	for _, c := range []*cobra.Command{sod, impact, existing, roll} {
		withRanges(c, atLeast("limit", 0))
	}
	return groupCmd("report", "Overprovisioning, separation-of-duties, impact, existing-package and rollout reports", over, sod, impact, existing, roll)
}

// selectionFlags adds --snapshot and --run, which choose the mining run a
// command works on.
func selectionFlags(c *cobra.Command, sel *pipeline.Selection) {
	c.Flags().Int64Var(&sel.Snapshot, "snapshot", 0, "snapshot `id` (default: the latest, or the one --run was made on)")
	c.Flags().Int64Var(&sel.Run, "run", 0, "mining run `id` (default: the latest of the snapshot; see 'rolemine runs')")
}

func runOverprovisioning(ctx context.Context, ios *IO, g *globals, opts *reportOptions) error {
	var rep *report.Overprovisioning
	var run *tenant.Run
	err := opts.analyse(ctx, ios, g, []string{render.Table, render.CSV, render.JSON, HTML}, func(a *analysis) (err error) {
		run = a.run
		done := stage(ios, "overprovisioning")
		if rep, err = pipeline.Overprovisioning(ctx, a.data, a.run, opts.over); err == nil {
			done(a.data.Dataset.NumUsers, "users")
		}
		return err
	})
	if err != nil {
		return err
	}
	if err := report.WriteOverprovisioning(ios.Out, rep, opts.format, ios.layout(opts.limit)); err != nil {
		return err
	}
	return opts.save(ctx, g, func(st *store.Store) error {
		return pipeline.SaveOverprovisioning(ctx, st, run, opts.over, rep)
	})
}

func runSoD(ctx context.Context, ios *IO, g *globals, opts *reportOptions) error {
	var rep *report.SoD
	var run *tenant.Run
	err := opts.analyse(ctx, ios, g, []string{render.Table, render.CSV, render.JSON, HTML}, func(a *analysis) error {
		rules, err := opts.readRules()
		if err != nil {
			return err
		}
		run = a.run
		done := stage(ios, "separation of duties")
		if rep, err = pipeline.SoD(ctx, a.data, a.run, rules); err == nil {
			done(a.data.Dataset.NumUsers, "users")
		}
		return err
	})
	if err != nil {
		return err
	}
	if opts.suggested != "" {
		if err := pipeline.WriteFile(opts.suggested, func(w io.Writer) error {
			return report.WriteRuleFile(w, report.SuggestedRuleFile(rep.Suggested))
		}); err != nil {
			return err
		}
	}
	if err := report.WriteSoD(ios.Out, rep, opts.format, ios.layout(opts.limit)); err != nil {
		return err
	}
	return opts.save(ctx, g, func(st *store.Store) error { return pipeline.SaveSoD(ctx, st, run, rep) })
}

// runHTMLReport renders the whole review: overprovisioning, movers, impact
// and separation of duties (with the rule file when one is given), and
// saves the overprovisioning and SoD findings as their own commands do.
func runHTMLReport(ctx context.Context, ios *IO, g *globals, opts *reportOptions) error {
	var doc *report.Document
	err := opts.analyse(ctx, ios, g, []string{HTML}, func(a *analysis) error {
		rules, err := opts.readRules()
		if err != nil {
			return err
		}
		doc, err = pipeline.Document(ctx, a.st, a.data, a.run, opts.over, rules)
		return err
	})
	if err != nil {
		return err
	}
	if err := report.WriteHTML(ios.Out, doc); err != nil {
		return err
	}
	return opts.save(ctx, g, func(st *store.Store) error {
		if err := pipeline.SaveOverprovisioning(ctx, st, doc.Run, opts.over, doc.Over); err != nil {
			return err
		}
		return pipeline.SaveSoD(ctx, st, doc.Run, doc.SoD)
	})
}

func (o *reportOptions) readRules() (*report.SoDRules, error) {
	if o.rules == "" {
		return nil, nil
	}
	return pipeline.ReadSoDRules(o.rules)
}

// analyse checks the format and the rule file, then loads the selected
// mining run from the database, opened read-only, and calls f.
func (o *reportOptions) analyse(ctx context.Context, ios *IO, g *globals, formats []string, f func(*analysis) error) error {
	if err := render.CheckFormat(o.format, formats...); err != nil {
		return usageError{err}
	}
	if o.oldRules != "" {
		fmt.Fprintln(ios.Err, "warning: --rules is the old name of --sod-rules")
		o.rules = o.oldRules
	}
	if o.rules != "" {
		// Read the rule file before the database: a bad file fails fast.
		if _, err := o.readRules(); err != nil {
			return err
		}
	}
	return withAnalysis(ctx, ios, g, o.sel, f)
}

// save opens the database for writing and calls f, unless --no-save. It
// runs after the report is written, so a failure loses only the record.
func (o *reportOptions) save(ctx context.Context, g *globals, f func(*store.Store) error) error {
	if o.noSave {
		return nil
	}
	st, err := openStore(ctx, g, writes)
	if err == nil {
		defer st.Close()
		err = f(st)
	}
	if err != nil {
		return fmt.Errorf("the report was written, but its findings were not saved (--no-save skips saving): %w", err)
	}
	return nil
}

// withAnalysis opens the database read-only, loads the selected mining run
// with its snapshot, says on stderr which run it is, and calls f.
func withAnalysis(ctx context.Context, ios *IO, g *globals, sel pipeline.Selection, f func(*analysis) error) error {
	st, err := openStore(ctx, g, reads)
	if err != nil {
		return err
	}
	defer st.Close()
	data, run, err := pipeline.Analysis(ctx, st, sel)
	if err != nil {
		return err
	}
	fmt.Fprintf(ios.Err, "Using mining run %d of snapshot %d (%s).\n", run.ID, run.SnapshotID, render.Count(len(run.Packages), "package"))
	return f(&analysis{st: st, data: data, run: run})
}

// analysis is a loaded snapshot with a mining run.
type analysis struct {
	st   *store.Store
	data *tenant.Data
	run  *tenant.Run
}
