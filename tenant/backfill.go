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

// Backfills returns the back-fill of each of pkgs (Backfill) that has
// one, by package id, leaving out a user whom another package brings
// the access already: an automatic package whose rule selects them and
// that grants every entitlement of the first. Nobody loses anything by
// that either. Without it, packages that share widely held access (one
// birthright package per department, each with the tenant-wide groups)
// were each back-filled to every other department's users: a million
// users' run asked for 60 M direct assignments, 60 per user.
func Backfills(d *Data, pkgs []Package) map[string][]string {
	ents := make([][]int32, len(pkgs))
	for i, p := range pkgs {
		for _, e := range p.Entitlements {
			if k, ok := d.EntitlementIndex(Entitlement{ResourceID: e.ResourceID, Role: e.Role}); ok {
				ents[i] = append(ents[i], k)
			}
		}
		slices.Sort(ents[i])
	}
	// selecting[u]: the automatic packages whose rules select user u.
	selecting := map[int32][]int{}
	for i, p := range pkgs {
		if !p.Automatic {
			continue
		}
		for _, m := range p.Members {
			if u, ok := d.UserIndex(m); ok {
				selecting[u] = append(selecting[u], i)
			}
		}
	}
	// covers[q*n+p]: package q grants every entitlement of package p (1
	// yes, 2 no, 0 not known yet).
	n := len(pkgs)
	covers := make([]int8, n*n)
	covered := func(q, p int) bool {
		c := &covers[q*n+p]
		if *c == 0 {
			*c = 2
			if len(ents[p]) > 0 && len(ents[p]) == len(pkgs[p].Entitlements) && holdsAll(ents[q], ents[p]) {
				*c = 1
			}
		}
		return *c == 1
	}
	out := map[string][]string{}
	for p, pkg := range pkgs {
		var keep []string
		for _, id := range Backfill(d, pkg) {
			u, _ := d.UserIndex(id)
			if pkg.Automatic && slices.ContainsFunc(selecting[u], func(q int) bool { return q != p && covered(q, p) }) {
				continue
			}
			keep = append(keep, id)
		}
		if len(keep) > 0 {
			out[pkg.ID] = keep
		}
	}
	return out
}
