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
	"fmt"
	"math"
	"math/rand/v2"
	"os"
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

	// Legitimate access that no job function explains (Truth.Legitimate);
	// none of it unless set.
	//
	// TeamSize organises each department into teams of about this many
	// under a manager (0: everyone reports to the department's head), and
	// TeamGroupRate of those managers run a group for their team.
	TeamSize      int
	TeamGroupRate float64
	ProjectRate   float64 // share of employees in project groups across titles and departments
	LocationRate  float64 // share of offices with access every employee there holds
	NestedRate    float64 // share of job functions whose group is nested with another function's
	LongTailRate  float64 // share of employees with a one-off grant nobody else holds (planted as excess)
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

// Realistic returns c with the legitimate access real tenants have
// beyond job functions: teams of 8 of which 40% run a team group, 15% of
// the employees in cross-department projects, half the offices with
// building access, a fifth of the job functions nested with another's,
// and 2% of the employees with a one-off grant nobody else holds.
func (c Config) Realistic() Config {
	c.TeamSize, c.TeamGroupRate = 8, 0.4
	c.ProjectRate, c.LocationRate, c.NestedRate, c.LongTailRate = 0.15, 0.5, 0.2, 0.02
	return c
}

func (c Config) check() error {
	if c.Users < 1 {
		return fmt.Errorf("generate: %d users: need at least one", c.Users)
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"title-variant", c.TitleVariantRate}, {"title-typo", c.TitleTypoRate}, {"empty-title", c.EmptyTitleRate},
		{"wrong-title", c.WrongTitleRate}, {"disabled", c.DisabledRate}, {"guest", c.GuestRate}, {"service", c.ServiceRate},
		{"mover", c.MoverRate}, {"excess", c.ExcessRate}, {"dropout", c.DropoutRate}, {"optional", c.OptionalRate},
		{"team-group", c.TeamGroupRate}, {"project", c.ProjectRate}, {"location", c.LocationRate}, {"nested", c.NestedRate},
		{"long-tail", c.LongTailRate}} {
		if r.v < 0 || r.v > 1 || math.IsNaN(r.v) {
			return fmt.Errorf("generate: %s rate %v is not in [0, 1]", r.name, r.v)
		}
	}
	if c.BundleScale < 1 || c.BundleScale > 100 {
		return fmt.Errorf("generate: bundle scale %d is not in [1, 100]", c.BundleScale)
	}
	if c.TeamSize < 0 || c.TeamSize == 1 {
		return fmt.Errorf("generate: team size %d: use 0 (no teams) or at least 2", c.TeamSize)
	}
	if c.TeamGroupRate > 0 && c.TeamSize == 0 {
		return fmt.Errorf("generate: team groups need teams: set a team size")
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

// User is a generated user, with the columns of users.csv; Grants are
// indices into Tenant.Entitlements, ascending, and Manager the index of the
// user's manager in Tenant.Users, -1 for none.
type User struct {
	ID, UserPrincipalName, JobTitle, Department, EmployeeType, UserType string
	Company, Office, CostCenter                                         string
	Enabled                                                             bool
	Manager                                                             int32
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
			EmployeeType: u.employeeType, UserType: u.userType, Company: u.company, Office: u.office, CostCenter: u.costCenter,
			Enabled: u.enabled, Manager: int32(u.manager), Grants: u.grants}
	}
	return t, nil
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
	// teamGroups are the teams' groups (Config.TeamGroupRate).
	teamGroups []teamGroup
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
