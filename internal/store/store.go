// Package store owns rolemine's DuckDB file: its versioned schema, the
// ingest of snapshots (in one transaction each), the load of a snapshot into
// the mining core through DuckDB's Arrow interface, and the mining runs and
// report findings written back. It is the only package that imports the
// DuckDB driver.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/marcboeker/go-duckdb"
	"github.com/rolemine/rolemine/mining"
)

// SchemaVersion is the version of the schema this build reads and writes.
const SchemaVersion = 4

//go:embed schema_v1.sql
var schemaV1 string

//go:embed schema_v2.sql
var schemaV2 string

//go:embed schema_v3.sql
var schemaV3 string

//go:embed schema_v4.sql
var schemaV4 string

// migrations[i] brings a database from version i to version i+1.
var migrations = []string{schemaV1, schemaV2, schemaV3, schemaV4}

// ErrNoSnapshot is returned when the database holds no snapshot yet.
var ErrNoSnapshot = errors.New("no snapshot in the database: run `rolemine ingest` first")

// ErrNoRun is returned when a snapshot has no mining run yet.
var ErrNoRun = errors.New("no mining run for this snapshot: run `rolemine mine` first")

// Store is an open rolemine database.
type Store struct {
	db       *sql.DB
	now      func() time.Time
	readOnly bool
	// cleanup removes what opening needed (a link to the directory).
	cleanup func()
	path    string // the database file, as opened
	// memoryLimit is DuckDB's memory limit in bytes (see MemoryLimit).
	memoryLimit int64

	// beforeCommit, when set by tests, runs inside a transaction (an
	// ingest's, a saved run's) just before it commits.
	beforeCommit func(ctx context.Context) error
	// idsAsText, when set by tests, reads the assignments' ids as text
	// even where they could be read as keys (see idTypes).
	idsAsText bool

	// Progress, when set, is told when each stage of an ingest, a load or
	// a save starts and ends, with the rows it handled.
	Progress func(mining.Progress)
}

// DefaultLockWait is how long Open waits by default for another process
// that holds the database file.
const DefaultLockWait = 5 * time.Second

// OpenOptions say how Open opens a database.
type OpenOptions struct {
	// ReadOnly opens the file for reading only, so that several processes
	// can read it at once and while another tool has it open read-only.
	// The file must exist.
	ReadOnly bool
	// MustExist refuses to create a new database: commands that read a
	// snapshot use it so that a mistyped --db is not a new, empty file.
	MustExist bool
	// LockWait is how long to wait while another process holds the file
	// (0: DefaultLockWait; negative: do not wait).
	LockWait time.Duration
	// MemoryLimit caps the memory DuckDB takes for its buffers, in
	// DuckDB's notation ("4GB", "512MB"; "": DefaultMemoryLimit); past it,
	// large ingests spill to a temporary directory beside the file.
	MemoryLimit string
}

// DefaultMemoryLimit is DuckDB's memory limit unless told otherwise. DuckDB
// would take up to 80% of the machine's memory: an ingest of 46 M
// assignments took 7.3 GB without a limit, 3.9 GB at 4 GB (32 s and 43 s),
// and the whole run from ingest to reports stays near 6 GB.
const DefaultMemoryLimit = "4GB"

// memoryBytes reads a size in DuckDB's notation ("4GB", "1.5 GiB",
// "512MB"; KB, MB, GB and TB in powers of 1000, KiB to TiB of 1024), or
// returns 0 when it is not one.
func memoryBytes(size string) int64 {
	m := memorySize.FindStringSubmatch(strings.TrimSpace(size))
	if m == nil {
		return 0
	}
	x, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0
	}
	unit := strings.ToLower(m[2])
	base := 1000.0
	if strings.HasSuffix(unit, "ib") {
		base = 1024
	}
	switch unit[0] {
	case 'k':
		x *= base
	case 'm':
		x *= base * base
	case 'g':
		x *= base * base * base
	case 't':
		x *= base * base * base * base
	}
	return int64(x)
}

// memorySize matches DuckDB's notation for a memory size.
var memorySize = regexp.MustCompile(`(?i)^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)$`)

// ValidMemoryLimit reports whether size is a memory size in DuckDB's
// notation.
func ValidMemoryLimit(size string) bool { return memorySize.MatchString(strings.TrimSpace(size)) }

// dsnConfig appends DuckDB settings to a DSN.
func dsnConfig(dsn string, readOnly bool, memoryLimit string) string {
	q := url.Values{}
	if readOnly {
		q.Set("access_mode", "read_only")
	}
	q.Set("memory_limit", cmp.Or(memoryLimit, DefaultMemoryLimit))
	return dsn + "?" + q.Encode()
}

// ErrNotExist is returned (wrapped in a *NotExistError) when a database
// opened with MustExist or ReadOnly does not exist.
var ErrNotExist = errors.New("database does not exist")

// NotExistError names the database file that does not exist.
type NotExistError struct{ Path string }

func (e *NotExistError) Error() string {
	return fmt.Sprintf("database %s does not exist (check --db; 'rolemine ingest' or 'rolemine demo' create one)", e.Path)
}

// Is makes errors.Is(err, ErrNotExist) true.
func (e *NotExistError) Is(target error) bool { return target == ErrNotExist }

// LockedError is returned when another process held the database file
// for longer than the lock wait.
type LockedError struct {
	Path    string
	Process string // the program holding the file, as DuckDB reports it
	PID     int
}

func (e *LockedError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = fmt.Sprintf("process %d (%s)", e.PID, e.Process)
	}
	return fmt.Sprintf("database %s is in use by %s; close it or wait for it to finish, then try again", e.Path, who)
}

// lockHolder matches DuckDB's message for a file locked by another process:
// `Conflicting lock is held in /usr/bin/duckdb (PID 1234)`.
var lockHolder = regexp.MustCompile(`Conflicting lock is held in (.*) \(PID (\d+)\)`)

// Open opens (creating if needed) the database at path for reading and
// writing and brings its schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenWith(ctx, path, OpenOptions{})
}

// OpenWith opens the database at path as opt says. A database whose schema
// is older than this build's is migrated first, even when opened
// read-only. While another process holds the file, it retries for
// opt.LockWait and then returns a *LockedError.
func OpenWith(ctx context.Context, path string, opt OpenOptions) (*Store, error) {
	if opt.ReadOnly || opt.MustExist {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, &NotExistError{Path: path}
		}
	}
	s, err := openLocked(ctx, path, opt)
	if err != nil {
		return nil, err
	}
	v, err := s.version(ctx)
	if err == nil && v > SchemaVersion {
		err = fmt.Errorf("database schema version %d is newer than this rolemine (%d): upgrade rolemine", v, SchemaVersion)
	}
	if err == nil && v < SchemaVersion {
		if !opt.ReadOnly {
			err = s.migrate(ctx, v)
		} else {
			// Migrate with a writable handle, then reopen read-only.
			s.Close()
			if s, err = OpenWith(ctx, path, OpenOptions{MustExist: true, LockWait: opt.LockWait}); err != nil {
				return nil, err
			}
			s.Close()
			return OpenWith(ctx, path, opt)
		}
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

// dsnPath returns a path to the database file that DuckDB's DSN can
// carry: go-duckdb parses the DSN as a URL, so a '%' that is no escape
// makes it refuse the path and a '?' ends it. A directory with such
// characters is reached through a symbolic link to it from a temporary
// directory (removed by cleanup, once the database is closed); a file name
// with them is refused with a plain message.
func dsnPath(path string) (dsn string, cleanup func(), err error) {
	bad := func(s string) bool {
		_, err := url.PathUnescape(s)
		return strings.Contains(s, "?") || err != nil
	}
	cleanup = func() {}
	if !bad(path) {
		return path, cleanup, nil
	}
	dir, file := filepath.Split(path)
	if bad(file) {
		return "", cleanup, fmt.Errorf("open %s: DuckDB cannot open a file whose name holds '?' or a '%%' not followed by two hex digits: rename it", path)
	}
	abs, err := filepath.Abs(cmp.Or(dir, "."))
	if err != nil {
		return "", cleanup, fmt.Errorf("open %s: %w", path, err)
	}
	tmp, err := os.MkdirTemp("", "rolemine-db-")
	if err != nil {
		return "", cleanup, fmt.Errorf("open %s: %w", path, err)
	}
	cleanup = func() { os.RemoveAll(tmp) }
	link := filepath.Join(tmp, "dir")
	if err := os.Symlink(abs, link); err != nil {
		cleanup()
		return "", func() {}, fmt.Errorf("open %s: DuckDB cannot open a path that holds '?' or a '%%' not followed by two hex digits, and a link to its directory could not be made (%v): move the database", path, err)
	}
	return filepath.Join(link, file), cleanup, nil
}

// openLocked opens the file, waiting while another process holds it.
func openLocked(ctx context.Context, path string, opt OpenOptions) (*Store, error) {
	dsn, cleanup, err := dsnPath(path)
	if err != nil {
		return nil, err
	}
	dsn = dsnConfig(dsn, opt.ReadOnly, opt.MemoryLimit)
	wait := opt.LockWait
	if wait == 0 {
		wait = DefaultLockWait
	}
	deadline := time.Now().Add(wait)
	for {
		connector, err := duckdb.NewConnector(dsn, nil)
		if err == nil {
			return &Store{db: sql.OpenDB(connector), now: time.Now, readOnly: opt.ReadOnly, cleanup: cleanup, path: path,
				memoryLimit: memoryBytes(cmp.Or(opt.MemoryLimit, DefaultMemoryLimit))}, nil
		}
		m := lockHolder.FindStringSubmatch(err.Error())
		if m == nil {
			cleanup()
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			cleanup()
			pid, _ := strconv.Atoi(m[2])
			return nil, &LockedError{Path: path, Process: m[1], PID: pid}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// ReadOnly reports whether the database was opened for reading only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// Close closes the database.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.cleanup != nil {
		s.cleanup()
	}
	return err
}

// version returns the database's schema version (0: a new database).
func (s *Store) version(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_version' AND database_name = current_database()`).Scan(&n); err != nil || n == 0 {
		return 0, err
	}
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v)
	return v, err
}

// migrate brings the schema from version v to SchemaVersion.
func (s *Store) migrate(ctx context.Context, v int) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return err
	}
	for ; v < SchemaVersion; v++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate to schema version %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version VALUES (?, ?)`, v+1, s.now().UTC()); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// rawConn runs f with the driver connection behind c, for the Appender and
// the Arrow interface.
func rawConn(c *sql.Conn, f func(driver.Conn) error) error {
	return c.Raw(func(dc any) error {
		conn, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		return f(conn)
	})
}

// quote returns s as a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
