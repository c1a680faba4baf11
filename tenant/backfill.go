package tenant

import "slices"

// Rolling a package out (Microsoft's deployment guidance: "begin with a
// gradual rollout to a scoped set of users") starts by bringing the access
// people already hold under the package: a direct assignment for every
// user who holds all of it, so that nobody gains or loses anything and the
// package's policies (reviews, expiration) govern it from then on.

// Backfill returns the object ids of the users to assign package p
// directly when it is rolled out: enabled member accounts who already hold
// every entitlement of the package and whom its assignment rule does not
// select (an automatic policy assigns those itself); for a package without
// a rule, its members who hold all of it. Sorted.
func Backfill(d *Data, p Package) []string {
	ents := make([]int32, 0, len(p.Entitlements))
	for _, e := range p.Entitlements {
		i, ok := d.EntitlementIndex(Entitlement{ResourceID: e.ResourceID, Role: e.Role})
		if !ok {
			return nil // an entitlement nobody holds: nobody holds all of it
		}
		ents = append(ents, i)
	}
	if len(ents) == 0 {
		return nil
	}
	members := make(map[string]bool, len(p.Members))
	for _, m := range p.Members {
		members[m] = true
	}
	var out []string
	for u := range d.Dataset.NumUsers {
		if d.Kinds[u] != Member {
			continue
		}
		id := d.UserIDs[u]
		if p.Automatic == members[id] {
			// Automatic: the rule selects its members. Direct: only members.
			continue
		}
		row := d.Dataset.Row(u)
		if holdsAll(row, ents) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// holdsAll reports whether the row holds every entitlement of ents.
func holdsAll(row, ents []int32) bool {
	for _, e := range ents {
		if !slices.Contains(row, e) {
			return false
		}
	}
	return true
}
