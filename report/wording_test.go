package report

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Every wording of a finding's reason, as the reports print it.
func TestOverReason(t *testing.T) {
	f := Finding{Role: "Member", ResourceName: "SG-Payroll", PeerGroup: `Clerk / "Finance"`, PeerHolders: 2, PeerSize: 40, TenantPrevalence: 0.0123}
	require.Equal(t, `2 of the 40 other members of "Clerk / \"Finance\"" hold Member on SG-Payroll; 1.2% of the tenant`,
		overReason(f, 1, false, ""))

	f.PeerHolders, f.Sensitive, f.TenantPrevalence = 0, true, 0.0004
	require.Equal(t, `none of the 40 other members of "Clerk / \"Finance\"" hold Member on SG-Payroll; <0.1% of the tenant; privileged role`,
		overReason(f, 1, false, ""))

	f.Sensitive, f.PeerHolders, f.TenantPrevalence = false, 3, 0.5
	require.Equal(t, `their attributes select "Buyer / Finance", but their access matches "Clerk / \"Finance\"" (87%), and 3 of the 40 members of it hold Member on SG-Payroll; 50.0% of the tenant`,
		overReason(f, 0.8666, false, "Buyer / Finance"))
	require.Equal(t, `no package matches this user's attributes; their access matches "Clerk / \"Finance\"" (60%), and 3 of the 40 members of it hold Member on SG-Payroll; 50.0% of the tenant`,
		overReason(f, 0.6, true, ""))

	f.PeerGroup, f.PeerHolders, f.PeerSize, f.TenantPrevalence = "all users", 0, 999, 0
	require.Equal(t, `no job-function package fits this user; none of the 999 other users hold Member on SG-Payroll; 0.0% of the tenant`,
		overReason(f, 0, false, ""))
}
