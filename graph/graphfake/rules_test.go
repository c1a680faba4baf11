package graphfake

import "testing"

func TestEvalRule(t *testing.T) {
	clerk := User{ID: "u1", JobTitle: "Payroll Clerk", Department: "Finance", AccountEnabled: true}
	guest := User{ID: "u2", JobTitle: "Payroll Clerk", Department: "Finance", UserType: "Guest", AccountEnabled: true}
	cases := []struct {
		rule      string
		u         User
		match, ok bool
	}{
		{`(user.userType -eq "Member") -and (user.jobTitle -eq "Payroll Clerk") -and (user.department -eq "Finance")`, clerk, true, true},
		{`(user.userType -eq "Member") -and (user.jobTitle -eq "payroll clerk")`, clerk, true, true},
		{`(user.userType -eq "Member") -and (user.jobTitle -eq "Payroll Clerk")`, guest, false, true},
		{`(user.userType -eq "Member") -and (user.accountEnabled -eq true)`, clerk, true, true},
		{`(user.jobTitle -in ["Buyer","Payroll Clerk"])`, clerk, true, true},
		{`(user.jobTitle -in ["Buyer"," Payroll Clerk  "])`, clerk, false, true},
		{"(user.jobTitle -eq \"Pay`\"roll\")", clerk, false, true},
		{`(user.companyName -eq null)`, clerk, true, true},
		{`(user.extensionAttribute3 -eq "C1")`, clerk, false, false},
		{`(user.jobTitle -contains "Clerk")`, clerk, false, false},
	}
	for _, tc := range cases {
		match, ok := evalRule(tc.rule, tc.u)
		if match != tc.match || ok != tc.ok {
			t.Errorf("%s on %s: got %v %v, want %v %v", tc.rule, tc.u.ID, match, ok, tc.match, tc.ok)
		}
	}
}
