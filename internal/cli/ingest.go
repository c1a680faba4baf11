package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/graph/graphclient"
	"github.com/rolemine/rolemine/ingest"
	"github.com/rolemine/rolemine/internal/pipeline"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/tenant"
)

type ingestFilesOptions struct {
	files  ingest.FileSet
	format string
	maps   []string
}

func newIngestCmd(ios *IO, g *globals) *cobra.Command {
	opts := &ingestFilesOptions{}
	files := &cobra.Command{
		Use:   "files",
		Short: "Load users, resources and assignments from CSV, JSONL or Parquet files into a new snapshot",
		Long: `Load files into a new snapshot of the database. The format follows each file's
extension (.csv, .tsv, .jsonl, .ndjson, .parquet). Columns are named as in
Microsoft Graph; see docs/input-files.md. CSV may be comma-, semicolon- or
tab-separated (with Excel's "sep=;" first line or without), in UTF-8 or UTF-16
with a byte order mark; a .json file may hold one array or one object per line.
--map jobTitle=job_title reads a column under its Graph name. Every file is
checked before anything is written: bad input is refused with its file, line
and field, and the database stays as it was. Assignments to users (or
resources) the other files lack are all counted in one error; --skip-unknown
leaves them out with a warning instead.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "users", "assignments"); err != nil {
				return err
			}
			return runIngestFiles(cmd.Context(), ios, g, opts)
		},
	}
	f := files.Flags()
	f.StringVar(&opts.files.Users, "users", "", "users `file` (required)")
	f.StringVar(&opts.files.Assignments, "assignments", "", "assignments `file` (required)")
	f.StringVar(&opts.files.Resources, "resources", "", "resources `file`")
	f.StringVar(&opts.format, "format", render.Table, "output format: table or json")
	f.StringArrayVar(&opts.maps, "map", nil, "`name=column`: read the files' column as this Graph property (e.g. jobTitle=job_title); repeatable")
	f.BoolVar(&opts.files.SkipUnknown, "skip-unknown", false, "leave out, with a warning, the assignments to users or resources the other files lack")
	return groupCmd("ingest", "Load a directory's access into a new snapshot", files, newIngestGraphCmd(ios, g))
}

type ingestGraphOptions struct {
	ingest pipeline.GraphIngest
	format string
}

func newIngestGraphCmd(ios *IO, g *globals) *cobra.Command {
	opts := &ingestGraphOptions{}
	c := &cobra.Command{
		Use:   "graph",
		Short: "Read users, groups, app roles, sites and access packages from Microsoft Graph into a new snapshot",
		Long: `Read a tenant through Microsoft Graph into a new snapshot: users with their job
attributes and manager; security and Microsoft 365 groups with their transitive
members and owners; the SharePoint sites of Microsoft 365 groups (owners hold
Full Control, members Edit); service principals with the app roles granted to
users and groups; and the access packages that already exist.

Sign-in (--auth): auto tries azidentity's default chain (environment variables
AZURE_TENANT_ID, AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or
AZURE_CLIENT_CERTIFICATE_PATH; workload identity; managed identity; Azure CLI);
environment, azure-cli, device-code and managed-identity pick one. The least
application permissions: User.Read.All, GroupMember.Read.All,
Application.Read.All, Sites.Read.All and EntitlementManagement.Read.All (the
last is optional; without it existing packages are skipped with a warning).

--graph-url points at another Graph-compatible endpoint; a static bearer token
is then taken from ROLEMINE_GRAPH_TOKEN when set. --delta reads only what
changed since the latest Graph snapshot and writes a complete new snapshot.
Nothing is written unless the whole read succeeds.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := render.CheckFormat(opts.format, render.Table, render.JSON); err != nil {
				return usageError{err}
			}
			if a := opts.ingest.Client.Auth; a != "" && !slices.Contains(graphclient.AuthMethods, a) {
				return usagef("unknown --auth %q (use %s)", a, strings.Join(graphclient.AuthMethods, ", "))
			}
			opts.ingest.Client.Token = os.Getenv(graphclient.TokenEnv)
			opts.ingest.Client.DeviceCode = func(msg string) { fmt.Fprintln(ios.Err, msg) }
			opts.ingest.Reader.Progress = progress(ios)
			opts.ingest.Reader.Warn = func(msg string) { fmt.Fprintln(ios.Err, "warning: "+msg) }
			st, err := openStore(cmd.Context(), g, creates)
			if err != nil {
				return err
			}
			defer st.Close()
			snap, err := pipeline.IngestGraph(cmd.Context(), st, opts.ingest)
			if ios.ErrTTY {
				fmt.Fprint(ios.Err, "\r\033[K")
			}
			if err != nil {
				return err
			}
			return writeSnapshots(ios, []tenant.Snapshot{snap}, opts.format)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.ingest.Client.Tenant, "tenant", "", "directory (tenant) `id` or domain to sign in to")
	f.StringVar(&opts.ingest.Client.BaseURL, "graph-url", graphclient.DefaultBaseURL, "Graph base `URL` with its version")
	f.StringVar(&opts.ingest.Client.Auth, "auth", "", "sign-in: "+strings.Join(graphclient.AuthMethods, ", ")+" (default: auto for Graph; token or none for --graph-url)")
	f.StringVar(&opts.ingest.Client.ClientID, "client-id", "", "application (client) `id` for device-code sign-in or a user-assigned managed identity")
	f.BoolVar(&opts.ingest.Delta, "delta", false, "read only the changes since the latest Graph snapshot")
	f.IntVar(&opts.ingest.Reader.Concurrency, "concurrency", 8, "per-group and per-application requests in flight")
	f.StringVar(&opts.format, "format", render.Table, "output format: table or json")
	return withRanges(c, atLeast("concurrency", 1))
}

func runIngestFiles(ctx context.Context, ios *IO, g *globals, opts *ingestFilesOptions) error {
	if err := render.CheckFormat(opts.format, render.Table, render.JSON); err != nil {
		return usageError{err}
	}
	opts.files.Map = map[string]string{}
	for _, m := range opts.maps {
		to, from, ok := strings.Cut(m, "=")
		if to, from = strings.TrimSpace(to), strings.TrimSpace(from); !ok || to == "" || from == "" {
			return usagef("--map %q: want name=column, e.g. jobTitle=job_title", m)
		}
		opts.files.Map[to] = from
	}
	opts.files.Warn = func(msg string) { fmt.Fprintln(ios.Err, "warning: "+msg) }
	st, err := openStore(ctx, g, creates)
	if err != nil {
		return err
	}
	defer st.Close()
	snap, err := st.IngestFiles(ctx, opts.files)
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
	return render.WriteTable(ios.Out, []string{"SNAPSHOT", "CREATED (UTC)", "SOURCE", "USERS", "RESOURCES", "ENTITLEMENTS", "ASSIGNMENTS"}, rows)
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
			st, err := openStore(cmd.Context(), g, reads)
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
