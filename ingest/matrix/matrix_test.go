package matrix

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rolemine/rolemine/tenant"
)

func TestReadHP(t *testing.T) {
	m, err := Read(strings.NewReader("        1          1\n 1 2\n\n# comment\n2\t1\n1 2\n"), "x.txt", HP)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Users, []string{"1", "2"}) || !slices.Equal(m.Permissions, []string{"1", "2"}) {
		t.Fatalf("ids %v %v", m.Users, m.Permissions)
	}
	if m.Data.NumAssignments() != 3 || !slices.Equal(m.Data.Row(0), []int32{0, 1}) {
		t.Fatalf("rows %v (a repeated line counts once)", m.Data.Cols)
	}
}

func TestReadRBAC(t *testing.T) {
	m, err := Read(strings.NewReader("# header\nu_A p_x p_y\nu_B p_y\nu_C\n"), "u.rbac", RBAC)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Users) != 3 || len(m.Permissions) != 2 || m.Data.NumAssignments() != 3 || len(m.Data.Row(2)) != 0 {
		t.Fatalf("%v %v %v", m.Users, m.Permissions, m.Data.Cols)
	}
}

func TestReadErrors(t *testing.T) {
	for _, c := range []struct{ text, format, want string }{
		{"1 2\n1 2 3\n", HP, "line 2: want \"user permission\", got 3 fields"},
		{"# only comments\n\n", HP, "no assignments"},
		{"1 2\n", "csv", "unknown matrix format"},
	} {
		_, err := Read(strings.NewReader(c.text), "m.txt", c.format)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.text, err, c.want)
		}
	}
	var ie *tenant.InputError
	_, err := Read(strings.NewReader("1\n"), "m.txt", HP)
	if !errors.As(err, &ie) || ie.Line != 1 {
		t.Errorf("got %v", err)
	}
}

// TestBenchmarkFiles reads the shared benchmark datasets when they are there.
func TestBenchmarkFiles(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "datasets", "hp")
	want := map[string][3]int{"hc.txt": {46, 46, 1486}, "university_large.rbac": {493, 56, 3955}, "customer.txt": {10021, 277, 45427}}
	for name, w := range want {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); err != nil {
			t.Skipf("benchmark data not found: %v", err)
		}
		m, err := ReadFile(path, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Users) != w[0] || len(m.Permissions) != w[1] || int(m.Data.NumAssignments()) != w[2] {
			t.Errorf("%s: %d×%d, %d edges; want %v", name, len(m.Users), len(m.Permissions), m.Data.NumAssignments(), w)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add("1 2\n3 4\n", true)
	f.Add("u p q\n# c\nv\n", false)
	f.Fuzz(func(t *testing.T, text string, hp bool) {
		format := RBAC
		if hp {
			format = HP
		}
		m, err := Read(strings.NewReader(text), "f", format)
		if err != nil {
			return
		}
		if err := m.Data.Validate(); err != nil {
			t.Fatal(err)
		}
		if len(m.Users) != m.Data.NumUsers || len(m.Permissions) != m.Data.NumEntitlements {
			t.Fatal("ids and matrix disagree")
		}
	})
}
