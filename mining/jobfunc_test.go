package mining

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"testing"
)

type testUser struct {
	title, dept, office string
	eligible            bool
	ents                []int
}

func fixture() []testUser {
	return []testUser{
		{"Payroll Clerk", "Finance", "A", true, []int{0, 1, 2}},
		{"payroll clerk", "Finance", "A", true, []int{0, 1, 2}},
		{"Payroll  Clerk", "Finance", "B", true, []int{0, 1, 2}},
		{"Payroll Clerk", "Finance", "B", true, []int{0, 1, 2}},
		{"Payroll Clerk", " finance", "C", true, []int{0, 1, 2, 5}},
		{"Sr. Accountant", "Finance", "A", true, []int{0, 3, 4}},
		{"Senior Accountant", "Finance", "A", true, []int{0, 3, 4}},
		{"Senior Accountant", "Finance", "A", true, []int{0, 3, 4}},
		{"Senior Accountant", "Finance", "A", true, []int{0, 3}},
		{"", "Finance", "A", true, []int{0, 1}},
		{"Payroll Clerk", "Finance", "C", false, []int{0, 1, 2, 6}},
		{"CEO", "Board", "A", true, []int{0, 7}},
	}
}

func build(users []testUser) *Dataset {
	numEnts := 0
	for _, u := range users {
		for _, e := range u.ents {
			numEnts = max(numEnts, e+1)
		}
	}
	b := NewBuilder(len(users), max(numEnts, 8))
	elig := make([]bool, len(users))
	for u, tu := range users {
		for _, e := range tu.ents {
			b.Add(u, e)
		}
		b.SetAttribute("jobTitle", u, tu.title)
		b.SetAttribute("department", u, tu.dept)
		b.SetAttribute("officeLocation", u, tu.office)
		elig[u] = tu.eligible
	}
	d := b.Build()
	d.Eligible = elig
	return d
}

func mine(t *testing.T, d *Dataset, opt Options) *Result {
	t.Helper()
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	res, err := JobFunctions(context.Background(), d, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func names(res *Result) []string {
	var out []string
	for _, p := range res.Packages {
		out = append(out, p.Name)
	}
	return out
}

func TestJobFunctions(t *testing.T) {
	d := build(fixture())
	res := mine(t, d, DefaultOptions())

	if got, want := names(res), []string{"Birthright", "Payroll Clerk / Finance", "Senior Accountant / Finance"}; !slices.Equal(got, want) {
		t.Fatalf("packages %q, want %q", got, want)
	}
	if !slices.Equal(res.Birthright, []int32{0}) {
		t.Errorf("birthright %v, want [0]", res.Birthright)
	}
	bp := res.Packages[0]
	if bp.Kind != Birthright || len(bp.Members) != 11 || len(bp.Conditions) != 0 {
		t.Errorf("birthright package: kind %v, %d members, conditions %v", bp.Kind, len(bp.Members), bp.Conditions)
	}

	pc := res.Packages[1]
	if !slices.Equal(pc.Entitlements, []int32{1, 2}) {
		t.Errorf("payroll clerk entitlements %v, want [1 2] (birthright and the excess grant left out)", pc.Entitlements)
	}
	if !slices.Equal(pc.Members, []int32{0, 1, 2, 3, 4}) {
		t.Errorf("payroll clerk members %v: variants of the title fall together, the disabled account is left out", pc.Members)
	}
	if pc.Metrics.RuleUsers != 6 {
		t.Errorf("rule users %d, want 6 (the rule also selects the disabled account)", pc.Metrics.RuleUsers)
	}
	title := pc.Conditions[0]
	if title.Attribute != "jobTitle" || !slices.Equal(title.Normalized, []string{"payroll clerk"}) ||
		!slices.Equal(title.Values, []string{"Payroll Clerk", "Payroll  Clerk", "payroll clerk"}) {
		t.Errorf("title condition %+v: want every spelling, the most common first", title)
	}
	if dept := pc.Conditions[1]; !slices.Equal(dept.Values, []string{"Finance", " finance"}) {
		t.Errorf("department condition %+v", dept)
	}
	// 16 assignments, 15 of them in the package or the birthright.
	if m := pc.Metrics; m.Members != 5 || m.Entitlements != 2 || m.MembersGaining != 0 || m.Coverage != 15.0/16 || m.MinPrevalence != 1 {
		t.Errorf("metrics %+v", m)
	}

	sa := res.Packages[2]
	if !slices.Equal(sa.Entitlements, []int32{3}) {
		t.Errorf("senior accountant entitlements %v: entitlement 4 is held by 3 of 4, below the threshold", sa.Entitlements)
	}
	if res.Groups != 4 {
		t.Errorf("%d groups, want 4", res.Groups)
	}

	// A lower threshold takes entitlement 4 in, and one member would gain it.
	opt := DefaultOptions()
	opt.Threshold = 0.75
	sa = mine(t, d, opt).Packages[2]
	if !slices.Equal(sa.Entitlements, []int32{3, 4}) || sa.Metrics.MembersGaining != 1 || sa.Metrics.GrantsAdded != 1 || sa.Prevalence[1] != 0.75 {
		t.Errorf("at 0.75: entitlements %v prevalence %v metrics %+v", sa.Entitlements, sa.Prevalence, sa.Metrics)
	}

	// Smaller groups get a package when allowed.
	opt = DefaultOptions()
	opt.MinMembers = 1
	if got := names(mine(t, d, opt)); !slices.Contains(got, "CEO / Board") {
		t.Errorf("with MinMembers 1: %q", got)
	}

	// Without a birthright package its entitlement joins every job function.
	opt = DefaultOptions()
	opt.BirthrightThreshold = 0
	res = mine(t, d, opt)
	if res.Packages[0].Kind != JobFunction || !slices.Equal(res.Packages[0].Entitlements, []int32{0, 1, 2}) {
		t.Errorf("without birthright: %+v", res.Packages[0])
	}
}

func TestJobFunctionsSplitsLargeRules(t *testing.T) {
	d := build(fixture())
	opt := DefaultOptions()
	opt.MaxRuleUsers = 3
	opt.BirthrightThreshold = 0
	opt.SplitBy = []string{"officeLocation"}
	res := mine(t, d, opt)
	var parts []Package
	for _, p := range res.Packages {
		if p.Conditions[0].Normalized[0] == "payroll clerk" {
			parts = append(parts, p)
		}
	}
	if len(parts) != 3 {
		t.Fatalf("payroll clerks split into %d packages, want 3 (offices A, B, C): %q", len(parts), names(res))
	}
	for i, office := range []string{"a", "b", "c"} {
		p := parts[i]
		if !p.Automatic || p.Metrics.RuleUsers > 3 || p.Conditions[2].Attribute != "officeLocation" || !slices.Equal(p.Conditions[2].Normalized, []string{office}) {
			t.Errorf("part %d: %+v", i, p)
		}
		if !slices.Equal(p.Entitlements, []int32{0, 1, 2}) {
			t.Errorf("part %d keeps the job function's entitlements, got %v", i, p.Entitlements)
		}
	}
	if parts[2].Metrics.RuleUsers != 2 || len(parts[2].Members) != 1 {
		t.Errorf("office C: rule users %d, members %v", parts[2].Metrics.RuleUsers, parts[2].Members)
	}

	// With room for four, the three offices pack into two evenly loaded rules.
	opt.MaxRuleUsers = 4
	parts = nil
	for _, p := range mine(t, d, opt).Packages {
		if p.Conditions[0].Normalized[0] == "payroll clerk" {
			parts = append(parts, p)
		}
	}
	if len(parts) != 2 || !slices.Equal(parts[0].Conditions[2].Normalized, []string{"a", "c"}) || parts[0].Metrics.RuleUsers != 4 ||
		!slices.Equal(parts[0].Conditions[2].Values, []string{"A", "C"}) || parts[0].Name != "Payroll Clerk / Finance / A +1" ||
		!slices.Equal(parts[1].Conditions[2].Normalized, []string{"b"}) {
		t.Errorf("packed split: %+v", parts)
	}

	// No attribute can split it enough: one package for direct assignment.
	opt.MaxRuleUsers = 1
	opt.SplitBy = nil
	for _, p := range mine(t, d, opt).Packages {
		if p.Automatic {
			t.Errorf("%s is automatic with rule users %d above the limit", p.Name, p.Metrics.RuleUsers)
		}
	}
}

// TestJobFunctionsPermutation: the order of users does not change the
// packages (metamorphic test).
func TestJobFunctionsPermutation(t *testing.T) {
	users := fixture()
	want := mine(t, build(users), DefaultOptions())
	rng := rand.New(rand.NewPCG(7, 7))
	for range 20 {
		perm := rng.Perm(len(users))
		shuffled := make([]testUser, len(users))
		for i, p := range perm {
			shuffled[i] = users[p]
		}
		got := mine(t, build(shuffled), DefaultOptions())
		if len(got.Packages) != len(want.Packages) {
			t.Fatalf("%d packages, want %d", len(got.Packages), len(want.Packages))
		}
		for i := range got.Packages {
			g, w := got.Packages[i], want.Packages[i]
			members := make([]int32, len(g.Members))
			for j, m := range g.Members {
				members[j] = int32(perm[m])
			}
			slices.Sort(members)
			if g.Name != w.Name || !slices.Equal(g.Entitlements, w.Entitlements) || !slices.Equal(members, w.Members) || g.Metrics != w.Metrics {
				t.Fatalf("package %d differs after permutation %v:\n got %+v\nwant %+v", i, perm, g, w)
			}
		}
	}
}

func TestJobFunctionsErrors(t *testing.T) {
	d := build(fixture())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := JobFunctions(ctx, d, DefaultOptions()); err != context.Canceled {
		t.Errorf("cancelled: got %v", err)
	}
	for _, mod := range []func(*Options){
		func(o *Options) { o.By = []string{"shoeSize"} },
		func(o *Options) { o.By = nil },
		func(o *Options) { o.Threshold = 0 },
		func(o *Options) { o.Threshold = 1.1 },
		func(o *Options) { o.MinMembers = 0 },
		func(o *Options) { o.BirthrightThreshold = -1 },
	} {
		opt := DefaultOptions()
		mod(&opt)
		if _, err := JobFunctions(context.Background(), d, opt); err == nil {
			t.Errorf("options %+v accepted", opt)
		}
	}
}

func TestCSRBuilderMatchesBuilder(t *testing.T) {
	defer func(n int) { minPartRows = n }(minPartRows)
	minPartRows = 4 // rows sorted in parts from 8 users on (with two cores or more)
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		nu, ne := 1+rng.IntN(40), 1+rng.IntN(30)
		n := rng.IntN(400)
		ref := NewBuilder(nu, ne)
		csr := NewCSRBuilder(nu, ne, 0)
		var us, es []int32
		for range n {
			u, e := rng.IntN(nu), rng.IntN(ne)
			ref.Add(u, e)
			us, es = append(us, int32(u)), append(es, int32(e))
			if rng.IntN(10) == 0 { // batches of random size
				if err := csr.Add(us, es); err != nil {
					t.Fatal(err)
				}
				us, es = us[:0], es[:0]
			}
		}
		if err := csr.Add(us, es); err != nil {
			t.Fatal(err)
		}
		want := ref.Build()
		got, err := csr.Build()
		if err != nil {
			t.Fatal(err)
		}
		if err := got.Validate(); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if !slices.Equal(got.Offsets, want.Offsets) || !slices.Equal(got.Cols, want.Cols) {
			t.Fatalf("trial %d: CSR differs", trial)
		}
	}
	if err := NewCSRBuilder(2, 2, 0).Add([]int32{0, 2}, []int32{0, 0}); err == nil {
		t.Error("out-of-range user accepted")
	}
}

func TestValidate(t *testing.T) {
	d := build(fixture())
	d.Cols[1], d.Cols[2] = d.Cols[2], d.Cols[1]
	if d.Validate() == nil {
		t.Error("unsorted row accepted")
	}
	d = build(fixture())
	d.Attributes[0].Codes = d.Attributes[0].Codes[:3]
	if d.Validate() == nil {
		t.Error("short attribute column accepted")
	}
}

// TestVariants: a group where half the users hold three more entitlements
// together, and a cost centre tells them apart, gets a variant package with
// a rule; optional entitlements held independently do not make one.
func TestVariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	var users []testUser
	for i := range 40 {
		u := testUser{"Engineer", "R&D", "A", true, []int{0, 1, 2}}
		if rng.Float64() < 0.35 {
			u.ents = append(u.ents, 6) // optional, independent
		}
		if rng.Float64() < 0.35 {
			u.ents = append(u.ents, 7) // optional, independent
		}
		if i%2 == 0 {
			u.ents = append(u.ents, 3, 4, 5)
			u.office = "Platform"
		}
		users = append(users, u)
	}
	d := build(users)
	opt := DefaultOptions()
	opt.BirthrightThreshold = 0
	res := mine(t, d, opt)
	if len(res.Packages) != 2 {
		t.Fatalf("packages %q, want the job function and one variant", names(res))
	}
	v := res.Packages[1]
	if v.Kind != Variant || !slices.Equal(v.Entitlements, []int32{0, 1, 2, 3, 4, 5}) || len(v.Members) != 20 || !v.Automatic {
		t.Fatalf("variant %+v", v)
	}
	if c := v.Conditions[len(v.Conditions)-1]; c.Attribute != "officeLocation" || !slices.Equal(c.Values, []string{"Platform"}) {
		t.Errorf("variant rule condition %+v", c)
	}
	if v.Name != "Engineer / R&D / Platform" {
		t.Errorf("variant name %q", v.Name)
	}
	opt.Variants, opt.Clusters = false, true
	if got := names(mine(t, d, opt)); !slices.Equal(got, []string{"Engineer / R&D", "Platform (access cluster)"}) {
		t.Errorf("without variants, the access clusters find the block with its rule: %q", got)
	}
	opt.Clusters = false
	if got := names(mine(t, d, opt)); len(got) != 1 {
		t.Errorf("without variants and clusters: %q", got)
	}
}

// TestJobFunctionsWorkerIndependent: the parallel miner gives the same
// result on one worker as on several.
func TestJobFunctionsWorkerIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	titles := []string{"A", "B", "C", "D", "E", "F", "G", "H"}
	var users []testUser
	for range 3000 {
		k := rng.IntN(len(titles))
		u := testUser{titles[k], "Dept", []string{"X", "Y"}[rng.IntN(2)], rng.IntN(20) > 0, []int{0, 1 + k}}
		if rng.IntN(2) == 0 {
			u.ents = append(u.ents, 9+k%3)
		}
		if rng.IntN(30) == 0 {
			u.ents = append(u.ents, rng.IntN(20))
		}
		users = append(users, u)
	}
	d := build(users)
	opt := DefaultOptions()
	opt.MaxRuleUsers = 200 // force splits too
	prev := runtime.GOMAXPROCS(1)
	one := mine(t, d, opt)
	runtime.GOMAXPROCS(4)
	four := mine(t, d, opt)
	runtime.GOMAXPROCS(prev)
	if !reflect.DeepEqual(one, four) {
		t.Fatalf("results differ between one and four workers:\n%q\n%q", names(one), names(four))
	}
	if len(one.Packages) < 8 {
		t.Fatalf("only %d packages: the fixture does not exercise the miner", len(one.Packages))
	}
}

// TestTrimStaleTitles: three titles of a department share most of their
// access and differ in one entitlement each; some members of each carry
// another of the titles. Counting them pulls each title's own entitlement
// below the threshold, and the three packages become one; leaving out the
// members whose access another title explains far better recovers each
// title's bundle.
func TestTrimStaleTitles(t *testing.T) {
	titles := []string{"Paralegal", "Counsel", "Contracts Manager"}
	var users []testUser
	for f, title := range titles {
		for i := range 20 {
			ents := []int{0, 1, 2, 3, 4, 5 + f}
			if i == 0 {
				ents = []int{0, 1, 2, 3, 4} // one member lacks the title's own entitlement
			}
			shown := title
			if i >= 15 { // five of every twenty carry another title
				shown = titles[(f+1+i%2)%len(titles)]
			}
			users = append(users, testUser{shown, "Legal", "A", true, ents})
		}
	}
	d := build(users)
	opt := DefaultOptions()
	opt.BirthrightThreshold = 0
	res := mine(t, d, opt)
	if len(res.Packages) != len(titles) {
		t.Fatalf("packages %q, want one per title", names(res))
	}
	for _, p := range res.Packages {
		f := slices.Index(titles, p.Name[:len(p.Name)-len(" / Legal")])
		if f < 0 {
			t.Fatalf("package %q", p.Name)
		}
		if want := []int32{0, 1, 2, 3, 4, int32(5 + f)}; !slices.Equal(p.Entitlements, want) {
			t.Errorf("%s: entitlements %v, want %v", p.Name, p.Entitlements, want)
		}
		if len(p.Members) != 20 {
			t.Errorf("%s: %d members; the rule still selects every holder of the title", p.Name, len(p.Members))
		}
	}
	opt.Trim = false
	if got := names(mine(t, d, opt)); len(got) != 1 {
		t.Errorf("without trimming the three titles look alike and merge: %q", got)
	}
}

// TestRuleFit: seven engineers hold the engineers' access and three carry
// the title with an analyst's access; two users without a title hold the
// engineers' access too. The engineers' rule selects 7 of its 10 members
// with the access (precision 0.7) and 7 of the 9 users with it (recall);
// the analysts' rule all 10 of its members, and 10 of the 13 with the
// analysts' access.
func TestRuleFit(t *testing.T) {
	var users []testUser
	for i := range 10 {
		u := testUser{"Engineer", "R&D", "A", true, []int{1, 2, 3, 4, 5}}
		if i >= 7 {
			u.ents = []int{6, 7, 8, 9, 10}
		}
		users = append(users, u, testUser{"Analyst", "R&D", "A", true, []int{6, 7, 8, 9, 10}})
	}
	users = append(users, testUser{"", "R&D", "A", true, []int{1, 2, 3, 4, 5}}, testUser{"", "R&D", "A", true, []int{1, 2, 3, 4, 5}})
	opt := DefaultOptions()
	opt.BirthrightThreshold = 0
	res := mine(t, build(users), opt)
	want := map[string][2]float64{"Engineer / R&D": {0.7, 7.0 / 9}, "Analyst / R&D": {1, 10.0 / 13}}
	if len(res.Packages) != len(want) {
		t.Fatalf("packages %q", names(res))
	}
	for _, p := range res.Packages {
		w, ok := want[p.Name]
		if !ok {
			t.Fatalf("package %q", p.Name)
		}
		if math.Abs(p.Metrics.RulePrecision-w[0]) > 1e-9 || math.Abs(p.Metrics.RuleRecall-w[1]) > 1e-9 {
			t.Errorf("%s: rule precision %.3f recall %.3f, want %.3f %.3f", p.Name, p.Metrics.RulePrecision, p.Metrics.RuleRecall, w[0], w[1])
		}
	}
}

// TestRulesLeaveOutGuestsAndUnevaluableAttributes: a rule never counts
// guests among the users it selects (every rule tests userType Member),
// and a split uses only attributes Evaluable allows.
func TestRulesLeaveOutGuestsAndUnevaluableAttributes(t *testing.T) {
	d := build(fixture())
	opt := DefaultOptions()
	opt.BirthrightThreshold = 0
	ruleUsers := func(d *Dataset) int {
		for _, p := range mine(t, d, opt).Packages {
			if p.Conditions[0].Normalized[0] == "payroll clerk" {
				return p.Metrics.RuleUsers
			}
		}
		t.Fatal("no payroll clerk package")
		return 0
	}
	if got := ruleUsers(d); got != 6 {
		t.Fatalf("rule users %d, want 6 (five clerks and a disabled one)", got)
	}
	d.Guest = make([]bool, d.NumUsers)
	d.Guest[10] = true // the disabled payroll clerk is a guest
	if got := ruleUsers(d); got != 5 {
		t.Errorf("with a guest clerk: rule users %d, want 5", got)
	}

	opt.MaxRuleUsers = 3
	opt.SplitBy = []string{"officeLocation"}
	opt.Evaluable = func(name string) bool { return name != "officeLocation" }
	for _, p := range mine(t, build(fixture()), opt).Packages {
		for _, c := range p.Conditions {
			if c.Attribute == "officeLocation" {
				t.Errorf("%s: split by an attribute rules cannot test", p.Name)
			}
		}
		if p.Conditions[0].Normalized[0] == "payroll clerk" && p.Automatic {
			t.Errorf("%s is automatic with %d rule users above the limit and no attribute to split by", p.Name, p.Metrics.RuleUsers)
		}
	}
}

// Each stage the miner runs on its workers ends with a count of what it
// handled, in its unit, so that a stage of a second or more can say its
// rate: the groups profiled and mined, the packages measured, every user
// fitted to the rules.
func TestJobFunctionsProgressCounts(t *testing.T) {
	d := build(fixture())
	opt := DefaultOptions()
	last := map[string]Progress{}
	opt.Progress = func(p Progress) { last[p.Stage] = p }
	res := mine(t, d, opt)
	for stage, unit := range map[string]string{"profiles": "groups", "job functions": "groups", "metrics": "packages", "rule fit": "users"} {
		p, ok := last[stage]
		if !ok {
			t.Errorf("no %s stage", stage)
			continue
		}
		if p.Unit != unit || p.Done != p.Total || p.Done == 0 {
			t.Errorf("%s ended with %+v, want all of its %s", stage, p, unit)
		}
	}
	if got := last["rule fit"].Done; got != d.NumUsers {
		t.Errorf("rule fit counted %d users, want %d", got, d.NumUsers)
	}
	if got := last["metrics"].Done; got != len(res.Packages) {
		t.Errorf("metrics counted %d packages, want %d", got, len(res.Packages))
	}
}
