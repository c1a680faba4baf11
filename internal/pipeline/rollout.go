package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/tenant"
)

// Rollout fills the plan options that roll the run's packages out as
// Microsoft's deployment guidance describes: the back-fill (who gets each
// package by direct assignment because they hold its access already), and
// the users each incompatibility will find holding both sides once the
// packages are assigned. With opt.Pilot naming a group, the pilot's users
// per package too (PilotUsers).
func Rollout(d *tenant.Data, run *tenant.Run, opt export.PlanOptions) export.PlanOptions {
	if opt.Pilot != nil {
		opt.Pilot.Users = PilotUsers(d, run, opt.Pilot.GroupID)
	}
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
		switch {
		case p.Automatic && opt.Pilot != nil:
			for _, u := range opt.Pilot.Users[p.ID] {
				h[u] = true
			}
		case p.Automatic:
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

// ErrUnknownGroup is returned for a pilot group the snapshot does not hold.
var ErrUnknownGroup = errors.New("no such group in the snapshot")

// PilotGroup finds a group of the snapshot by object id or display name
// (ignoring case).
func PilotGroup(d *tenant.Data, name string) (tenant.Resource, error) {
	if r, ok := d.Resources[name]; ok && r.Type == tenant.TypeGroup {
		return r, nil
	}
	var found []tenant.Resource
	for _, r := range d.Resources {
		if r.Type == tenant.TypeGroup && strings.EqualFold(r.DisplayName, name) {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 0:
		return tenant.Resource{}, fmt.Errorf("--pilot %q: %w (give its object id or display name)", name, ErrUnknownGroup)
	case 1:
		return found[0], nil
	}
	return tenant.Resource{}, fmt.Errorf("--pilot %q: %d groups have this name; give the object id", name, len(found))
}

// PilotUsers returns, per automatic package, the members of the group
// whom its rule selects (its members), sorted.
func PilotUsers(d *tenant.Data, run *tenant.Run, groupID string) map[string][]string {
	out := map[string][]string{}
	e, ok := d.EntitlementIndex(tenant.Entitlement{ResourceID: groupID, Role: tenant.DefaultRole})
	if !ok {
		return out
	}
	inGroup := map[string]bool{}
	for u := range d.Dataset.NumUsers {
		if slices.Contains(d.Dataset.Row(u), e) {
			inGroup[d.UserIDs[u]] = true
		}
	}
	for _, p := range run.Packages {
		if !p.Automatic {
			continue
		}
		var us []string
		for _, m := range p.Members {
			if inGroup[m] {
				us = append(us, m)
			}
		}
		if len(us) > 0 {
			slices.Sort(us)
			out[p.ID] = us
		}
	}
	return out
}

// Plan fills the plan options of a rollout: the back-fill when backfill is
// set, and the pilot when pilot names a group of the snapshot.
func Plan(d *tenant.Data, run *tenant.Run, opt export.PlanOptions, backfill bool, pilot string) (export.PlanOptions, error) {
	if pilot != "" {
		g, err := PilotGroup(d, pilot)
		if err != nil {
			return opt, err
		}
		opt.Pilot = &export.Pilot{GroupID: g.ID, GroupName: g.DisplayName}
	}
	if !backfill && opt.Pilot == nil {
		return opt, nil
	}
	opt = Rollout(d, run, opt)
	if !backfill {
		opt.Backfill = nil
	}
	return opt, nil
}
