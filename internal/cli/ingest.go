package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/internal/store"
	"github.com/rolemine/rolemine/tenant"
)

type ingestFilesOptions struct {
	files  store.FileSet
	format string
}

func newIngestCmd(ios *IO, g *globals) *cobra.Command {
	opts := &ingestFilesOptions{}
	files := &cobra.Command{
		Use:   "files",
		Short: "Load users, resources and assignments from CSV, JSONL or Parquet files into a new snapshot",
		Long: `Load files into a new snapshot of the database. The format follows each file's
extension (.csv, .tsv, .jsonl, .ndjson, .parquet). Columns are named as in
Microsoft Graph; see docs/input-files.md. Every file is checked before anything
is written: bad input is refused with its file, line and field, and the
database stays as it was.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "users", "assignments"); err != nil {
				return err
			}
			return runIngestFiles(cmd, ios, g, opts)
		},
	}
	f := files.Flags()
	f.StringVar(&opts.files.Users, "users", "", "users `file` (required)")
	f.StringVar(&opts.files.Assignments, "assignments", "", "assignments `file` (required)")
	f.StringVar(&opts.files.Resources, "resources", "", "resources `file`")
	f.StringVar(&opts.format, "format", render.Table, "output format: table or json")
	return groupCmd("ingest", "Load a directory's access into a new snapshot", files)
}

func runIngestFiles(cmd *cobra.Command, ios *IO, g *globals, opts *ingestFilesOptions) error {
	if err := render.CheckFormat(opts.format, render.Table, render.JSON); err != nil {
		return usageError{err}
	}
	st, err := openStore(cmd.Context(), g)
	if err != nil {
		return err
	}
	defer st.Close()
	snap, err := st.IngestFiles(cmd.Context(), opts.files)
	if err != nil {
		return err
	}
	return writeSnapshots(ios, []tenant.Snapshot{snap}, opts.format)
}

func writeSnapshots(ios *IO, snaps []tenant.Snapshot, format string) error {
	if format == render.JSON {
		return render.WriteJSON(ios.Out, map[string]any{"snapshots": snaps})
	}
	rows := make([][]string, len(snaps))
	for i, s := range snaps {
		rows[i] = []string{strconv.FormatInt(s.ID, 10), s.CreatedAt.Format("2006-01-02 15:04:05"), s.Source,
			fmt.Sprint(s.Users), fmt.Sprint(s.Resources), fmt.Sprint(s.Entitlements), fmt.Sprint(s.Assignments)}
	}
	return render.WriteTable(ios.Out, []string{"SNAPSHOT", "CREATED (UTC)", "SOURCE", "USERS", "RESOURCES", "ENTITLEMENTS", "ASSIGNMENTS"}, rows, 0)
}

func newSnapshotsCmd(ios *IO, g *globals) *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "snapshots",
		Short: "List the snapshots in the database",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := render.CheckFormat(format, render.Table, render.JSON); err != nil {
				return usageError{err}
			}
			st, err := openStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			snaps, err := st.Snapshots(cmd.Context())
			if err != nil {
				return err
			}
			if snaps == nil {
				snaps = []tenant.Snapshot{}
			}
			return writeSnapshots(ios, snaps, format)
		},
	}
	c.Flags().StringVar(&format, "format", render.Table, "output format: table or json")
	return c
}
