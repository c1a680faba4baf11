package cli

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/internal/store"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), &IO{Out: &out, Err: &errb}, args)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	empty := filepath.Join(t.TempDir(), "empty.duckdb")
	st, err := store.Open(context.Background(), empty)
	require.NoError(t, err)
	require.NoError(t, st.Close())
	cases := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"--help"}, 0, ""},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"mine", "--no-such-flag"}, 2, "unknown flag"},
		{[]string{"mine", "--threshold", "1.5", "--db", db}, 2, "--threshold"},
		{[]string{"mine", "--format", "xml", "--db", db}, 2, "unknown format"},
		{[]string{"ingest"}, 2, "needs a subcommand"},
		{[]string{"ingest", "files", "--db", db}, 2, "needs --users and --assignments"},
		{[]string{"export", "--format", "yaml!", "--db", db}, 2, "unknown export format"},
		{[]string{"mine", "--db", db}, 1, "x.duckdb does not exist"},
		{[]string{"snapshots", "--db", db}, 1, "x.duckdb does not exist"},
		{[]string{"report", "sod", "--sod-rules", "/nonexistent.yaml", "--db", db}, 1, "nonexistent.yaml"},
		{[]string{"snapshots", "--db", empty}, 0, ""},
		{[]string{"mine", "--db", empty}, 1, "no snapshot"},
		{[]string{"report", "impact", "--db", empty}, 1, "no snapshot"},
		{[]string{"runs", "--db", empty}, 0, ""},
		{[]string{"generate", "tenant", "--users", "0"}, 2, "--users must be at least 1, got 0"},
		{[]string{"demo", "--users", "-3"}, 2, "--users must be at least 1, got -3"},
		{[]string{"report", "overprovisioning", "--confidence", "1", "--db", empty}, 2, "--confidence must be in [0, 1), got 1"},
		{[]string{"mine", "--birthright-threshold", "NaN", "--db", empty}, 2, "--birthright-threshold must be in [0, 1], got NaN"},
		{[]string{"cover", "--max-noise", "-0.5", "x.txt"}, 2, "--max-noise must be in [0, 1), got -0.5"},
		{[]string{"ingest", "graph", "--concurrency", "0", "--db", empty}, 2, "--concurrency must be at least 1, got 0"},
		{[]string{"ingest", "files", "--users", "u.csv", "--assignments", "a.csv", "--map", "x", "--db", empty}, 2, "--map \"x\": want name=column"},
	}
	for _, tc := range cases {
		code, _, stderr := run(t, tc.args...)
		require.Equal(t, tc.code, code, "%v: %s", tc.args, stderr)
		require.Contains(t, stderr, tc.err, "%v", tc.args)
	}
	// No command that failed on the missing file created it.
	require.NoFileExists(t, db)
}

func TestPlainMessage(t *testing.T) {
	err := errors.New("save run: database/sql/driver: duckdb error: Constraint Error: duplicate key")
	require.Equal(t, "save run: Constraint Error: duplicate key", plainMessage(err))
}
