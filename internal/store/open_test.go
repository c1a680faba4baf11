package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/rolemine/rolemine/ingest"
	"github.com/stretchr/testify/require"
)

// holderEnv makes the test binary a process that opens a database and holds
// it until its standard input closes (see TestMain).
const holderEnv = "ROLEMINE_STORE_TEST_HOLD"

func TestMain(m *testing.M) {
	if path := os.Getenv(holderEnv); path != "" {
		os.Exit(hold(path, os.Getenv(holderEnv+"_MODE") == "ro"))
	}
	os.Exit(m.Run())
}

func hold(path string, readOnly bool) int {
	s, err := OpenWith(context.Background(), path, OpenOptions{ReadOnly: readOnly, LockWait: -1})
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	defer s.Close()
	fmt.Println("open")
	bufio.NewReader(os.Stdin).ReadString('\n')
	return 0
}

// startHolder runs a process that holds path open (read-only or not) until
// the test ends, and returns its process id.
func startHolder(t *testing.T, path string, readOnly bool) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holderEnv+"="+path)
	if readOnly {
		cmd.Env = append(cmd.Env, holderEnv+"_MODE=ro")
	}
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "open\n", line)
	return cmd.Process.Pid
}

func TestOpenMissing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "typo.duckdb")
	for _, opt := range []OpenOptions{{ReadOnly: true}, {MustExist: true}} {
		_, err := OpenWith(ctx, path, opt)
		require.ErrorIs(t, err, ErrNotExist)
		require.EqualError(t, err, "database "+path+" does not exist (check --db; 'rolemine ingest' or 'rolemine demo' create one)")
		require.NoFileExists(t, path)
	}
	s, err := OpenWith(ctx, path, OpenOptions{})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.FileExists(t, path)
}

func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.duckdb")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	ro, err := OpenWith(ctx, path, OpenOptions{ReadOnly: true})
	require.NoError(t, err)
	defer ro.Close()
	require.True(t, ro.ReadOnly())
	_, err = ro.SaveReport(ctx, 1, 1, "x", "{}", nil)
	require.Error(t, err, "a read-only database refuses writes")
	snaps, err := ro.Snapshots(ctx)
	require.NoError(t, err)
	require.Empty(t, snaps)
}

func TestOpenReadOnlyMigrates(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	// Make it a version-3 database: the latest migration not applied yet.
	_, err = s.db.ExecContext(ctx, `ALTER TABLE packages DROP COLUMN direct_reason; DELETE FROM schema_version WHERE version = 4`)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	ro, err := OpenWith(ctx, path, OpenOptions{ReadOnly: true})
	require.NoError(t, err)
	defer ro.Close()
	v, err := ro.version(ctx)
	require.NoError(t, err)
	require.Equal(t, SchemaVersion, v)
}

func TestOpenLockedByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "locked.duckdb")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	pid := startHolder(t, path, false)

	start := time.Now()
	_, err = OpenWith(ctx, path, OpenOptions{LockWait: 600 * time.Millisecond})
	var le *LockedError
	require.True(t, errors.As(err, &le), "%v", err)
	require.Equal(t, pid, le.PID)
	require.GreaterOrEqual(t, time.Since(start), 600*time.Millisecond, "it waited before giving up")
	require.Contains(t, err.Error(), fmt.Sprintf("database %s is in use by process %d (", path, pid))

	_, err = OpenWith(ctx, path, OpenOptions{ReadOnly: true, LockWait: -1})
	require.ErrorAs(t, err, &le, "a writer's lock also keeps readers out")
}

func TestOpenReadersTogether(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.duckdb")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	startHolder(t, path, true)
	startHolder(t, path, true)
	ro, err := OpenWith(ctx, path, OpenOptions{ReadOnly: true, LockWait: -1})
	require.NoError(t, err, "readers share the file")
	require.NoError(t, ro.Close())
	_, err = OpenWith(ctx, path, OpenOptions{LockWait: -1})
	var le *LockedError
	require.ErrorAs(t, err, &le, "a writer waits for the readers")
}

// TestOpenPathsTheDSNCannotCarry: a directory whose name holds '%' or '?'
// (which go-duckdb's DSN parsing refuses or cuts) is opened through a link,
// the database lands in it, and the link goes with Close; a file name with
// them is refused with a message saying what to do.
func TestOpenPathsTheDSNCannotCarry(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"50%_off", "what?", "ok%41"} {
		dir := filepath.Join(t.TempDir(), name)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		path := filepath.Join(dir, "db.duckdb")
		st, err := Open(ctx, path)
		require.NoError(t, err, name)
		// An ingest of large files stages them in a scratch database
		// beside it (any file is large past a limit of 0).
		st.memoryLimit = 0
		users := write(t, dir, "users.csv", "id,jobTitle\n"+guidA+",Clerk\n")
		asg := write(t, dir, "assignments.csv", "userId,resourceId\n"+guidA+","+guidG+"\n")
		snap, err := st.IngestFiles(ctx, ingest.FileSet{Users: users, Assignments: asg})
		require.NoError(t, err, name)
		require.Equal(t, int64(1), snap.Assignments)
		left, err := filepath.Glob(filepath.Join(dir, ".*ingest*"))
		require.NoError(t, err)
		require.Empty(t, left, "%s: the scratch database is removed", name)
		require.NoError(t, st.Close())
		require.FileExists(t, path, "%s: the database is where it was asked for", name)
		st, err = OpenWith(ctx, path, OpenOptions{ReadOnly: true})
		require.NoError(t, err, name)
		require.NoError(t, st.Close())
	}
	_, err := Open(ctx, filepath.Join(t.TempDir(), "50%_off.duckdb"))
	require.ErrorContains(t, err, "DuckDB cannot open a file whose name holds '?' or a '%' not followed by two hex digits: rename it")

	dir := filepath.Join(t.TempDir(), "50%_off")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	dsn, cleanup, err := dsnPath(filepath.Join(dir, "db.duckdb"))
	require.NoError(t, err)
	require.NotContains(t, dsn, "%")
	fi, err := os.Stat(filepath.Dir(dsn))
	require.NoError(t, err)
	require.True(t, fi.IsDir(), "the link leads to the directory")
	cleanup()
	require.NoDirExists(t, filepath.Dir(filepath.Dir(dsn)), "cleanup removes the link's directory")
	require.DirExists(t, dir, "and not the directory it pointed to")
}
