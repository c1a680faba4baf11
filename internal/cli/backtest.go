package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/internal/pipeline"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/report"
)

type backtestOptions struct {
	mine mineOptions
	bt   report.BacktestOptions
}

func newBacktestCmd(ios *IO, g *globals) *cobra.Command {
	opts := &backtestOptions{mine: mineOptions{opt: mining.DefaultOptions(), format: render.Table}}
	c := &cobra.Command{
		Use:   "backtest",
		Short: "Test the mined packages on held-out users before switching on automatic assignment",
		Long: `Answer, before anyone switches on automatic assignment: had these rules
existed, how much of what people actually hold would they have given them,
and how much more? For each of --splits random splits, --holdout of the member
accounts are held out (their access hidden), packages are mined on the others
with the options of mine, and each held-out user is given every package whose
rule selects them (job functions, variants, the birthright; a team's package
to the manager's reports). Precision, recall and F1 over the held-out users'
grants, micro-averaged, are reported as mean and standard deviation over the
splits, per kind of resource and per package, beside three baselines computed
on the same splits: what 80% of a job title hold, what 30% of a title within
a department hold, and that or what 30% of a manager's reports hold.

--tune chooses the groupings (--by, and --also-by: a person gets a package of
each), the threshold and the minimum group size within each split's training
users, on an inner split of them, never on the held-out users, and prints
what it chose. Reads the database only.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBacktest(cmd.Context(), ios, g, opts)
		},
	}
	f := c.Flags()
	ranges := miningFlags(c, &opts.mine)
	f.IntVar(&opts.bt.Splits, "splits", 5, "number of random splits")
	f.Float64Var(&opts.bt.Holdout, "holdout", 0.2, "share of the member accounts each split holds out")
	f.Uint64Var(&opts.bt.Seed, "seed", 1, "seed of the first split (the others follow it)")
	f.BoolVar(&opts.mine.tune, "tune", false, "choose --by, --also-by, --threshold and --min-members within each split's training users (an inner split of them)")
	f.StringVar(&opts.bt.TitleAttribute, "title-attribute", "jobTitle", "attribute the title baselines group by")
	f.StringVar(&opts.bt.DepartmentAttribute, "department-attribute", "department", "attribute the department baselines group by")
	f.StringVar(&opts.bt.ManagerAttribute, "manager-attribute", "", "attribute naming each user's manager for the manager baseline (default: managerId)")
	f.Int64Var(&opts.mine.snapshot, "snapshot", 0, "snapshot `id` (default: the latest)")
	f.StringVar(&opts.mine.format, "format", render.Table, "output format: table or json")
	return withRanges(c, append(ranges, atLeast("splits", 1), flagRange{name: "holdout", lo: 0, hi: 1, loOpen: true, hiOpen: true})...)
}

func runBacktest(ctx context.Context, ios *IO, g *globals, opts *backtestOptions) error {
	if err := render.CheckFormat(opts.mine.format, render.Table, render.JSON); err != nil {
		return usageError{err}
	}
	st, err := openStore(ctx, g, reads)
	if err != nil {
		return err
	}
	defer st.Close()
	bo := opts.bt
	if p := progress(ios); p != nil {
		bo.Progress = p
	}
	res, err := pipeline.Backtest(ctx, st, opts.mine.snapshot,
		pipeline.MineOptions{Options: opts.mine.opt, Tune: opts.mine.tune, RuleAttributes: opts.mine.ruleAttrs}, bo)
	if errors.Is(err, pipeline.ErrNoAttribute) || errors.Is(err, pipeline.ErrBadRuleAttribute) || errors.Is(err, pipeline.ErrUnknownAttribute) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	for i, t := range res.Tuned {
		also := ""
		for _, g := range t.AlsoBy {
			also += " --also-by " + strings.Join(g, ",")
		}
		fmt.Fprintf(ios.Err, "Split %d tuned: --by %s%s --threshold %v --min-members %d.\n", i+1, strings.Join(t.By, ","), also, t.Threshold, t.MinMembers)
	}
	if opts.mine.format == render.JSON {
		return render.WriteJSON(ios.Out, res)
	}
	return writeBacktest(ios.Out, res, ios.layout(10))
}

func pm(s report.Stat) string { return fmt.Sprintf("%.3f ± %.3f", s.Mean, s.SD) }

// writeBacktest renders a backtest as tables.
func writeBacktest(w io.Writer, r *report.BacktestResult, l render.Layout) error {
	render.WriteParagraph(w, l.Width, fmt.Sprintf("Backtest of snapshot %d: %s, %.0f%% of the member accounts held out in each; precision, recall and F1 over the held-out users' grants (mean ± sd over the splits).",
		r.SnapshotID, render.Count(r.Splits, "split"), 100*r.Holdout))
	fmt.Fprintln(w)
	rows := [][]string{{"rolemine", pm(r.F1), pm(r.Precision), pm(r.Recall)}}
	for _, b := range r.Baselines {
		rows = append(rows, []string{"baseline: " + b.Name, pm(b.F1), pm(b.Precision), pm(b.Recall)})
	}
	cols := []render.Column{{Name: "METHOD", Wrap: true}, {Name: "F1"}, {Name: "PRECISION"}, {Name: "RECALL"}}
	if err := render.WriteTable(w, columnNames(cols), rows); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nrolemine's F1 is above the best baseline's in %d of the %d splits.\n\n", r.AboveBest, r.Splits)
	rows = nil
	for _, k := range r.PerKind {
		rows = append(rows, []string{k.Kind, pm(k.F1), pm(k.Precision), pm(k.Recall)})
	}
	if err := render.WriteTable(w, []string{"RESOURCES", "F1", "PRECISION", "RECALL"}, rows); err != nil {
		return err
	}
	fmt.Fprintln(w)
	rows = nil
	for i, p := range r.PerPackage {
		if l.Limit > 0 && i >= l.Limit {
			break
		}
		rows = append(rows, []string{p.Name, p.Kind, fmt.Sprint(p.True), fmt.Sprint(p.Extra)})
	}
	return render.WriteTable(w, []string{"PACKAGE", "KIND", "TRUE GRANTS", "EXTRA GRANTS"}, rows)
}

func columnNames(cols []render.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}
