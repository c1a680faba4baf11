package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/marcboeker/go-duckdb"

	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

const snapshotCols = `snapshot_id, source, coalesce(detail, ''), created_at, users, resources, entitlements, assignments`

func scanSnapshot(row interface{ Scan(...any) error }) (tenant.Snapshot, error) {
	var s tenant.Snapshot
	err := row.Scan(&s.ID, &s.Source, &s.Detail, &s.CreatedAt, &s.Users, &s.Resources, &s.Entitlements, &s.Assignments)
	return s, err
}

// Snapshot returns the snapshot with the given id.
func (s *Store) Snapshot(ctx context.Context, id int64) (tenant.Snapshot, error) {
	snap, err := scanSnapshot(s.db.QueryRowContext(ctx, `SELECT `+snapshotCols+` FROM snapshots WHERE snapshot_id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return snap, fmt.Errorf("no snapshot %d in the database", id)
	}
	return snap, err
}

// Latest returns the newest snapshot, or ErrNoSnapshot.
func (s *Store) Latest(ctx context.Context) (tenant.Snapshot, error) {
	snap, err := scanSnapshot(s.db.QueryRowContext(ctx, `SELECT `+snapshotCols+` FROM snapshots ORDER BY snapshot_id DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return snap, ErrNoSnapshot
	}
	return snap, err
}

// Snapshots lists all snapshots, oldest first.
func (s *Store) Snapshots(ctx context.Context) ([]tenant.Snapshot, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+snapshotCols+` FROM snapshots ORDER BY snapshot_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenant.Snapshot
	for rows.Next() {
		snap, err := scanSnapshot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, snap)
	}
	return out, rows.Err()
}

// Resolve returns the snapshot with the given id, or the latest when id is 0.
func (s *Store) Resolve(ctx context.Context, id int64) (tenant.Snapshot, error) {
	if id == 0 {
		return s.Latest(ctx)
	}
	return s.Snapshot(ctx, id)
}

// Attribute names loaded for every user, as Graph names them.
var loadedAttributes = []struct{ name, col string }{
	{"jobTitle", "job_title"},
	{"department", "department"},
	{"companyName", "company_name"},
	{"employeeType", "employee_type"},
	{"userType", "user_type"},
}

// Load reads a snapshot into memory for mining and reporting, streaming the
// tables out of DuckDB as Arrow record batches.
func (s *Store) Load(ctx context.Context, snap tenant.Snapshot) (*tenant.Data, error) {
	done := mining.StartStage(s.Progress, "load snapshot")
	data, err := s.load(ctx, snap)
	if err == nil {
		done(int(snap.Assignments), "rows")
	}
	return data, err
}

func (s *Store) load(ctx context.Context, snap tenant.Snapshot) (*tenant.Data, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	data := &tenant.Data{Snapshot: snap, Resources: map[string]tenant.Resource{}}
	nu, ne := int(snap.Users), int(snap.Entitlements)
	b := mining.NewCSRBuilder(nu, ne, int(snap.Assignments))
	attrs := make([]*attrColumn, len(loadedAttributes))
	for i, a := range loadedAttributes {
		attrs[i] = newAttrColumn(a.name, nu)
	}
	data.UserIDs = make([]string, nu)
	var managerIDs []string // by user, when any user has a manager
	data.UPNs = make([]string, nu)
	data.Kinds = make([]tenant.AccountKind, nu)
	err = rawConn(conn, func(dc driver.Conn) error {
		ar, err := duckdb.NewArrowFromConn(dc)
		if err != nil {
			return err
		}
		// Users.
		q := `SELECT user_key, id, coalesce(user_principal_name, ''), coalesce(display_name, ''), coalesce(account_enabled, true)`
		for _, a := range loadedAttributes {
			q += ", coalesce(" + a.col + ", '')"
		}
		q += `, coalesce(manager_id, '') FROM users WHERE snapshot_id = ?`
		if err := eachRecord(ctx, ar, q, []any{snap.ID}, func(rec arrow.Record) error {
			keys := rec.Column(0).(*array.Int32)
			ids := rec.Column(1).(*array.String)
			upns := rec.Column(2).(*array.String)
			names := rec.Column(3).(*array.String)
			enabled := rec.Column(4).(*array.Boolean)
			cols := make([]*array.String, len(attrs))
			byName := map[string]*array.String{}
			for i := range attrs {
				cols[i] = rec.Column(5 + i).(*array.String)
				byName[loadedAttributes[i].name] = cols[i]
			}
			managers := rec.Column(5 + len(attrs)).(*array.String)
			// The account kind reads its columns by name.
			userType, employeeType := byName["userType"], byName["employeeType"]
			for r := 0; r < int(rec.NumRows()); r++ {
				u := int(keys.Value(r))
				if u < 0 || u >= nu {
					return fmt.Errorf("user key %d out of range", u)
				}
				data.UserIDs[u] = strings.Clone(ids.Value(r))
				data.UPNs[u] = strings.Clone(upns.Value(r))
				for i, a := range attrs {
					a.set(u, cols[i].Value(r))
				}
				data.Kinds[u] = tenant.Classify(enabled.Value(r), userType.Value(r), employeeType.Value(r), upns.Value(r), names.Value(r))
				if m := managers.Value(r); m != "" {
					if managerIDs == nil {
						managerIDs = make([]string, nu)
					}
					managerIDs[u] = strings.Clone(m)
				}
			}
			return nil
		}); err != nil {
			return fmt.Errorf("load users: %w", err)
		}
		// Extra attributes.
		extra := map[string]*attrColumn{}
		var extraOrder []string
		if err := eachRecord(ctx, ar, `SELECT user_key, name, value FROM user_attributes WHERE snapshot_id = ? ORDER BY name, user_key`, []any{snap.ID}, func(rec arrow.Record) error {
			keys := rec.Column(0).(*array.Int32)
			names := rec.Column(1).(*array.String)
			vals := rec.Column(2).(*array.String)
			for r := 0; r < int(rec.NumRows()); r++ {
				name := names.Value(r)
				a, ok := extra[name]
				if !ok {
					name = strings.Clone(name)
				}
				if !ok {
					a = newAttrColumn(name, nu)
					extra[name] = a
					extraOrder = append(extraOrder, name)
				}
				a.set(int(keys.Value(r)), vals.Value(r))
			}
			return nil
		}); err != nil {
			return fmt.Errorf("load user attributes: %w", err)
		}
		for _, name := range extraOrder {
			attrs = append(attrs, extra[name])
		}
		// Entitlements.
		data.Entitlements = make([]tenant.Entitlement, ne)
		if err := eachRecord(ctx, ar, `SELECT entitlement_key, resource_id, role FROM entitlements WHERE snapshot_id = ?`, []any{snap.ID}, func(rec arrow.Record) error {
			keys := rec.Column(0).(*array.Int32)
			res := rec.Column(1).(*array.String)
			roles := rec.Column(2).(*array.String)
			for r := 0; r < int(rec.NumRows()); r++ {
				e := int(keys.Value(r))
				if e < 0 || e >= ne {
					return fmt.Errorf("entitlement key %d out of range", e)
				}
				data.Entitlements[e] = tenant.Entitlement{ResourceID: strings.Clone(res.Value(r)), Role: strings.Clone(roles.Value(r))}
			}
			return nil
		}); err != nil {
			return fmt.Errorf("load entitlements: %w", err)
		}
		// Resources.
		if err := eachRecord(ctx, ar, `SELECT id, type, coalesce(display_name, '') FROM resources WHERE snapshot_id = ?`, []any{snap.ID}, func(rec arrow.Record) error {
			ids := rec.Column(0).(*array.String)
			types := rec.Column(1).(*array.String)
			names := rec.Column(2).(*array.String)
			for r := 0; r < int(rec.NumRows()); r++ {
				id := strings.Clone(ids.Value(r))
				data.Resources[id] = tenant.Resource{ID: id, Type: strings.Clone(types.Value(r)), DisplayName: strings.Clone(names.Value(r))}
			}
			return nil
		}); err != nil {
			return fmt.Errorf("load resources: %w", err)
		}
		// Assignments.
		if err := eachRecord(ctx, ar, `SELECT user_key, entitlement_key FROM assignments WHERE snapshot_id = ?`, []any{snap.ID}, func(rec arrow.Record) error {
			us := rec.Column(0).(*array.Int32).Int32Values()
			es := rec.Column(1).(*array.Int32).Int32Values()
			return b.Add(us, es)
		}); err != nil {
			return fmt.Errorf("load assignments: %w", err)
		}
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	ds, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("load assignments: %w", err)
	}
	for _, a := range attrs {
		ds.Attributes = append(ds.Attributes, a.attribute())
	}
	ds.Eligible, ds.Guest = make([]bool, nu), make([]bool, nu)
	for u, k := range data.Kinds {
		ds.Eligible[u] = k == tenant.Member
		ds.Guest[u] = k == tenant.Guest
	}
	data.Dataset = ds
	if managerIDs != nil {
		ds.Managers = make([]int32, nu)
		for u, id := range managerIDs {
			ds.Managers[u] = -1
			if m, ok := data.UserIndex(id); ok && id != "" && int(m) != u {
				ds.Managers[u] = m
			}
		}
	}
	return data, nil
}

// eachRecord runs an Arrow query and calls f for every record batch. The
// record, and every string read from it, is only valid during the call:
// strings kept must be cloned.
func eachRecord(ctx context.Context, ar *duckdb.Arrow, q string, args []any, f func(arrow.Record) error) error {
	rdr, err := ar.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rdr.Release()
	for rdr.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := f(rdr.Record()); err != nil {
			return err
		}
	}
	return rdr.Err()
}

// attrColumn dictionary-encodes one attribute while loading.
type attrColumn struct {
	name  string
	index map[string]uint32
	vals  []string
	codes []uint32
}

func newAttrColumn(name string, n int) *attrColumn {
	return &attrColumn{name: name, index: map[string]uint32{"": 0}, vals: []string{""}, codes: make([]uint32, n)}
}

func (a *attrColumn) set(u int, v string) {
	c, ok := a.index[v]
	if !ok {
		v = strings.Clone(v) // Arrow strings alias buffers that are released
		c = uint32(len(a.vals))
		a.index[v] = c
		a.vals = append(a.vals, v)
	}
	a.codes[u] = c
}

func (a *attrColumn) attribute() mining.Attribute {
	return mining.Attribute{Name: a.name, Values: a.vals, Codes: a.codes}
}
