// Package tenantgen generates realistic synthetic tenants: users with job
// titles and departments, groups, app roles and SharePoint sites, and who
// holds what, together with a ground-truth file that says which job
// functions, excess grants and separation-of-duties violations were planted.
//
// The output is the CSV input format of `rolemine ingest files`. Generation
// is deterministic per seed and streams the assignments, so a million users
// take seconds.
package tenantgen

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Config sets the size and the dirt of a generated tenant.
type Config struct {
	Users  int    // user objects in all, guests and service accounts included
	Seed   uint64 // the same seed gives byte-identical output
	Domain string // tenant name, e.g. "contoso"

	TitleVariantRate float64 // titles typed with abbreviations, case or spacing variants
	TitleTypoRate    float64 // titles misspelt beyond what a normaliser folds
	EmptyTitleRate   float64 // users without a job title
	WrongTitleRate   float64 // users whose title is another title of their department (stale after a move, or wrong)
	DisabledRate     float64 // disabled accounts that still hold access
	GuestRate        float64 // guest users
	ServiceRate      float64 // service accounts
	MoverRate        float64 // users who changed job function and kept old access
	ExcessRate       float64 // users with random excess grants
	DropoutRate      float64 // each bundle grant missing with this chance
	OptionalRate     float64 // optional per-title access held by this share
	MinFunctionSize  int     // smallest planted job function
	// BundleScale multiplies the group memberships of department and title
	// bundles (1: about 13 grants per user; 4: about 40), for scale tests.
	BundleScale int
	// UsersPerRegion sets how many users share one copy of the departments
	// (each region has its own groups and sites).
	UsersPerRegion int
}

// DefaultConfig returns the configuration `rolemine generate tenant` uses.
func DefaultConfig(users int, seed uint64) Config {
	return Config{
		Users: users, Seed: seed, Domain: "contoso",
		TitleVariantRate: 0.08, TitleTypoRate: 0.005, EmptyTitleRate: 0.03,
		DisabledRate: 0.02, GuestRate: 0.02, ServiceRate: 0.005,
		MoverRate: 0.03, ExcessRate: 0.03, DropoutRate: 0.01, OptionalRate: 0.35,
		MinFunctionSize: 10, BundleScale: 1, UsersPerRegion: 25000,
	}
}

// Entitlement is a resource role as written in assignments.csv.
type Entitlement struct {
	ResourceID string `json:"resourceId"`
	Role       string `json:"role"`
}

// Truth is the ground truth of a generated tenant, written as truth.json.
type Truth struct {
	Seed         uint64        `json:"seed"`
	Users        int           `json:"users"`
	Birthright   []Entitlement `json:"birthright"`
	JobFunctions []JobFunction `json:"jobFunctions"`
	ExcessGrants []ExcessGrant `json:"excessGrants"`
	// RegionalSplits are groups of entitlements of which every member of a
	// department holds exactly one: pairs of them are never held together
	// apart from planted excess.
	RegionalSplits []RegionalSplit `json:"regionalSplits"`
	SoDRules       []SoDRule       `json:"sodRules"`
	SoDViolations  []SoDViolation  `json:"sodViolations"`
	// WrongTitles lists the enabled members whose title is another job
	// function's of their department (WrongTitleRate).
	WrongTitles []string `json:"wrongTitles"`
	Disabled    []string `json:"disabled"`
	Guests      []string `json:"guests"`
	Service     []string `json:"serviceAccounts"`
}

// JobFunction is a planted job function: its department and title and the
// entitlements every member should hold beyond the birthright.
type JobFunction struct {
	Department string `json:"department"`
	JobTitle   string `json:"jobTitle"`
	// Variant names a job function hidden inside the title (its members
	// also hold the title's function); empty for the title's own function.
	Variant      string        `json:"variant,omitempty"`
	Members      int           `json:"members"`
	Entitlements []Entitlement `json:"entitlements"`
}

// ExcessGrant is a planted grant that no job function explains. Kind is
// RegionalSplit is a department's set of mutually exclusive territory
// groups.
type RegionalSplit struct {
	Department   string        `json:"department"`
	Entitlements []Entitlement `json:"entitlements"`
}

// "random" (granted by mistake), "mover" (kept from an earlier job function)
// or "sod" (planted to violate a separation-of-duties rule).
type ExcessGrant struct {
	UserID     string `json:"userId"`
	ResourceID string `json:"resourceId"`
	Role       string `json:"role"`
	Kind       string `json:"kind"`
}

// SoDRule is a planted separation-of-duties rule between two entitlements.
type SoDRule struct {
	Name  string      `json:"name"`
	Left  Entitlement `json:"left"`
	Right Entitlement `json:"right"`
}

// SoDViolation is a user who holds both sides of a rule.
type SoDViolation struct {
	Rule   string `json:"rule"`
	UserID string `json:"userId"`
}

// Files written into the output directory.
const (
	UsersFile       = "users.csv"
	ResourcesFile   = "resources.csv"
	AssignmentsFile = "assignments.csv"
	TruthFile       = "truth.json"
	SoDRulesFile    = "sod-rules.yaml"
)

func (c Config) check() error {
	if c.Users < 1 {
		return fmt.Errorf("generate: %d users: need at least one", c.Users)
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"title-variant", c.TitleVariantRate}, {"title-typo", c.TitleTypoRate}, {"empty-title", c.EmptyTitleRate},
		{"wrong-title", c.WrongTitleRate}, {"disabled", c.DisabledRate}, {"guest", c.GuestRate}, {"service", c.ServiceRate},
		{"mover", c.MoverRate}, {"excess", c.ExcessRate}, {"dropout", c.DropoutRate}, {"optional", c.OptionalRate}} {
		if r.v < 0 || r.v > 1 || math.IsNaN(r.v) {
			return fmt.Errorf("generate: %s rate %v is not in [0, 1]", r.name, r.v)
		}
	}
	if c.BundleScale < 1 || c.BundleScale > 100 {
		return fmt.Errorf("generate: bundle scale %d is not in [1, 100]", c.BundleScale)
	}
	if c.UsersPerRegion < 1 {
		return fmt.Errorf("generate: %d users per region: need at least one", c.UsersPerRegion)
	}
	if c.Domain == "" || strings.ContainsAny(c.Domain, " /,\"") {
		return fmt.Errorf("generate: domain %q is not a plain name", c.Domain)
	}
	return nil
}

// Generate writes a tenant into dir (created if needed) and returns its
// ground truth.
func Generate(cfg Config, dir string) (*Truth, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	g := newGenerator(cfg)
	g.buildOrg()
	g.buildUsers()
	if err := g.write(dir); err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	return g.truth, nil
}

// Tenant is a generated tenant in memory, for benchmarks and tests that
// skip the files.
type Tenant struct {
	Truth *Truth
	// Entitlements[e] is entitlement e.
	Entitlements []Entitlement
	Users        []User
}

// User is a generated user; Grants are indices into Tenant.Entitlements,
// ascending.
type User struct {
	ID, UserPrincipalName, JobTitle, Department, EmployeeType, UserType string
	Enabled                                                             bool
	Grants                                                              []int32
}

// Build generates a tenant in memory; Generate(cfg, dir) writes the same
// tenant as files.
func Build(cfg Config) (*Tenant, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	g := newGenerator(cfg)
	g.buildOrg()
	g.buildUsers()
	t := &Tenant{Truth: g.truth, Entitlements: make([]Entitlement, len(g.ents)), Users: make([]User, len(g.users))}
	for i := range g.ents {
		t.Entitlements[i] = g.entOut(i)
	}
	for i := range g.users {
		u := &g.users[i]
		dept := ""
		if u.dept != nil {
			dept = u.dept.name
		}
		t.Users[i] = User{ID: u.id, UserPrincipalName: u.upn, JobTitle: u.title, Department: dept,
			EmployeeType: u.employeeType, UserType: u.userType, Enabled: u.enabled, Grants: u.grants}
	}
	return t, nil
}

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
}

type generator struct {
	cfg   Config
	rng   *rand.Rand
	truth *Truth

	resources []resource
	ents      []entitlement
	entIndex  map[entitlement]int

	birthright []int
	depts      []*deptInst
	functions  []*function
	guestEnts  []int
	svcEnts    []int
	sodRules   [][2]int

	users []user
}

type user struct {
	id, upn, display, title, company, employeeType, userType, office, costCenter string
	dept                                                                         *deptInst
	fn                                                                           *function
	enabled                                                                      bool
	wrongTitle                                                                   bool // the title is another function's
	grants                                                                       []int32
}

func newGenerator(cfg Config) *generator {
	return &generator{
		cfg:      cfg,
		rng:      rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		truth:    &Truth{Seed: cfg.Seed, Users: cfg.Users},
		entIndex: map[entitlement]int{},
	}
}

func (g *generator) uuid() string {
	var b [16]byte
	hi, lo := g.rng.Uint64(), g.rng.Uint64()
	for i := range 8 {
		b[i] = byte(hi >> (8 * i))
		b[8+i] = byte(lo >> (8 * i))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&15])
	}
	return string(out)
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
	apps := map[string]int{} // app name → service principal resource
	appRes := func(name string) int {
		if r, ok := apps[name]; ok {
			return r
		}
		apps[name] = g.addResource("application", name)
		return apps[name]
	}
	titleApps := map[string][]int{}
	for r := range numRegions {
		region := ""
		if numRegions > 1 {
			region = regionName(r)
		}
		for di := range catalog {
			tmpl := &catalog[di]
			d := &deptInst{name: tmpl.name, region: region, tmpl: tmpl, manager: -1}
			if region != "" {
				d.name += " " + region
			}
			all := g.addResource("group", "SG-"+slug(d.name)+"-All")
			site := g.addResource("site", d.name)
			dl := g.addResource("group", "DL-"+slug(d.name))
			d.bundle = []int{g.ent(all, "Member"), g.ent(site, "Edit"), g.ent(dl, "Member"),
				g.ent(appRes(tmpl.apps[0].name), tmpl.apps[0].roles[0])}
			for k := 2; k <= cfg.BundleScale; k++ {
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
				f := &function{dept: d, title: t}
				tg := g.addResource("group", "SG-"+slug(d.name)+"-"+slug(t.name))
				f.bundle = append(f.bundle, g.ent(tg, "Member"))
				for k := 2; k <= 2*cfg.BundleScale-1; k++ {
					extra := g.addResource("group", fmt.Sprintf("SG-%s-%s-%d", slug(d.name), slug(t.name), k))
					f.bundle = append(f.bundle, g.ent(extra, "Member"))
				}
				// Two or three app roles of the department's apps, the same
				// for a title in every region.
				key := tmpl.name + "/" + t.name
				if _, ok := titleApps[key]; !ok {
					var pool []int
					for ai, a := range tmpl.apps {
						for ri, role := range a.roles {
							if ai == 0 && ri == 0 {
								continue
							}
							pool = append(pool, g.ent(appRes(a.name), role))
						}
					}
					g.rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
					titleApps[key] = pool[:min(len(pool), 2+g.rng.IntN(2))]
				}
				f.bundle = append(f.bundle, titleApps[key]...)
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
				g.functions = append(g.functions, f)
			}
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

// fullSet returns every entitlement a member of f may legitimately hold.
func (g *generator) fullSet(f *function) map[int]bool {
	s := map[int]bool{}
	for _, l := range [][]int{g.birthright, f.dept.bundle, f.bundle, f.optional, f.variant} {
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
// before; what their new function does not explain is excess.
func (g *generator) plantMovers() {
	if len(g.functions) < 2 {
		return
	}
	for i := range g.users {
		u := &g.users[i]
		if u.fn == nil || g.rng.Float64() >= g.cfg.MoverRate {
			continue
		}
		old := g.functions[g.rng.IntN(len(g.functions))]
		if old == u.fn {
			continue
		}
		legit := g.fullSet(u.fn)
		for _, l := range [][]int{old.dept.bundle, old.bundle} {
			for _, e := range l {
				if !legit[e] && !g.isSoDSide(e) {
					g.addExcess(u, e, "mover")
				}
			}
		}
	}
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

func (g *generator) finishTruth() {
	t := g.truth
	for _, e := range g.birthright {
		t.Birthright = append(t.Birthright, g.entOut(e))
	}
	for _, f := range g.functions {
		jf := JobFunction{Department: f.dept.name, JobTitle: f.title.name, Members: f.size}
		for _, e := range slices.Concat(f.dept.bundle, f.bundle) {
			jf.Entitlements = append(jf.Entitlements, g.entOut(e))
		}
		t.JobFunctions = append(t.JobFunctions, jf)
		if len(f.variant) > 0 && f.variantSize > 0 {
			v := JobFunction{Department: f.dept.name, JobTitle: f.title.name, Variant: f.title.variant, Members: f.variantSize,
				Entitlements: slices.Clone(jf.Entitlements)}
			for _, e := range f.variant {
				v.Entitlements = append(v.Entitlements, g.entOut(e))
			}
			t.JobFunctions = append(t.JobFunctions, v)
		}
	}
	for _, d := range g.depts {
		if len(d.territories) < 2 || !slices.ContainsFunc(g.functions, func(f *function) bool { return f.dept == d }) {
			continue
		}
		split := RegionalSplit{Department: d.name}
		for _, e := range d.territories {
			split.Entitlements = append(split.Entitlements, g.entOut(e))
		}
		t.RegionalSplits = append(t.RegionalSplits, split)
	}
	for i := range g.users {
		u := &g.users[i]
		slices.Sort(u.grants)
		switch {
		case u.userType == "Guest":
			t.Guests = append(t.Guests, u.id)
		case u.dept == nil:
			t.Service = append(t.Service, u.id)
		case !u.enabled:
			t.Disabled = append(t.Disabled, u.id)
		case u.wrongTitle:
			t.WrongTitles = append(t.WrongTitles, u.id)
		}
		for ri, r := range g.sodRules {
			_, l := slices.BinarySearch(u.grants, int32(r[0]))
			_, rr := slices.BinarySearch(u.grants, int32(r[1]))
			if l && rr {
				t.SoDViolations = append(t.SoDViolations, SoDViolation{Rule: t.SoDRules[ri].Name, UserID: u.id})
			}
		}
	}
}

func (g *generator) write(dir string) error {
	if err := writeFile(filepath.Join(dir, UsersFile), g.writeUsers); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, ResourcesFile), g.writeResources); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, AssignmentsFile), g.writeAssignments); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, SoDRulesFile), g.writeSoDRules); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, TruthFile), func(w *bufio.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(g.truth)
	})
}

func writeFile(path string, fill func(*bufio.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		return err
	}
	return w.Flush()
}

func (g *generator) writeUsers(w *bufio.Writer) error {
	w.WriteString("id,userPrincipalName,displayName,jobTitle,department,companyName,employeeType,accountEnabled,userType,managerId,officeLocation,costCenter\n")
	for i := range g.users {
		u := &g.users[i]
		dept, manager := "", ""
		if u.dept != nil {
			dept = u.dept.name
			if m := u.dept.manager; m >= 0 && m != i {
				manager = g.users[m].id
			}
		}
		writeCSVRow(w, u.id, u.upn, u.display, u.title, dept, u.company, u.employeeType, strconv.FormatBool(u.enabled), u.userType, manager, u.office, u.costCenter)
	}
	return nil
}

func (g *generator) writeResources(w *bufio.Writer) error {
	w.WriteString("id,type,displayName\n")
	for _, r := range g.resources {
		writeCSVRow(w, r.id, r.typ, r.name)
	}
	return nil
}

func (g *generator) writeAssignments(w *bufio.Writer) error {
	w.WriteString("userId,resourceId,role\n")
	suffix := make([][]byte, len(g.ents))
	for i, e := range g.ents {
		suffix[i] = []byte("," + csvField(g.resources[e.res].id) + "," + csvField(e.role) + "\n")
	}
	for i := range g.users {
		u := &g.users[i]
		for _, e := range u.grants {
			w.WriteString(u.id)
			w.Write(suffix[e])
		}
	}
	return nil
}

func (g *generator) writeSoDRules(w *bufio.Writer) error {
	w.WriteString("# Separation-of-duties rules planted by `rolemine generate tenant`.\n")
	w.WriteString("# Format: see docs/sod-rules.md.\nversion: 1\nrules:\n")
	for i, r := range g.truth.SoDRules {
		fmt.Fprintf(w, "  - name: %s\n    description: %s\n    severity: %s\n", yamlString(r.Name),
			yamlString("Planted rule: no one should hold both "+r.Name+"."), []string{"high", "critical", "medium"}[i%3])
		fmt.Fprintf(w, "    left:\n      - resource: %s\n        role: %s\n", yamlString(r.Left.ResourceID), yamlString(r.Left.Role))
		fmt.Fprintf(w, "    right:\n      - resource: %s\n        role: %s\n", yamlString(r.Right.ResourceID), yamlString(r.Right.Role))
	}
	return nil
}

func yamlString(s string) string {
	b, _ := json.Marshal(s) // a JSON string is a valid YAML double-quoted scalar
	return string(b)
}

func writeCSVRow(w *bufio.Writer, fields ...string) {
	for i, f := range fields {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(csvField(f))
	}
	w.WriteByte('\n')
}

func csvField(s string) string {
	if s == "" || !strings.ContainsAny(s, ",\"\r\n") && s[0] != ' ' && s[len(s)-1] != ' ' {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '/' || r == '-':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func asciiLocal(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r == 'ü':
			b.WriteString("ue")
		}
	}
	return b.String()
}

func replaceWord(s, word, with string) string {
	fs := strings.Fields(s)
	for i, f := range fs {
		if f == word {
			fs[i] = with
		}
	}
	return strings.Join(fs, " ")
}

func lowerASCII(s string) string  { return strings.ToLower(s) }
func upperASCII(s string) string  { return strings.ToUpper(s) }
func doubleSpace(s string) string { return strings.ReplaceAll(s, " ", "  ") }

// typo swaps two adjacent letters of the longest word, which no normaliser
// can undo.
func typo(s string, rng *rand.Rand) string {
	fs := strings.Fields(s)
	if len(fs) == 0 {
		return s
	}
	longest := 0
	for i, f := range fs {
		if len(f) > len(fs[longest]) {
			longest = i
		}
	}
	w := []byte(fs[longest])
	if len(w) < 3 {
		return s + "x"
	}
	k := 1 + rng.IntN(len(w)-2)
	if w[k] == w[k+1] {
		w = append(w[:k+1], w[k:]...) // double the letter instead
	} else {
		w[k], w[k+1] = w[k+1], w[k]
	}
	fs[longest] = string(w)
	return strings.Join(fs, " ")
}
