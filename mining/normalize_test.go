package mining

import "testing"

func TestNormalizeTitle(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Payroll Clerk", "payroll clerk"},
		{"  payroll   CLERK ", "payroll clerk"},
		{"Sr. Accountant", "senior accountant"},
		{"Senior Accountant", "senior accountant"},
		{"Sr Acct Mgr", "senior accountant manager"},
		{"Accounts Payable Spec.", "accounts payable specialist"},
		{"Sales Dev Rep", "sales developer representative"},
		{"VP, Sales", "vice president sales"},
		{"Eng. Manager (EMEA)", "engineer manager emea"},
		{"HR Business Partner", "human resources business partner"},
		{"Back-end Engineer", "back-end engineer"},
		{"...", ""},
		{"", ""},
	}
	for _, c := range cases {
		if got := NormalizeTitle(c.in); got != c.want {
			t.Errorf("NormalizeTitle(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormalizeValue(t *testing.T) {
	for in, want := range map[string]string{"  Finance ": "finance", "FINANCE\tEMEA": "finance emea", "": ""} {
		if got := NormalizeValue(in); got != want {
			t.Errorf("NormalizeValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalizeTitle(f *testing.F) {
	for _, s := range []string{"Sr. Acct Mgr", "VP, Sales", "  a  b ", "é.", "-/-", "x.y.z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeTitle(s)
		if again := NormalizeTitle(n); again != n {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, n, again)
		}
		if NormalizeTitle(s+"  ") != n {
			t.Fatalf("trailing space changes %q", s)
		}
	})
}
