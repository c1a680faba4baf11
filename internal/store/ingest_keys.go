package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// idTypes reads the assignments' ids as keys. They are ENUM types, in an
// in-memory database of their own, whose values are the users' (and the
// resources') ids, normalised, in key order: an id's code is its key. Read
// as those types, the ids are resolved as DuckDB parses the file, and the
// staged table holds integers instead of 46 M strings twice over. Staging
// those strings was most of what ingest cost past DuckDB's own read_csv
// into a table. At 1M users and 46 M records, two ingests each way,
// alternating: the records read in 7.4 / 7.5 s this way and 26.1 / 20.0 s
// as text, and the ingest took 24.3 / 25.9 s against 48.7 / 37.8 s.
//
// Parquet reads the same way, its columns from its metadata (at 1M, two
// ingests each way alternating: 21.5 / 21.8 s, against 26.9 / 22.2 s
// read in place as text, for 2.2 GB of memory at the peak against 0.9).
//
// Only a file whose every id is one of the types' values exactly as
// written reads this way; anything else (an empty, unknown or padded id,
// an upper-case GUID, a malformed line) stops the read where DuckDB meets
// it, and the file is read the usual way, as text, which normalises ids
// and names what it cannot resolve. Only a file whose first such id is
// near its end pays for most of a read twice.
type idTypes struct {
	db       string            // the in-memory database holding the types
	user     string            // the users' type
	resource string            // the resources' type; empty without a resources file
	m        map[string]string // ingest.FileSet.Map
}

// newIDTypes creates the types for the staged users and resources (nil
// when there is no resources file). When they cannot be created, it
// returns nil types, and the assignments are read as text. drop detaches
// the database, and the types and tables in it with it.
func (s *Store) newIDTypes(ctx context.Context, conn *sql.Conn, users, resources *stagedFile, m map[string]string) (t *idTypes, drop func()) {
	db := fmt.Sprintf("ingest_keys_%d", ingestSeq.Add(1))
	if _, err := conn.ExecContext(ctx, `ATTACH ':memory:' AS `+db); err != nil {
		return nil, func() {}
	}
	drop = func() { s.detach(db) }
	t = &idTypes{db: db, user: db + ".user_key", m: m}
	if resources != nil {
		t.resource = db + ".resource_key"
	}
	for _, c := range []struct {
		typ string
		f   *stagedFile
	}{{t.user, users}, {t.resource, resources}} {
		if c.f == nil {
			continue
		}
		// The ids are checked unique and not empty (validateUsers,
		// validateResources); rowid is the key (see writeSnapshot).
		_, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE TYPE %s AS ENUM (SELECT %s FROM %s ORDER BY rowid)`, c.typ, c.f.idCol("id"), c.f.table))
		if err != nil {
			drop()
			return nil, func() {}
		}
	}
	return t, drop
}

// stage reads the file of reader into a table of t's database with the id
// columns as keys, and returns the file's columns; or nil when it cannot
// (see idTypes). header is the file's columns; nil asks DuckDB for them
// (Parquet's metadata). Only the columns an assignment is made of are
// kept: an export's other columns (display names, dates) would be held
// in memory as text for nothing. (100k users, the assignments with two
// such columns beside them, two ingests each way alternating: 4.8 / 5.1 s
// and 0.93 GB at the peak keeping them, 3.7 / 3.4 s and 0.34 GB not.)
func (t *idTypes) stage(ctx context.Context, conn *sql.Conn, reader string, header []string, table string) ([]string, error) {
	if header == nil {
		rows, err := conn.QueryContext(ctx, `SELECT column_name FROM (DESCRIBE SELECT * FROM `+reader+`)`)
		if err != nil {
			return nil, ctx.Err()
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				return nil, err
			}
			header = append(header, name)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var cols []string
	for _, c := range [][2]string{{"userId", t.user}, {"resourceId", t.resource}, {"role", ""}} {
		h, ok := headerColumn(header, t.m, c[0])
		switch {
		case !ok && c[0] == "role":
			continue // optional
		case !ok:
			return nil, nil
		case c[1] == "":
			cols = append(cols, ident(h))
		default:
			// An empty id is not a value of the type: coalesce makes it
			// fail the cast, as an unknown one does.
			cols = append(cols, fmt.Sprintf("CAST(coalesce(%s, '') AS %s) AS %s", ident(h), c[1], ident(h)))
		}
	}
	keyed := t.db + "." + table
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE OR REPLACE TABLE %s AS SELECT %s FROM %s`, keyed, strings.Join(cols, ", "), reader)); err != nil {
		conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+keyed)
		return nil, ctx.Err()
	}
	return header, nil
}

// headerColumn finds the header's column read as name: the column of that
// name (in any case), or the one ingest.FileSet.Map reads under it (see
// rename).
func headerColumn(header []string, m map[string]string, name string) (string, bool) {
	find := func(n string) (string, bool) {
		for _, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), n) {
				return h, true
			}
		}
		return "", false
	}
	if h, ok := find(name); ok {
		return h, true
	}
	for to, from := range m {
		if strings.EqualFold(to, name) {
			return find(from)
		}
	}
	return "", false
}

// keyed makes f the table staged in ids' database with its ids read as
// keys (see idTypes.stage), of a file with columns header, unless err.
func (f *stagedFile) keyed(ctx context.Context, conn *sql.Conn, ids *idTypes, table string, header []string, err error) error {
	if err != nil {
		return err
	}
	f.table, f.keyedUsers, f.keyedResources = ids.db+"."+table, true, ids.resource != ""
	if err := f.setColumns(header); err != nil {
		return err
	}
	return f.count(ctx, conn)
}
