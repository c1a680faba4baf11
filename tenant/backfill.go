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
	// Only the holders of the rarest entitlement can hold all of it.
	holders := d.Holders()
	rarest := 0
	for i, e := range ents {
		if len(holders[e]) < len(holders[ents[rarest]]) {
			rarest = i
		}
	}
	members := make([]int32, 0, len(p.Members))
	for _, m := range p.Members {
		if u, ok := d.UserIndex(m); ok {
			members = append(members, u)
		}
	}
	slices.Sort(members)
	var out []string
	for _, u := range holders[ents[rarest]] {
		if d.Kinds[u] != Member {
			continue
		}
		if _, member := slices.BinarySearch(members, u); p.Automatic == member {
			// Automatic: the rule selects its members. Direct: only members.
			continue
		}
		if holdsAll(d.Dataset.Row(int(u)), ents) {
			out = append(out, d.UserIDs[u])
		}
	}
	slices.Sort(out)
	return out
}

// holdsAll reports whether the row (sorted) holds every entitlement of
// ents.
func holdsAll(row, ents []int32) bool {
	for _, e := range ents {
		if _, ok := slices.BinarySearch(row, e); !ok {
			return false
		}
	}
	return true
}
