package cli

import (
	"bytes"
	"context"
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
	}
	for _, tc := range cases {
		code, _, stderr := run(t, tc.args...)
		require.Equal(t, tc.code, code, "%v: %s", tc.args, stderr)
		require.Contains(t, stderr, tc.err, "%v", tc.args)
	}
	// No command that failed on the missing file created it.
	require.NoFileExists(t, db)
}
