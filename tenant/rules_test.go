package tenant

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/mining"
)

func TestRuleProperties(t *testing.T) {
	var builtin *RuleProperties
	for attr, want := range map[string]string{
		"jobTitle": "jobTitle", "DEPARTMENT": "department", "companyName": "companyName",
		"officeLocation": "physicalDeliveryOfficeName", "physicalDeliveryOfficeName": "physicalDeliveryOfficeName",
		"usageLocation": "usageLocation", "employeeId": "employeeId", "extensionAttribute15": "extensionAttribute15",
		"extension_c272a57b722d4eb29bfe327874ae79cb_OfficeNumber": "extension_c272a57b722d4eb29bfe327874ae79cb_OfficeNumber",
	} {
		got, ok := builtin.Property(attr)
		require.True(t, ok, attr)
		require.Equal(t, want, got, attr)
	}
	for _, attr := range []string{"costCenter", "employeeType", "Favourite Colour", "extensionAttribute16", "extensionAttribute0",
		"extension_nothex_x", "managerId", "employeeOrgData"} {
		require.False(t, builtin.Evaluable(attr), attr)
	}

	props, err := NewRuleProperties([]string{"costCenter=extensionAttribute3", "Favourite Colour = user.extension_c272a57b722d4eb29bfe327874ae79cb_Colour"})
	require.NoError(t, err)
	p, ok := props.Property("costcenter")
	require.True(t, ok)
	require.Equal(t, "extensionAttribute3", p)
	require.True(t, props.Evaluable("Favourite Colour"))
	require.Equal(t, []string{"costcenter=extensionAttribute3", "favourite colour=extension_c272a57b722d4eb29bfe327874ae79cb_Colour"}, props.Mappings())
	require.Equal(t, `(user.userType -eq "Member") -and (user.extensionAttribute3 -eq "CC-1")`,
		props.MembershipRule(false, []Condition{{Attribute: "costCenter", Values: []string{"CC-1"}}}))

	for _, bad := range []string{"costCenter", "costCenter=", "=jobTitle", "costCenter=costCenter", "x=employeeType", "x=extensionAttribute16"} {
		_, err := NewRuleProperties([]string{bad})
		require.Error(t, err, bad)
	}
}

// TestPackagesNeverWriteUnevaluableRules: a package whose mined rule tests
// an attribute Entra cannot evaluate becomes a direct-assignment package
// with the reason, and every rule written names supported properties only.
func TestPackagesNeverWriteUnevaluableRules(t *testing.T) {
	d := &Data{Dataset: &mining.Dataset{NumUsers: 2}, UserIDs: []string{"u1", "u2"}, Resources: map[string]Resource{}}
	res := &mining.Result{Packages: []mining.Package{
		{Kind: mining.JobFunction, Name: "Clerk / Finance", Automatic: true,
			Conditions: []mining.Condition{{Attribute: "jobTitle", Values: []string{"Clerk"}}, {Attribute: "department", Values: []string{"Finance"}}}},
		{Kind: mining.AccessCluster, Name: "AP team", Automatic: true,
			Conditions: []mining.Condition{{Attribute: "costCenter", Values: []string{"CC-AP"}}}},
		{Kind: mining.Variant, Name: "Clerk / Finance (Oslo)", Automatic: true,
			Conditions: []mining.Condition{{Attribute: "officeLocation", Values: []string{"Oslo"}}}},
		{Kind: mining.Birthright, Name: "Birthright", Automatic: true},
	}}
	pkgs := Packages(d, res, nil)
	require.True(t, pkgs[0].Automatic)
	require.False(t, pkgs[1].Automatic)
	require.Empty(t, pkgs[1].Rule)
	require.Contains(t, pkgs[1].DirectReason, "costCenter")
	require.Contains(t, pkgs[1].Description, "assign it directly")
	require.Equal(t, `(user.userType -eq "Member") -and (user.physicalDeliveryOfficeName -eq "Oslo")`, pkgs[2].Rule)
	require.Equal(t, `(user.userType -eq "Member") -and (user.accountEnabled -eq true)`, pkgs[3].Rule)
	for _, p := range pkgs {
		for _, prop := range RulePropertiesUsed(p.Rule) {
			require.True(t, IsRuleProperty(prop), "%s: %s", p.Name, prop)
		}
	}

	props, err := NewRuleProperties([]string{"costCenter=extensionAttribute3"})
	require.NoError(t, err)
	pkgs = Packages(d, res, props)
	require.True(t, pkgs[1].Automatic)
	require.Equal(t, `(user.userType -eq "Member") -and (user.extensionAttribute3 -eq "CC-AP")`, pkgs[1].Rule)
}

func TestMaxPolicyUsersIsMiningDefault(t *testing.T) {
	require.Equal(t, MaxPolicyUsers, mining.DefaultOptions().MaxRuleUsers)
}

func TestSiteGroups(t *testing.T) {
	for role, want := range map[string]string{"Full Control": "Owners", "edit": "Members", "Contribute": "Members", "Read": "Visitors",
		"Members": "Members", "owner": "Owners", "Visitor": "Visitors"} {
		got, ok := SiteGroup(role)
		require.True(t, ok, role)
		require.Equal(t, want, got, role)
	}
	_, ok := SiteGroup("Design")
	require.False(t, ok)
	for group, want := range map[string]string{"Finance Owners": "Full Control", "Finance Members": "Edit", "finance visitors": "Read"} {
		got, ok := SiteLevel(group)
		require.True(t, ok, group)
		require.Equal(t, want, got, group)
	}
	_, ok = SiteLevel("Finance Approvers")
	require.False(t, ok)
}
