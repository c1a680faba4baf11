package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/ingest"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// utf16File encodes text as UTF-16 with a byte order mark.
func utf16File(t *testing.T, dir, name, text string, order binary.AppendByteOrder) string {
	t.Helper()
	bom := []byte{0xFF, 0xFE}
	if order == binary.AppendByteOrder(binary.BigEndian) {
		bom = []byte{0xFE, 0xFF}
	}
	b := bom
	for _, u := range utf16.Encode([]rune(text)) {
		b = order.AppendUint16(b, u)
	}
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

// held returns the snapshot's assignments as "user resource role" lines.
func held(t *testing.T, s *Store, snap tenant.Snapshot) []string {
	t.Helper()
	rows, err := s.db.Query(`SELECT u.id, e.resource_id, e.role FROM assignments a
		JOIN users u ON u.snapshot_id = a.snapshot_id AND u.user_key = a.user_key
		JOIN entitlements e ON e.snapshot_id = a.snapshot_id AND e.entitlement_key = a.entitlement_key
		WHERE a.snapshot_id = ? ORDER BY 1, 2, 3`, snap.ID)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u, r, ro string
		require.NoError(t, rows.Scan(&u, &r, &ro))
		out = append(out, u+" "+r+" "+ro)
	}
	require.NoError(t, rows.Err())
	return out
}

const (
	guidA = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
	guidB = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
	guidG = "a8eee05a-3e7a-445f-b714-17bd8410e61e"
)

// Files as people have them all give the same snapshot as the plain one.
func TestIngestFilesPeopleHave(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	plainUsers := write(t, dir, "users.csv", "id,displayName,jobTitle\n"+guidA+",\"Müller, Anna\",Clerk\n"+guidB+",Bo,Clerk\n")
	plainAsg := write(t, dir, "assignments.csv", "userId,resourceId,role\n"+guidA+","+guidG+",Member\n"+guidB+","+guidG+",Owner\n")
	want := []string{guidA + " " + guidG + " Member", guidB + " " + guidG + " Owner"}

	up := strings.ToUpper
	cases := map[string]ingest.FileSet{
		"plain": {Users: plainUsers, Assignments: plainAsg},
		"semicolons (European Excel)": {
			Users:       write(t, dir, "semi-users.csv", "id;displayName;jobTitle\r\n"+guidA+";Müller, Anna;Clerk\r\n"+guidB+";Bo;Clerk\r\n"),
			Assignments: write(t, dir, "semi-asg.csv", "userId;resourceId;role\r\n"+guidA+";"+guidG+";Member\r\n"+guidB+";"+guidG+";Owner\r\n")},
		"sep= first line": {
			Users:       write(t, dir, "sep-users.csv", "sep=;\r\nid;displayName;jobTitle\r\n"+guidA+";\"Müller; Anna\";Clerk\r\n"+guidB+";Bo;Clerk\r\n"),
			Assignments: write(t, dir, "sep-asg.csv", "sep=,\nuserId,resourceId,role\n"+guidA+","+guidG+",Member\n"+guidB+","+guidG+",Owner\n")},
		"UTF-16 little-endian with BOM, tab-separated (Excel's Unicode text)": {
			Users:       utf16File(t, dir, "u16-users.csv", "id\tdisplayName\tjobTitle\r\n"+guidA+"\tMüller, Anna\tClerk\r\n"+guidB+"\tBo\tClerk\r\n", binary.LittleEndian),
			Assignments: plainAsg},
		"UTF-16 big-endian with BOM and sep= line": {
			Users:       plainUsers,
			Assignments: utf16File(t, dir, "u16be-asg.csv", "sep=;\nuserId;resourceId;role\n"+guidA+";"+guidG+";Member\n"+guidB+";"+guidG+";Owner\n", binary.BigEndian)},
		"UTF-8 BOM": {
			Users: write(t, dir, "bom-users.csv", "\ufeffid,displayName,jobTitle\n"+guidA+",Anna,Clerk\n"+guidB+",Bo,Clerk\n"), Assignments: plainAsg},
		"upper-case and braced GUIDs": {
			Users:       write(t, dir, "upper-users.csv", "id,displayName,jobTitle\n"+up(guidA)+",Anna,Clerk\n{"+up(guidB)+"},Bo,Clerk\n"),
			Assignments: write(t, dir, "upper-asg.csv", "userId,resourceId,role\n"+guidA+","+up(guidG)+",Member\n"+up(guidB)+","+guidG+",Owner\n")},
		"JSON array": {
			Users:       write(t, dir, "users.json", "[\n  {\"id\": \""+guidA+"\", \"jobTitle\": \"Clerk\"},\n  {\"id\": \""+guidB+"\", \"jobTitle\": \"Clerk\"}\n]\n"),
			Assignments: write(t, dir, "asg.json", `[{"userId":"`+guidA+`","resourceId":"`+guidG+`","role":"Member"},{"userId":"`+guidB+`","resourceId":"`+guidG+`","role":"Owner"}]`)},
	}
	for name, fs := range cases {
		t.Run(name, func(t *testing.T) {
			s := openTemp(t)
			snap, err := s.IngestFiles(ctx, fs)
			require.NoError(t, err)
			require.Equal(t, int64(2), snap.Users)
			require.Equal(t, want, held(t, s, snap))
			data, err := s.Load(ctx, snap)
			require.NoError(t, err)
			title := data.Dataset.Attribute("jobTitle")
			require.NotNil(t, title)
			require.Equal(t, []string{"", "Clerk"}, title.Values, "code 0 is the missing value")
		})
	}
}

func TestIngestFileErrorsKeepTheirLines(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	users := write(t, dir, "users.csv", "id\nu1\nu2\n")
	cases := []struct {
		name  string
		files ingest.FileSet
		want  string
	}{
		{"sep= line counts", ingest.FileSet{Users: write(t, dir, "sep.csv", "sep=;\nid;jobTitle\nu1;A\n;B\n"), Assignments: write(t, dir, "a.csv", "userId,resourceId\nu1,g\n")},
			"sep.csv: line 4: field \"id\": empty id"},
		{"UTF-16 lines", ingest.FileSet{Users: utf16File(t, dir, "u16.csv", "id,jobTitle\nu1,A\nu1,B\n", binary.LittleEndian), Assignments: write(t, dir, "a2.csv", "userId,resourceId\nu1,g\n")},
			"u16.csv: line 3: field \"id\": duplicate id \"u1\" (first at 2)"},
		{"JSON array element", ingest.FileSet{Users: users, Assignments: write(t, dir, "a.json", "[\n{\"userId\":\"u1\",\"resourceId\":\"g\"},\n{\"userId\":\"\",\n \"resourceId\":\"g\"}\n]")},
			"a.json: line 3: field \"userId\": empty userId"},
		{"malformed JSON array", ingest.FileSet{Users: users, Assignments: write(t, dir, "bad.json", "[\n{\"userId\":\"u1\",\"resourceId\":\"g\"},\n{\"userId\":\"u2\" \"resourceId\":\"g\"}\n]")},
			"bad.json: line 3: malformed JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := openTemp(t).IngestFiles(ctx, tc.files)
			var ie *tenant.InputError
			require.True(t, errors.As(err, &ie), "%v", err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestIngestMapAndTitleWarnings(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	asg := write(t, dir, "a.csv", "userId,resourceId\nu1,g\nu2,g\n")
	var warnings []string
	warn := func(m string) { warnings = append(warnings, m) }

	renamed := write(t, dir, "renamed.csv", "id,job_title,cost_ctr\nu1,Clerk,C1\nu2,Clerk,C2\n")
	s := openTemp(t)
	_, err := s.IngestFiles(ctx, ingest.FileSet{Users: renamed, Assignments: asg, Warn: warn})
	require.NoError(t, err)
	require.Equal(t, []string{`renamed.csv has no jobTitle column (the header has: id, job_title, cost_ctr); if "job_title" holds the titles, add --map jobTitle=job_title`}, warnings)

	warnings = nil
	snap, err := s.IngestFiles(ctx, ingest.FileSet{Users: renamed, Assignments: asg, Warn: warn,
		Map: map[string]string{"jobTitle": "job_title", "costCenter": "COST_CTR"}})
	require.NoError(t, err)
	require.Empty(t, warnings)
	data, err := s.Load(ctx, snap)
	require.NoError(t, err)
	require.Equal(t, []string{"", "Clerk"}, data.Dataset.Attribute("jobTitle").Values)
	require.Equal(t, []string{"", "C1", "C2"}, data.Dataset.Attribute("costCenter").Values)
	require.Nil(t, data.Dataset.Attribute("job_title"), "a mapped column is read once, under its new name")
	require.Nil(t, data.Dataset.Attribute("cost_ctr"))

	_, err = s.IngestFiles(ctx, ingest.FileSet{Users: renamed, Assignments: asg, Map: map[string]string{"jobTitle": "jobtitel"}})
	require.EqualError(t, err, `--map jobTitle=jobtitel: no input file has a column "jobtitel"`)

	warnings = nil
	_, err = s.IngestFiles(ctx, ingest.FileSet{Users: write(t, dir, "blank.csv", "id,jobTitle\nu1,\nu2, \n"), Assignments: asg, Warn: warn})
	require.NoError(t, err)
	require.Equal(t, []string{"the jobTitle column of blank.csv is empty in every record: job functions cannot be mined by title"}, warnings)

	warnings = nil
	_, err = s.IngestFiles(ctx, ingest.FileSet{Users: write(t, dir, "most.csv", "id,jobTitle\nu1,\nu2,\nu3,Clerk\n"), Assignments: asg, Warn: warn})
	require.NoError(t, err)
	require.Equal(t, []string{"the jobTitle column of most.csv is empty for 2 of 3 users"}, warnings)
}

func TestIngestUnknownUsersAllAtOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	users := write(t, dir, "users.csv", "id,jobTitle\nu1,A\nu2,B\n")
	var b strings.Builder
	b.WriteString("userId,resourceId\nu1,g1\n")
	for i := 0; i < 14; i++ {
		fmt.Fprintf(&b, "x%d,g1\nx%d,g2\n", i, i) // 14 unknown users, 28 assignments
	}
	b.WriteString("u2,g2\n")
	asg := write(t, dir, "a.csv", b.String())

	s := openTemp(t)
	_, err := s.IngestFiles(ctx, ingest.FileSet{Users: users, Assignments: asg})
	require.EqualError(t, err, asg+`: line 3: field "userId": 28 assignments name 14 unknown users (not in users.csv): `+
		`"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9" and 4 more (the first is here; --skip-unknown ingests the rest)`)
	_, err = s.Latest(ctx)
	require.ErrorIs(t, err, ErrNoSnapshot)

	var warnings []string
	snap, err := s.IngestFiles(ctx, ingest.FileSet{Users: users, Assignments: asg, SkipUnknown: true, Warn: func(m string) { warnings = append(warnings, m) }})
	require.NoError(t, err)
	require.Equal(t, []string{"u1 g1 Member", "u2 g2 Member"}, held(t, s, snap))
	require.Equal(t, int64(2), snap.Entitlements)
	require.Len(t, warnings, 1)
	require.Contains(t, warnings[0], "28 assignments name 14 unknown users")
	require.Contains(t, warnings[0], "left out (--skip-unknown), the first at line 3")

	// Only unknown users: nothing to ingest.
	_, err = s.IngestFiles(ctx, ingest.FileSet{Users: users, Assignments: write(t, dir, "none.csv", "userId,resourceId\nzz,g1\n"), SkipUnknown: true})
	require.ErrorContains(t, err, "no assignment names a known user and resource")
}

// Ids are resolved once per distinct value as the file writes it: the same
// user or resource written padded, in upper case or braced is one, an empty
// role is the default role, and a record repeated is one assignment. The
// stages are told to Progress with their rows.
func TestIngestResolvesEachWritingOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	users := write(t, dir, "users.csv", "id,jobTitle\n"+guidA+",Clerk\n"+guidB+",Clerk\n")
	asg := write(t, dir, "assignments.csv", "userId,resourceId,role\n"+
		guidA+","+guidG+",\n"+
		" "+strings.ToUpper(guidA)+" ,{"+strings.ToUpper(guidG)+"},Member\n"+
		guidA+","+guidG+",Member\n"+
		guidB+","+guidG+", Owner \n"+
		guidB+","+guidG+",Owner\n")
	s := openTemp(t)
	var stages []mining.Progress
	s.Progress = func(p mining.Progress) {
		if p.Total > 0 {
			stages = append(stages, p)
		}
	}
	snap, err := s.IngestFiles(ctx, ingest.FileSet{Users: users, Assignments: asg})
	require.NoError(t, err)
	require.Equal(t, []string{guidA + " " + guidG + " Member", guidB + " " + guidG + " Owner"}, held(t, s, snap))
	require.Equal(t, int64(2), snap.Assignments)
	require.Equal(t, int64(2), snap.Entitlements)
	require.Equal(t, []mining.Progress{
		{Stage: "read users.csv", Done: 2, Total: 2, Unit: "rows"},
		{Stage: "check users", Done: 2, Total: 2, Unit: "rows"},
		{Stage: "key ids", Done: 2, Total: 2, Unit: "ids"},
		{Stage: "read assignments.csv", Done: 5, Total: 5, Unit: "rows"},
		{Stage: "resolve ids", Done: 5, Total: 5, Unit: "rows"},
		{Stage: "write snapshot", Done: 2, Total: 2, Unit: "rows"},
	}, stages)
}

// The assignments' ids are read as the users' and resources' keys when
// every one is a key as written, under its own name or a mapped one, and
// as text otherwise: empty, unknown, padded or upper case.
func TestStageIDsAsKeys(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTemp(t)
	conn, err := s.db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	stage := func(path, table string, ids *idTypes) *stagedFile {
		t.Helper()
		f, err := stageFile(ctx, conn, path, "temp", table, ids)
		require.NoError(t, err)
		t.Cleanup(f.Close)
		return f
	}
	users := stage(write(t, dir, "users.csv", "id,jobTitle\n"+guidA+",Clerk\n"+strings.ToUpper(guidB)+",Clerk\n"), "stage_users", nil)
	resources := stage(write(t, dir, "resources.csv", "id,type\n"+guidG+",group\nhttps://contoso.sharepoint.com/sites/x,site\n"), "stage_resources", nil)
	ids, drop := s.newIDTypes(ctx, conn, users, resources, map[string]string{"userId": "PrincipalId"})
	require.NotNil(t, ids)
	defer drop()

	const site = "https://contoso.sharepoint.com/sites/x"
	for _, c := range []struct {
		name, text string
		keyed      bool
	}{
		{"plain", "userId,resourceId,role\n" + guidB + "," + site + ",Member\n" + guidA + "," + guidG + ",\n", true},
		{"mapped", "PrincipalId,resourceId,principalDisplayName\n" + guidA + "," + guidG + ",Ann\n", true},
		{"upper case", "userId,resourceId\n" + strings.ToUpper(guidA) + "," + guidG + "\n", false},
		{"padded", "userId,resourceId\n" + guidA + " ," + guidG + "\n", false},
		{"empty user", "userId,resourceId\n," + guidG + "\n", false},
		{"empty resource", "userId,resourceId\n" + guidA + ",\n", false},
		{"unknown user", "userId,resourceId\n" + guidA + "," + guidG + "\n" + guidG + "," + guidG + "\n", false},
		{"unknown resource", "userId,resourceId\n" + guidA + "," + guidA + "\n", false},
		{"no resource column", "userId,groupId\n" + guidA + "," + guidG + "\n", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := stage(write(t, dir, "assignments.csv", c.text), "stage_assignments", ids)
			require.Equal(t, c.keyed, f.keyedUsers)
			require.Equal(t, c.keyed, f.keyedResources)
			if !c.keyed {
				require.Equal(t, "temp.stage_assignments", f.table)
				return
			}
			f.rename(ids.m)
			// Only the columns of an assignment are staged, but the file's
			// others are known (for --map).
			var staged int
			require.NoError(t, conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_columns() WHERE database_name = ? AND table_name = 'stage_assignments'`, ids.db).Scan(&staged))
			require.Equal(t, map[string]int{"plain": 3, "mapped": 2}[c.name], staged)
			require.Equal(t, c.name == "mapped", f.has("principalDisplayName"))
			// A user's code is its key (its place in the users file), and
			// a resource's value its id.
			rows, err := conn.QueryContext(ctx, fmt.Sprintf(`SELECT enum_code(%s)::INTEGER, CAST(%s AS VARCHAR) FROM %s ORDER BY rowid`,
				f.key("userId"), f.key("resourceId"), f.table))
			require.NoError(t, err)
			defer rows.Close()
			var got []string
			for rows.Next() {
				var k int
				var r string
				require.NoError(t, rows.Scan(&k, &r))
				got = append(got, fmt.Sprint(k, " ", r))
			}
			want := map[string][]string{"plain": {"1 " + site, "0 " + guidG}, "mapped": {"0 " + guidG}}[c.name]
			require.Equal(t, want, got)
		})
	}
	// Parquet reads its ids as keys too, or in place, as text.
	_, err = conn.ExecContext(ctx, `DROP TABLE temp.stage_assignments`)
	require.NoError(t, err)
	for _, c := range []struct {
		text  string
		keyed bool
	}{
		{"userId,resourceId\n" + guidA + "," + guidG + "\n", true},
		{"userId,resourceId\n" + guidA + "," + guidA + "\n", false},
	} {
		pq := filepath.Join(dir, "assignments.parquet")
		_, err := conn.ExecContext(ctx, `COPY (SELECT * FROM read_csv(`+quote(write(t, dir, "assignments.csv", c.text))+`, all_varchar=true)) TO `+quote(pq)+` (FORMAT parquet)`)
		require.NoError(t, err)
		f := stage(pq, "stage_assignments", ids)
		require.Equal(t, c.keyed, f.keyedUsers)
		require.Equal(t, !c.keyed, f.view)
	}
}

// Reading the assignments' ids as keys changes nothing a user sees: for
// any assignments file, with or without a resources file and
// --skip-unknown, it ingests the same snapshot as the text read, or fails
// with the same error.
func FuzzIngestIDsAsKeys(f *testing.F) {
	users := "id,jobTitle\n" + guidA + ",Clerk\n{" + strings.ToUpper(guidB) + "},Clerk\nU-3,Clerk\n"
	const resources = "id,type\n" + guidG + ",group\nhttps://x.sharepoint.com/sites/y,site\n"
	f.Add("userId,resourceId,role\n"+guidA+","+guidG+",Member\n"+guidB+",https://x.sharepoint.com/sites/y,\nU-3,"+guidG+",Owner\n", false, false)
	f.Add("userId,resourceId\n"+strings.ToUpper(guidA)+","+guidG+"\n"+guidA+", "+guidG+"\n", false, false)
	f.Add("resourceId,userId,role\n"+guidG+",u-3,Member\n"+guidG+",nobody,Member\n", true, true)
	f.Add("userId,resourceId,role\n"+guidA+",,Member\n", false, false)
	f.Add("userId,resourceId\n"+guidB+",g-1\n"+guidA+",https://x.sharepoint.com/sites/z\n", false, true)
	f.Add("userId,resourceId,role,extra\n"+guidA+","+guidG+",\"Mem\"\"ber\",x\n"+guidA+","+guidG+", Member ,y\n", false, false)
	f.Add("userId,resourceId\n"+guidA+","+guidG+"\n\""+guidA+","+guidG+"\n", false, false)
	dir := f.TempDir()
	usersPath, resourcesPath := write(f, dir, "users.csv", users), write(f, dir, "resources.csv", resources)
	stores := []*Store{openTemp(f), openTemp(f)}
	stores[1].idsAsText = true
	f.Fuzz(func(t *testing.T, text string, skipUnknown, noResources bool) {
		fs := ingest.FileSet{Users: usersPath, Resources: resourcesPath, Assignments: write(t, dir, "assignments.csv", text),
			SkipUnknown: skipUnknown, Warn: func(string) {}}
		if noResources {
			fs.Resources = "" // the users' ids alone are keys
		}
		var got [2]string
		for i, s := range stores {
			snap, err := s.IngestFiles(context.Background(), fs)
			if err != nil {
				got[i] = "error: " + err.Error()
				continue
			}
			got[i] = fmt.Sprintf("%d users, %d resources, %d entitlements, %d assignments: %q",
				snap.Users, snap.Resources, snap.Entitlements, snap.Assignments, held(t, s, snap))
		}
		require.Equal(t, got[1], got[0])
	})
}
