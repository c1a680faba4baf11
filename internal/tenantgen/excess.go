package tenantgen

import (
	"slices"
)

// fullSet returns every entitlement a member of f may legitimately hold.
func (g *generator) fullSet(f *function) map[int]bool {
	s := map[int]bool{}
	for _, l := range [][]int{g.birthright, f.dept.bundle, f.bundle, f.optional, f.variant, f.nested} {
		for _, e := range l {
			s[e] = true
		}
	}
	return s
}

func (g *generator) addExcess(u *user, e int, kind string) {
	if slices.Contains(u.grants, int32(e)) {
		return
	}
	u.grants = append(u.grants, int32(e))
	g.truth.ExcessGrants = append(g.truth.ExcessGrants, ExcessGrant{
		UserID: u.id, ResourceID: g.resources[g.ents[e].res].id, Role: g.ents[e].role, Kind: kind})
}

// plantMovers gives some employees the access of the job function they had
// before; what their new function does not explain is excess. Where teams
// have groups, half of them also kept their old team's.
func (g *generator) plantMovers() {
	if len(g.functions) < 2 {
		return
	}
	var movers []int
	for i := range g.users {
		u := &g.users[i]
		if u.fn == nil || g.rng.Float64() >= g.cfg.MoverRate {
			continue
		}
		old := g.functions[g.rng.IntN(len(g.functions))]
		if old == u.fn {
			continue
		}
		movers = append(movers, i)
		legit := g.fullSet(u.fn)
		for _, l := range [][]int{old.dept.bundle, old.bundle} {
			for _, e := range l {
				if !legit[e] && !g.isSoDSide(e) {
					g.addExcess(u, e, "mover")
				}
			}
		}
	}
	g.plantOldTeams(movers)
}

// plantExcess gives some employees one to three grants of other functions.
func (g *generator) plantExcess() {
	var pool []int
	for _, f := range g.functions {
		pool = append(pool, f.bundle...)
		pool = append(pool, f.dept.bundle...)
	}
	slices.Sort(pool)
	pool = slices.Compact(pool)
	pool = slices.DeleteFunc(pool, g.isSoDSide)
	if len(pool) == 0 {
		return
	}
	for i := range g.users {
		u := &g.users[i]
		if u.fn == nil || g.rng.Float64() >= g.cfg.ExcessRate {
			continue
		}
		legit := g.fullSet(u.fn)
		for range 1 + g.rng.IntN(3) {
			e := pool[g.rng.IntN(len(pool))]
			if !legit[e] {
				g.addExcess(u, e, "random")
			}
		}
	}
}

// plantSecondTerritories gives a few members of departments with
// territories the group of a second territory, at a third of the excess
// rate: noise that a suggested regional split must tolerate.
func (g *generator) plantSecondTerritories() {
	for i := range g.users {
		u := &g.users[i]
		if u.fn == nil || len(u.dept.territories) < 2 || g.rng.Float64() >= g.cfg.ExcessRate/3 {
			continue
		}
		e := u.dept.territories[g.rng.IntN(len(u.dept.territories))]
		g.addExcess(u, e, "random")
	}
}
