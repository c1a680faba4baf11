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
	ents, ok := packageEnts(d, p)
	if !ok {
		return nil // an entitlement nobody holds: nobody holds all of it
	}
	return sortedIDs(d, backfillUsers(d, p, ents, nil))
}

// packageEnts returns the keys of p's entitlements that someone in the
// snapshot holds, ascending; all tells whether that is every one of them.
func packageEnts(d *Data, p Package) (ents []int32, all bool) {
	ents = make([]int32, 0, len(p.Entitlements))
	for _, e := range p.Entitlements {
		if i, ok := d.EntitlementIndex(Entitlement{ResourceID: e.ResourceID, Role: e.Role}); ok {
			ents = append(ents, i)
		}
	}
	slices.Sort(ents)
	return ents, len(ents) == len(p.Entitlements)
}

// backfillUsers is Backfill for the package's entitlements ents: the
// users, ascending, but those skip (when not nil) leaves out, asked before
// their access is compared.
func backfillUsers(d *Data, p Package, ents []int32, skip func(u int32) bool) []int32 {
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
	var out []int32
	for _, u := range holders[ents[rarest]] {
		if d.Kinds[u] != Member {
			continue
		}
		if _, member := slices.BinarySearch(members, u); p.Automatic == member {
			// Automatic: the rule selects its members. Direct: only members.
			continue
		}
		if (skip == nil || !skip(u)) && holdsAll(d.Dataset.Row(int(u)), ents) {
			out = append(out, u)
		}
	}
	return out
}

// sortedIDs returns the object ids of users, sorted (nil for none).
func sortedIDs(d *Data, users []int32) []string {
	if len(users) == 0 {
		return nil
	}
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = d.UserIDs[u]
	}
	slices.Sort(ids)
	return ids
}

// holdsAll reports whether the row holds every entitlement of ents, both
// ascending: one walk along both.
func holdsAll(row, ents []int32) bool {
	k := 0
	for _, e := range ents {
		for k < len(row) && row[k] < e {
			k++
		}
		if k == len(row) || row[k] != e {
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
	complete := make([]bool, len(pkgs)) // every entitlement is held by someone
	for i, p := range pkgs {
		ents[i], complete[i] = packageEnts(d, p)
	}
	// selecting[u]: the automatic packages whose rules select user u.
	selecting := make([][]int, d.Dataset.NumUsers)
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
	// covers[{q, p}]: package q grants every entitlement of package p,
	// for the pairs asked about (a run with teams has tens of thousands of
	// packages: a table of every pair would take gigabytes).
	covers := map[[2]int]bool{}
	covered := func(q, p int) bool {
		c, ok := covers[[2]int{q, p}]
		if !ok {
			c = len(ents[p]) > 0 && holdsAll(ents[q], ents[p])
			covers[[2]int{q, p}] = c
		}
		return c
	}
	out := map[string][]string{}
	for p, pkg := range pkgs {
		if !complete[p] {
			continue
		}
		var skip func(u int32) bool
		if pkg.Automatic {
			skip = func(u int32) bool {
				return slices.ContainsFunc(selecting[u], func(q int) bool { return q != p && covered(q, p) })
			}
		}
		if keep := backfillUsers(d, pkg, ents[p], skip); len(keep) > 0 {
			out[pkg.ID] = sortedIDs(d, keep)
		}
	}
	return out
}
