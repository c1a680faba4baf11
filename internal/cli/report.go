package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/internal/pipeline"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/internal/store"
	"github.com/rolemine/rolemine/report"
	"github.com/rolemine/rolemine/tenant"
)

// HTML is the report format that renders the whole review as one page.
const HTML = "html"

type reportOptions struct {
	snapshot  int64
	format    string
	over      report.OverOptions
	rules     string
	suggested string
}

func newReportCmd(ios *IO, g *globals) *cobra.Command {
	opts := &reportOptions{over: report.DefaultOverOptions()}
	// html renders the whole review: overprovisioning, movers, impact and
	// separation of duties (with the rule file when one is given).
	html := func(cmd *cobra.Command, a *analysis) error {
		rules, err := opts.readRules()
		if err != nil {
			return err
		}
		doc, err := pipeline.Document(cmd.Context(), a.st, a.data, a.run, opts.over, rules)
		if err != nil {
			return err
		}
		return report.WriteHTML(ios.Out, doc)
	}
	over := &cobra.Command{
		Use:   "overprovisioning",
		Short: "Report access that a user's packages do not explain and few peers hold",
		Long: `Report, for each user, the access that their job-function and birthright
packages do not explain and that few of their peers hold, with a reason; movers
(users who kept the access of an earlier job function); disabled, guest and
service accounts that hold access; and summaries per user, resource, department
and job function. --format html writes the whole review as one self-contained
page (add --rules for its separation-of-duties section).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return opts.run(cmd, g, []string{render.Table, render.CSV, render.JSON, HTML}, func(a *analysis) error {
				if opts.format == HTML {
					return html(cmd, a)
				}
				rep, err := pipeline.Overprovisioning(cmd.Context(), a.st, a.data, a.run, opts.over)
				if err != nil {
					return err
				}
				return report.WriteOverprovisioning(ios.Out, rep, opts.format)
			})
		},
	}
	over.Flags().Float64Var(&opts.over.MaxPeerPrevalence, "max-peer-prevalence", opts.over.MaxPeerPrevalence, "report access held by at most this share of the user's peers")
	over.Flags().Float64Var(&opts.over.Confidence, "confidence", opts.over.Confidence, "report access only when its share among peers is at most --max-peer-prevalence with this confidence (Wilson upper bound; 0: the observed share)")
	over.Flags().Float64Var(&opts.over.StructuralNoise, "structural-noise", 0, "also cover the members' access with the structural miner, leaving at most this share outside every role, and report those exceptions")
	over.Flags().Float64Var(&opts.over.MinMatch, "min-match", opts.over.MinMatch, "share of a package a user without a matching rule, or whose access is another job function's (a title mismatch), must hold to be compared with its members")
	over.Flags().Float64Var(&opts.over.MoverShare, "mover-share", opts.over.MoverShare, "share of another job function's distinct access a user must hold to be reported as a mover (0: off)")
	over.Flags().StringVar(&opts.rules, "rules", "", "SoD rule `file` for the separation-of-duties section of --format html")

	sod := &cobra.Command{
		Use:   "sod",
		Short: "Report separation-of-duties violations today and conflicts in the proposed packages",
		Long: `Check today's access and the latest mining run's packages against a rule file
(format: docs/sod-rules.md): users who hold both sides of a rule, packages
that would grant both sides, and package pairs to mark incompatible. Also
suggest rules: entitlement pairs that the same job functions hold side by side
but their members never hold together. Without --rules, only the suggestions.
--suggested-rules writes them as a rule file to review and pass back to --rules.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return opts.run(cmd, g, []string{render.Table, render.CSV, render.JSON, HTML}, func(a *analysis) error {
				if opts.format == HTML {
					return html(cmd, a)
				}
				rules, err := opts.readRules()
				if err != nil {
					return err
				}
				rep, err := pipeline.SoD(cmd.Context(), a.st, a.data, a.run, rules)
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
				return report.WriteSoD(ios.Out, rep, opts.format)
			})
		},
	}
	sod.Flags().StringVar(&opts.rules, "rules", "", "SoD rule `file` (YAML)")
	sod.Flags().StringVar(&opts.suggested, "suggested-rules", "", "write the suggested rules that no rule covers yet to this `file` (YAML rule format)")

	impact := &cobra.Command{
		Use:   "impact",
		Short: "Show who would gain and who would lose access if the packages replaced today's grants",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return opts.run(cmd, g, []string{render.Table, render.CSV, render.JSON}, func(a *analysis) error {
				imp, err := pipeline.Impact(cmd.Context(), a.data, a.run)
				if err != nil {
					return err
				}
				return report.WriteImpact(ios.Out, imp, opts.format)
			})
		},
	}
	existing := &cobra.Command{
		Use:   "existing",
		Short: "Set the proposed packages beside the access packages that already exist in the tenant",
		Long: `For every proposed package, the existing access package (read by ` + "`ingest graph`" + `)
whose entitlements are most alike (Jaccard), what each has that the other lacks,
and how many of the proposal's members already hold the existing one; and the
existing packages no proposal comes close to.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return opts.run(cmd, g, []string{render.Table, render.CSV, render.JSON}, func(a *analysis) error {
				c, err := pipeline.CompareExisting(cmd.Context(), a.st, a.data, a.run)
				if err != nil {
					return err
				}
				return report.WriteComparison(ios.Out, c, opts.format)
			})
		},
	}
	for _, c := range []*cobra.Command{over, sod, impact, existing} {
		usage := "output format: table, csv, json or html"
		if c == impact || c == existing {
			usage = "output format: table, csv or json"
		}
		c.Flags().StringVar(&opts.format, "format", render.Table, usage)
		c.Flags().Int64Var(&opts.snapshot, "snapshot", 0, "snapshot `id` (default: the latest)")
	}
	return groupCmd("report", "Overprovisioning, separation-of-duties, impact and existing-package reports", over, sod, impact, existing)
}

func (o *reportOptions) readRules() (*report.SoDRules, error) {
	if o.rules == "" {
		return nil, nil
	}
	return pipeline.ReadSoDRules(o.rules)
}

// run checks the format, opens the store, loads the snapshot and its latest
// mining run and calls f.
func (o *reportOptions) run(cmd *cobra.Command, g *globals, formats []string, f func(*analysis) error) error {
	if err := render.CheckFormat(o.format, formats...); err != nil {
		return usageError{err}
	}
	if o.rules != "" {
		// Read the rule file before the database: a bad file fails fast.
		if _, err := o.readRules(); err != nil {
			return err
		}
	}
	return withAnalysis(cmd, g, o.snapshot, f)
}

// withAnalysis opens the database, loads a snapshot (0: the latest) with
// its latest mining run, and calls f.
func withAnalysis(cmd *cobra.Command, g *globals, snapshot int64, f func(*analysis) error) error {
	st, err := openStore(cmd.Context(), g)
	if err != nil {
		return err
	}
	defer st.Close()
	data, run, err := pipeline.Analysis(cmd.Context(), st, snapshot)
	if err != nil {
		return err
	}
	return f(&analysis{st: st, data: data, run: run})
}

// analysis is a loaded snapshot with its latest mining run.
type analysis struct {
	st   *store.Store
	data *tenant.Data
	run  *tenant.Run
}
