package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/tenant"
)

func newRunsCmd(ios *IO, g *globals) *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "runs",
		Short: "List the mining runs in the database",
		Long: `List the mining runs, newest first, with the snapshot each was made on and
the parameters it used. report, export and apply work on the latest run of the
latest snapshot unless --run (or --snapshot) says otherwise.`,
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
			runs, err := st.Runs(cmd.Context())
			if err != nil {
				return err
			}
			type runJSON struct {
				ID         int64            `json:"runId"`
				SnapshotID int64            `json:"snapshotId"`
				CreatedAt  string           `json:"createdAt"`
				Method     string           `json:"method"`
				Packages   int              `json:"packages"`
				Seconds    float64          `json:"seconds"`
				Params     tenant.RunParams `json:"params"`
			}
			if format == render.JSON {
				out := make([]runJSON, len(runs))
				for i, r := range runs {
					out[i] = runJSON{r.ID, r.SnapshotID, r.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), r.Method, r.Packages, r.Seconds, r.Params}
				}
				return render.WriteJSON(ios.Out, map[string]any{"runs": out})
			}
			rows := make([][]string, len(runs))
			for i, r := range runs {
				p := r.Params
				rows[i] = []string{strconv.FormatInt(r.ID, 10), strconv.FormatInt(r.SnapshotID, 10), r.CreatedAt.UTC().Format("2006-01-02 15:04:05"),
					strconv.Itoa(r.Packages), strings.Join(p.By, ","), fmt.Sprint(p.Threshold), strconv.Itoa(p.MinMembers)}
			}
			if len(runs) == 0 {
				fmt.Fprintln(ios.Out, "No mining runs yet: run 'rolemine mine'.")
				return nil
			}
			return render.WriteTable(ios.Out, []string{"RUN", "SNAPSHOT", "CREATED (UTC)", "PACKAGES", "BY", "THRESHOLD", "MIN MEMBERS"}, rows)
		},
	}
	c.Flags().StringVar(&format, "format", render.Table, "output format: table or json")
	return c
}
