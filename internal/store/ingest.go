package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/rolemine/rolemine/ingest"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// column describes an input column of DESIGN.md's file schema.
type column struct {
	name     string // Graph property name, as in the file header
	sqlName  string // column in the users/resources table
	required bool
}

var userColumns = []column{
	{"id", "id", true},
	{"userPrincipalName", "user_principal_name", false},
	{"displayName", "display_name", false},
	{"jobTitle", "job_title", false},
	{"department", "department", false},
	{"companyName", "company_name", false},
	{"employeeType", "employee_type", false},
	{"accountEnabled", "account_enabled", false},
	{"userType", "user_type", false},
	{"managerId", "manager_id", false},
}

var resourceColumns = []column{
	{"id", "id", true},
	{"type", "type", true},
	{"displayName", "display_name", false},
}

var assignmentColumns = []column{
	{"userId", "", true},
	{"resourceId", "", true},
	{"role", "", false},
}

// stagedFile is an input file read into a temporary table, all columns as
// text. cols maps lower-cased header names (after ingest.FileSet.Map) to the
// table's column names.
type stagedFile struct {
	*ingest.Source
	table string
	view  bool  // table is a view of the file (Parquet), not a copy
	rows  int64 // records staged
	cols  map[string]string
	order []string // header order, as in the file
	// mapped maps the lower-cased names of columns read under another
	// name to that name.
	mapped map[string]string
	// keyedUsers and keyedResources tell that the assignments' userId and
	// resourceId columns were read as the users' and resources' keys (see
	// idTypes), not as text.
	keyedUsers, keyedResources bool
}

// has reports whether the file has the named column.
func (f *stagedFile) has(name string) bool { _, ok := f.cols[strings.ToLower(name)]; return ok }

// col returns the quoted column expression for name as trimmed text, or
// NULL when the file lacks it.
func (f *stagedFile) col(name string) string { return textExpr(f.raw(name)) }

// raw returns the column for name as the file has it, as text, or NULL
// when the file lacks it.
func (f *stagedFile) raw(name string) string {
	c, ok := f.cols[strings.ToLower(name)]
	if !ok {
		return "NULL::VARCHAR"
	}
	return "CAST(" + ident(c) + " AS VARCHAR)"
}

// idCol is col for an object id (see idExpr).
func (f *stagedFile) idCol(name string) string { return idExpr(f.col(name)) }

// textExpr is the text of expr trimmed, NULL when empty.
func textExpr(expr string) string { return "nullif(trim(" + expr + "), '')" }

// idExpr normalises the object id text: a GUID is compared and stored in
// lower case (with any braces dropped), as Graph writes it, so that a file
// from a tool that writes upper-case GUIDs matches the others. Other ids
// (site URLs) stay as they are.
func idExpr(text string) string {
	return fmt.Sprintf(`CASE WHEN length(%[1]s) = 36 AND %[1]s LIKE '________-____-____-____-____________' THEN lower(%[1]s)
		WHEN length(%[1]s) = 38 AND %[1]s LIKE '{________-____-____-____-____________}' THEN lower(substring(%[1]s, 2, 36)) ELSE %[1]s END`, text)
}

func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// IngestFiles validates the files and writes them as a new snapshot in one
// transaction. On any error, nothing is written.
func (s *Store) IngestFiles(ctx context.Context, fs ingest.FileSet) (_ tenant.Snapshot, err error) {
	defer func() {
		// Whichever statement the cancel stopped, and whatever it
		// returned, the transaction was not committed.
		if err != nil && ctx.Err() != nil {
			err = fmt.Errorf("ingest cancelled, nothing written: %w", ctx.Err())
		}
	}()
	if fs.Users == "" || fs.Assignments == "" {
		return tenant.Snapshot{}, errors.New("ingest: both a users file and an assignments file are needed")
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return tenant.Snapshot{}, err
	}
	defer conn.Close()
	// Small inputs are staged in temporary tables, in memory; large ones
	// (twice their size past DuckDB's memory limit) in a scratch database.
	db := "temp"
	if inputSize(fs)*2 > s.memoryLimit {
		name, detach, err := s.attachScratch(ctx, conn)
		if err != nil {
			return tenant.Snapshot{}, err
		}
		defer detach()
		db = name
	}
	var staged []*stagedFile
	dropIDs := func() {}
	defer func() {
		for _, f := range staged {
			// What lives in the scratch database goes with it.
			switch {
			case f.view:
				conn.ExecContext(context.WithoutCancel(ctx), `DROP VIEW IF EXISTS `+f.table)
			case strings.HasPrefix(f.table, "temp."):
				conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+f.table)
			}
			f.Close()
		}
		for _, t := range []string{"assignment_keys", "entitlement_keys", "user_keys", "pair_keys"} {
			conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+t)
		}
		// The keys' types go last: the tables above may use them.
		dropIDs()
	}()
	stage := func(path, table string, cols []column, ids *idTypes) (*stagedFile, error) {
		done := mining.StartStage(s.Progress, "read "+filepath.Base(path))
		f, err := stageFile(ctx, conn, path, db, table, ids)
		if err == nil {
			done(int(f.rows), "rows")
		}
		if f != nil {
			staged = append(staged, f)
		}
		if err != nil {
			return nil, err
		}
		f.rename(fs.Map)
		for _, c := range cols {
			if c.required && !f.has(c.name) {
				return nil, &tenant.InputError{File: path, Line: f.Line(1), Field: c.name,
					Msg: fmt.Sprintf("missing required column (the header has: %s)", strings.Join(f.order, ", "))}
			}
		}
		return f, nil
	}
	users, err := stage(fs.Users, "stage_users", userColumns, nil)
	if err != nil {
		return tenant.Snapshot{}, err
	}
	done := mining.StartStage(s.Progress, "check users")
	if err := validateUsers(ctx, conn, users); err != nil {
		return tenant.Snapshot{}, err
	}
	if err := checkTitles(ctx, conn, users, fs); err != nil {
		return tenant.Snapshot{}, err
	}
	done(int(users.rows), "rows")
	var resources *stagedFile
	if fs.Resources != "" {
		if resources, err = stage(fs.Resources, "stage_resources", resourceColumns, nil); err != nil {
			return tenant.Snapshot{}, err
		}
		if err := validateResources(ctx, conn, resources); err != nil {
			return tenant.Snapshot{}, err
		}
	}
	var ids *idTypes
	if !s.idsAsText {
		done := mining.StartStage(s.Progress, "key ids")
		ids, dropIDs = s.newIDTypes(ctx, conn, users, resources, fs.Map)
		n := users.rows
		if resources != nil {
			n += resources.rows
		}
		done(int(n), "ids")
	}
	assignments, err := stage(fs.Assignments, "stage_assignments", assignmentColumns, ids)
	if err != nil {
		return tenant.Snapshot{}, err
	}
	if err := checkMap(fs.Map, staged); err != nil {
		return tenant.Snapshot{}, err
	}
	done = mining.StartStage(s.Progress, "resolve ids")
	if err := validateAssignments(ctx, conn, assignments, users, resources, fs); err != nil {
		return tenant.Snapshot{}, err
	}
	done(int(assignments.rows), "rows")
	detail := "users=" + fs.Users + " assignments=" + fs.Assignments
	if fs.Resources != "" {
		detail += " resources=" + fs.Resources
	}
	done = mining.StartStage(s.Progress, "write snapshot")
	snap, err := s.writeSnapshot(ctx, conn, "files", detail, users, resources, assignments)
	if err == nil {
		done(int(snap.Assignments), "rows")
	}
	return snap, err
}

// inputSize is the files' size in bytes (those that cannot be read count
// nothing: staging them reports why).
func inputSize(fs ingest.FileSet) int64 {
	var n int64
	for _, p := range []string{fs.Users, fs.Resources, fs.Assignments} {
		if st, err := os.Stat(p); err == nil && p != "" {
			n += st.Size()
		}
	}
	return n
}

// ingestSeq numbers the databases an ingest attaches (see attachScratch,
// idTypes): attached databases are named per DuckDB instance, not per
// connection, and two ingests may run at once.
var ingestSeq atomic.Int64

// detach detaches the attached database db through the store's pool: the
// ingest's own connection may be gone (database/sql closes a connection
// whose statement a cancel interrupted), and a database left attached
// would stay for as long as the store is open.
func (s *Store) detach(db string) {
	s.db.ExecContext(context.Background(), `DETACH DATABASE IF EXISTS `+db)
}

// attachScratch attaches a new database file beside the store's, and
// returns its name, to stage the input files in: a staged table there is
// compressed and spills within DuckDB's memory limit the way the
// snapshot's tables do, where a temporary table of 46 M records would be
// held uncompressed and spilled as such (at the default limit, an ingest
// of that size took 52-57 s with temporary tables, 43 s staged here).
// detach removes it.
func (s *Store) attachScratch(ctx context.Context, conn *sql.Conn) (name string, detach func(), err error) {
	f, err := os.CreateTemp(filepath.Dir(s.path), "."+filepath.Base(s.path)+".ingest-*")
	if err != nil {
		return "", nil, fmt.Errorf("ingest: a scratch file beside the database: %w", err)
	}
	path := f.Name()
	f.Close()
	remove := func() {
		os.Remove(path)
		os.Remove(path + ".wal")
	}
	os.Remove(path) // DuckDB creates it
	// DuckDB cuts a path at '?' as it does a DSN: through a link, like the
	// store's own file (see dsnPath).
	attach, unlink, err := dsnPath(path)
	if err != nil {
		return "", nil, fmt.Errorf("ingest: a scratch file beside the database: %w", err)
	}
	name = fmt.Sprintf("ingest_scratch_%d", ingestSeq.Add(1))
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`ATTACH %s AS %s`, quote(attach), name)); err != nil {
		unlink()
		remove()
		return "", nil, fmt.Errorf("ingest: attach a scratch database: %w", err)
	}
	return name, func() {
		s.detach(name)
		unlink()
		remove()
	}, nil
}

// stageFile reads a file with DuckDB's own reader into a table of database
// db: temp (a temporary table) or scratch (see attachScratch). With ids
// (the assignments, as CSV or Parquet), it first reads the id columns as
// the users' and resources' keys (see idTypes); when that fails, the file
// is read the usual way, all text.
func stageFile(ctx context.Context, conn *sql.Conn, path, db, table string, ids *idTypes) (*stagedFile, error) {
	format, err := ingest.DetectFormat(path)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, &tenant.InputError{File: path, Msg: errors.Unwrap(err).Error()}
	}
	if st.IsDir() {
		return nil, &tenant.InputError{File: path, Msg: "is a directory, not a file"}
	}
	if st.Size() == 0 {
		return nil, &tenant.InputError{File: path, Msg: "the file is empty"}
	}
	src, err := ingest.Open(path, format)
	if err != nil {
		return nil, err
	}
	f := &stagedFile{Source: src, table: db + "." + table, cols: map[string]string{}, mapped: map[string]string{}}
	var reader, collecting string
	switch src.Format {
	case ingest.FormatCSV:
		// The header is read here rather than sniffed: DuckDB's sniffer
		// guesses on odd files, and a failed sniff while collecting rejects
		// invalidates the database. With the columns given, DuckDB only
		// parses. The file is read strictly first; when that fails, it is
		// read again collecting every malformed line in the rejects table,
		// to name the first (collecting costs about a tenth of the read:
		// 46 M lines, three reads each way alternating, 21.8-25.0 s
		// against 21.5-22.2 s).
		header, err := src.Header()
		if err != nil {
			return f, err
		}
		colDefs := make([]string, len(header))
		for i, h := range header {
			colDefs[i] = quote(h) + ": 'VARCHAR'"
		}
		reader = fmt.Sprintf(`read_csv(%s, header=true, auto_detect=false, columns={%s}, delim=%s, quote='"', escape='"')`,
			quote(src.Read), strings.Join(colDefs, ", "), quote(string(src.Comma)))
		collecting = strings.TrimSuffix(reader, ")") +
			fmt.Sprintf(`, store_rejects=true, rejects_table='rejects_%s', rejects_scan='rejects_scan_%s')`, table, table)
		if ids != nil {
			if keyed, err := ids.stage(ctx, conn, reader, header, table); err != nil || keyed != nil {
				return f, f.keyed(ctx, conn, ids, table, keyed, err)
			}
		}
	case ingest.FormatJSONL:
		reader = fmt.Sprintf(`read_json(%s, format='newline_delimited', records=true, sample_size=-1)`, quote(src.Read))
	case ingest.FormatJSONArray:
		reader = fmt.Sprintf(`read_json(%s, format='array', records=true, sample_size=-1)`, quote(src.Read))
	case ingest.FormatParquet:
		reader = fmt.Sprintf(`read_parquet(%s)`, quote(src.Read))
		if ids != nil {
			// The columns, from the file's metadata.
			if keyed, err := ids.stage(ctx, conn, reader, nil, table); err != nil || keyed != nil {
				return f, f.keyed(ctx, conn, ids, table, keyed, err)
			}
		}
	}
	conn.ExecContext(ctx, `DROP TABLE IF EXISTS rejects_`+table)
	conn.ExecContext(ctx, `DROP TABLE IF EXISTS rejects_scan_`+table)
	createAs := "CREATE OR REPLACE TABLE " + f.table + " AS SELECT * FROM "
	if db == "temp" {
		createAs = "CREATE OR REPLACE TEMP TABLE " + f.table + " AS SELECT * FROM "
	}
	create := createAs + reader
	switch {
	case src.Format == ingest.FormatParquet:
		// Parquet is otherwise read in place, not staged: a view numbers
		// the rows (rowid, as a staged table would) and every query reads
		// the columns it needs. Staging the text would cost as much as
		// reading CSV.
		db, f.view = "temp", true
		f.table = db + "." + table
		create = fmt.Sprintf(`CREATE OR REPLACE TEMP VIEW %s AS SELECT file_row_number AS rowid, * EXCLUDE (file_row_number) FROM read_parquet(%s, file_row_number=true)`,
			table, quote(src.Read))
	}
	_, err = conn.ExecContext(ctx, create)
	collected := err != nil && collecting != "" && ctx.Err() == nil
	if collected {
		_, err = conn.ExecContext(ctx, createAs+collecting)
	}
	if err != nil {
		if ctx.Err() != nil {
			return f, ctx.Err()
		}
		if src.Format == ingest.FormatJSONL || src.Format == ingest.FormatJSONArray {
			if line, msg, ok := src.BadJSON(); ok {
				return f, &tenant.InputError{File: path, Line: line, Msg: "malformed JSON: " + msg}
			}
		}
		return f, &tenant.InputError{File: path, Msg: fmt.Sprintf("cannot be read as %s: %s", formatName(src.Format), firstLine(err.Error()))}
	}
	if collected {
		var line int
		var colName sql.NullString
		var kind, msg string
		err := conn.QueryRowContext(ctx, `SELECT line, column_name, error_type, error_message FROM rejects_`+table+` ORDER BY line LIMIT 1`).
			Scan(&line, &colName, &kind, &msg)
		switch {
		case err == nil:
			ie := &tenant.InputError{File: path, Line: src.Line(line), Msg: strings.ToLower(kind) + ": " + msg}
			if kind == "INVALID UNICODE" {
				ie.Msg = "not a text CSV file in UTF-8 or UTF-16 with a byte order mark (invalid byte sequence)"
			} else if colName.Valid && !strings.HasPrefix(colName.String, "column") {
				ie.Field = colName.String
			}
			return f, ie
		case !errors.Is(err, sql.ErrNoRows):
			return f, err
		}
	}
	return f, f.describe(ctx, conn, db, table)
}

// describe reads the staged table's columns (in database db) and counts
// its records.
func (f *stagedFile) describe(ctx context.Context, conn *sql.Conn, db, table string) error {
	rows, err := conn.QueryContext(ctx, `SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND database_name = ? ORDER BY column_index`, table, db)
	if err != nil {
		return err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		if f.view && len(names) == 0 && name == "rowid" {
			continue // the view's row numbers
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := f.setColumns(names); err != nil {
		return err
	}
	return f.count(ctx, conn)
}

// setColumns records the file's columns, names in header order.
func (f *stagedFile) setColumns(names []string) error {
	for _, name := range names {
		f.order = append(f.order, name)
		key := strings.ToLower(strings.TrimSpace(name))
		if _, dup := f.cols[key]; dup {
			return &tenant.InputError{File: f.Path, Line: f.Line(1), Field: name, Msg: "column appears twice in the header"}
		}
		f.cols[key] = name
	}
	return nil
}

// count counts the staged records; there must be some.
func (f *stagedFile) count(ctx context.Context, conn *sql.Conn) error {
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+f.table).Scan(&f.rows); err != nil {
		return err
	}
	if f.rows == 0 {
		return &tenant.InputError{File: f.Path, Msg: "the file has a header but no records"}
	}
	return nil
}

// rename applies ingest.FileSet.Map: a column the file has under a mapped name is
// read under the name it maps to (unless the file has that one too).
func (f *stagedFile) rename(m map[string]string) {
	for to, from := range m {
		c, ok := f.cols[strings.ToLower(from)]
		if !ok || f.has(to) {
			continue
		}
		delete(f.cols, strings.ToLower(from))
		f.cols[strings.ToLower(to)] = c
		f.mapped[strings.ToLower(c)] = to
	}
}

// checkMap refuses a --map whose column no file has: a typo there would
// otherwise silently change nothing.
func checkMap(m map[string]string, files []*stagedFile) error {
	for to, from := range m {
		found := false
		for _, f := range files {
			_, renamed := f.mapped[strings.ToLower(from)]
			found = found || renamed || f.has(from)
		}
		if !found {
			return fmt.Errorf("--map %s=%s: no input file has a column %q", to, from, from)
		}
	}
	return nil
}

// checkTitles warns when the users file has no job titles to mine: the
// column is absent (perhaps under another name) or empty.
func checkTitles(ctx context.Context, conn *sql.Conn, users *stagedFile, fs ingest.FileSet) error {
	name := filepath.Base(users.Path)
	if !users.has("jobTitle") {
		var like []string
		for _, c := range users.order {
			if strings.Contains(strings.ToLower(c), "title") {
				like = append(like, c)
			}
		}
		hint := "job functions are then mined from --by attributes only"
		if len(like) > 0 {
			hint = fmt.Sprintf("if %q holds the titles, add --map jobTitle=%s", like[0], like[0])
		}
		fs.Warnf("%s has no jobTitle column (the header has: %s); %s", name, strings.Join(users.order, ", "), hint)
		return nil
	}
	var total, empty int64
	if err := conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*), count(*) FILTER (WHERE %s IS NULL) FROM %s`, users.col("jobTitle"), users.table)).
		Scan(&total, &empty); err != nil {
		return err
	}
	switch {
	case empty == total:
		fs.Warnf("the jobTitle column of %s is empty in every record: job functions cannot be mined by title", name)
	case empty*2 > total:
		fs.Warnf("the jobTitle column of %s is empty for %d of %d users", name, empty, total)
	}
	return nil
}

func formatName(format string) string {
	switch format {
	case ingest.FormatJSONL:
		return "newline-delimited JSON"
	case ingest.FormatParquet:
		return "Parquet"
	}
	return "CSV"
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// badRecord finds the first record matching cond and returns an InputError
// for it, or nil.
func badRecord(ctx context.Context, conn *sql.Conn, f *stagedFile, field, cond, msgf string) error {
	var rowid int64
	var val sql.NullString
	q := fmt.Sprintf(`SELECT rowid, %s FROM %s WHERE %s ORDER BY rowid LIMIT 1`, f.col(field), f.table, cond)
	err := conn.QueryRowContext(ctx, q).Scan(&rowid, &val)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return recordError(f, rowid, field, fmt.Sprintf(msgf, val.String))
}

// recordError builds an InputError for the record at rowid (0-based, in
// file order), finding its line in the file.
func recordError(f *stagedFile, rowid int64, field, msg string) error {
	if c, ok := f.cols[strings.ToLower(field)]; ok {
		field = c
	}
	line, isRow := f.Source.RecordLine(rowid)
	return &tenant.InputError{File: f.Path, Line: line, Row: isRow, Field: field, Msg: msg}
}

var boolText = []string{"true", "false", "1", "0", "yes", "no", "t", "f", "y", "n"}

func boolList() string {
	q := make([]string, len(boolText))
	for i, b := range boolText {
		q[i] = quote(b)
	}
	return strings.Join(q, ", ")
}

func validateUsers(ctx context.Context, conn *sql.Conn, f *stagedFile) error {
	if err := badRecord(ctx, conn, f, "id", f.col("id")+" IS NULL", "empty id%s"); err != nil {
		return err
	}
	if err := duplicate(ctx, conn, f, f.idCol("id"), "id"); err != nil {
		return err
	}
	if f.has("accountEnabled") {
		cond := fmt.Sprintf("%s IS NOT NULL AND lower(%s) NOT IN (%s)", f.col("accountEnabled"), f.col("accountEnabled"), boolList())
		if err := badRecord(ctx, conn, f, "accountEnabled", cond, "%q is not a boolean (use true or false)"); err != nil {
			return err
		}
	}
	return nil
}

func validateResources(ctx context.Context, conn *sql.Conn, f *stagedFile) error {
	if err := badRecord(ctx, conn, f, "id", f.col("id")+" IS NULL", "empty id%s"); err != nil {
		return err
	}
	if err := duplicate(ctx, conn, f, f.idCol("id"), "id"); err != nil {
		return err
	}
	cond := fmt.Sprintf("%s IS NULL OR lower(%s) NOT IN ('group', 'application', 'site')", f.col("type"), f.col("type"))
	return badRecord(ctx, conn, f, "type", cond, "%q is not a resource type (use group, application or site)")
}

// keyAssignments resolves the ids of the staged assignments against the
// staged users (and resources) once per distinct value as the file writes
// it (empty when missing; ids repeat across millions of records): user_keys
// maps a raw user id to its user key (NULL for an unknown user; no_user for
// an empty id), entitlement_keys numbers the distinct (resource, role)
// pairs, and pair_keys maps a raw (resource id, role) pair to its
// entitlement key (no_resource for an empty id) and whether the resource
// is known. Ids are trimmed and normalised (idExpr) on these few values,
// not on every record. Ids read as keys (see idTypes) are resolved
// already: their user key is their code, and their resource is known.
func keyAssignments(ctx context.Context, conn *sql.Conn, f, users, resources *stagedFile) error {
	var qs []string
	if !f.keyedUsers {
		// Each id is trimmed once, and normalised from that (see the
		// users' copy in writeSnapshot).
		qs = append(qs, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE user_keys AS
		SELECT d.raw, d.uid IS NULL AS no_user, u.user_key
		FROM (SELECT raw, %s AS uid FROM (SELECT raw, %s AS t FROM (SELECT DISTINCT coalesce(%s, '') AS raw FROM %s))) d
		LEFT JOIN (SELECT user_key, %s AS id FROM (SELECT rowid::INTEGER AS user_key, %s AS t FROM %s)) u ON u.id = d.uid`,
			idExpr("t"), textExpr("raw"), f.raw("userId"), f.table, idExpr("t"), users.col("id"), users.table))
	}
	known, resJoin := "true", ""
	if resources != nil && !f.keyedResources {
		known = "r.id IS NOT NULL"
		resJoin = fmt.Sprintf("LEFT JOIN (SELECT DISTINCT %s AS id FROM %s) r ON r.id = p.rid", resources.idCol("id"), resources.table)
	}
	return execAll(ctx, conn, append(qs,
		fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE pair_keys AS
		SELECT rraw, oraw, %s AS rid, coalesce(%s, '%s') AS ro FROM (SELECT DISTINCT %s AS rraw, coalesce(%s, '') AS oraw FROM %s)`,
			idExpr(textExpr("CAST(rraw AS VARCHAR)")), textExpr("oraw"), tenant.DefaultRole, f.key("resourceId"), f.raw("role"), f.table),
		`CREATE OR REPLACE TEMP TABLE entitlement_keys AS
		SELECT rid, ro, (row_number() OVER (ORDER BY rid, ro) - 1)::INTEGER AS ekey
		FROM (SELECT DISTINCT rid, ro FROM pair_keys WHERE rid IS NOT NULL)`,
		fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE pair_keys AS
		SELECT p.rraw, p.oraw, p.rid IS NULL AS no_resource, e.ekey, %s AS known_resource
		FROM pair_keys p LEFT JOIN entitlement_keys e ON e.rid = p.rid AND e.ro = p.ro %s`, known, resJoin))...)
}

// key is the column for the id name as the assignments' records are
// matched on: the key itself when read as one (see idTypes), else the text
// as the file has it, empty when missing.
func (f *stagedFile) key(name string) string {
	if (name == "userId" && f.keyedUsers) || (name == "resourceId" && f.keyedResources) {
		return ident(f.cols[strings.ToLower(name)])
	}
	return "coalesce(" + f.raw(name) + ", '')"
}

// keyedAssignments is the query of the staged assignments f with their
// keys (see keyAssignments): per record rec (its rowid), no_user,
// no_resource, user_key, ekey and known_resource.
func keyedAssignments(f *stagedFile) string {
	users := `uk.no_user, pk.no_resource, uk.user_key`
	userJoin := `JOIN user_keys uk ON uk.raw = a.uraw`
	if f.keyedUsers {
		users, userJoin = `false AS no_user, pk.no_resource, enum_code(a.uraw)::INTEGER AS user_key`, ""
	}
	return fmt.Sprintf(`SELECT a.rec, %s, pk.ekey, pk.known_resource
		FROM (SELECT rowid AS rec, %s AS uraw, %s AS rraw, coalesce(%s, '') AS oraw FROM %s) a
		%s
		JOIN pair_keys pk ON pk.rraw = a.rraw AND pk.oraw = a.oraw`,
		users, f.key("userId"), f.key("resourceId"), f.raw("role"), f.table, userJoin)
}

func execAll(ctx context.Context, conn *sql.Conn, qs ...string) error {
	for _, q := range qs {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// validateAssignments keys the assignments and checks them: an empty or
// unknown user or resource is an error naming the first record (or, with
// SkipUnknown, unknown ones are left out with a warning). The checks run on
// the keys of distinct values; only when one fails are the records keyed
// one by one (assignment_keys), to find them.
func validateAssignments(ctx context.Context, conn *sql.Conn, f, users, resources *stagedFile, fs ingest.FileSet) error {
	if err := keyAssignments(ctx, conn, f, users, resources); err != nil {
		return err
	}
	badUsers := "false"
	if !f.keyedUsers {
		badUsers = "coalesce((SELECT bool_or(no_user OR user_key IS NULL) FROM user_keys), false)"
	}
	var bad bool
	if err := conn.QueryRowContext(ctx, `SELECT `+badUsers+`
		OR coalesce((SELECT bool_or(no_resource OR NOT known_resource) FROM pair_keys), false)`).Scan(&bad); err != nil {
		return err
	}
	if !bad {
		return nil
	}
	if err := execAll(ctx, conn, `CREATE OR REPLACE TEMP TABLE assignment_keys AS `+keyedAssignments(f)); err != nil {
		return err
	}
	var emptyUser, emptyRes sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT min(rec) FILTER (WHERE no_user), min(rec) FILTER (WHERE no_resource) FROM assignment_keys`).
		Scan(&emptyUser, &emptyRes); err != nil {
		return err
	}
	switch {
	case emptyUser.Valid:
		return recordError(f, emptyUser.Int64, "userId", "empty userId")
	case emptyRes.Valid:
		return recordError(f, emptyRes.Int64, "resourceId", "empty resourceId")
	}
	const unknownUser, unknownResource = "NOT no_user AND user_key IS NULL", "NOT no_resource AND NOT known_resource"
	if err := unknownRefs(ctx, conn, f, "userId", unknownUser, "user", users, fs); err != nil {
		return err
	}
	if resources != nil {
		if err := unknownRefs(ctx, conn, f, "resourceId", unknownResource, "resource", resources, fs); err != nil {
			return err
		}
	}
	if !fs.SkipUnknown {
		return nil
	}
	// Drop the skipped records and number the entitlements again, so that
	// no entitlement is left that only they held. A view of a file is
	// copied first, its row numbers with it (the copy's rowid column).
	if f.view {
		copyOf := f.table + "_kept"
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+strings.TrimPrefix(copyOf, "temp.")+` AS SELECT * FROM `+f.table); err != nil {
			return err
		}
		conn.ExecContext(ctx, `DROP VIEW IF EXISTS `+f.table)
		f.table, f.view = copyOf, false
	}
	res, err := conn.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %s WHERE rowid IN (SELECT rec FROM assignment_keys WHERE (%s) OR (%s))`,
		f.table, unknownUser, unknownResource))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	var left int64
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+f.table).Scan(&left); err != nil {
		return err
	}
	if left == 0 {
		return &tenant.InputError{File: f.Path, Msg: "no assignment names a known user and resource: nothing to ingest"}
	}
	return keyAssignments(ctx, conn, f, users, resources)
}

// unknownRefs reports, all at once, the assignments whose user (or
// resource) the other file lacks: how many, naming the first ten, at the
// first one's line. With ingest.FileSet.SkipUnknown it warns instead, and the
// snapshot leaves those assignments out.
func unknownRefs(ctx context.Context, conn *sql.Conn, f *stagedFile, field, cond, what string, other *stagedFile, fs ingest.FileSet) error {
	var records, distinct int64
	var first sql.NullInt64
	if err := conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*), count(DISTINCT v), min(rec) FROM (
		SELECT k.rec, %s AS v FROM assignment_keys k JOIN %s a ON a.rowid = k.rec WHERE %s)`, f.idCol(field), f.table, cond)).
		Scan(&records, &distinct, &first); err != nil {
		return err
	}
	if records == 0 {
		return nil
	}
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`SELECT v FROM (
		SELECT %s AS v, min(k.rec) AS first FROM assignment_keys k JOIN %s a ON a.rowid = k.rec WHERE %s GROUP BY v)
		ORDER BY first LIMIT 10`, f.idCol(field), f.table, cond))
	if err != nil {
		return err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return err
		}
		names = append(names, strconv.Quote(v))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	list := strings.Join(names, ", ")
	if distinct > int64(len(names)) {
		list += fmt.Sprintf(" and %d more", distinct-int64(len(names)))
	}
	var msg string
	if records == 1 {
		msg = fmt.Sprintf("1 assignment names an unknown %s (not in %s): %s", what, filepath.Base(other.Path), list)
	} else if distinct == 1 {
		msg = fmt.Sprintf("%d assignments name an unknown %s (not in %s): %s", records, what, filepath.Base(other.Path), list)
	} else {
		msg = fmt.Sprintf("%d assignments name %d unknown %ss (not in %s): %s", records, distinct, what, filepath.Base(other.Path), list)
	}
	if fs.SkipUnknown {
		line, _ := f.Source.RecordLine(first.Int64)
		fs.Warnf("%s: %s; left out (--skip-unknown), the first at line %d", f.Path, msg, line)
		return nil
	}
	return recordError(f, first.Int64, field, msg+" (the first is here; --skip-unknown ingests the rest)")
}

// duplicate reports the second record whose key equals an earlier one's.
// Whether any does is counted first: the query that finds the record
// sorts every key (1M users: about a second).
func duplicate(ctx context.Context, conn *sql.Conn, f *stagedFile, key, field string) error {
	var dup bool
	if err := conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(k) > count(DISTINCT k) FROM (SELECT %s AS k FROM %s)`, key, f.table)).
		Scan(&dup); err != nil || !dup {
		return err
	}
	q := fmt.Sprintf(`SELECT rid, prev, k FROM (
		SELECT rowid AS rid, %s AS k, lag(rowid) OVER (PARTITION BY %s ORDER BY rowid) AS prev FROM %s)
		WHERE prev IS NOT NULL ORDER BY rid LIMIT 1`, key, key, f.table)
	var rid, prev int64
	var k string
	err := conn.QueryRowContext(ctx, q).Scan(&rid, &prev, &k)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	first, _ := f.Source.RecordLine(prev)
	return recordError(f, rid, field, fmt.Sprintf("duplicate %s %q (first at %d)", field, k, first))
}

// writeSnapshot copies the staged, validated files into a new snapshot in
// one transaction.
func (s *Store) writeSnapshot(ctx context.Context, conn *sql.Conn, source, detail string, users, resources, assignments *stagedFile) (tenant.Snapshot, error) {
	var id int64
	err := s.inConnTx(ctx, conn, func(conn *sql.Conn) error {
		return s.copySnapshot(ctx, conn, &id, source, detail, users, resources, assignments)
	})
	if err != nil {
		return tenant.Snapshot{}, err
	}
	return s.Snapshot(ctx, id)
}

// copySnapshot is writeSnapshot's transaction: it sets id to the new
// snapshot's.
func (s *Store) copySnapshot(ctx context.Context, conn *sql.Conn, newID *int64, source, detail string, users, resources, assignments *stagedFile) error {
	var id int64
	if err := conn.QueryRowContext(ctx, `SELECT nextval('snapshot_seq')`).Scan(&id); err != nil {
		return err
	}
	*newID = id
	exec := func(q string, args ...any) error {
		_, err := conn.ExecContext(ctx, q, args...)
		return err
	}
	// Users, in file order; user_key is the 0-based position.
	// Each column is trimmed once, below, and the id expressions work on
	// that (written out in them, the trim was repeated: 1M users took 3.6
	// s instead of 2.7).
	var text, cols []string
	for i, c := range userColumns {
		text = append(text, fmt.Sprintf("%s AS c%d", users.col(c.name), i))
		expr := fmt.Sprintf("c%d", i)
		if c.name == "id" || c.name == "managerId" {
			expr = idExpr(expr)
		}
		if c.name == "accountEnabled" {
			expr = fmt.Sprintf("CASE WHEN %s IS NULL THEN NULL ELSE lower(%s) IN ('true', '1', 'yes', 't', 'y') END", expr, expr)
		}
		cols = append(cols, expr)
	}
	// A freshly created table numbers its rows 0..n-1 in insertion
	// (file) order, so rowid is the key.
	if err := exec(fmt.Sprintf(`INSERT INTO users SELECT ?, k, %s FROM (SELECT rowid::INTEGER AS k, %s FROM %s)`,
		strings.Join(cols, ", "), strings.Join(text, ", "), users.table), id); err != nil {
		return err
	}
	// Extra user columns become attributes.
	for _, name := range users.order {
		if to, ok := users.mapped[strings.ToLower(name)]; ok {
			name = to
		}
		if slices.ContainsFunc(userColumns, func(c column) bool { return strings.EqualFold(c.name, name) }) {
			continue
		}
		if err := exec(fmt.Sprintf(`INSERT INTO user_attributes SELECT ?, k, ?, v
			FROM (SELECT rowid::INTEGER AS k, %s AS v FROM %s) WHERE v IS NOT NULL`, users.col(name), users.table), id, name); err != nil {
			return err
		}
	}
	// Resources: from the resources file, plus any resource that only the
	// assignments name (type unknown).
	if resources != nil {
		if err := exec(fmt.Sprintf(`INSERT INTO resources SELECT ?, %s, lower(%s), %s FROM %s`,
			resources.idCol("id"), resources.col("type"), resources.col("displayName"), resources.table), id); err != nil {
			return err
		}
	} else {
		if err := exec(`INSERT INTO resources SELECT DISTINCT ?, rid, 'unknown', NULL FROM entitlement_keys`, id); err != nil {
			return err
		}
	}
	if err := exec(`INSERT INTO entitlements SELECT ?, ekey, rid, ro FROM entitlement_keys`, id); err != nil {
		return err
	}
	// Assignments to unknown users or resources are left out (when
	// --skip-unknown let them through validation).
	// The distinct (user, entitlement) pairs: grouped by user, each user's
	// entitlements made distinct, which costs DuckDB less than a DISTINCT
	// over all the pairs (46 M pairs at 1M users, the three one after
	// another in each of three runs: 4.7-11 s, against 6.2-12 s over the
	// two columns and 7.9-14 s over them packed into one BIGINT).
	if err := exec(`INSERT INTO assignments SELECT ?, user_key, unnest(list_distinct(list(ekey))) FROM (`+keyedAssignments(assignments)+`)
		WHERE user_key IS NOT NULL AND known_resource GROUP BY user_key`, id); err != nil {
		return err
	}
	if err := exec(`INSERT INTO snapshots VALUES ($1, $2, $3, $4,
		(SELECT count(*) FROM users WHERE snapshot_id = $1),
		(SELECT count(*) FROM resources WHERE snapshot_id = $1),
		(SELECT count(*) FROM entitlements WHERE snapshot_id = $1),
		(SELECT count(*) FROM assignments WHERE snapshot_id = $1))`, id, source, detail, s.now().UTC()); err != nil {
		return err
	}
	return nil
}
