package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/graph/apply"
	"github.com/rolemine/rolemine/graph/graphclient"
	"github.com/rolemine/rolemine/internal/pipeline"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/tenant"
)

type applyOptions struct {
	sel pipeline.Selection
	yes bool
	planOptions
	prune    bool
	rollback bool
	retire   bool
	client   graphclient.Options
}

func newApplyCmd(ios *IO, g *globals) *cobra.Command {
	opts := &applyOptions{}
	c := &cobra.Command{
		Use:   "apply",
		Short: "Create the latest mining run's packages in Entra through Microsoft Graph",
		Long: `Carry out the Graph request plan of the latest mining run (the one
` + "`rolemine export --format graph-json`" + ` writes): the catalog, its resources, the access
packages with their resource roles and assignment policies, and, with
--sod-rules, the incompatibilities.

Without --yes nothing is written: it prints what exists and what it would
create. Every object is looked up by name before it is created, so a second run
creates nothing and a run that failed halfway can simply be run again.
Sign-in works as for ` + "`rolemine ingest graph`" + ` (docs/graph.md); creating packages needs
EntitlementManagement.ReadWrite.All (and Application.Read.All to read the app
roles the packages grant), and automatic assignment policies the Identity
Governance Administrator role.

Later, once the packages are delivered, --retire reads the tenant and removes
the grant paths they replace: groups nested in a package's group and groups
assigned a package's app role, each only when every user it reaches keeps the
access another way (GroupMember.ReadWrite.All and
AppRoleAssignment.ReadWrite.All). The paths it keeps are listed with the
users who would lose access.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.client.Token = os.Getenv(graphclient.TokenEnv)
			opts.client.DeviceCode = func(msg string) { fmt.Fprintln(ios.Err, msg) }
			return runApply(cmd.Context(), ios, g, opts)
		},
	}
	f := c.Flags()
	f.BoolVar(&opts.yes, "yes", false, "create what is missing (without it, only show what would be created)")
	f.StringVar(&opts.sodRules, "sod-rules", "", "SoD rule `file`: mark conflicting packages incompatible")
	f.StringVar(&opts.catalog, "catalog", "rolemine proposals", "catalog name")
	f.StringVar(&opts.policies, "policies", "", "policy `file` (YAML, docs/policies.md): approval, expiration, reviews, questions and requestors per package, kind or sensitivity")
	f.StringVar(&opts.pilot, "pilot", "", "roll out to a pilot `group` (object id or name) first: no automatic policy yet; the group's members whom each rule selects are assigned directly. Apply again without it to widen")
	f.StringVar(&opts.wave, "wave", "", "roll out in waves: `K/N` assigns directly the first K of N equal shares of each rule's users (no automatic policy yet); apply without it to finish")
	f.BoolVar(&opts.rollback, "rollback", false, "take the pilot of --pilot or --wave back: remove its direct assignments (not the back-fill)")
	f.BoolVar(&opts.retire, "retire", false, "once the packages are delivered, remove the grant paths they replace (groups nested in their groups, groups assigned their app roles) where every user keeps the access; reads the tenant, run without --yes first")
	f.BoolVar(&opts.prune, "prune", false, "remove the role scopes of rolemine's packages that the plan no longer grants (after a re-mine); without it they are only reported")
	f.BoolVar(&opts.backfill, "backfill", true, "assign each package directly to the users who hold its access today and whom its rule does not select (through a direct-assignment policy), before marking incompatibilities")
	maxBackfillFlag(c, &opts.maxBackfill)
	selectionFlags(c, &opts.sel)
	f.StringVar(&opts.client.Tenant, "tenant", "", "directory (tenant) `id` or domain to sign in to")
	f.StringVar(&opts.client.BaseURL, "graph-url", graphclient.DefaultBaseURL, "Graph base `URL` with its version")
	f.StringVar(&opts.client.Auth, "auth", "", "sign-in: "+strings.Join(graphclient.AuthMethods, ", ")+" (default: auto for Graph; token or none for --graph-url)")
	f.StringVar(&opts.client.ClientID, "client-id", "", "application (client) `id` for device-code sign-in or a user-assigned managed identity")
	return c
}

// runApply carries out `rolemine apply`: it builds the plan from the
// database (closed before Graph is contacted) or, with --retire, reads it
// from the tenant, and runs it, printing each step.
func runApply(ctx context.Context, ios *IO, g *globals, opts *applyOptions) error {
	if err := opts.check(); err != nil {
		return err
	}
	plan, run, err := applyPlan(ctx, ios, g, opts)
	if err != nil {
		return err
	}
	c, err := graphclient.New(ctx, opts.client)
	if err != nil {
		return err
	}
	if opts.retire {
		if plan, err = pipeline.RetirePlan(ctx, c, run, opts.catalog); err != nil {
			return err
		}
	}
	for _, w := range plan.Warnings {
		fmt.Fprintln(ios.Err, "warning: "+w)
	}
	for _, s := range plan.Skipped {
		fmt.Fprintf(ios.Err, "warning: package %s: %s %s left out: %s\n", s.PackageID, s.Role, s.ResourceID, s.Reason)
	}
	if n := plan.Assignments(); n > 0 {
		fmt.Fprintf(ios.Out, "Back-fill: %s, each to a user who holds the package's access today.\n", render.Count(n, "direct assignment"))
	}
	fmt.Fprintln(ios.Out, opts.heading(run, plan))
	res, err := pipeline.Apply(ctx, c, plan, apply.Options{Yes: opts.yes, Prune: opts.prune, Report: func(line string) { fmt.Fprintln(ios.Out, "  "+line) }})
	if err != nil {
		return err
	}
	for _, k := range plan.Retained {
		fmt.Fprintln(ios.Out, "  "+keptLine(k))
	}
	fmt.Fprintln(ios.Out, summaryLine(res))
	return nil
}

// check refuses flags that do not go together.
func (o *applyOptions) check() error {
	switch {
	case o.rollback && o.pilot == "" && o.wave == "":
		return usagef("--rollback needs the --pilot or --wave to take back")
	case o.retire && (o.rollback || o.pilot != "" || o.wave != "" || o.prune):
		return usagef("--retire is a plan of its own: run it without --rollback, --pilot, --wave and --prune")
	case o.client.Auth != "" && !slices.Contains(graphclient.AuthMethods, o.client.Auth):
		return usagef("unknown --auth %q (use %s)", o.client.Auth, strings.Join(graphclient.AuthMethods, ", "))
	}
	return nil
}

// applyPlan builds the plan of the latest mining run from the database:
// the rollout (back-fill, pilot, policies, incompatibilities) or its
// rollback; for --retire only the run, whose plan is read from the tenant.
func applyPlan(ctx context.Context, ios *IO, g *globals, opts *applyOptions) (plan *export.Plan, run *tenant.Run, err error) {
	err = withAnalysis(ctx, ios, g, opts.sel, func(a *analysis) error {
		run = a.run
		if opts.retire {
			return nil
		}
		inc, err := pipeline.RuleIncompatibilities(ctx, a.data, a.run, opts.sodRules)
		if err != nil {
			return err
		}
		policies, err := pipeline.ReadPolicyFile(opts.policies)
		if err != nil {
			return err
		}
		popt := export.PlanOptions{CatalogName: opts.catalog, Incompatible: inc, Policies: policies}
		if popt, err = opts.plan(ios, a, popt); err != nil {
			return err
		}
		if opts.rollback {
			plan = export.BuildRollback(a.run.Packages, popt)
		} else {
			plan = export.BuildPlan(a.run.Packages, popt)
		}
		return nil
	})
	return plan, run, err
}

// heading says what a run of apply does, and where.
func (o *applyOptions) heading(run *tenant.Run, plan *export.Plan) string {
	pkgs := render.Count(len(run.Packages), "package")
	mode, what := "Dry run (nothing is written; --yes creates)", fmt.Sprintf("%s of mining run %d into catalog %q", pkgs, run.ID, plan.Catalog)
	switch {
	case o.retire && o.yes:
		mode, what = "Retiring", fmt.Sprintf("what the %s of mining run %d replace", pkgs, run.ID)
	case o.retire:
		mode, what = "Dry run (nothing is removed; --yes removes)", fmt.Sprintf("retire what the %s of mining run %d replace", pkgs, run.ID)
	case o.yes:
		mode = "Applying"
	}
	return fmt.Sprintf("%s: %s at %s", mode, what, strings.TrimSuffix(o.client.BaseURL, "/"))
}

// keptLine reports a grant path a retire plan keeps, naming at most five
// of the users who would lose access.
func keptLine(k export.Retained) string {
	line := fmt.Sprintf("kept         group %q's path to %s on %q: %s", k.GroupName, k.Role, k.ResourceName, k.Reason)
	if n := len(k.Losing); n > 0 {
		shown := k.Losing[:min(n, 5)]
		more := ""
		if n > len(shown) {
			more = fmt.Sprintf(" and %d more", n-len(shown))
		}
		line += fmt.Sprintf(" (would lose it: %s%s)", strings.Join(shown, ", "), more)
	}
	return line
}

// summaryLine counts the outcomes of a run.
func summaryLine(res *apply.Result) string {
	if res.Steps == 0 {
		return "Nothing to do."
	}
	var parts []string
	for _, o := range []string{apply.Created, apply.WouldCreate, apply.Updated, apply.WouldUpdate, apply.Removed, apply.WouldRemove, apply.Exists, apply.Read, apply.WouldRead, apply.Absent} {
		if n := res.Outcomes[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
		}
	}
	return fmt.Sprintf("%s: %s.", render.Count(res.Steps, "step"), strings.Join(parts, ", "))
}
