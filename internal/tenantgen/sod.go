package tenantgen

import (
	"fmt"
	"slices"
)

// planSoD picks up to three rules, each between an entitlement that only one
// title of a department holds and one that only another title holds.
func (g *generator) planSoD() {
	holders := map[int]map[string]bool{} // entitlement → titles (by dept template) holding it
	for _, f := range g.functions {
		for _, e := range f.bundle {
			if holders[e] == nil {
				holders[e] = map[string]bool{}
			}
			holders[e][f.dept.tmpl.name+"/"+f.title.name] = true
		}
	}
	order := []string{"Finance", "Human Resources", "Engineering", "Sales", "IT"}
	for _, d := range catalog {
		if !slices.Contains(order, d.name) {
			order = append(order, d.name)
		}
	}
	seen := map[string]bool{}
	for _, dn := range order {
		var fs []*function
		for _, f := range g.functions {
			if f.dept.tmpl.name == dn && f.dept.region == g.functions[0].dept.region {
				fs = append(fs, f)
			}
		}
	pairs:
		for i := range fs {
			for j := range fs {
				if i == j {
					continue
				}
				l := g.exclusive(fs[i], holders)
				r := g.exclusive(fs[j], holders)
				if l < 0 || r < 0 || l == r || seen[fmt.Sprint(l, r)] || seen[fmt.Sprint(r, l)] {
					continue
				}
				seen[fmt.Sprint(l, r)] = true
				g.sodRules = append(g.sodRules, [2]int{l, r})
				break pairs
			}
		}
		if len(g.sodRules) == 3 {
			break
		}
	}
	for _, r := range g.sodRules {
		g.truth.SoDRules = append(g.truth.SoDRules, SoDRule{
			Name:  g.entName(r[0]) + " vs " + g.entName(r[1]),
			Left:  g.entOut(r[0]),
			Right: g.entOut(r[1]),
		})
	}
}

// exclusive returns an application entitlement of f's bundle that no other
// title holds, or -1.
func (g *generator) exclusive(f *function, holders map[int]map[string]bool) int {
	for _, e := range f.bundle {
		if g.resources[g.ents[e].res].typ == "application" && len(holders[e]) == 1 {
			return e
		}
	}
	return -1
}

func (g *generator) isSoDSide(e int) bool {
	for _, r := range g.sodRules {
		if r[0] == e || r[1] == e {
			return true
		}
	}
	return false
}

// plantSoD gives a few holders of one side of each rule the other side.
func (g *generator) plantSoD() {
	n := max(1, g.cfg.Users/1000)
	for _, r := range g.sodRules {
		var holders []int
		for i := range g.users {
			if g.users[i].fn != nil && slices.Contains(g.users[i].grants, int32(r[0])) && !slices.Contains(g.users[i].grants, int32(r[1])) {
				holders = append(holders, i)
			}
		}
		g.rng.Shuffle(len(holders), func(a, b int) { holders[a], holders[b] = holders[b], holders[a] })
		for _, i := range holders[:min(n, len(holders))] {
			g.addExcess(&g.users[i], r[1], "sod")
		}
	}
}
