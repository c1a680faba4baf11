// Package benchmarks holds rolemine's benchmark suite: Go benchmarks of the
// mining core and the reports on generated tenants of growing size, run with
// `make bench` (or `go test -bench . ./benchmarks`), and the end-to-end
// figures of `rolemine bench tenant`, which also go through DuckDB.
// RESULTS.md records the figures with the machine and the method.
package benchmarks

import (
	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// Dataset turns a generated tenant into the mining core's dataset and the
// identifiers behind it, as the store's loader would, without the database.
func Dataset(t *tenantgen.Tenant) *tenant.Data {
	b := mining.NewBuilder(len(t.Users), len(t.Entitlements))
	d := &tenant.Data{
		UserIDs:   make([]string, len(t.Users)),
		UPNs:      make([]string, len(t.Users)),
		Kinds:     make([]tenant.AccountKind, len(t.Users)),
		Resources: map[string]tenant.Resource{},
	}
	for _, e := range t.Entitlements {
		d.Entitlements = append(d.Entitlements, tenant.Entitlement{ResourceID: e.ResourceID, Role: e.Role})
	}
	for i, u := range t.Users {
		for _, e := range u.Grants {
			b.Add(i, int(e))
		}
		b.SetAttribute("jobTitle", i, u.JobTitle)
		b.SetAttribute("department", i, u.Department)
		b.SetAttribute("companyName", i, u.Company)
		b.SetAttribute("employeeType", i, u.EmployeeType)
		b.SetAttribute("userType", i, u.UserType)
		b.SetAttribute("officeLocation", i, u.Office)
		b.SetAttribute("costCenter", i, u.CostCenter)
		d.UserIDs[i], d.UPNs[i] = u.ID, u.UserPrincipalName
		d.Kinds[i] = tenant.Classify(u.Enabled, u.UserType, u.EmployeeType, u.UserPrincipalName, "")
	}
	d.Dataset = b.Build()
	d.Dataset.Eligible = make([]bool, len(t.Users))
	d.Dataset.Guest = make([]bool, len(t.Users))
	d.Dataset.Managers = make([]int32, len(t.Users))
	for i, k := range d.Kinds {
		d.Dataset.Eligible[i] = k == tenant.Member
		d.Dataset.Guest[i] = k == tenant.Guest
		d.Dataset.Managers[i] = t.Users[i].Manager
	}
	return d
}
