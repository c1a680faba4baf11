package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/marcboeker/go-duckdb"

	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// inTx runs f on a dedicated connection inside one transaction, which it
// commits when f succeeds and rolls back otherwise.
func (s *Store) inTx(ctx context.Context, f func(*sql.Conn) error) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return s.inConnTx(ctx, conn, f)
}

// inConnTx runs f in a transaction on conn, committed if f succeeds and
// ctx is not cancelled by then (after beforeCommit, when tests set it),
// rolled back otherwise. The transaction is begun with a statement, not
// database/sql's BeginTx: that one rolls a cancelled transaction back on
// its own, racing the rollback here, and closes the connection (whose
// temporary tables an ingest still needs to drop).
func (s *Store) inConnTx(ctx context.Context, conn *sql.Conn, f func(*sql.Conn) error) (err error) {
	if _, err := conn.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		}
	}()
	if err := f(conn); err != nil {
		return err
	}
	if s.beforeCommit != nil {
		if err := s.beforeCommit(ctx); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `COMMIT`)
	return err
}

// appendRows bulk-loads rows into table through DuckDB's Appender.
func appendRows(conn *sql.Conn, table string, n int, row func(i int) []driver.Value) error {
	return rawConn(conn, func(dc driver.Conn) error {
		app, err := duckdb.NewAppenderFromConn(dc, "", table)
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			if err := app.AppendRow(row(i)...); err != nil {
				app.Close()
				return fmt.Errorf("append to %s: %w", table, err)
			}
		}
		return app.Close()
	})
}

// insertArrow inserts into table one row per element of cols (arrays of
// the same length, named names), each with run id runID, through a view
// of them as an Arrow record; it releases cols.
func insertArrow(ctx context.Context, conn *sql.Conn, table string, runID int64, names []string, cols ...arrow.Array) error {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		defer c.Release()
		fields[i] = arrow.Field{Name: names[i], Type: c.DataType()}
	}
	schema := arrow.NewSchema(fields, nil)
	rec := array.NewRecord(schema, cols, int64(cols[0].Len()))
	defer rec.Release()
	reader, err := array.NewRecordReader(schema, []arrow.Record{rec})
	if err != nil {
		return err
	}
	defer reader.Release()
	view := "arrow_" + table
	var release func()
	if err := rawConn(conn, func(dc driver.Conn) error {
		ar, err := duckdb.NewArrowFromConn(dc)
		if err != nil {
			return err
		}
		release, err = ar.RegisterView(reader, view)
		return err
	}); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	defer release()
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP VIEW IF EXISTS `+view)
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s (run_id, %s) SELECT ?, %s FROM %s`,
		table, strings.Join(names, ", "), strings.Join(names, ", "), view), runID); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return nil
}

// SaveRun records a mining run and its packages, and sets run.ID.
func (s *Store) SaveRun(ctx context.Context, run *tenant.Run) error {
	params, err := json.Marshal(run.Params)
	if err != nil {
		return err
	}
	// The rows it writes: the packages, their members and entitlements.
	rows := len(run.Packages)
	for _, p := range run.Packages {
		rows += len(p.Members) + len(p.Entitlements)
	}
	defer mining.StartStage(s.Progress, "save run")(rows, "rows")
	return s.inTx(ctx, func(conn *sql.Conn) error {
		if err := conn.QueryRowContext(ctx, `SELECT nextval('run_seq')`).Scan(&run.ID); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO mining_runs VALUES (?, ?, ?, ?, ?, ?, ?)`,
			run.ID, run.SnapshotID, s.now().UTC(), run.Method, string(params), len(run.Packages), run.Seconds); err != nil {
			return err
		}
		conds := make([]string, len(run.Packages))
		for i, p := range run.Packages {
			c, err := json.Marshal(p.Conditions)
			if err != nil {
				return err
			}
			conds[i] = string(c)
		}
		// Appended, not inserted one by one: a thousand packages took a
		// second that way.
		if err := appendRows(conn, "packages", len(run.Packages), func(i int) []driver.Value {
			p := &run.Packages[i]
			m := p.Metrics
			return []driver.Value{run.ID, p.ID, int32(i), p.Name, string(p.Kind), p.Rule, p.Automatic, int32(m.Members), int32(m.Entitlements), int32(m.RuleUsers),
				m.Coverage, int32(m.MembersGaining), int32(m.GrantsAdded), m.MinPrevalence, m.MeanPrevalence, conds[i],
				m.RulePrecision, m.RuleRecall, nullString(p.DirectReason)}
		}); err != nil {
			return err
		}
		// The members (a million and more) and the entitlements go in as
		// Arrow records: the appender took a value at a time.
		mem := memory.NewGoAllocator()
		pkgIDs, userIDs := array.NewStringBuilder(mem), array.NewStringBuilder(mem)
		defer pkgIDs.Release()
		defer userIDs.Release()
		for _, p := range run.Packages {
			for _, u := range p.Members {
				pkgIDs.Append(p.ID)
				userIDs.Append(u)
			}
		}
		if err := insertArrow(ctx, conn, "package_members", run.ID, []string{"package_id", "user_id"}, pkgIDs.NewArray(), userIDs.NewArray()); err != nil {
			return err
		}
		resIDs, roles, prevs := array.NewStringBuilder(mem), array.NewStringBuilder(mem), array.NewFloat64Builder(mem)
		defer resIDs.Release()
		defer roles.Release()
		defer prevs.Release()
		for _, p := range run.Packages {
			for _, e := range p.Entitlements {
				pkgIDs.Append(p.ID)
				resIDs.Append(e.ResourceID)
				roles.Append(e.Role)
				prevs.Append(e.Prevalence)
			}
		}
		return insertArrow(ctx, conn, "package_entitlements", run.ID, []string{"package_id", "resource_id", "role", "prevalence"},
			pkgIDs.NewArray(), resIDs.NewArray(), roles.NewArray(), prevs.NewArray())
	})
}

// RunInfo describes one mining run without its packages.
type RunInfo struct {
	ID         int64            `json:"runId"`
	SnapshotID int64            `json:"snapshotId"`
	CreatedAt  time.Time        `json:"createdAt"`
	Method     string           `json:"method"`
	Params     tenant.RunParams `json:"params"`
	Packages   int              `json:"packages"`
	Seconds    float64          `json:"seconds"`
}

// Runs lists the mining runs, newest first.
func (s *Store) Runs(ctx context.Context) ([]RunInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT run_id, snapshot_id, created_at, method, params, packages, seconds FROM mining_runs ORDER BY run_id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	runs := []RunInfo{}
	for rows.Next() {
		var r RunInfo
		var params string
		if err := rows.Scan(&r.ID, &r.SnapshotID, &r.CreatedAt, &r.Method, &params, &r.Packages, &r.Seconds); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(params), &r.Params); err != nil {
			return nil, fmt.Errorf("mining run %d: parameters: %w", r.ID, err)
		}
		runs = append(runs, r)
	}
	return runs, rows.Err()
}

// LatestRun returns the newest mining run of a snapshot with its packages,
// or ErrNoRun. Entitlement names and types come from the snapshot.
func (s *Store) LatestRun(ctx context.Context, snapshotID int64) (*tenant.Run, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT run_id FROM mining_runs WHERE snapshot_id = ? ORDER BY run_id DESC LIMIT 1`, snapshotID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoRun
	}
	if err != nil {
		return nil, err
	}
	return s.Run(ctx, id)
}

// Run returns a mining run with its packages. Entitlement names and types
// come from the run's snapshot.
func (s *Store) Run(ctx context.Context, id int64) (*tenant.Run, error) {
	run := &tenant.Run{}
	var params string
	err := s.db.QueryRowContext(ctx, `SELECT run_id, snapshot_id, method, params, seconds FROM mining_runs WHERE run_id = ?`, id).
		Scan(&run.ID, &run.SnapshotID, &run.Method, &params, &run.Seconds)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("no mining run %d in the database (see 'rolemine runs')", id)
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(params), &run.Params); err != nil {
		return nil, fmt.Errorf("mining run %d: parameters: %w", id, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT package_id, name, kind, coalesce(rule, ''), automatic, members, entitlements, rule_users,
		coverage, members_gaining, grants_added, min_prevalence, mean_prevalence, conditions,
		coalesce(rule_precision, 0), coalesce(rule_recall, 0), coalesce(direct_reason, '')
		FROM packages WHERE run_id = ? ORDER BY ordinal`, run.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	index := map[string]int{}
	for rows.Next() {
		var p tenant.Package
		var m tenant.Metrics
		var conds string
		if err := rows.Scan(&p.ID, &p.Name, &p.Kind, &p.Rule, &p.Automatic, &m.Members, &m.Entitlements, &m.RuleUsers,
			&m.Coverage, &m.MembersGaining, &m.GrantsAdded, &m.MinPrevalence, &m.MeanPrevalence, &conds,
			&m.RulePrecision, &m.RuleRecall, &p.DirectReason); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(conds), &p.Conditions); err != nil {
			return nil, fmt.Errorf("package %s: conditions: %w", p.ID, err)
		}
		p.Metrics = m
		index[p.ID] = len(run.Packages)
		run.Packages = append(run.Packages, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	mrows, err := s.db.QueryContext(ctx, `SELECT package_id, user_id FROM package_members WHERE run_id = ? ORDER BY package_id, user_id`, run.ID)
	if err != nil {
		return nil, err
	}
	defer mrows.Close()
	for mrows.Next() {
		var pid, uid string
		if err := mrows.Scan(&pid, &uid); err != nil {
			return nil, err
		}
		p := &run.Packages[index[pid]]
		p.Members = append(p.Members, uid)
	}
	if err := mrows.Err(); err != nil {
		return nil, err
	}
	erows, err := s.db.QueryContext(ctx, `SELECT pe.package_id, pe.resource_id, pe.role, coalesce(r.type, 'unknown'), coalesce(r.display_name, pe.resource_id), pe.prevalence
		FROM package_entitlements pe
		JOIN mining_runs m ON m.run_id = pe.run_id
		LEFT JOIN resources r ON r.snapshot_id = m.snapshot_id AND r.id = pe.resource_id
		WHERE pe.run_id = ? ORDER BY pe.package_id, coalesce(r.display_name, pe.resource_id), pe.resource_id, pe.role`, run.ID)
	if err != nil {
		return nil, err
	}
	defer erows.Close()
	for erows.Next() {
		var pid string
		var e tenant.PackageEntitlement
		if err := erows.Scan(&pid, &e.ResourceID, &e.Role, &e.ResourceType, &e.ResourceName, &e.Prevalence); err != nil {
			return nil, err
		}
		p := &run.Packages[index[pid]]
		p.Entitlements = append(p.Entitlements, e)
	}
	if err := erows.Err(); err != nil {
		return nil, err
	}
	for i := range run.Packages {
		run.Packages[i].Description = tenant.Describe(run.Packages[i])
	}
	return run, nil
}

// Finding is one row of a report, as the findings table stores it.
type Finding struct {
	Kind           string
	UserID         string
	ResourceID     string
	Role           string
	PackageID      string
	Rule           string
	Severity       string
	PeerGroup      string
	PeerPrevalence float64
	Score          float64
	Reason         string
}

// SaveReport records a report and its findings; it returns the report id.
func (s *Store) SaveReport(ctx context.Context, snapshotID, runID int64, kind, params string, findings []Finding) (int64, error) {
	var id int64
	defer mining.StartStage(s.Progress, "save report")(len(findings), "rows")
	err := s.inTx(ctx, func(conn *sql.Conn) error {
		if err := conn.QueryRowContext(ctx, `SELECT nextval('report_seq')`).Scan(&id); err != nil {
			return err
		}
		var run any
		if runID > 0 {
			run = runID
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?)`, id, run, snapshotID, kind, s.now().UTC(), params); err != nil {
			return err
		}
		nullable := func(s string) driver.Value {
			if s == "" {
				return nil
			}
			return s
		}
		return appendRows(conn, "findings", len(findings), func(i int) []driver.Value {
			f := findings[i]
			return []driver.Value{id, f.Kind, nullable(f.UserID), nullable(f.ResourceID), nullable(f.Role), nullable(f.PackageID),
				nullable(f.Rule), nullable(f.Severity), nullable(f.PeerGroup), f.PeerPrevalence, f.Score, f.Reason}
		})
	})
	return id, err
}

// nullString stores an empty string as NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
