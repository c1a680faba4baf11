package cli

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/graph/graphclient"
	"github.com/rolemine/rolemine/graph/graphfake"
	"github.com/rolemine/rolemine/ingest"
	"github.com/rolemine/rolemine/internal/pipeline"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/internal/store"
	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/mining"
)

func TestApplyFlagsThatDoNotGoTogether(t *testing.T) {
	for _, tc := range []struct {
		opts applyOptions
		err  string
	}{
		{applyOptions{rollback: true}, "--rollback needs the --pilot or --wave"},
		{applyOptions{retire: true, planOptions: planOptions{wave: "1/3"}}, "--retire is a plan of its own"},
		{applyOptions{retire: true, prune: true}, "--retire is a plan of its own"},
		{applyOptions{client: graphclient.Options{Auth: "password"}}, `unknown --auth "password"`},
		{applyOptions{retire: true}, ""},
		{applyOptions{rollback: true, planOptions: planOptions{pilot: "SG-Pilot"}}, ""},
	} {
		err := tc.opts.check()
		if tc.err == "" {
			require.NoError(t, err)
			continue
		}
		require.ErrorContains(t, err, tc.err)
		var ue usageError
		require.True(t, errors.As(err, &ue), "%v is a usage error", err)
	}
}

// TestRunApply runs apply without cobra against the fake Graph: a dry run
// writes nothing, --yes creates the packages, a second run creates
// nothing, and --retire then finds nothing to retire in a tenant without
// nested groups.
func TestRunApply(t *testing.T) {
	ctx := context.Background()
	dir, db := ingestedDB(t)
	var out0, err0 bytes.Buffer
	require.NoError(t, runMine(ctx, &IO{Out: &out0, Err: &err0}, &globals{db: db}, &mineOptions{format: render.JSON, opt: mining.DefaultOptions()}))
	st, err := store.OpenWith(ctx, db, store.OpenOptions{ReadOnly: true, MustExist: true})
	require.NoError(t, err)
	_, run, err := pipeline.Analysis(ctx, st, pipeline.Selection{})
	require.NoError(t, err)
	require.NoError(t, st.Close())
	tn, err := graphfake.FromFiles(dir)
	require.NoError(t, err)
	srv := graphfake.New(tn)
	defer srv.Close()

	apply := func(opts applyOptions) string {
		t.Helper()
		opts.client.BaseURL = srv.URL + "/v1.0"
		opts.catalog, opts.backfill = "rolemine proposals", true
		var out, errb bytes.Buffer
		require.NoError(t, runApply(ctx, &IO{Out: &out, Err: &errb}, &globals{db: db}, &opts), errb.String())
		return out.String()
	}
	out := apply(applyOptions{})
	require.Contains(t, out, "Dry run (nothing is written; --yes creates): "+render.Count(len(run.Packages), "package")+" of mining run 1 into catalog \"rolemine proposals\"")
	require.Empty(t, srv.Writes(), "a dry run writes nothing")
	out = apply(applyOptions{yes: true})
	require.Regexp(t, `\n\d+ steps: \d+ created, `, out)
	require.Equal(t, len(run.Packages), srv.Created("packages"))
	n := len(srv.Writes())
	out = apply(applyOptions{yes: true})
	require.NotContains(t, out, "created ")
	require.Len(t, srv.Writes(), n, "a second run writes nothing")
	out = apply(applyOptions{retire: true})
	require.True(t, strings.HasSuffix(out, "Nothing to do.\n"), out)
}

// ingestedDB generates a small tenant into a directory and ingests it into
// a database there.
func ingestedDB(t *testing.T) (dir, db string) {
	t.Helper()
	ctx := context.Background()
	dir = t.TempDir()
	_, err := tenantgen.Generate(tenantgen.DefaultConfig(200, 5), dir)
	require.NoError(t, err)
	db = filepath.Join(dir, "db.duckdb")
	st, err := store.Open(ctx, db)
	require.NoError(t, err)
	defer st.Close()
	_, err = st.IngestFiles(ctx, ingest.FileSet{Users: filepath.Join(dir, tenantgen.UsersFile), Resources: filepath.Join(dir, tenantgen.ResourcesFile),
		Assignments: filepath.Join(dir, tenantgen.AssignmentsFile)})
	require.NoError(t, err)
	return dir, db
}
