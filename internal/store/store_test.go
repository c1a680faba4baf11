package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/ingest"
	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.duckdb"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func write(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

const goodUsers = "id,userPrincipalName,displayName,jobTitle,department,accountEnabled,officeLocation\n" +
	"u1,a@x.com,Ann,Payroll Clerk,Finance,true,Berlin\n" +
	"u2,b@x.com,\"Bob, Jr\",payroll  clerk,Finance,TRUE,\n" +
	"u3,c@x.com,Cy,Sr. Accountant,Finance,false,Paris\n"

const goodResources = "id,type,displayName\ng1,group,SG-Payroll\na1,application,SAP\n"

const goodAssignments = "userId,resourceId,role\nu1,g1,Member\nu2,g1,\nu2,a1,AP.Clerk\nu3,a1,AP.Clerk\nu3,a1,AP.Clerk\n"

func TestIngestAndLoad(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	dir := t.TempDir()
	snap, err := s.IngestFiles(ctx, ingest.FileSet{
		Users:       write(t, dir, "users.csv", goodUsers),
		Resources:   write(t, dir, "resources.csv", goodResources),
		Assignments: write(t, dir, "assignments.csv", goodAssignments),
	})
	require.NoError(t, err)
	require.Equal(t, int64(3), snap.Users)
	require.Equal(t, int64(2), snap.Resources)
	require.Equal(t, int64(2), snap.Entitlements)
	require.Equal(t, int64(4), snap.Assignments, "the duplicate assignment is stored once")

	data, err := s.Load(ctx, snap)
	require.NoError(t, err)
	require.NoError(t, data.Dataset.Validate())
	require.Equal(t, []string{"u1", "u2", "u3"}, data.UserIDs)
	require.Equal(t, []tenant.AccountKind{tenant.Member, tenant.Member, tenant.Disabled}, data.Kinds)
	require.Equal(t, "payroll  clerk", data.Attribute("jobTitle", 1))
	require.Equal(t, "Berlin", data.Attribute("officeLocation", 0), "extra columns are kept as attributes")
	require.Equal(t, "", data.Attribute("officeLocation", 1))
	u2, _ := data.UserIndex("u2")
	var held []tenant.Entitlement
	for _, e := range data.Dataset.Row(int(u2)) {
		held = append(held, data.Entitlements[e])
	}
	require.ElementsMatch(t, []tenant.Entitlement{{ResourceID: "g1", Role: "Member"}, {ResourceID: "a1", Role: "AP.Clerk"}}, held, "an empty role defaults to Member")
	require.Equal(t, "SAP", data.ResourceName("a1"))
}

func TestIngestFormats(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	dir := t.TempDir()
	users := write(t, dir, "users.jsonl", `{"id":"u1","jobTitle":"Clerk","accountEnabled":true}`+"\n\n"+`{"id":"u2","jobTitle":"Clerk","accountEnabled":false}`+"\n")
	asg := write(t, dir, "a.tsv", "userId\tresourceId\trole\nu1\tg1\tMember\nu2\tg1\tOwner\n")
	snap, err := s.IngestFiles(ctx, ingest.FileSet{Users: users, Assignments: asg})
	require.NoError(t, err)
	require.Equal(t, int64(2), snap.Users)
	require.Equal(t, int64(1), snap.Resources, "resources come from the assignments when no file names them")

	// Parquet written by DuckDB itself.
	pq := filepath.Join(dir, "users.parquet")
	_, err = s.db.ExecContext(ctx, `COPY (SELECT 'u'||i AS id, 'Clerk' AS jobTitle FROM range(1, 3) t(i)) TO `+quote(pq)+` (FORMAT parquet)`)
	require.NoError(t, err)
	snap2, err := s.IngestFiles(ctx, ingest.FileSet{Users: pq, Assignments: asg})
	require.NoError(t, err)
	require.Equal(t, snap.ID+1, snap2.ID)
	require.Equal(t, int64(2), snap2.Assignments)
}

func TestIngestBadInput(t *testing.T) {
	dir := t.TempDir()
	users := write(t, dir, "users.csv", goodUsers)
	res := write(t, dir, "resources.csv", goodResources)
	asg := write(t, dir, "assignments.csv", goodAssignments)
	bin := filepath.Join(dir, "binary.csv")
	blob := make([]byte, 512)
	for i := range blob {
		blob[i] = byte(i*7 + 3)
	}
	require.NoError(t, os.WriteFile(bin, blob, 0o644))

	cases := []struct {
		name  string
		files ingest.FileSet
		want  string // substring of the error
		line  int
		field string
	}{
		{"missing required column", ingest.FileSet{Users: write(t, dir, "nocol.csv", "userPrincipalName,jobTitle\na@x,Clerk\n"), Assignments: asg},
			"missing required column", 1, "id"},
		{"duplicate user id", ingest.FileSet{Users: write(t, dir, "dup.csv", "id,jobTitle\nu1,A\nu2,B\nu1,C\n"), Assignments: asg},
			`duplicate id "u1" (first at 2)`, 4, "id"},
		{"duplicate resource id", ingest.FileSet{Users: users, Resources: write(t, dir, "dupres.csv", "id,type\ng1,group\na1,application\ng1,site\n"), Assignments: asg},
			`duplicate id "g1"`, 4, "id"},
		{"unknown user", ingest.FileSet{Users: users, Assignments: write(t, dir, "unk.csv", "userId,resourceId,role\nu1,g1,Member\nu9,g1,Member\n")},
			`1 assignment names an unknown user (not in users.csv): "u9"`, 3, "userId"},
		{"unknown resource", ingest.FileSet{Users: users, Resources: res, Assignments: write(t, dir, "unkres.csv", "userId,resourceId\nu1,g1\nu2,zz\n")},
			`1 assignment names an unknown resource (not in resources.csv): "zz"`, 3, "resourceId"},
		{"wrong type", ingest.FileSet{Users: write(t, dir, "type.csv", "id,accountEnabled\nu1,true\nu2,maybe\n"), Assignments: asg},
			`"maybe" is not a boolean`, 3, "accountEnabled"},
		{"bad resource type", ingest.FileSet{Users: users, Resources: write(t, dir, "rtype.csv", "id,type\ng1,group\na1,robot\n"), Assignments: asg},
			`"robot" is not a resource type`, 3, "type"},
		{"empty file", ingest.FileSet{Users: write(t, dir, "empty.csv", ""), Assignments: asg}, "the file is empty", 0, ""},
		{"header only", ingest.FileSet{Users: users, Assignments: write(t, dir, "hdr.csv", "userId,resourceId,role\n")}, "no records", 0, ""},
		{"not a CSV", ingest.FileSet{Users: bin, Assignments: asg}, "not a text CSV file in UTF-8 or UTF-16", 2, ""},
		{"JSON in a CSV", ingest.FileSet{Users: write(t, dir, "json.csv", `{"id":"u1","jobTitle":"x"}`+"\n"), Assignments: asg},
			"not a CSV header", 1, ""},
		{"malformed JSONL", ingest.FileSet{Users: write(t, dir, "bad.jsonl", `{"id":"u1"}`+"\n"+`{"id": "u2", bad}`+"\n"), Assignments: asg},
			"malformed JSON", 2, ""},
		{"duplicate header column", ingest.FileSet{Users: write(t, dir, "duphdr.csv", "id,jobTitle,JobTitle\nu1,a,b\n"), Assignments: asg},
			"column appears twice", 1, "JobTitle"},
		{"too many fields", ingest.FileSet{Users: users, Assignments: write(t, dir, "wide.csv", "userId,resourceId,role\nu1,g1,Member\nu2,g1,Member,extra\n")},
			"too many columns", 3, ""},
		{"multi-line record before the error", ingest.FileSet{Users: write(t, dir, "multi.csv", "id,displayName\nu1,\"two\nlines\"\n,Nobody\n"), Assignments: asg},
			"empty id", 4, "id"},
		{"empty id in JSONL", ingest.FileSet{Users: write(t, dir, "u.jsonl", `{"id":"u1"}`+"\n\n"+`{"id":""}`+"\n"), Assignments: asg},
			"empty id", 3, "id"},
		{"unknown extension", ingest.FileSet{Users: write(t, dir, "users.xlsx", "x"), Assignments: asg}, "unknown file type", 0, ""},
		{"missing file", ingest.FileSet{Users: filepath.Join(dir, "nope.csv"), Assignments: asg}, "no such file", 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := openTemp(t)
			before, err := s.IngestFiles(ctx, ingest.FileSet{Users: users, Resources: res, Assignments: asg})
			require.NoError(t, err)

			_, err = s.IngestFiles(ctx, tc.files)
			require.Error(t, err)
			var ie *tenant.InputError
			require.True(t, errors.As(err, &ie), "want an InputError, got %T: %v", err, err)
			require.Contains(t, err.Error(), tc.want)
			require.Equal(t, tc.line, ie.Line, "line in %q", err)
			require.Equal(t, tc.field, ie.Field, "field in %q", err)
			require.True(t, strings.HasPrefix(err.Error(), ie.File), "the error names the file first: %q", err)

			// Nothing was written: the earlier snapshot is still the latest and
			// no table holds rows of another snapshot.
			latest, err := s.Latest(ctx)
			require.NoError(t, err)
			require.Equal(t, before, latest)
			for _, table := range []string{"users", "resources", "entitlements", "assignments", "user_attributes"} {
				var n int
				require.NoError(t, s.db.QueryRow(`SELECT count(*) FROM `+table+` WHERE snapshot_id <> ?`, before.ID).Scan(&n))
				require.Zero(t, n, table)
			}
		})
	}
}

// generatedFiles writes a generated tenant of users users into a
// temporary directory and returns its input files.
func generatedFiles(t *testing.T, users int, seed uint64) ingest.FileSet {
	t.Helper()
	dir := t.TempDir()
	_, err := tenantgen.Generate(tenantgen.DefaultConfig(users, seed), dir)
	require.NoError(t, err)
	return ingest.FileSet{
		Users:       filepath.Join(dir, tenantgen.UsersFile),
		Resources:   filepath.Join(dir, tenantgen.ResourcesFile),
		Assignments: filepath.Join(dir, tenantgen.AssignmentsFile),
	}
}

func TestIngestCancelledLeavesNothing(t *testing.T) {
	files := generatedFiles(t, 500, 3)
	s := openTemp(t)
	first, err := s.IngestFiles(context.Background(), files)
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	s.beforeCommit = func(context.Context) error { cancel(); return nil }
	s.memoryLimit = 0 // staged in a scratch database, which must go too
	_, err = s.IngestFiles(ctx, files)
	require.ErrorIs(t, err, context.Canceled)
	s.beforeCommit = nil

	snaps, err := s.Snapshots(context.Background())
	require.NoError(t, err)
	require.Equal(t, []tenant.Snapshot{first}, snaps)
	var n int
	require.NoError(t, s.db.QueryRow(`SELECT count(*) FROM assignments WHERE snapshot_id <> ?`, first.ID).Scan(&n))
	require.Zero(t, n)
	left, err := filepath.Glob(filepath.Join(filepath.Dir(s.path), ".*ingest*"))
	require.NoError(t, err)
	require.Empty(t, left, "the scratch database goes with the cancelled ingest")
	var attached int
	require.NoError(t, s.db.QueryRow(`SELECT count(*) FROM duckdb_databases() WHERE database_name LIKE 'ingest%'`).Scan(&attached))
	require.Zero(t, attached, "so does the database of the ids' types")

	// The database stays usable and the next ingest gets a fresh snapshot.
	next, err := s.IngestFiles(context.Background(), files)
	require.NoError(t, err)
	require.Equal(t, first.Assignments, next.Assignments)
}

// An ingest cancelled in any of its stages, as it starts or part-way
// through, fails as cancelled and leaves nothing: no snapshot, no scratch
// file, no attached database.
func TestIngestCancelledInEachStage(t *testing.T) {
	files := generatedFiles(t, 3000, 4)
	s := openTemp(t)
	first, err := s.IngestFiles(context.Background(), files)
	require.NoError(t, err)
	stages := []string{"read users.csv", "check users", "read resources.csv", "key ids", "read assignments.csv", "resolve ids", "write snapshot"}
	for _, stage := range stages {
		for _, after := range []time.Duration{0, 2 * time.Millisecond} {
			t.Run(fmt.Sprint(stage, " ", after), func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				s.memoryLimit = map[bool]int64{true: 0, false: 1 << 40}[after > 0]
				// However late the cancel, it comes before the commit.
				s.beforeCommit = func(ctx context.Context) error { <-ctx.Done(); return nil }
				started := false
				s.Progress = func(p mining.Progress) {
					if p.Stage == stage && p.Total == 0 {
						started = true
						time.AfterFunc(after, cancel)
					}
				}
				_, err := s.IngestFiles(ctx, files)
				require.True(t, started, "no stage %q", stage)
				require.ErrorIs(t, err, context.Canceled)
				require.ErrorContains(t, err, "ingest cancelled, nothing written")
				s.Progress, s.beforeCommit = nil, nil

				snaps, err := s.Snapshots(context.Background())
				require.NoError(t, err)
				require.Equal(t, []tenant.Snapshot{first}, snaps)
				left, err := filepath.Glob(filepath.Join(filepath.Dir(s.path), ".*ingest*"))
				require.NoError(t, err)
				require.Empty(t, left)
				var attached int
				require.NoError(t, s.db.QueryRow(`SELECT count(*) FROM duckdb_databases() WHERE database_name LIKE 'ingest%'`).Scan(&attached))
				require.Zero(t, attached)
			})
		}
	}
	next, err := s.IngestFiles(context.Background(), files)
	require.NoError(t, err)
	require.Equal(t, first.Assignments, next.Assignments)
}

// Staged in temporary tables (small files) or in a scratch database
// (large ones), the ids read as keys or as text: the same files make the
// same snapshot, for a plain tenant and one with teams, projects, offices,
// nested groups and one-off grants.
func TestIngestStagedEitherWay(t *testing.T) {
	realistic := t.TempDir()
	_, err := tenantgen.Generate(tenantgen.DefaultConfig(600, 6).Realistic(), realistic)
	require.NoError(t, err)
	for _, files := range []ingest.FileSet{generatedFiles(t, 800, 5), {
		Users:       filepath.Join(realistic, tenantgen.UsersFile),
		Resources:   filepath.Join(realistic, tenantgen.ResourcesFile),
		Assignments: filepath.Join(realistic, tenantgen.AssignmentsFile),
	}} {
		stagedEitherWay(t, files)
	}
}

func stagedEitherWay(t *testing.T, files ingest.FileSet) {
	t.Helper()
	var snaps []tenant.Snapshot
	var grants [][]string
	for _, way := range []struct {
		limit  int64
		asText bool
	}{{1 << 40, false}, {1 << 40, true}, {0, false}, {0, true}} {
		s := openTemp(t)
		s.memoryLimit, s.idsAsText = way.limit, way.asText
		snap, err := s.IngestFiles(context.Background(), files)
		require.NoError(t, err)
		snap.CreatedAt, snap.Detail = time.Time{}, ""
		snaps = append(snaps, snap)
		grants = append(grants, held(t, s, snap))
	}
	for i := 1; i < len(snaps); i++ {
		require.Equal(t, snaps[0], snaps[i])
		require.Equal(t, grants[0], grants[i])
	}
	require.Greater(t, len(grants[0]), 5000)
}

func TestMemoryBytes(t *testing.T) {
	for in, want := range map[string]int64{"4GB": 4e9, "512MB": 512e6, "1.5 GiB": 3 << 29, "2tb": 2e12, "100B": 100, "lots": 0, "": 0} {
		require.Equal(t, want, memoryBytes(in), in)
	}
}

func TestSaveAndLoadRun(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	snap, err := s.IngestFiles(ctx, generatedFiles(t, 400, 5))
	require.NoError(t, err)
	data, err := s.Load(ctx, snap)
	require.NoError(t, err)
	require.NoError(t, data.Dataset.Validate())
	res, err := mining.JobFunctions(ctx, data.Dataset, mining.DefaultOptions())
	require.NoError(t, err)
	run := &tenant.Run{SnapshotID: snap.ID, Method: "jobFunctions", Params: tenant.RunParams{By: []string{"jobTitle"}, Threshold: 0.8}, Packages: tenant.Packages(data, res, nil)}
	require.Greater(t, len(run.Packages), 1)
	run.Packages[0].DirectReason = "its members hold it directly" // and the others none (NULL)
	require.NoError(t, s.SaveRun(ctx, run))

	_, err = s.LatestRun(ctx, snap.ID+1)
	require.ErrorIs(t, err, ErrNoRun)
	got, err := s.LatestRun(ctx, snap.ID)
	require.NoError(t, err)
	require.Equal(t, "its members hold it directly", got.Packages[0].DirectReason)
	require.Empty(t, got.Packages[1].DirectReason)
	run.Packages[0].Description = got.Packages[0].Description // which loading words from the reason
	require.Equal(t, run, got)

	// A second run, of a package with no members, saves beside the first.
	lone := run.Packages[1]
	lone.Members = nil
	second := &tenant.Run{SnapshotID: snap.ID, Method: "jobFunctions", Packages: []tenant.Package{lone}}
	require.NoError(t, s.SaveRun(ctx, second))
	require.NotEqual(t, run.ID, second.ID)
	got, err = s.LatestRun(ctx, snap.ID)
	require.NoError(t, err)
	require.Len(t, got.Packages, 1)
	require.Empty(t, got.Packages[0].Members)
	first, err := s.Run(ctx, run.ID)
	require.NoError(t, err)
	require.Equal(t, run.Packages[1].Members, first.Packages[1].Members, "the first run's members are its own")

	// A save cancelled after its members and entitlements went in, just
	// before it commits, leaves none of them, and the next save works.
	cctx, cancel := context.WithCancel(ctx)
	s.beforeCommit = func(context.Context) error { cancel(); return nil }
	third := &tenant.Run{SnapshotID: snap.ID, Method: "jobFunctions", Packages: run.Packages}
	require.ErrorIs(t, s.SaveRun(cctx, third), context.Canceled)
	s.beforeCommit = nil
	var members int
	require.NoError(t, s.db.QueryRow(`SELECT count(*) FROM package_members WHERE run_id NOT IN (?, ?)`, run.ID, second.ID).Scan(&members))
	require.Zero(t, members)
	got, err = s.LatestRun(ctx, snap.ID)
	require.NoError(t, err)
	require.Equal(t, second.ID, got.ID)
	require.NoError(t, s.SaveRun(ctx, third))
	got, err = s.LatestRun(ctx, snap.ID)
	require.NoError(t, err)
	require.Equal(t, third.ID, got.ID)
	require.Len(t, got.Packages, len(run.Packages))
}

func TestSchemaVersion(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v.duckdb")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	var v int
	require.NoError(t, s.db.QueryRow(`SELECT max(version) FROM schema_version`).Scan(&v))
	require.Equal(t, SchemaVersion, v)
	require.NoError(t, s.Close())

	// Opening again migrates nothing and keeps the data.
	s, err = Open(ctx, path)
	require.NoError(t, err)
	var n int
	require.NoError(t, s.db.QueryRow(`SELECT count(*) FROM schema_version`).Scan(&n))
	require.Equal(t, SchemaVersion, n)
	// A file from a newer rolemine is refused rather than misread.
	_, err = s.db.Exec(`INSERT INTO schema_version VALUES (?, now())`, SchemaVersion+1)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = Open(ctx, path)
	require.ErrorContains(t, err, "newer than this rolemine")
}

// TestUpgradeKeepsRuns: a database written at schema version 2 (before the
// packages' rule fit was kept) opens at the current version with its runs,
// their rule fit unknown (zero).
func TestUpgradeKeepsRuns(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v2.duckdb")
	db, err := sql.Open("duckdb", path)
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)`)
	require.NoError(t, err)
	for v, m := range migrations[:2] {
		_, err = db.Exec(m)
		require.NoError(t, err)
		_, err = db.Exec(`INSERT INTO schema_version VALUES (?, now())`, v+1)
		require.NoError(t, err)
	}
	_, err = db.Exec(`INSERT INTO mining_runs VALUES (1, 1, now(), 'jobFunctions', '{}', 1, 0.1)`)
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO packages VALUES (1, 'clerk', 0, 'Clerk', 'jobFunction', '(user.jobTitle -eq "Clerk")', true, 0, 0, 0, 1, 0, 0, 1, 1, '[]')`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s, err := Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	run, err := s.LatestRun(ctx, 1)
	require.NoError(t, err)
	require.Len(t, run.Packages, 1)
	require.Equal(t, "Clerk", run.Packages[0].Name)
	require.Zero(t, run.Packages[0].Metrics.RulePrecision)
	var v int
	require.NoError(t, s.db.QueryRow(`SELECT max(version) FROM schema_version`).Scan(&v))
	require.Equal(t, SchemaVersion, v)
}

// Parquet files give the same snapshot as their CSV, whether the ids are
// read as keys or the file is read in place as text; errors are at the row
// of the file, and unknown users skipped on request.
func TestIngestParquetInPlace(t *testing.T) {
	ctx := context.Background()
	csv := generatedFiles(t, 300, 9)
	s := openTemp(t)
	toParquet := func(csvPath, extra string) string {
		pq := strings.TrimSuffix(csvPath, ".csv") + extra + ".parquet"
		_, err := s.db.ExecContext(ctx, `COPY (SELECT * FROM read_csv(`+quote(csvPath)+`, all_varchar=true)`+
			map[bool]string{true: ` UNION ALL SELECT 'nobody', 'g-x', 'Member'`, false: ``}[extra != ""]+`) TO `+quote(pq)+` (FORMAT parquet)`)
		require.NoError(t, err)
		return pq
	}
	pq := ingest.FileSet{Users: toParquet(csv.Users, ""), Resources: toParquet(csv.Resources, ""), Assignments: toParquet(csv.Assignments, "")}
	var snaps []tenant.Snapshot
	var grants [][]string
	for i, fs := range []ingest.FileSet{csv, pq, pq} {
		s.idsAsText = i == 2
		snap, err := s.IngestFiles(ctx, fs)
		require.NoError(t, err)
		grants = append(grants, held(t, s, snap))
		snap.ID, snap.CreatedAt, snap.Detail = 0, time.Time{}, ""
		snaps = append(snaps, snap)
	}
	for i := 1; i < len(snaps); i++ {
		require.Equal(t, snaps[0], snaps[i])
		require.Equal(t, grants[0], grants[i])
	}
	s.idsAsText = false

	// An assignment of an unknown user, as the file's last row.
	bad := pq
	bad.Assignments = toParquet(csv.Assignments, "-bad")
	_, err := s.IngestFiles(ctx, bad)
	var ie *tenant.InputError
	require.ErrorAs(t, err, &ie)
	require.Contains(t, ie.Msg, `unknown user (not in users.parquet): "nobody"`)
	require.True(t, ie.Row)
	require.Equal(t, int(snaps[0].Assignments)+1, ie.Line, "the last row, counted from 1")
	bad.SkipUnknown = true
	bad.Warn = func(string) {}
	snap, err := s.IngestFiles(ctx, bad)
	require.NoError(t, err)
	require.Equal(t, snaps[0].Assignments, snap.Assignments)
	require.Equal(t, grants[0], held(t, s, snap))
}

// A Parquet file with a column of its own named rowid (an export of a
// table) ingests like the others, and errors still name the file's row:
// the view's row numbers come first and are the ones used.
func TestIngestParquetOwnRowid(t *testing.T) {
	ctx := context.Background()
	csv := generatedFiles(t, 50, 9)
	s := openTemp(t)
	toParquet := func(csvPath, name, sel, extra string) string {
		pq := filepath.Join(filepath.Dir(csvPath), name+".parquet")
		_, err := s.db.ExecContext(ctx, `COPY (SELECT `+sel+` FROM read_csv(`+quote(csvPath)+`, all_varchar=true)`+extra+`) TO `+quote(pq)+` (FORMAT parquet)`)
		require.NoError(t, err)
		return pq
	}
	plain := ingest.FileSet{Users: toParquet(csv.Users, "users", "*", ""), Resources: toParquet(csv.Resources, "resources", "*", ""),
		Assignments: toParquet(csv.Assignments, "assignments", "*", "")}
	want, err := s.IngestFiles(ctx, plain)
	require.NoError(t, err)
	own := plain
	own.Assignments = toParquet(csv.Assignments, "own", "'x' AS rowid, *", "")
	got, err := s.IngestFiles(ctx, own)
	require.NoError(t, err)
	require.Equal(t, want.Assignments, got.Assignments)
	require.Equal(t, held(t, s, want), held(t, s, got))

	own.Assignments = toParquet(csv.Assignments, "own-bad", "'x' AS rowid, *", ` UNION ALL SELECT 'y', 'nobody', 'g-x', 'Member'`)
	_, err = s.IngestFiles(ctx, own)
	var ie *tenant.InputError
	require.ErrorAs(t, err, &ie)
	require.Contains(t, ie.Msg, `unknown user (not in users.parquet): "nobody"`)
	require.Equal(t, int(want.Assignments)+1, ie.Line, "the last row, counted from 1")
}

// A report's findings are saved as given, empty text as NULL, in order.
func TestSaveReport(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	findings := []Finding{
		{Kind: "excess", UserID: "u1", ResourceID: "g1", Role: "Member", PeerGroup: "Clerk", PeerPrevalence: 0.05, Score: 0.95, Reason: "held by 1 of 20 peers"},
		{Kind: "sod", UserID: "u2", Rule: "pay-vs-approve", Severity: "high", Reason: "holds both"},
		{Kind: "package", PackageID: "p7", Score: 3, Reason: "conflicts"},
	}
	id, err := s.SaveReport(ctx, 1, 0, "overprovisioning", `{"threshold":0.1}`, findings)
	require.NoError(t, err)
	empty, err := s.SaveReport(ctx, 1, 2, "sod", "{}", nil)
	require.NoError(t, err)
	require.NotEqual(t, id, empty)

	rows, err := s.db.Query(`SELECT kind, user_id, resource_id, role, package_id, rule, severity, peer_group, peer_prevalence, score, reason
		FROM findings WHERE report_id = ? ORDER BY rowid`, id)
	require.NoError(t, err)
	defer rows.Close()
	var got []Finding
	for rows.Next() {
		var f Finding
		var user, res, role, pkg, rule, sev, peer sql.NullString
		require.NoError(t, rows.Scan(&f.Kind, &user, &res, &role, &pkg, &rule, &sev, &peer, &f.PeerPrevalence, &f.Score, &f.Reason))
		for _, v := range []sql.NullString{user, res, role, pkg, rule, sev, peer} {
			require.True(t, !v.Valid || v.String != "", "empty text is stored as NULL")
		}
		f.UserID, f.ResourceID, f.Role, f.PackageID, f.Rule, f.Severity, f.PeerGroup = user.String, res.String, role.String, pkg.String, rule.String, sev.String, peer.String
		got = append(got, f)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, findings, got)
	var n int
	require.NoError(t, s.db.QueryRow(`SELECT count(*) FROM findings WHERE report_id = ?`, empty).Scan(&n))
	require.Zero(t, n)
	var run sql.NullInt64
	require.NoError(t, s.db.QueryRow(`SELECT run_id FROM reports WHERE report_id = ?`, id).Scan(&run))
	require.False(t, run.Valid, "no run: NULL")
}
