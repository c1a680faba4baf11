// Package store owns rolemine's DuckDB file: its versioned schema, the
// ingest of snapshots (in one transaction each), the load of a snapshot into
// the mining core through DuckDB's Arrow interface, and the mining runs and
// report findings written back. It is the only package that imports the
// DuckDB driver.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/marcboeker/go-duckdb"
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
	db  *sql.DB
	now func() time.Time

	// beforeCommit, when set by tests, runs inside an ingest transaction
	// just before it commits.
	beforeCommit func(ctx context.Context) error
}

// Open opens (creating if needed) the database at path and brings its schema
// up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	connector, err := duckdb.NewConnector(path, nil)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := sql.OpenDB(connector)
	s := &Store{db: db, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return err
	}
	var v int
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return err
	}
	if v > SchemaVersion {
		return fmt.Errorf("database schema version %d is newer than this rolemine (%d): upgrade rolemine", v, SchemaVersion)
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
