package cli

import (
	"context"
	"errors"
	"fmt"
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
	f.StringVar(&opts.mine.format, "format", render.Table, "output format: table, json or html (one self-contained page)")
	return withRanges(c, append(ranges, atLeast("splits", 1), flagRange{name: "holdout", lo: 0, hi: 1, loOpen: true, hiOpen: true})...)
}

func runBacktest(ctx context.Context, ios *IO, g *globals, opts *backtestOptions) error {
	if err := render.CheckFormat(opts.mine.format, render.Table, render.JSON, "html"); err != nil {
		return usageError{err}
	}
	st, err := openStore(ctx, g, reads)
	if err != nil {
		return err
	}
	defer st.Close()
	bo := opts.bt
	bo.Progress = progress(ios)
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
	return report.WriteBacktest(ios.Out, res, opts.mine.format, ios.layout(10))
}
