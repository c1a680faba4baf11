package tenantgen

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

type user struct {
	id, upn, display, title, company, employeeType, userType, office, costCenter string
	dept                                                                         *deptInst
	fn                                                                           *function
	manager                                                                      int // index of the user's manager, -1 for none
	enabled                                                                      bool
	wrongTitle                                                                   bool // the title is another function's
	grants                                                                       []int32
}

func (g *generator) buildUsers() {
	cfg := g.cfg
	guests := int(math.Round(float64(cfg.Users) * cfg.GuestRate))
	svc := int(math.Round(float64(cfg.Users) * cfg.ServiceRate))
	employees := cfg.Users - guests - svc
	if employees < 1 {
		employees, guests, svc = cfg.Users, 0, 0
	}
	g.sizeFunctions(employees)

	// Employee slots in random order so that files are not grouped.
	var slots []*function
	for _, f := range g.functions {
		for range f.size {
			slots = append(slots, f)
		}
	}
	g.rng.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })

	g.users = make([]user, 0, cfg.Users)
	for i, f := range slots {
		g.users = append(g.users, g.employee(i, f))
	}
	for i := range guests {
		g.users = append(g.users, g.guest(i))
	}
	for i := range svc {
		g.users = append(g.users, g.service(i))
	}
	// Managers: the first enabled user of a manager title of the department,
	// otherwise its first user.
	for i := range g.users {
		u := &g.users[i]
		if u.dept == nil {
			continue
		}
		if u.dept.manager < 0 || (u.fn.title.manager && !g.users[u.dept.manager].fn.title.manager) {
			u.dept.manager = i
		}
	}
	for i := range g.users {
		u := &g.users[i]
		u.manager = -1
		if u.dept != nil && u.dept.manager != i {
			u.manager = u.dept.manager
		}
	}
	g.plantOrgAccess()
	g.plantMovers()
	g.plantExcess()
	g.plantSecondTerritories()
	g.plantSoD()
	g.finishTruth()
}

// sizeFunctions divides the employees among the job functions in proportion
// to their weights, leaving out functions below the minimum size.
func (g *generator) sizeFunctions(employees int) {
	numRegions := len(g.depts) / len(catalog)
	weight := func(f *function) float64 { return f.dept.tmpl.weight * f.title.weight / float64(numRegions) }
	total := 0.0
	for _, f := range g.functions {
		total += weight(f)
	}
	kept := g.functions[:0:0]
	for _, f := range g.functions {
		if float64(employees)*weight(f)/total >= float64(g.cfg.MinFunctionSize) {
			kept = append(kept, f)
		}
	}
	if len(kept) == 0 {
		kept = append(kept, slices.MaxFunc(g.functions, func(a, b *function) int { return cmp.Compare(weight(a), weight(b)) }))
	}
	g.functions = kept
	total = 0
	for _, f := range kept {
		total += weight(f)
	}
	// Largest remainder rounding.
	type rem struct {
		f *function
		r float64
	}
	rems := make([]rem, len(kept))
	assigned := 0
	for i, f := range kept {
		exact := float64(employees) * weight(f) / total
		f.size = int(exact)
		assigned += f.size
		rems[i] = rem{f, exact - float64(f.size)}
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.r, a.r) })
	for i := 0; assigned < employees; i++ {
		rems[i%len(rems)].f.size++
		assigned++
	}
}

func (g *generator) person() (display, upnLocal string) {
	first := firstNames[g.rng.IntN(len(firstNames))]
	last := lastNames[g.rng.IntN(len(lastNames))]
	return first + " " + last, asciiLocal(first) + "." + asciiLocal(last)
}

func (g *generator) employee(i int, f *function) user {
	cfg := g.cfg
	display, local := g.person()
	u := user{
		id: g.uuid(), display: display, upn: fmt.Sprintf("%s%d@%s.com", local, i+1, cfg.Domain),
		title: f.title.name, company: "Contoso", employeeType: "Employee", userType: "Member",
		dept: f.dept, fn: f, enabled: true, office: officeFor(f.dept),
	}
	if g.rng.Float64() < 0.1 {
		u.employeeType = "Contractor"
	}
	switch x := g.rng.Float64(); {
	case x < cfg.WrongTitleRate:
		var others []*function
		for _, o := range g.functions {
			if o.dept == f.dept && o.title.name != f.title.name {
				others = append(others, o)
			}
		}
		if len(others) > 0 {
			u.title = others[g.rng.IntN(len(others))].title.name
			u.wrongTitle = true
		}
	case x < cfg.WrongTitleRate+cfg.EmptyTitleRate:
		u.title = ""
	case x < cfg.WrongTitleRate+cfg.EmptyTitleRate+cfg.TitleTypoRate:
		u.title = typo(u.title, g.rng)
	case x < cfg.WrongTitleRate+cfg.EmptyTitleRate+cfg.TitleTypoRate+cfg.TitleVariantRate:
		u.title = g.variant(u.title)
	}
	if g.rng.Float64() < cfg.DisabledRate {
		u.enabled = false
	}
	grant := func(es []int, p float64) {
		for _, e := range es {
			if g.rng.Float64() < p {
				u.grants = append(u.grants, int32(e))
			}
		}
	}
	keep := 1 - cfg.DropoutRate
	grant(g.birthright, keep)
	grant(f.dept.bundle, keep)
	grant(f.bundle, keep)
	grant(f.optional, cfg.OptionalRate)
	if n := len(f.dept.territories); n > 0 {
		k := g.rng.IntN(n)
		grant(f.dept.territories[k:k+1], keep)
		u.office = f.dept.territoryNames[k] + " Office"
	}
	u.costCenter = "CC-" + slug(f.dept.name) + "-" + slug(f.title.name)
	if len(f.variant) > 0 && g.rng.IntN(2) == 0 {
		grant(f.variant, keep)
		u.costCenter += "-" + slug(f.title.variant)
		f.variantSize++
	}
	return u
}

// variant returns the title typed differently, by a variant that applies
// to it.
func (g *generator) variant(title string) string {
	for _, k := range g.rng.Perm(len(titleVariants)) {
		if v := titleVariants[k](title); v != title {
			return v
		}
	}
	return title
}

func officeFor(d *deptInst) string {
	if d.region == "" {
		return "Headquarters"
	}
	return d.region + " Office"
}

func (g *generator) guest(i int) user {
	display, local := g.person()
	u := user{
		id: g.uuid(), display: display + " (Partner)", company: "Fabrikam", userType: "Guest", enabled: true,
		upn: fmt.Sprintf("%s%d_fabrikam.com#EXT#@%s.onmicrosoft.com", local, i+1, g.cfg.Domain),
	}
	n := 1 + g.rng.IntN(2)
	for _, k := range g.rng.Perm(len(g.guestEnts))[:n] {
		u.grants = append(u.grants, int32(g.guestEnts[k]))
	}
	return u
}

func (g *generator) service(i int) user {
	names := []string{"backup", "monitoring", "etl", "scanner", "sync"}
	name := fmt.Sprintf("svc-%s-%d", names[i%len(names)], i+1)
	u := user{id: g.uuid(), display: name, upn: name + "@" + g.cfg.Domain + ".com", userType: "Member", enabled: true}
	n := 1 + g.rng.IntN(2)
	for _, k := range g.rng.Perm(len(g.svcEnts))[:n] {
		u.grants = append(u.grants, int32(g.svcEnts[k]))
	}
	return u
}
