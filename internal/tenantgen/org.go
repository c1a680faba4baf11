package tenantgen

import (
	"fmt"
	"strconv"
)

type resource struct {
	id, typ, name string
}

type entitlement struct {
	res  int
	role string
}

type deptInst struct {
	name    string // with region suffix when the company has several regions
	region  string
	tmpl    *department
	bundle  []int
	manager int // index of the managing user, -1 until known
	// territories are the department's territory groups; territoryNames
	// their names.
	territories    []int
	territoryNames []string
}

type function struct {
	dept     *deptInst
	title    title
	bundle   []int // title-level entitlements
	optional []int
	size     int
	// variant is the bundle of the job function hidden in the title, held
	// on top of bundle by variantSize of its users.
	variant     []int
	variantSize int
	// nested are the groups nesting this function's group with another's
	// (Config.NestedRate): every member holds them.
	nested []int
}

func (g *generator) addResource(typ, name string) int {
	id := g.uuid()
	if typ == "site" {
		id = "https://" + g.cfg.Domain + ".sharepoint.com/sites/" + slug(name)
	}
	g.resources = append(g.resources, resource{id: id, typ: typ, name: name})
	return len(g.resources) - 1
}

func (g *generator) ent(res int, role string) int {
	k := entitlement{res, role}
	if i, ok := g.entIndex[k]; ok {
		return i
	}
	g.ents = append(g.ents, k)
	g.entIndex[k] = len(g.ents) - 1
	return len(g.ents) - 1
}

// buildOrg lays out the organisation: the birthright access, then per
// region and department its shared access and its job functions, the
// guests' and service accounts' access, and the SoD rules.
func (g *generator) buildOrg() {
	cfg := g.cfg
	// Birthright: company-wide groups, the intranet and HR/expense apps.
	g.birthright = append(g.birthright,
		g.ent(g.addResource("group", "All Staff"), "Member"),
		g.ent(g.addResource("group", "SG-VPN-Users"), "Member"),
		g.ent(g.addResource("site", "Intranet"), "Read"))
	for _, a := range birthrightApps {
		sp := g.addResource("application", a.name)
		g.birthright = append(g.birthright, g.ent(sp, a.roles[0]))
	}
	numRegions := max(1, cfg.Users/cfg.UsersPerRegion)
	apps := &appCatalog{g: g, res: map[string]int{}, byTitle: map[string][]int{}}
	for r := range numRegions {
		region := ""
		if numRegions > 1 {
			region = regionName(r)
		}
		for di := range catalog {
			g.addDepartment(&catalog[di], region, apps)
		}
	}
	for k := range 5 {
		g.guestEnts = append(g.guestEnts, g.ent(g.addResource("group", fmt.Sprintf("EXT-Partner-Collaboration-%d", k+1)), "Member"))
	}
	for _, a := range serviceApps {
		sp := g.addResource("application", a.name)
		for _, role := range a.roles {
			g.svcEnts = append(g.svcEnts, g.ent(sp, role))
		}
	}
	g.planSoD()
}

// appCatalog holds the applications created so far (one service principal
// per name, shared by regions) and the app roles each title was given.
type appCatalog struct {
	g       *generator
	res     map[string]int   // app name → service principal resource
	byTitle map[string][]int // "department/title" → app role entitlements
}

func (a *appCatalog) resource(name string) int {
	if r, ok := a.res[name]; ok {
		return r
	}
	a.res[name] = a.g.addResource("application", name)
	return a.res[name]
}

// addDepartment adds one department of a region: its all-staff group, site,
// distribution lists and first app role, its territories, and its job
// functions.
func (g *generator) addDepartment(tmpl *department, region string, apps *appCatalog) {
	d := &deptInst{name: tmpl.name, region: region, tmpl: tmpl, manager: -1}
	if region != "" {
		d.name += " " + region
	}
	all := g.addResource("group", "SG-"+slug(d.name)+"-All")
	site := g.addResource("site", d.name)
	dl := g.addResource("group", "DL-"+slug(d.name))
	d.bundle = []int{g.ent(all, "Member"), g.ent(site, "Edit"), g.ent(dl, "Member"),
		g.ent(apps.resource(tmpl.apps[0].name), tmpl.apps[0].roles[0])}
	for k := 2; k <= g.cfg.BundleScale; k++ {
		d.bundle = append(d.bundle, g.ent(g.addResource("group", fmt.Sprintf("DL-%s-%d", slug(d.name), k)), "Member"))
	}
	for _, t := range tmpl.territories {
		if region != "" {
			t = region + " " + t
		}
		grp := g.addResource("group", "SG-"+slug(tmpl.name)+"-Territory-"+slug(t))
		d.territories = append(d.territories, g.ent(grp, "Member"))
		d.territoryNames = append(d.territoryNames, t)
	}
	g.depts = append(g.depts, d)
	for _, t := range tmpl.titles {
		g.functions = append(g.functions, g.addJobFunction(d, t, all, site, apps))
	}
}

// addJobFunction builds a title's function in department d: its groups, two
// or three of the department's app roles, owner rights for managers, its
// variant groups and its optional access.
func (g *generator) addJobFunction(d *deptInst, t title, all, site int, apps *appCatalog) *function {
	f := &function{dept: d, title: t}
	tg := g.addResource("group", "SG-"+slug(d.name)+"-"+slug(t.name))
	f.bundle = append(f.bundle, g.ent(tg, "Member"))
	for k := 2; k <= 2*g.cfg.BundleScale-1; k++ {
		extra := g.addResource("group", fmt.Sprintf("SG-%s-%s-%d", slug(d.name), slug(t.name), k))
		f.bundle = append(f.bundle, g.ent(extra, "Member"))
	}
	// Two or three app roles of the department's apps, the same for a
	// title in every region.
	key := d.tmpl.name + "/" + t.name
	if _, ok := apps.byTitle[key]; !ok {
		var pool []int
		for ai, a := range d.tmpl.apps {
			for ri, role := range a.roles {
				if ai == 0 && ri == 0 {
					continue
				}
				pool = append(pool, g.ent(apps.resource(a.name), role))
			}
		}
		g.rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		apps.byTitle[key] = pool[:min(len(pool), 2+g.rng.IntN(2))]
	}
	f.bundle = append(f.bundle, apps.byTitle[key]...)
	if t.manager {
		f.bundle = append(f.bundle, g.ent(all, "Owner"), g.ent(site, "Full Control"))
	}
	if t.variant != "" {
		for k := 1; k <= 3; k++ {
			vg := g.addResource("group", fmt.Sprintf("SG-%s-%s-%s-%d", slug(d.name), slug(t.name), slug(t.variant), k))
			f.variant = append(f.variant, g.ent(vg, "Member"))
		}
	}
	// Optional access: a project group and a reporting tool.
	prj := g.addResource("group", "PRJ-"+slug(d.name)+"-"+slug(t.name)+"-Initiatives")
	f.optional = append(f.optional, g.ent(prj, "Member"))
	if g.rng.IntN(2) == 0 {
		rep := g.addResource("site", d.name+" "+t.name+" Reports")
		f.optional = append(f.optional, g.ent(rep, "Read"))
	}
	return f
}

func (g *generator) entName(e int) string {
	return g.resources[g.ents[e].res].name + " " + g.ents[e].role
}

func (g *generator) entOut(e int) Entitlement {
	return Entitlement{ResourceID: g.resources[g.ents[e].res].id, Role: g.ents[e].role}
}

func regionName(r int) string {
	if r < len(regions) {
		return regions[r]
	}
	return "Region " + strconv.Itoa(r+1)
}
