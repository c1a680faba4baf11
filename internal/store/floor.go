package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"github.com/marcboeker/go-duckdb"
)

// ReadCSVFloor reads each CSV file with DuckDB's own read_csv (its sniffer,
// no checks) into a table of a new database file at path, committed, and
// returns the rows read. It is what ingesting the files costs at the
// least: the floor `rolemine bench tenant` measures ingest against (each
// statement commits on its own, as ingest's one transaction does; DuckDB
// has memoryLimit, as OpenOptions.MemoryLimit). The file at path is
// replaced.
func ReadCSVFloor(ctx context.Context, path, memoryLimit string, files ...string) (int64, error) {
	for _, p := range []string{path, path + ".wal"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return 0, err
		}
	}
	dsn, cleanup, err := dsnPath(path)
	if err != nil {
		return 0, err
	}
	defer cleanup()
	connector, err := duckdb.NewConnector(dsnConfig(dsn, false, memoryLimit), nil)
	if err != nil {
		return 0, err
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	var rows int64
	for i, f := range files {
		res, err := db.ExecContext(ctx, fmt.Sprintf(`CREATE TABLE t%d AS SELECT * FROM read_csv(%s)`, i, quote(f)))
		if err != nil {
			return 0, fmt.Errorf("read_csv %s: %w", f, err)
		}
		n, _ := res.RowsAffected()
		rows += n
	}
	return rows, db.Close()
}
