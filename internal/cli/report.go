package cli

import (
	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/internal/pipeline"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/report"
)

type reportOptions struct {
	snapshot int64
	format   string
	over     report.OverOptions
	rules    string
}

func newReportCmd(ios *IO, g *globals) *cobra.Command {
	opts := &reportOptions{over: report.DefaultOverOptions()}
	over := &cobra.Command{
		Use:   "overprovisioning",
		Short: "Report access that a user's packages do not explain and few peers hold",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := render.CheckFormat(opts.format, render.Table, render.CSV, render.JSON); err != nil {
				return usageError{err}
			}
			st, err := openStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			data, run, err := pipeline.Analysis(cmd.Context(), st, opts.snapshot)
			if err != nil {
				return err
			}
			rep, err := pipeline.Overprovisioning(cmd.Context(), st, data, run, opts.over)
			if err != nil {
				return err
			}
			return report.WriteOverprovisioning(ios.Out, rep, opts.format)
		},
	}
	over.Flags().Float64Var(&opts.over.MaxPeerPrevalence, "max-peer-prevalence", opts.over.MaxPeerPrevalence, "report access held by at most this share of the user's peers")
	over.Flags().Float64Var(&opts.over.StructuralNoise, "structural-noise", 0, "also cover the members' access with the structural miner, leaving at most this share outside every role, and report those exceptions")
	over.Flags().Float64Var(&opts.over.MinMatch, "min-match", opts.over.MinMatch, "share of a package a user without a matching rule must hold to be compared with its members")

	sod := &cobra.Command{
		Use:   "sod",
		Short: "Report separation-of-duties violations today and conflicts in the proposed packages",
		Long: `Check today's access and the latest mining run's packages against a rule file
(format: docs/sod-rules.md): users who hold both sides of a rule, packages
that would grant both sides, and package pairs to mark incompatible.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := render.CheckFormat(opts.format, render.Table, render.CSV, render.JSON); err != nil {
				return usageError{err}
			}
			if err := requireFlags(cmd, "rules"); err != nil {
				return err
			}
			rules, err := pipeline.ReadSoDRules(opts.rules)
			if err != nil {
				return err
			}
			st, err := openStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			data, run, err := pipeline.Analysis(cmd.Context(), st, opts.snapshot)
			if err != nil {
				return err
			}
			rep, err := pipeline.SoD(cmd.Context(), st, data, run, rules)
			if err != nil {
				return err
			}
			return report.WriteSoD(ios.Out, rep, opts.format)
		},
	}
	sod.Flags().StringVar(&opts.rules, "rules", "", "SoD rule `file` (YAML, required)")
	for _, c := range []*cobra.Command{over, sod} {
		c.Flags().StringVar(&opts.format, "format", render.Table, "output format: table, csv or json")
		c.Flags().Int64Var(&opts.snapshot, "snapshot", 0, "snapshot `id` (default: the latest)")
	}
	return groupCmd("report", "Overprovisioning and separation-of-duties reports", over, sod)
}
