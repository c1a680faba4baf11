package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"maps"
	"slices"

	"github.com/rolemine/rolemine/tenant"
)

// WriteDirectory stores a directory read from a source as a new snapshot,
// in one transaction, through DuckDB's Appender. Users keep their order;
// duplicate assignments are merged. A user without an id, two users with
// one id, a resource of unknown type, or an assignment that names a user
// or resource the directory does not hold is refused and nothing is
// written.
func (s *Store) WriteDirectory(ctx context.Context, source, detail string, dir *tenant.Directory) (tenant.Snapshot, error) {
	users := make(map[string]int32, len(dir.Users))
	for i, u := range dir.Users {
		if u.ID == "" {
			return tenant.Snapshot{}, fmt.Errorf("%s: user %d has no id", source, i+1)
		}
		if _, dup := users[u.ID]; dup {
			return tenant.Snapshot{}, fmt.Errorf("%s: two users have id %q", source, u.ID)
		}
		users[u.ID] = int32(i)
	}
	resources := make(map[string]bool, len(dir.Resources))
	for _, r := range dir.Resources {
		if r.ID == "" {
			return tenant.Snapshot{}, fmt.Errorf("%s: a resource has no id", source)
		}
		if resources[r.ID] {
			return tenant.Snapshot{}, fmt.Errorf("%s: two resources have id %q", source, r.ID)
		}
		if !slices.Contains(tenant.ResourceTypes, r.Type) {
			return tenant.Snapshot{}, fmt.Errorf("%s: resource %q has unknown type %q", source, r.ID, r.Type)
		}
		resources[r.ID] = true
	}
	// Entitlement keys in first-seen order; assignments deduplicated.
	entKeys := map[tenant.Entitlement]int32{}
	var ents []tenant.Entitlement
	type pair struct{ u, e int32 }
	seen := make(map[pair]bool, len(dir.Assignments))
	pairs := make([]pair, 0, len(dir.Assignments))
	for _, a := range dir.Assignments {
		u, ok := users[a.UserID]
		if !ok {
			return tenant.Snapshot{}, fmt.Errorf("%s: an assignment of %s on %s names a user the directory does not hold", source, a.Role, a.ResourceID)
		}
		if !resources[a.ResourceID] {
			return tenant.Snapshot{}, fmt.Errorf("%s: an assignment of user %s names resource %q, which the directory does not hold", source, a.UserID, a.ResourceID)
		}
		ent := tenant.Entitlement{ResourceID: a.ResourceID, Role: cmp.Or(a.Role, tenant.DefaultRole)}
		e, ok := entKeys[ent]
		if !ok {
			e = int32(len(ents))
			entKeys[ent] = e
			ents = append(ents, ent)
		}
		if p := (pair{u, e}); !seen[p] {
			seen[p] = true
			pairs = append(pairs, p)
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int { return cmp.Or(cmp.Compare(a.u, b.u), cmp.Compare(a.e, b.e)) })

	var id int64
	err := s.inTx(ctx, func(conn *sql.Conn) error {
		if err := conn.QueryRowContext(ctx, `SELECT nextval('snapshot_seq')`).Scan(&id); err != nil {
			return err
		}
		str := func(s string) driver.Value {
			if s == "" {
				return nil
			}
			return s
		}
		if err := appendRows(conn, "users", len(dir.Users), func(i int) []driver.Value {
			u := dir.Users[i]
			var enabled driver.Value
			if u.AccountEnabled != nil {
				enabled = *u.AccountEnabled
			}
			return []driver.Value{id, int32(i), u.ID, str(u.UserPrincipalName), str(u.DisplayName), str(u.JobTitle), str(u.Department),
				str(u.CompanyName), str(u.EmployeeType), enabled, str(u.UserType), str(u.ManagerID)}
		}); err != nil {
			return err
		}
		type attr struct {
			u           int32
			name, value string
		}
		var attrs []attr
		for i, u := range dir.Users {
			for _, k := range slices.Sorted(maps.Keys(u.Attributes)) {
				if v := u.Attributes[k]; v != "" {
					attrs = append(attrs, attr{int32(i), k, v})
				}
			}
		}
		if err := appendRows(conn, "user_attributes", len(attrs), func(i int) []driver.Value {
			return []driver.Value{id, attrs[i].u, attrs[i].name, attrs[i].value}
		}); err != nil {
			return err
		}
		if err := appendRows(conn, "resources", len(dir.Resources), func(i int) []driver.Value {
			r := dir.Resources[i]
			return []driver.Value{id, r.ID, r.Type, str(r.DisplayName)}
		}); err != nil {
			return err
		}
		if err := appendRows(conn, "entitlements", len(ents), func(i int) []driver.Value {
			return []driver.Value{id, int32(i), ents[i].ResourceID, ents[i].Role}
		}); err != nil {
			return err
		}
		if err := appendRows(conn, "assignments", len(pairs), func(i int) []driver.Value {
			return []driver.Value{id, pairs[i].u, pairs[i].e}
		}); err != nil {
			return err
		}
		keys := slices.Sorted(maps.Keys(dir.State))
		if err := appendRows(conn, "snapshot_state", len(keys), func(i int) []driver.Value {
			return []driver.Value{id, keys[i], dir.State[keys[i]]}
		}); err != nil {
			return err
		}
		if err := writeExistingPackages(conn, id, dir.Packages); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO snapshots VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			id, source, detail, s.now().UTC(), len(dir.Users), len(dir.Resources), len(ents), len(pairs)); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return tenant.Snapshot{}, fmt.Errorf("ingest cancelled, nothing written: %w", ctx.Err())
		}
		return tenant.Snapshot{}, err
	}
	return s.Snapshot(ctx, id)
}

func writeExistingPackages(conn *sql.Conn, id int64, pkgs []tenant.ExistingPackage) error {
	type row struct{ pkg, a, b string }
	var ents, assignees []row
	for _, p := range pkgs {
		for _, e := range p.Entitlements {
			ents = append(ents, row{p.ID, e.ResourceID, e.Role})
		}
		for _, u := range p.Assignees {
			assignees = append(assignees, row{p.ID, u, ""})
		}
	}
	if err := appendRows(conn, "existing_packages", len(pkgs), func(i int) []driver.Value {
		return []driver.Value{id, pkgs[i].ID, pkgs[i].DisplayName, pkgs[i].CatalogID}
	}); err != nil {
		return err
	}
	if err := appendRows(conn, "existing_package_entitlements", len(ents), func(i int) []driver.Value {
		return []driver.Value{id, ents[i].pkg, ents[i].a, ents[i].b}
	}); err != nil {
		return err
	}
	return appendRows(conn, "existing_package_assignments", len(assignees), func(i int) []driver.Value {
		return []driver.Value{id, assignees[i].pkg, assignees[i].a}
	})
}

// state returns the source state kept with a snapshot.
func (s *Store) state(ctx context.Context, snapshotID int64) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, value FROM snapshot_state WHERE snapshot_id = ?`, snapshotID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// ReadDirectory reads a snapshot back as a directory (users with their
// attributes, resources, assignments and state), for a source that builds
// the next snapshot from the changes since this one.
func (s *Store) ReadDirectory(ctx context.Context, snapshotID int64) (*tenant.Directory, error) {
	dir := &tenant.Directory{}
	var err error
	if dir.State, err = s.state(ctx, snapshotID); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, coalesce(user_principal_name, ''), coalesce(display_name, ''), coalesce(job_title, ''),
		coalesce(department, ''), coalesce(company_name, ''), coalesce(employee_type, ''), account_enabled, coalesce(user_type, ''), coalesce(manager_id, '')
		FROM users WHERE snapshot_id = ? ORDER BY user_key`, snapshotID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var u tenant.User
		var enabled sql.NullBool
		if err := rows.Scan(&u.ID, &u.UserPrincipalName, &u.DisplayName, &u.JobTitle, &u.Department, &u.CompanyName, &u.EmployeeType,
			&enabled, &u.UserType, &u.ManagerID); err != nil {
			rows.Close()
			return nil, err
		}
		if enabled.Valid {
			u.AccountEnabled = &enabled.Bool
		}
		dir.Users = append(dir.Users, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	attrs, err := s.db.QueryContext(ctx, `SELECT user_key, name, value FROM user_attributes WHERE snapshot_id = ? ORDER BY user_key, name`, snapshotID)
	if err != nil {
		return nil, err
	}
	for attrs.Next() {
		var k int
		var name, value string
		if err := attrs.Scan(&k, &name, &value); err != nil {
			attrs.Close()
			return nil, err
		}
		if dir.Users[k].Attributes == nil {
			dir.Users[k].Attributes = map[string]string{}
		}
		dir.Users[k].Attributes[name] = value
	}
	attrs.Close()
	res, err := s.db.QueryContext(ctx, `SELECT id, type, coalesce(display_name, '') FROM resources WHERE snapshot_id = ? ORDER BY id`, snapshotID)
	if err != nil {
		return nil, err
	}
	for res.Next() {
		var r tenant.Resource
		if err := res.Scan(&r.ID, &r.Type, &r.DisplayName); err != nil {
			res.Close()
			return nil, err
		}
		dir.Resources = append(dir.Resources, r)
	}
	res.Close()
	as, err := s.db.QueryContext(ctx, `SELECT u.id, e.resource_id, e.role FROM assignments a
		JOIN users u ON u.snapshot_id = a.snapshot_id AND u.user_key = a.user_key
		JOIN entitlements e ON e.snapshot_id = a.snapshot_id AND e.entitlement_key = a.entitlement_key
		WHERE a.snapshot_id = ? ORDER BY a.user_key, a.entitlement_key`, snapshotID)
	if err != nil {
		return nil, err
	}
	defer as.Close()
	for as.Next() {
		var a tenant.Assignment
		if err := as.Scan(&a.UserID, &a.ResourceID, &a.Role); err != nil {
			return nil, err
		}
		dir.Assignments = append(dir.Assignments, a)
	}
	return dir, as.Err()
}

// ExistingPackages returns the access packages a snapshot found in the
// tenant, with what they grant and who holds them, ordered by id.
func (s *Store) ExistingPackages(ctx context.Context, snapshotID int64) ([]tenant.ExistingPackage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT package_id, coalesce(display_name, ''), coalesce(catalog_id, '')
		FROM existing_packages WHERE snapshot_id = ? ORDER BY package_id`, snapshotID)
	if err != nil {
		return nil, err
	}
	var out []tenant.ExistingPackage
	index := map[string]int{}
	for rows.Next() {
		var p tenant.ExistingPackage
		if err := rows.Scan(&p.ID, &p.DisplayName, &p.CatalogID); err != nil {
			rows.Close()
			return nil, err
		}
		index[p.ID] = len(out)
		out = append(out, p)
	}
	rows.Close()
	ents, err := s.db.QueryContext(ctx, `SELECT package_id, resource_id, role FROM existing_package_entitlements
		WHERE snapshot_id = ? ORDER BY package_id, resource_id, role`, snapshotID)
	if err != nil {
		return nil, err
	}
	for ents.Next() {
		var id string
		var e tenant.Entitlement
		if err := ents.Scan(&id, &e.ResourceID, &e.Role); err != nil {
			ents.Close()
			return nil, err
		}
		if k, ok := index[id]; ok {
			out[k].Entitlements = append(out[k].Entitlements, e)
		}
	}
	ents.Close()
	as, err := s.db.QueryContext(ctx, `SELECT package_id, user_id FROM existing_package_assignments
		WHERE snapshot_id = ? ORDER BY package_id, user_id`, snapshotID)
	if err != nil {
		return nil, err
	}
	defer as.Close()
	for as.Next() {
		var id, user string
		if err := as.Scan(&id, &user); err != nil {
			return nil, err
		}
		if k, ok := index[id]; ok {
			out[k].Assignees = append(out[k].Assignees, user)
		}
	}
	return out, as.Err()
}
