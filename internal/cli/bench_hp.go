package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/benchmarks"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/mining"
)

func newBenchHPCmd(ios *IO) *cobra.Command {
	var dir, format, objective string
	c := &cobra.Command{
		Use:   "hp",
		Short: "Cover the classic role-mining datasets and compare with their proved minimum and the best published results",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := render.CheckFormat(format, render.Table, render.JSON); err != nil {
				return usageError{err}
			}
			opt := mining.DefaultCoverOptions()
			switch objective {
			case "roles":
			case "wsc":
				opt.Objective = mining.MinWSC
			default:
				return usagef("unknown objective %q (use roles or wsc)", objective)
			}
			results, err := benchmarks.RunHP(cmd.Context(), dir, opt)
			if err != nil {
				return err
			}
			if len(results) == 0 {
				return fmt.Errorf("no dataset found in %s", dir)
			}
			if format == render.JSON {
				return render.WriteJSON(ios.Out, map[string]any{"datasets": results})
			}
			total := 0.0
			rows := make([][]string, len(results))
			for i, r := range results {
				total += r.Seconds
				exact := strconv.FormatBool(r.Exact)
				if r.Error != "" {
					exact = "NO: " + r.Error
				}
				best := "-"
				if r.BestWSC > 0 {
					best = strconv.Itoa(r.BestWSC)
				}
				rows[i] = []string{r.Dataset, strconv.Itoa(r.Users), strconv.Itoa(r.Permissions), strconv.FormatInt(r.Edges, 10),
					strconv.Itoa(r.Roles), strconv.Itoa(r.MinRoles), strconv.FormatBool(r.Proved), strconv.Itoa(r.WSC), best, exact,
					strconv.FormatFloat(r.Seconds, 'f', 3, 64)}
			}
			if err := render.WriteTable(ios.Out, []string{"DATASET", "USERS", "PERMS", "EDGES", "ROLES", "PROVED MIN", "PROVED", "WSC", "BEST PUBLISHED WSC", "EXACT", "SECONDS"}, rows); err != nil {
				return err
			}
			fmt.Fprintf(ios.Out, "\nTotal %.2fs.\n", total)
			return nil
		},
	}
	c.Flags().StringVar(&dir, "data", "../shared/datasets/hp", "`directory` of the datasets")
	c.Flags().StringVar(&format, "format", render.Table, "output format: table or json")
	c.Flags().StringVar(&objective, "objective", "roles", "what to minimise: roles or wsc")
	return c
}
