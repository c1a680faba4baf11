package tenantgen

import (
	"fmt"
	"slices"
)

// Access that no job function explains and that is still legitimate, as
// real tenants have it: teams run by managers, projects across titles and
// departments, access bound to an office, nested groups; and the long tail
// of one-off grants only one user holds (planted as excess: no peer can
// vouch for them, so a reviewer should see each). Each kind is planted
// only when its rate is set, so tenants generated without them stay as
// they were.

// Kinds of legitimate access (LegitimateAccess.Kind).
const (
	LegitTeam     = "team"     // a manager's team group: the manager and their direct reports
	LegitProject  = "project"  // a project group across titles and departments
	LegitLocation = "location" // access bound to an office
	LegitNested   = "nested"   // a group whose members are two job functions' (a nested group, flattened)
)

// Kinds of excess grant (ExcessGrant.Kind) of the organisation: the long
// tail, a resource only one user holds; and the group of a team a mover
// left, which they kept.
const (
	ExcessLongTail = "longTail"
	ExcessOldTeam  = "oldTeam"
)

// teamGroup is a team's group and its members.
type teamGroup struct {
	ent     int
	dept    *deptInst
	members []int
}

// plantOldTeams gives half of the movers (users given an earlier job
// function's access) the group of another team of their department, which
// they kept when they moved: excess their new groups do not explain.
func (g *generator) plantOldTeams(movers []int) {
	if len(g.teamGroups) == 0 {
		return
	}
	for _, i := range movers {
		if g.rng.IntN(2) == 0 {
			continue
		}
		u := &g.users[i]
		var options []teamGroup
		for _, t := range g.teamGroups {
			if t.dept == u.dept && !slices.Contains(t.members, i) {
				options = append(options, t)
			}
		}
		if len(options) > 0 {
			g.addExcess(u, options[g.rng.IntN(len(options))].ent, ExcessOldTeam)
		}
	}
}

// LegitimateAccess is planted access that no job function explains and
// that is legitimate: an entitlement and who holds it for that reason.
type LegitimateAccess struct {
	Kind        string      `json:"kind"`
	Name        string      `json:"name"`
	Entitlement Entitlement `json:"entitlement"`
	// Manager is the team's manager (LegitTeam); Office the office
	// (LegitLocation).
	Manager string   `json:"manager,omitempty"`
	Office  string   `json:"office,omitempty"`
	Users   []string `json:"users"`
}

// plantOrgAccess organises each department into teams under managers
// (TeamSize), and plants the legitimate access of the rates set.
func (g *generator) plantOrgAccess() {
	if g.cfg.TeamSize > 0 {
		g.buildTeams()
	}
	if g.cfg.ProjectRate > 0 {
		g.plantProjects()
	}
	if g.cfg.LocationRate > 0 {
		g.plantLocationAccess()
	}
	if g.cfg.NestedRate > 0 {
		g.plantNestedGroups()
	}
	if g.cfg.LongTailRate > 0 {
		g.plantLongTail()
	}
}

// grantLegit gives users entitlement e (each unless the dropout takes it)
// and records it as legitimate access.
func (g *generator) grantLegit(a LegitimateAccess, e int, users []int) {
	a.Entitlement = g.entOut(e)
	keep := 1 - g.cfg.DropoutRate
	for _, i := range users {
		u := &g.users[i]
		if g.rng.Float64() >= keep {
			continue
		}
		if !slices.Contains(u.grants, int32(e)) {
			u.grants = append(u.grants, int32(e))
		}
		a.Users = append(a.Users, u.id)
	}
	if len(a.Users) > 0 {
		g.truth.Legitimate = append(g.truth.Legitimate, a)
	}
}

// employeesByDept returns the indices of each department's employees, in
// user order.
func (g *generator) employeesByDept() map[*deptInst][]int {
	by := map[*deptInst][]int{}
	for i := range g.users {
		if d := g.users[i].dept; d != nil {
			by[d] = append(by[d], i)
		}
	}
	return by
}

// buildTeams splits every department's employees (but its head) at random
// into teams of about TeamSize, across titles; each team's manager is one
// of its members of a manager title when it has one, else its first, and
// reports to the department's head. TeamGroupRate of the managers run a
// Microsoft 365 group for their team, which they own and their direct
// reports are members of.
func (g *generator) buildTeams() {
	by := g.employeesByDept()
	for _, d := range g.depts {
		members := slices.DeleteFunc(slices.Clone(by[d]), func(i int) bool { return i == d.manager })
		g.rng.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
		size := g.cfg.TeamSize
		for t := 0; t*size < len(members); t++ {
			team := members[t*size : min(len(members), (t+1)*size)]
			lead := team[0]
			for _, i := range team {
				if g.users[i].fn.title.manager {
					lead = i
					break
				}
			}
			g.users[lead].manager = d.manager
			for _, i := range team {
				if i != lead {
					g.users[i].manager = lead
				}
			}
			if g.rng.Float64() >= g.cfg.TeamGroupRate {
				continue
			}
			name := fmt.Sprintf("Team %s (%s)", g.users[lead].display, d.name)
			res := g.addResource("group", name)
			reports := slices.DeleteFunc(slices.Clone(team), func(i int) bool { return i == lead })
			e := g.ent(res, "Member")
			g.grantLegit(LegitimateAccess{Kind: LegitTeam, Name: name, Manager: g.users[lead].id}, e, append([]int{lead}, reports...))
			g.teamGroups = append(g.teamGroups, teamGroup{ent: e, dept: d, members: team})
		}
	}
}

// plantProjects creates project groups of 5 to 20 members drawn from two
// or three departments, until about ProjectRate of the employees are in
// one.
func (g *generator) plantProjects() {
	by := g.employeesByDept()
	var depts []*deptInst
	for _, d := range g.depts {
		if len(by[d]) > 0 {
			depts = append(depts, d)
		}
	}
	if len(depts) < 2 {
		return
	}
	employees := 0
	for _, d := range depts {
		employees += len(by[d])
	}
	for n, placed := 0, 0; float64(placed) < g.cfg.ProjectRate*float64(employees); n++ {
		size := 5 + g.rng.IntN(16)
		k := 2 + g.rng.IntN(2)
		var members []int
		for _, di := range g.rng.Perm(len(depts))[:min(k, len(depts))] {
			pool := by[depts[di]]
			for range size / k {
				members = append(members, pool[g.rng.IntN(len(pool))])
			}
		}
		slices.Sort(members)
		members = slices.Compact(members)
		name := fmt.Sprintf("PRJ-Cross-%03d", n+1)
		g.grantLegit(LegitimateAccess{Kind: LegitProject, Name: name}, g.ent(g.addResource("group", name), "Member"), members)
		placed += len(members)
	}
}

// plantLocationAccess spreads the employees of each office (but those of
// a territory's) over it and two campuses, at random, and gives
// LocationRate of the offices a building group that every employee
// working there holds: access that follows the office, not the job.
func (g *generator) plantLocationAccess() {
	for i := range g.users {
		u := &g.users[i]
		if u.dept == nil || u.office != officeFor(u.dept) {
			continue
		}
		switch g.rng.IntN(3) {
		case 1:
			u.office += " North Campus"
		case 2:
			u.office += " South Campus"
		}
	}
	var offices []string
	at := map[string][]int{}
	for i := range g.users {
		u := &g.users[i]
		if u.dept == nil || u.office == "" {
			continue
		}
		if _, ok := at[u.office]; !ok {
			offices = append(offices, u.office)
		}
		at[u.office] = append(at[u.office], i)
	}
	for _, o := range offices {
		if g.rng.Float64() >= g.cfg.LocationRate {
			continue
		}
		name := "LOC-" + slug(o) + "-Building-Access"
		g.grantLegit(LegitimateAccess{Kind: LegitLocation, Name: name, Office: o}, g.ent(g.addResource("group", name), "Member"), at[o])
	}
}

// plantNestedGroups creates, for NestedRate of the job functions, a group
// that nests its title group and another function's (flattened: both
// functions' members hold it, so it belongs to both functions' access in
// the truth).
func (g *generator) plantNestedGroups() {
	if len(g.functions) < 2 {
		return
	}
	byFn := map[*function][]int{}
	for i := range g.users {
		if f := g.users[i].fn; f != nil {
			byFn[f] = append(byFn[f], i)
		}
	}
	for fi, f := range g.functions {
		if g.rng.Float64() >= g.cfg.NestedRate {
			continue
		}
		o := g.functions[g.rng.IntN(len(g.functions))]
		if o == f {
			o = g.functions[(fi+1)%len(g.functions)]
		}
		name := fmt.Sprintf("SG-Shared-%s-%s", slug(f.title.name), slug(o.title.name))
		e := g.ent(g.addResource("group", name), "Member")
		// Every member of both functions holds it: it is part of both
		// functions' access.
		f.nested = append(f.nested, e)
		o.nested = append(o.nested, e)
		g.grantLegit(LegitimateAccess{Kind: LegitNested, Name: name}, e, slices.Concat(byFn[f], byFn[o]))
	}
}

// plantLongTail gives LongTailRate of the employees a one-off grant that
// nobody else holds: a site of their own, with Full Control.
func (g *generator) plantLongTail() {
	for i := range g.users {
		u := &g.users[i]
		if u.dept == nil || g.rng.Float64() >= g.cfg.LongTailRate {
			continue
		}
		name := u.display + " Workspace " + fmt.Sprint(i+1)
		g.addExcess(u, g.ent(g.addResource("site", name), "Full Control"), ExcessLongTail)
	}
}
