package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/internal/pipeline"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/mining"
)

func newAttributesCmd(ios *IO, g *globals) *cobra.Command {
	opt := mining.DefaultRankOptions()
	var format string
	var snapshot int64
	c := &cobra.Command{
		Use:   "attributes",
		Short: "Rank the user attributes (and pairs) by how well they predict access",
		Long: `Score every user attribute, and every pair, by how well grouping users by it
predicts their access: each user's access outside the birthright is predicted
from the other members of their group (what at least --threshold of them
hold), and the predictions are scored with precision, recall and F1. An
attribute that singles users out predicts nothing; one that follows the job
functions predicts most. Use the best with ` + "`rolemine mine --by`" + ` (or --by auto).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := render.CheckFormat(format, render.Table, render.JSON); err != nil {
				return usageError{err}
			}
			st, err := openStore(cmd.Context(), g, reads)
			if err != nil {
				return err
			}
			defer st.Close()
			snap, ranks, err := pipeline.Attributes(cmd.Context(), st, snapshot, opt)
			if err != nil {
				return err
			}
			if format == render.JSON {
				return render.WriteJSON(ios.Out, map[string]any{"snapshotId": snap.ID, "attributes": ranks})
			}
			rows := make([][]string, len(ranks))
			for i, r := range ranks {
				rows[i] = []string{strings.Join(r.Attributes, ", "), fmt.Sprintf("%.3f", r.F1), fmt.Sprintf("%.3f", r.Precision),
					fmt.Sprintf("%.3f", r.Recall), fmt.Sprint(r.Groups), fmt.Sprintf("%.0f%%", 100*r.Coverage)}
			}
			fmt.Fprintf(ios.Out, "Snapshot %d: how well each attribute predicts a user's access from their group's.\n\n", snap.ID)
			return render.WriteTable(ios.Out, []string{"ATTRIBUTES", "F1", "PRECISION", "RECALL", "GROUPS", "USERS IN GROUPS"}, rows)
		},
	}
	f := c.Flags()
	f.BoolVar(&opt.Pairs, "pairs", opt.Pairs, "also score pairs of attributes")
	f.Float64Var(&opt.Threshold, "threshold", opt.Threshold, "share of a group that must hold an entitlement for it to be predicted")
	f.IntVar(&opt.MinMembers, "min-members", opt.MinMembers, "smallest group that predicts anything")
	f.Int64Var(&snapshot, "snapshot", 0, "snapshot `id` (default: the latest)")
	f.StringVar(&format, "format", render.Table, "output format: table or json")
	return withRanges(c, posShare("threshold"), atLeast("min-members", 2))
}
