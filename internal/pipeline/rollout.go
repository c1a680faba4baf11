package pipeline

import (
	"slices"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/tenant"
)

// Rollout fills the plan options that roll the run's packages out as
// Microsoft's deployment guidance describes: the back-fill (who gets each
// package by direct assignment because they hold its access already), and
// the users each incompatibility will find holding both sides once the
// packages are assigned.
func Rollout(d *tenant.Data, run *tenant.Run, opt export.PlanOptions) export.PlanOptions {
	opt.Backfill = map[string][]string{}
	// holders are, per package, the users it will be assigned to: those
	// its rule selects, and its back-fill.
	holders := map[string]map[string]bool{}
	for _, p := range run.Packages {
		b := tenant.Backfill(d, p)
		if len(b) > 0 {
			opt.Backfill[p.ID] = b
		}
		h := map[string]bool{}
		for _, u := range b {
			h[u] = true
		}
		if p.Automatic {
			for _, u := range p.Members {
				h[u] = true
			}
		}
		holders[p.ID] = h
	}
	opt.Conflicts = nil
	for _, inc := range opt.Incompatible {
		var both []string
		if inc.GroupID != "" {
			// A group's members hold its Member entitlement.
			e, ok := d.EntitlementIndex(tenant.Entitlement{ResourceID: inc.GroupID, Role: tenant.DefaultRole})
			if !ok {
				continue
			}
			for u := range d.Dataset.NumUsers {
				if id := d.UserIDs[u]; holders[inc.PackageID][id] && slices.Contains(d.Dataset.Row(u), e) {
					both = append(both, id)
				}
			}
		} else {
			for u := range holders[inc.PackageID] {
				if holders[inc.OtherID][u] {
					both = append(both, u)
				}
			}
		}
		if len(both) > 0 {
			slices.Sort(both)
			opt.Conflicts = append(opt.Conflicts, export.Conflict{PackageID: inc.PackageID, OtherID: inc.OtherID, GroupID: inc.GroupID, Users: both})
		}
	}
	return opt
}
