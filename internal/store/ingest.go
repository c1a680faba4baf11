package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rolemine/rolemine/tenant"
)

// FileSet names the input files of one file ingest. Resources is optional.
type FileSet struct {
	Users       string
	Assignments string
	Resources   string
}

// Input formats, chosen by file extension.
const (
	FormatCSV     = "csv"
	FormatJSONL   = "jsonl"
	FormatParquet = "parquet"
)

// DetectFormat returns the input format of a file from its extension
// (.csv, .tsv, .jsonl, .ndjson, .json, .parquet; optionally compressed .gz or .zst).
func DetectFormat(path string) (string, error) {
	name := strings.ToLower(filepath.Base(path))
	name = strings.TrimSuffix(strings.TrimSuffix(name, ".gz"), ".zst")
	switch filepath.Ext(name) {
	case ".csv", ".tsv", ".txt":
		return FormatCSV, nil
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL, nil
	case ".parquet", ".pq":
		return FormatParquet, nil
	}
	return "", &tenant.InputError{File: path, Msg: "unknown file type: use .csv, .tsv, .jsonl, .ndjson or .parquet"}
}

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
// text. cols maps lower-cased header names to the table's column names.
type stagedFile struct {
	path   string
	format string
	table  string
	cols   map[string]string
	order  []string // header order
}

// has reports whether the file has the named column.
func (f *stagedFile) has(name string) bool { _, ok := f.cols[strings.ToLower(name)]; return ok }

// col returns the quoted column expression for name as trimmed text, or
// NULL when the file lacks it.
func (f *stagedFile) col(name string) string {
	c, ok := f.cols[strings.ToLower(name)]
	if !ok {
		return "NULL::VARCHAR"
	}
	return "nullif(trim(CAST(" + ident(c) + " AS VARCHAR)), '')"
}

func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// IngestFiles validates the files and writes them as a new snapshot in one
// transaction. On any error, nothing is written.
func (s *Store) IngestFiles(ctx context.Context, fs FileSet) (tenant.Snapshot, error) {
	if fs.Users == "" || fs.Assignments == "" {
		return tenant.Snapshot{}, errors.New("ingest: both a users file and an assignments file are needed")
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return tenant.Snapshot{}, err
	}
	defer conn.Close()
	var staged []*stagedFile
	defer func() {
		for _, f := range staged {
			conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+f.table)
		}
		conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS assignment_keys`)
		conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS entitlement_keys`)
	}()
	stage := func(path, table string, cols []column) (*stagedFile, error) {
		f, err := stageFile(ctx, conn, path, table)
		if f != nil {
			staged = append(staged, f)
		}
		if err != nil {
			return nil, err
		}
		for _, c := range cols {
			if c.required && !f.has(c.name) {
				return nil, &tenant.InputError{File: path, Line: 1, Field: c.name,
					Msg: fmt.Sprintf("missing required column (the header has: %s)", strings.Join(f.order, ", "))}
			}
		}
		return f, nil
	}
	users, err := stage(fs.Users, "stage_users", userColumns)
	if err != nil {
		return tenant.Snapshot{}, err
	}
	if err := validateUsers(ctx, conn, users); err != nil {
		return tenant.Snapshot{}, err
	}
	var resources *stagedFile
	if fs.Resources != "" {
		if resources, err = stage(fs.Resources, "stage_resources", resourceColumns); err != nil {
			return tenant.Snapshot{}, err
		}
		if err := validateResources(ctx, conn, resources); err != nil {
			return tenant.Snapshot{}, err
		}
	}
	assignments, err := stage(fs.Assignments, "stage_assignments", assignmentColumns)
	if err != nil {
		return tenant.Snapshot{}, err
	}
	if err := validateAssignments(ctx, conn, assignments, users, resources); err != nil {
		return tenant.Snapshot{}, err
	}
	detail := "users=" + fs.Users + " assignments=" + fs.Assignments
	if fs.Resources != "" {
		detail += " resources=" + fs.Resources
	}
	return s.writeSnapshot(ctx, conn, "files", detail, users, resources, assignments)
}

// stageFile reads a file with DuckDB's own reader into a temporary table.
func stageFile(ctx context.Context, conn *sql.Conn, path, table string) (*stagedFile, error) {
	format, err := DetectFormat(path)
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
	f := &stagedFile{path: path, format: format, table: table, cols: map[string]string{}}
	var reader string
	switch format {
	case FormatCSV:
		// The header is read here rather than sniffed: DuckDB's sniffer
		// guesses on odd files, and a failed sniff while collecting rejects
		// invalidates the database. With the columns given, DuckDB only
		// parses, and records every malformed line in the rejects table.
		comma := ','
		if isTSV(path) {
			comma = '\t'
		}
		header, err := readHeader(path, comma)
		if err != nil {
			return nil, err
		}
		colDefs := make([]string, len(header))
		for i, h := range header {
			colDefs[i] = quote(h) + ": 'VARCHAR'"
		}
		reader = fmt.Sprintf(`read_csv(%s, header=true, auto_detect=false, columns={%s}, delim=%s, quote='"', escape='"', `+
			`store_rejects=true, rejects_table='rejects_%s', rejects_scan='rejects_scan_%s')`,
			quote(path), strings.Join(colDefs, ", "), quote(string(comma)), table, table)
	case FormatJSONL:
		reader = fmt.Sprintf(`read_json(%s, format='newline_delimited', records=true, sample_size=-1)`, quote(path))
	case FormatParquet:
		reader = fmt.Sprintf(`read_parquet(%s)`, quote(path))
	}
	conn.ExecContext(ctx, `DROP TABLE IF EXISTS rejects_`+table)
	conn.ExecContext(ctx, `DROP TABLE IF EXISTS rejects_scan_`+table)
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+table+` AS SELECT * FROM `+reader); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if format == FormatJSONL {
			if line, msg, ok := badJSONLine(path); ok {
				return nil, &tenant.InputError{File: path, Line: line, Msg: "malformed JSON: " + msg}
			}
		}
		return nil, &tenant.InputError{File: path, Msg: fmt.Sprintf("cannot be read as %s: %s", formatName(format), firstLine(err.Error()))}
	}
	if format == FormatCSV {
		var line int
		var colName sql.NullString
		var kind, msg string
		err := conn.QueryRowContext(ctx, `SELECT line, column_name, error_type, error_message FROM rejects_`+table+` ORDER BY line LIMIT 1`).
			Scan(&line, &colName, &kind, &msg)
		switch {
		case err == nil:
			ie := &tenant.InputError{File: path, Line: line, Msg: strings.ToLower(kind) + ": " + msg}
			if kind == "INVALID UNICODE" {
				ie.Msg = "not a UTF-8 text CSV file (invalid byte sequence)"
			} else if colName.Valid && !strings.HasPrefix(colName.String, "column") {
				ie.Field = colName.String
			}
			return f, ie
		case !errors.Is(err, sql.ErrNoRows):
			return f, err
		}
	}
	rows, err := conn.QueryContext(ctx, `SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND database_name = 'temp' ORDER BY column_index`, table)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return f, err
		}
		f.order = append(f.order, name)
		key := strings.ToLower(strings.TrimSpace(name))
		if _, dup := f.cols[key]; dup {
			return f, &tenant.InputError{File: path, Line: 1, Field: name, Msg: "column appears twice in the header"}
		}
		f.cols[key] = name
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	var n int64
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		return f, err
	}
	if n == 0 {
		return f, &tenant.InputError{File: path, Msg: "the file has a header but no records"}
	}
	return f, nil
}

func formatName(format string) string {
	switch format {
	case FormatJSONL:
		return "newline-delimited JSON"
	case FormatParquet:
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
	line, isRow := recordLine(f.path, f.format, rowid)
	return &tenant.InputError{File: f.path, Line: line, Row: isRow, Field: field, Msg: msg}
}

// recordLine maps a 0-based record index to the 1-based line where the
// record starts. Only the error path calls it, so it may read the file.
func recordLine(path, format string, rowid int64) (int, bool) {
	switch format {
	case FormatParquet:
		return int(rowid) + 1, true
	case FormatJSONL:
		if line, ok := jsonlLine(path, rowid); ok {
			return line, false
		}
		return int(rowid) + 1, true
	}
	if line, ok := csvLine(path, rowid); ok {
		return line, false
	}
	return int(rowid) + 2, false
}

func csvLine(path string, rowid int64) (int, bool) {
	if strings.HasSuffix(path, ".gz") || strings.HasSuffix(path, ".zst") {
		return 0, false
	}
	fh, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer fh.Close()
	r := csv.NewReader(bufio.NewReader(fh))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	if isTSV(path) {
		r.Comma = '\t'
	}
	for i := int64(-1); ; i++ { // record -1 is the header
		if _, err := r.Read(); err != nil {
			return 0, false
		}
		if i == rowid {
			line, _ := r.FieldPos(0)
			return line, true
		}
	}
}

func jsonlLine(path string, rowid int64) (int, bool) {
	if strings.HasSuffix(path, ".gz") || strings.HasSuffix(path, ".zst") {
		return 0, false
	}
	fh, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer fh.Close()
	br := bufio.NewReader(fh)
	var rec int64
	for line := 1; ; line++ {
		s, err := br.ReadString('\n')
		if strings.TrimSpace(s) != "" {
			if rec == rowid {
				return line, true
			}
			rec++
		}
		if err == io.EOF || err != nil {
			return 0, false
		}
	}
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
	if err := duplicate(ctx, conn, f, f.col("id"), "id"); err != nil {
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
	if err := duplicate(ctx, conn, f, f.col("id"), "id"); err != nil {
		return err
	}
	cond := fmt.Sprintf("%s IS NULL OR lower(%s) NOT IN ('group', 'application', 'site')", f.col("type"), f.col("type"))
	return badRecord(ctx, conn, f, "type", cond, "%q is not a resource type (use group, application or site)")
}

// keyAssignments resolves the staged assignments against the staged users
// (and resources) with hash joins, keeping only integers: the temporary
// table entitlement_keys numbers the distinct (resource, role) pairs, and
// assignment_keys holds per record its user key (NULL for an unknown user),
// its entitlement key and whether its resource is known.
func keyAssignments(ctx context.Context, conn *sql.Conn, f, users, resources *stagedFile) error {
	role := fmt.Sprintf("coalesce(%s, '%s')", f.col("role"), tenant.DefaultRole)
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE entitlement_keys AS
		SELECT rid, ro, (row_number() OVER (ORDER BY rid, ro) - 1)::INTEGER AS ekey
		FROM (SELECT %s AS rid, %s AS ro FROM %s GROUP BY ALL) WHERE rid IS NOT NULL`,
		f.col("resourceId"), role, f.table)); err != nil {
		return err
	}
	known, resJoin := "true", ""
	if resources != nil {
		known = "r.id IS NOT NULL"
		resJoin = fmt.Sprintf("LEFT JOIN (SELECT DISTINCT %s AS id FROM %s) r ON r.id = a.rid", resources.col("id"), resources.table)
	}
	_, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE assignment_keys AS
		SELECT a.rec, a.uid IS NULL AS no_user, a.rid IS NULL AS no_resource, u.user_key, e.ekey, %s AS known_resource
		FROM (SELECT rowid AS rec, %s AS uid, %s AS rid, %s AS ro FROM %s) a
		LEFT JOIN (SELECT rowid::INTEGER AS user_key, %s AS id FROM %s) u ON u.id = a.uid
		LEFT JOIN entitlement_keys e ON e.rid = a.rid AND e.ro = a.ro
		%s`,
		known, f.col("userId"), f.col("resourceId"), role, f.table, users.col("id"), users.table, resJoin))
	return err
}

func validateAssignments(ctx context.Context, conn *sql.Conn, f, users, resources *stagedFile) error {
	if err := keyAssignments(ctx, conn, f, users, resources); err != nil {
		return err
	}
	var emptyUser, emptyRes, unknownUser, unknownRes sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT
		min(rec) FILTER (WHERE no_user),
		min(rec) FILTER (WHERE no_resource),
		min(rec) FILTER (WHERE NOT no_user AND user_key IS NULL),
		min(rec) FILTER (WHERE NOT no_resource AND NOT known_resource)
		FROM assignment_keys`).Scan(&emptyUser, &emptyRes, &unknownUser, &unknownRes); err != nil {
		return err
	}
	value := func(rec int64, col string) string {
		var v sql.NullString
		conn.QueryRowContext(ctx, `SELECT `+f.col(col)+` FROM `+f.table+` WHERE rowid = ?`, rec).Scan(&v)
		return v.String
	}
	switch {
	case emptyUser.Valid:
		return recordError(f, emptyUser.Int64, "userId", "empty userId")
	case emptyRes.Valid:
		return recordError(f, emptyRes.Int64, "resourceId", "empty resourceId")
	case unknownUser.Valid:
		return recordError(f, unknownUser.Int64, "userId",
			fmt.Sprintf("unknown user %q (not in %s)", value(unknownUser.Int64, "userId"), filepath.Base(users.path)))
	case unknownRes.Valid:
		return recordError(f, unknownRes.Int64, "resourceId",
			fmt.Sprintf("unknown resource %q (not in %s)", value(unknownRes.Int64, "resourceId"), filepath.Base(resources.path)))
	}
	return nil
}

// duplicate reports the second record whose key equals an earlier one's.
func duplicate(ctx context.Context, conn *sql.Conn, f *stagedFile, key, field string) error {
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
	first, _ := recordLine(f.path, f.format, prev)
	return recordError(f, rid, field, fmt.Sprintf("duplicate %s %q (first at %d)", field, k, first))
}

// writeSnapshot copies the staged, validated files into a new snapshot in
// one transaction.
func (s *Store) writeSnapshot(ctx context.Context, conn *sql.Conn, source, detail string, users, resources, assignments *stagedFile) (snap tenant.Snapshot, err error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return snap, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			if ctx.Err() != nil {
				err = fmt.Errorf("ingest cancelled, nothing written: %w", ctx.Err())
			}
		}
	}()
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT nextval('snapshot_seq')`).Scan(&id); err != nil {
		return snap, err
	}
	exec := func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	// Users, in file order; user_key is the 0-based position.
	var cols []string
	for _, c := range userColumns {
		expr := users.col(c.name)
		if c.name == "accountEnabled" {
			expr = fmt.Sprintf("CASE WHEN %s IS NULL THEN NULL ELSE lower(%s) IN ('true', '1', 'yes', 't', 'y') END", expr, expr)
		}
		cols = append(cols, expr)
	}
	// A freshly created temporary table numbers its rows 0..n-1 in insertion
	// (file) order, so rowid is the key.
	if err := exec(fmt.Sprintf(`INSERT INTO users SELECT ?, rowid::INTEGER, %s FROM %s`,
		strings.Join(cols, ", "), users.table), id); err != nil {
		return snap, err
	}
	// Extra user columns become attributes.
	for _, name := range users.order {
		if slices.ContainsFunc(userColumns, func(c column) bool { return strings.EqualFold(c.name, name) }) {
			continue
		}
		if err := exec(fmt.Sprintf(`INSERT INTO user_attributes SELECT ?, k, ?, v
			FROM (SELECT rowid::INTEGER AS k, %s AS v FROM %s) WHERE v IS NOT NULL`, users.col(name), users.table), id, name); err != nil {
			return snap, err
		}
	}
	// Resources: from the resources file, plus any resource that only the
	// assignments name (type unknown).
	if resources != nil {
		if err := exec(fmt.Sprintf(`INSERT INTO resources SELECT ?, %s, lower(%s), %s FROM %s`,
			resources.col("id"), resources.col("type"), resources.col("displayName"), resources.table), id); err != nil {
			return snap, err
		}
	} else {
		if err := exec(`INSERT INTO resources SELECT DISTINCT ?, rid, 'unknown', NULL FROM entitlement_keys`, id); err != nil {
			return snap, err
		}
	}
	if err := exec(`INSERT INTO entitlements SELECT ?, ekey, rid, ro FROM entitlement_keys`, id); err != nil {
		return snap, err
	}
	if err := exec(`INSERT INTO assignments SELECT DISTINCT ?, user_key, ekey FROM assignment_keys`, id); err != nil {
		return snap, err
	}
	if err := exec(`INSERT INTO snapshots VALUES ($1, $2, $3, $4,
		(SELECT count(*) FROM users WHERE snapshot_id = $1),
		(SELECT count(*) FROM resources WHERE snapshot_id = $1),
		(SELECT count(*) FROM entitlements WHERE snapshot_id = $1),
		(SELECT count(*) FROM assignments WHERE snapshot_id = $1))`, id, source, detail, s.now().UTC()); err != nil {
		return snap, err
	}
	if s.beforeCommit != nil {
		if err := s.beforeCommit(ctx); err != nil {
			return snap, err
		}
	}
	if err := ctx.Err(); err != nil {
		return snap, err
	}
	if err := tx.Commit(); err != nil {
		return snap, err
	}
	return s.Snapshot(ctx, id)
}

func isTSV(path string) bool { return strings.Contains(strings.ToLower(filepath.Base(path)), ".tsv") }

// readHeader reads and checks the header line of a CSV file.
func readHeader(path string, comma rune) ([]string, error) {
	if strings.HasSuffix(path, ".gz") || strings.HasSuffix(path, ".zst") {
		return nil, &tenant.InputError{File: path, Msg: "compressed CSV is not supported: decompress it first"}
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, &tenant.InputError{File: path, Msg: err.Error()}
	}
	defer fh.Close()
	br := bufio.NewReader(fh)
	head, _ := br.Peek(64 << 10)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	if !utf8.Valid(head) || bytes.IndexByte(head, 0) >= 0 {
		return nil, &tenant.InputError{File: path, Line: 1, Msg: "not a UTF-8 text CSV file (invalid byte sequence in the header)"}
	}
	r := csv.NewReader(br)
	r.Comma = comma
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		msg := err.Error()
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			msg = pe.Err.Error()
		}
		return nil, &tenant.InputError{File: path, Line: 1, Msg: "not a CSV header: " + msg}
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff") // byte order mark
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			return nil, &tenant.InputError{File: path, Line: 1, Msg: fmt.Sprintf("column %d has no name in the header", i+1)}
		}
		if seen[strings.ToLower(h)] {
			return nil, &tenant.InputError{File: path, Line: 1, Field: h, Msg: "column appears twice in the header"}
		}
		seen[strings.ToLower(h)] = true
		header[i] = h
	}
	return header, nil
}

// badJSONLine finds the first line of a JSONL file that is not a JSON
// object. Only the error path calls it.
func badJSONLine(path string) (int, string, bool) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, "", false
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err != nil {
			return line, err.Error(), true
		}
	}
	return 0, "", false
}
