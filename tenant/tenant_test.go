package tenant

import "testing"

func TestMembershipRule(t *testing.T) {
	cases := []struct {
		birthright bool
		conds      []Condition
		want       string
	}{
		{false, []Condition{{"jobTitle", []string{"Payroll Clerk"}}, {"department", []string{"Finance"}}},
			`(user.userType -eq "Member") -and (user.jobTitle -eq "Payroll Clerk") -and (user.department -eq "Finance")`},
		{false, []Condition{{"jobTitle", []string{"Senior Accountant", "Sr. Accountant"}}},
			`(user.userType -eq "Member") -and (user.jobTitle -in ["Senior Accountant","Sr. Accountant"])`},
		{false, []Condition{{"department", nil}}, `(user.userType -eq "Member") -and (user.department -eq null)`},
		{false, []Condition{{"jobTitle", []string{`The "Boss"`, "a`b"}}}, "(user.userType -eq \"Member\") -and (user.jobTitle -in [\"The `\"Boss`\"\",\"a``b\"])"},
		{false, []Condition{{"officeLocation", []string{"Oslo"}}}, `(user.userType -eq "Member") -and (user.physicalDeliveryOfficeName -eq "Oslo")`},
		{false, []Condition{{"JobTitle", []string{"Clerk"}}, {"EXTENSIONATTRIBUTE7", []string{"x"}}},
			`(user.userType -eq "Member") -and (user.jobTitle -eq "Clerk") -and (user.extensionAttribute7 -eq "x")`},
		{true, nil, `(user.userType -eq "Member") -and (user.accountEnabled -eq true)`},
		{true, []Condition{{"department", []string{"Sales"}}}, `(user.userType -eq "Member") -and (user.accountEnabled -eq true) -and (user.department -eq "Sales")`},
	}
	for _, c := range cases {
		if got := MembershipRule(c.birthright, c.conds); got != c.want {
			t.Errorf("MembershipRule(%v, %v)\n got %s\nwant %s", c.birthright, c.conds, got, c.want)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		enabled                                  bool
		userType, employeeType, upn, displayName string
		want                                     AccountKind
	}{
		{true, "Member", "Employee", "ann@contoso.com", "Ann", Member},
		{true, "", "", "ann@contoso.com", "", Member},
		{false, "Member", "Employee", "ann@contoso.com", "Ann", Disabled},
		{true, "Guest", "", "x_fabrikam.com#EXT#@contoso.onmicrosoft.com", "X", Guest},
		{false, "guest", "", "x", "X", Guest},
		{true, "Member", "", "svc-backup@contoso.com", "svc-backup", NonPerson},
		{true, "Member", "Service Account", "backup@contoso.com", "Backup", NonPerson},
		{true, "Member", "Employee", "svcmanager@contoso.com", "Sven", Member},
	}
	for _, c := range cases {
		if got := Classify(c.enabled, c.userType, c.employeeType, c.upn, c.displayName); got != c.want {
			t.Errorf("Classify(%+v) = %v, want %v", c, got, c.want)
		}
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Payroll Clerk / Finance": "payroll-clerk-finance",
		"  Sr. Müller & Co ":      "sr-müller-co",
		"///":                     "package",
	} {
		if got := slugify(in); got != want {
			t.Errorf("slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInputError(t *testing.T) {
	for _, c := range []struct {
		e    InputError
		want string
	}{
		{InputError{File: "u.csv", Line: 3, Field: "id", Msg: "duplicate"}, `u.csv: line 3: field "id": duplicate`},
		{InputError{File: "u.parquet", Line: 3, Row: true, Msg: "bad"}, `u.parquet: row 3: bad`},
		{InputError{File: "u.csv", Msg: "the file is empty"}, `u.csv: the file is empty`},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}
