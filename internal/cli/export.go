package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/internal/pipeline"
	"github.com/rolemine/rolemine/internal/render"
)

type exportOptions struct {
	sel    pipeline.Selection
	format string
	out    string
	planOptions
}

// planOptions are the options of the commands that plan the packages'
// rollout in Entra: export and apply.
type planOptions struct {
	sodRules    string
	catalog     string
	backfill    bool
	maxBackfill int
	policies    string
	pilot       string
	wave        string
}

func newExportCmd(ios *IO, g *globals) *cobra.Command {
	opts := &exportOptions{}
	c := &cobra.Command{
		Use:   "export",
		Short: "Write the latest mining run's packages as definitions for Entra or other tools",
		Long: `Write the packages of the latest mining run:
  graph-json  an ordered Microsoft Graph request plan for entitlement management
              (catalog, resources, packages, role scopes, assignment policies,
              incompatible packages), in graph-plan.json
  powershell  the same requests as a PowerShell script (Microsoft Graph PowerShell
              SDK) that looks every object up before creating it and supports
              -WhatIf, in access-packages.ps1
  terraform   azuread provider resources for what it supports (catalog, packages,
              group associations, direct-assignment policies), in
              access-packages.tf, with comments on what only graph-plan.json holds
  json, csv, yaml
              tool-neutral package definitions, in packages.json, packages.csv,
              packages.yaml
With --sod-rules, packages that would grant the two sides of a rule are
marked incompatible with each other.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExport(cmd.Context(), ios, g, opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.format, "format", "graph-json", "export format: "+strings.Join(export.Formats, ", "))
	f.StringVar(&opts.out, "out", "export", "output `directory`")
	f.StringVar(&opts.sodRules, "sod-rules", "", "SoD rule `file`: mark conflicting packages incompatible")
	f.StringVar(&opts.catalog, "catalog", "rolemine proposals", "catalog name for the Graph plan")
	f.StringVar(&opts.policies, "policies", "", "policy `file` (YAML, docs/policies.md): approval, expiration, reviews, questions and requestors per package, kind or sensitivity")
	f.StringVar(&opts.pilot, "pilot", "", "roll out to a pilot `group` (object id or name) first (see apply --pilot)")
	f.StringVar(&opts.wave, "wave", "", "roll out wave `K/N` first (see apply --wave)")
	f.BoolVar(&opts.backfill, "backfill", true, "in the Graph plan and the PowerShell script, assign each package directly to the users who hold its access today and whom its rule does not select")
	maxBackfillFlag(c, &opts.maxBackfill)
	selectionFlags(c, &opts.sel)
	return c
}

func runExport(ctx context.Context, ios *IO, g *globals, opts *exportOptions) error {
	if !slices.Contains(export.Formats, opts.format) {
		return usagef("unknown export format %q (use %s)", opts.format, strings.Join(export.Formats, ", "))
	}
	return withAnalysis(ctx, ios, g, opts.sel, func(a *analysis) error {
		opt := export.Options{CatalogName: opts.catalog}
		var err error
		if opt.Policies, err = pipeline.ReadPolicyFile(opts.policies); err != nil {
			return err
		}
		if opt.Incompatible, err = pipeline.RuleIncompatibilities(ctx, a.data, a.run, opts.sodRules); err != nil {
			return err
		}
		popt, err := opts.plan(ios, a, export.PlanOptions(opt))
		if err != nil {
			return err
		}
		opt = export.Options(popt)
		path, err := pipeline.Export(ctx, opts.out, opts.format, a.run.Packages, opt)
		if err != nil {
			return err
		}
		fmt.Fprintf(ios.Out, "Wrote %s of mining run %d to %s\n", render.Count(len(a.run.Packages), "package"), a.run.ID, path)
		return nil
	})
}

// plan is pipeline.Plan with these options, a stage on stderr: the
// back-fill of a million users takes seconds.
func (o *planOptions) plan(ios *IO, a *analysis, popt export.PlanOptions) (export.PlanOptions, error) {
	done := stage(ios, "plan rollout")
	popt, err := pipeline.Plan(a.data, a.run, popt, o.backfill, o.maxBackfill, o.pilot, o.wave)
	if err == nil {
		done(len(a.run.Packages), "packages")
	}
	return popt, err
}

// maxBackfillFlag is --max-backfill, of every command that plans a
// rollout (export, apply, report rollout).
func maxBackfillFlag(cmd *cobra.Command, p *int) {
	cmd.Flags().IntVar(p, "max-backfill", pipeline.DefaultMaxBackfill, "refuse a back-fill of more direct assignments than this (0: no limit)")
}
