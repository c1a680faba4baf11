package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/internal/pipeline"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

type mineOptions struct {
	snapshot  int64
	format    string
	tune      bool
	ruleAttrs []string
	opt       mining.Options
}

func newMineCmd(ios *IO, g *globals) *cobra.Command {
	opts := &mineOptions{opt: mining.DefaultOptions()}
	c := &cobra.Command{
		Use:   "mine",
		Short: "Propose one access package per job function from the latest snapshot",
		Long: `Group the enabled member accounts by the --by attributes (job titles are
normalised: case, spacing, abbreviations such as Sr./Senior and Mgr/Manager),
and propose for each group the entitlements that at least --threshold of its
members hold, plus one birthright package for what nearly everyone holds.
Each package carries its Entra membership rule. The run is kept in the
database for the reports and exports.

--by auto picks the attribute, or pair, that best predicts access (see
` + "`rolemine attributes`" + `). Members whose access belongs to another job function
(stale or wrong titles: their access fits another group's far better) are
left out of a group's evidence; --trim=false counts every member. With --clusters
users are also grouped by the similarity of their access
(MinHash, LSH, Louvain communities), and every cluster whose access its
members' packages do not grant becomes a package too, with the attribute
rule that best describes it and that rule's precision and recall, or for
direct assignment when no rule fits.

Rules test only the user properties Entra's assignment rules can evaluate
(jobTitle, department, companyName, physicalDeliveryOfficeName, city, country,
usageLocation, employeeId, extensionAttribute1-15, extension_<appId>_<name>,
...; officeLocation is evaluated as physicalDeliveryOfficeName). A package whose
rule would test another attribute is for direct assignment, with the reason;
--rule-attribute costCenter=extensionAttribute3 says which property holds it.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMine(cmd.Context(), ios, g, opts)
		},
	}
	f := c.Flags()
	ranges := miningFlags(c, opts)
	f.Uint64Var(&opts.opt.Cluster.Seed, "seed", opts.opt.Cluster.Seed, "random seed of the clustering (the same seed gives the same result)")
	f.BoolVar(&opts.tune, "tune", false, "choose --by, --threshold and --min-members by how well they predict each user's access from their group's (leave-one-out)")
	f.Int64Var(&opts.snapshot, "snapshot", 0, "snapshot `id` (default: the latest)")
	f.StringVar(&opts.format, "format", render.Table, "output format: table or json")
	return withRanges(c, ranges...)
}

func runMine(ctx context.Context, ios *IO, g *globals, opts *mineOptions) error {
	if err := render.CheckFormat(opts.format, render.Table, render.JSON); err != nil {
		return usageError{err}
	}
	st, err := openStore(ctx, g, writes)
	if err != nil {
		return err
	}
	defer st.Close()
	opt := opts.opt
	opt.Progress = progress(ios)
	_, run, err := pipeline.Mine(ctx, st, opts.snapshot, pipeline.MineOptions{Options: opt, Tune: opts.tune, RuleAttributes: opts.ruleAttrs})
	if errors.Is(err, pipeline.ErrNoAttribute) || errors.Is(err, pipeline.ErrBadRuleAttribute) || errors.Is(err, pipeline.ErrUnknownAttribute) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	if opts.tune {
		p := run.Params
		fmt.Fprintf(ios.Err, "Tuned: --by %s --threshold %v --min-members %d.\n", strings.Join(p.By, ","), p.Threshold, p.MinMembers)
		if c := p.Chosen; c != nil {
			fmt.Fprintf(ios.Err, "Predicting each user's access from the others of their group: precision %.3f, recall %.3f, F1 %.3f.\n", c.Precision, c.Recall, c.F1)
		}
	}
	return writeRun(ios.Out, run, opts.format, ios.Width)
}

func writeRun(w io.Writer, run *tenant.Run, format string, width int) error {
	if format == render.JSON {
		return render.WriteJSON(w, run)
	}
	rows := make([][]string, len(run.Packages))
	for i, p := range run.Packages {
		rule := p.Rule
		if !p.Automatic {
			rule = "(direct assignment)"
		}
		if p.DirectReason != "" {
			// The reason's first clause; the JSON output has all of it.
			reason, _, _ := strings.Cut(p.DirectReason, ";")
			rule = "(direct: " + strings.TrimPrefix(reason, "its ") + ")"
		}
		fit := ""
		if p.Kind != tenant.KindBirthright && (p.Metrics.RulePrecision > 0 || p.Metrics.RuleRecall > 0) {
			fit = fmt.Sprintf("%.2f / %.2f", p.Metrics.RulePrecision, p.Metrics.RuleRecall)
		}
		rows[i] = []string{p.ID, strconv.Itoa(p.Metrics.Members), strconv.Itoa(p.Metrics.Entitlements),
			fmt.Sprintf("%.0f%%", 100*p.Metrics.Coverage), strconv.Itoa(p.Metrics.MembersGaining), fit, rule}
	}
	render.WriteParagraph(w, width, fmt.Sprintf("Mining run %d on snapshot %d: %s. RULE FIT: the share of the members who hold the package's access, and the share of the users with its access whom the rule selects.",
		run.ID, run.SnapshotID, render.Count(len(run.Packages), "package")))
	fmt.Fprintln(w)
	t := render.TextTable{Columns: []render.Column{{Name: "PACKAGE", Wrap: true}, {Name: "MEMBERS"}, {Name: "ENTITLEMENTS", Drop: 2}, {Name: "COVERAGE", Drop: 1},
		{Name: "GAINING", Drop: 3}, {Name: "RULE FIT"}, {Name: "RULE", Wrap: true}}, Rows: rows}
	return t.Write(w, width)
}

// miningFlags adds the options of mining to c (mine, backtest) and
// returns their ranges.
func miningFlags(c *cobra.Command, opts *mineOptions) []flagRange {
	f := c.Flags()
	f.StringSliceVar(&opts.opt.By, "by", opts.opt.By, "user attributes that define a job function")
	f.Var(groupingsValue{&opts.opt.AlsoBy}, "also-by", "a further grouping (`attributes`, comma-separated; repeatable): its groups get packages of what most of their members hold beyond their other packages (an office, a cost centre, a manager)")
	f.Float64Var(&opts.opt.Threshold, "threshold", opts.opt.Threshold, "share of a group that must hold an entitlement for the package to include it")
	f.Float64Var(&opts.opt.BirthrightThreshold, "birthright-threshold", opts.opt.BirthrightThreshold, "share of all users that must hold an entitlement for the birthright package (0: none)")
	f.IntVar(&opts.opt.MinMembers, "min-members", opts.opt.MinMembers, "smallest group that gets a package")
	f.IntVar(&opts.opt.MaxRuleUsers, "max-rule-users", opts.opt.MaxRuleUsers, "most users one assignment rule may select (0: no limit)")
	f.BoolVar(&opts.opt.Variants, "variants", opts.opt.Variants, "look inside each job function for variants that part of its users hold (structural miner)")
	f.BoolVar(&opts.opt.Trim, "trim", opts.opt.Trim, "leave out of a group's evidence the members whose access another group's explains far better")
	f.BoolVar(&opts.opt.Teams, "teams", opts.opt.Teams, "also propose a package per manager's team (managerId) for what most of the team holds, few others do, and no package of theirs grants (direct assignment)")
	f.IntVar(&opts.opt.MinTeam, "min-team", opts.opt.MinTeam, "fewest direct reports a manager's team needs for a team package")
	f.BoolVar(&opts.opt.Clusters, "clusters", opts.opt.Clusters, "also propose packages for clusters of users with alike access that no attribute group explains")
	f.Float64Var(&opts.opt.Cluster.Resolution, "cluster-resolution", opts.opt.Cluster.Resolution, "granularity of the access clusters (above 1: more, smaller clusters)")
	f.IntVar(&opts.opt.Cluster.MinSize, "cluster-min-size", opts.opt.Cluster.MinSize, "smallest access cluster")
	f.Float64Var(&opts.opt.MinRuleF1, "min-rule-f1", opts.opt.MinRuleF1, "F1 an access cluster's attribute rule needs to be assigned automatically")
	f.StringArrayVar(&opts.ruleAttrs, "rule-attribute", nil, "`attribute=property`: the Entra user property an attribute is evaluated as in rules (e.g. costCenter=extensionAttribute3); repeatable")
	return []flagRange{posShare("threshold"), share("birthright-threshold"), atLeast("min-members", 1), atLeast("min-team", 2), atLeast("max-rule-users", 0),
		above("cluster-resolution", 0), atLeast("cluster-min-size", 1), share("min-rule-f1")}
}

// groupingsValue is a repeatable flag whose every value is a
// comma-separated list of attributes.
type groupingsValue struct{ dst *[][]string }

func (v groupingsValue) String() string {
	if v.dst == nil {
		return ""
	}
	var parts []string
	for _, g := range *v.dst {
		parts = append(parts, strings.Join(g, ","))
	}
	return strings.Join(parts, " ")
}

func (v groupingsValue) Set(s string) error {
	var g []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			g = append(g, a)
		}
	}
	if len(g) == 0 {
		return fmt.Errorf("no attribute in %q", s)
	}
	*v.dst = append(*v.dst, g)
	return nil
}

func (v groupingsValue) Type() string { return "attributes" }
