package mining

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Kind tells what a package stands for.
type Kind int

const (
	// Birthright packages hold what nearly every eligible user holds.
	Birthright Kind = iota
	// JobFunction packages hold what the users of one attribute group hold.
	JobFunction
	// Variant packages hold what part of a job function's users hold on top
	// of the job function's package.
	Variant
	// AccessCluster packages hold what a cluster of users with alike access
	// holds, when no attribute group's package does already.
	AccessCluster
)

func (k Kind) String() string {
	switch k {
	case Birthright:
		return "birthright"
	case JobFunction:
		return "jobFunction"
	case Variant:
		return "variant"
	case AccessCluster:
		return "cluster"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Options tune JobFunctions. The zero value is not useful; start from
// DefaultOptions.
type Options struct {
	// By names the attributes that define a job function, e.g. jobTitle and
	// department. Users with an empty value in any of them form no group.
	By []string
	// TitleAttribute names the attribute normalised with NormalizeTitle;
	// every other attribute is normalised with NormalizeValue.
	TitleAttribute string
	// Threshold is the share of a group's members that must hold an
	// entitlement for it to enter the group's package, in (0, 1].
	Threshold float64
	// BirthrightThreshold is the share of all eligible users that must hold
	// an entitlement for it to enter the birthright package. Zero disables
	// the birthright package.
	BirthrightThreshold float64
	// MinMembers is the smallest group that gets a package.
	MinMembers int
	// MaxRuleUsers is the most users one assignment rule may select (Entra's
	// automatic assignment policies allow 15,000: tenant.MaxPolicyUsers). A
	// package whose rule would select more is split by the SplitBy
	// attributes; zero means no limit.
	MaxRuleUsers int
	// SplitBy lists the attributes, in order of preference, used to split a
	// package whose rule selects more than MaxRuleUsers users.
	SplitBy []string
	// Evaluable, when set, tells which attributes an assignment rule may
	// test (Entra evaluates only some user properties): splits, variants'
	// and clusters' rules use only those. nil: every attribute.
	Evaluable func(attribute string) bool
	// Variants looks inside every job function for variants: entitlements
	// that a sizeable part of the group holds together, below the threshold
	// share of the whole group, found by the structural miner on the group's
	// submatrix. Each becomes a package of its own on top of the job
	// function's, with a rule when an attribute separates its members.
	Variants bool
	// Trim computes each group's package without its atypical members:
	// those who lack much of what the group holds and hold another job
	// function's access instead (a stale or wrong title). Without it every
	// member counts, and a group polluted by wrong titles loses what only
	// its true members hold.
	Trim bool
	// VariantMinShare is the smallest share of a group a variant must hold,
	// and VariantMinEntitlements the fewest entitlements it must add.
	VariantMinShare        float64
	VariantMinEntitlements int
	// Clusters also groups users by their access (see Clusters) and
	// proposes a package for every cluster whose access the packages of its
	// members do not already grant (a fifth of its members hold some of it
	// that none of their packages grants) and that no other cluster package
	// holds (entitlement Jaccard below CoveredJaccard): the job functions
	// that wrong or missing titles hide. Each gets the attribute rule that
	// best describes its users when that rule's F1 reaches MinRuleF1, and
	// is marked for direct assignment otherwise. Off by default: on dense
	// tenants clustering takes minutes (benchmarks/RESULTS.md).
	Clusters       bool
	Cluster        ClusterOptions
	CoveredJaccard float64
	MinRuleF1      float64
	// MergeJaccard merges job-function packages whose conditions differ in
	// one attribute and whose entitlements have at least this Jaccard
	// similarity into one package whose condition lists the values of all;
	// zero does not merge.
	MergeJaccard float64
	// Progress, when set, is called as the work advances.
	Progress func(Progress)
}

// Progress reports how far a stage of the work has come.
type Progress struct {
	Stage string
	Done  int
	Total int
}

// DefaultOptions returns the options rolemine uses unless told otherwise.
func DefaultOptions() Options {
	return Options{
		By:                     []string{"jobTitle", "department"},
		TitleAttribute:         "jobTitle",
		Threshold:              0.8,
		BirthrightThreshold:    0.9,
		MinMembers:             3,
		MaxRuleUsers:           15000,
		SplitBy:                []string{"department", "companyName", "employeeType", "jobTitle"},
		Variants:               true,
		Trim:                   true,
		VariantMinShare:        0.2,
		VariantMinEntitlements: 2,
		Clusters:               false,
		Cluster:                DefaultClusterOptions(),
		CoveredJaccard:         0.9,
		MinRuleF1:              0.7,
		MergeJaccard:           0.95,
	}
}

// Condition selects the users whose attribute, normalised, is one of
// Normalized (an empty string stands for a missing value). Values lists the
// raw values seen in the data that normalise to them, the most common first.
// A job function's conditions each have one normalised value; a split may
// give a condition several.
type Condition struct {
	Attribute  string
	Normalized []string
	Values     []string
}

// Package is a proposed bundle of entitlements for a set of users.
type Package struct {
	Kind Kind
	// Name is a readable name built from the most common raw values of the
	// conditions, e.g. "Payroll Clerk / Finance".
	Name string
	// Conditions select the package's users; all must hold. The birthright
	// package has none beyond eligibility, unless it was split.
	Conditions []Condition
	// Automatic is false when no rule within MaxRuleUsers could be found;
	// the package then needs direct assignment.
	Automatic bool
	// Members are the eligible users the conditions select, ascending.
	Members []int32
	// Entitlements are the proposed entitlements, ascending, and
	// Prevalence[i] the share of members holding Entitlements[i].
	Entitlements []int32
	Prevalence   []float64
	Metrics      Metrics
}

// Metrics describe how well a package fits its members.
type Metrics struct {
	Members      int
	Entitlements int
	// RuleUsers counts all users (eligible or not) the conditions select.
	RuleUsers int
	// Coverage is the share of the members' current assignments that this
	// package together with the birthright package explains.
	Coverage float64
	// MembersGaining counts members who lack at least one of the package's
	// entitlements today; GrantsAdded counts those missing grants.
	MembersGaining int
	GrantsAdded    int
	MinPrevalence  float64
	MeanPrevalence float64
	// RulePrecision and RuleRecall say how well a package's rule fits the
	// users with its access. For a cluster package, those are the
	// cluster's users: the share of the users the rule selects that are in
	// the cluster, and the share of the cluster it selects. For a variant,
	// they are the eligible users who hold at least the threshold share of
	// its entitlements; for a job function, those of them whose access fits
	// it best of all job functions. Precision is the share of its members
	// who have its access (a low one: a title that many hold without the
	// access, stale or wrong), recall the share of the users with its access
	// whom the rule selects (a low one: users of other titles, or with none,
	// have it too).
	RulePrecision float64
	RuleRecall    float64
}

// Result is the outcome of JobFunctions.
type Result struct {
	// Packages lists the birthright package(s) first, then job functions
	// ordered by their conditions.
	Packages []Package
	// Birthright lists the birthright entitlements, ascending.
	Birthright []int32
	// Groups counts the attribute groups seen, including those too small or
	// without a common entitlement.
	Groups int
}

// JobFunctions proposes one package per attribute group and a birthright
// package. It is deterministic and returns ctx.Err() when cancelled.
func JobFunctions(ctx context.Context, d *Dataset, opt Options) (*Result, error) {
	if err := opt.check(); err != nil {
		return nil, err
	}
	by := make([]*Attribute, len(opt.By))
	for i, name := range opt.By {
		if by[i] = d.Attribute(name); by[i] == nil {
			return nil, fmt.Errorf("mining: unknown attribute %q", name)
		}
	}
	m := &miner{d: d, opt: opt, counts: make([]int32, d.NumEntitlements), mark: make([]bool, d.NumEntitlements),
		norm: map[*Attribute]*normalized{}, mu: &sync.Mutex{}}

	res := &Result{}
	eligible := 0
	for u := 0; u < d.NumUsers; u++ {
		if d.IsEligible(u) {
			eligible++
		}
	}
	if opt.BirthrightThreshold > 0 && eligible > 0 {
		all := make([]int32, 0, eligible)
		for u := 0; u < d.NumUsers; u++ {
			if d.IsEligible(u) {
				all = append(all, int32(u))
			}
		}
		ents, prev := m.common(all, opt.BirthrightThreshold, nil)
		res.Birthright = ents
		if len(ents) > 0 {
			p := Package{Kind: Birthright, Name: "Birthright", Automatic: true, Members: all, Entitlements: ents, Prevalence: prev}
			p.Metrics.RuleUsers = len(all)
			parts, err := m.split(ctx, p, nil)
			if err != nil {
				return nil, err
			}
			res.Packages = append(res.Packages, parts...)
		}
	}
	inBirthright := make([]bool, d.NumEntitlements)
	for _, e := range res.Birthright {
		inBirthright[e] = true
	}

	groups := m.group(by)
	res.Groups = len(groups)
	// Groups are mined in parallel, each worker with its own counters; the
	// normalised attributes the workers read are computed first, and the
	// results are kept in group order, so the outcome does not depend on the
	// number of workers.
	for i := range d.Attributes {
		m.normalized(&d.Attributes[i])
	}
	// With Trim, the access of every group is profiled first, and each
	// group's package is computed without the members whose access another
	// group's profile explains far better (a stale or wrong title).
	var prof *profiles
	if opt.Trim {
		var err error
		if prof, err = m.profileGroups(ctx, groups, inBirthright); err != nil {
			return nil, err
		}
	}
	parts := make([][]Package, len(groups))
	err := m.parallel(ctx, len(groups), "job functions", func(w *miner, i int) error {
		g := groups[i]
		if len(g.members) < opt.MinMembers || g.empty {
			return nil
		}
		var ents, typical []int32
		var prev []float64
		if prof != nil {
			ents, prev, typical = w.trimmedCommon(g.members, prof.all[i], prof.allPrev[i], inBirthright,
				func(u int32) bool { return prof.fitsElsewhere(w, u, i) })
		} else {
			ents, prev = w.common(g.members, opt.Threshold, inBirthright)
		}
		if len(ents) == 0 {
			return nil
		}
		p := Package{Kind: JobFunction, Automatic: true, Conditions: g.conds, Members: g.members, Entitlements: ents, Prevalence: prev}
		p.Name = w.name(g.conds, g.members)
		p.Metrics.RuleUsers = g.ruleUsers
		var err error
		if parts[i], err = w.split(ctx, p, by); err != nil {
			return err
		}
		if opt.Variants {
			// Variants are sought among the typical members: what the
			// atypical ones hold is another job function's access.
			vg := g
			if typical != nil {
				vg = &group{conds: g.conds, members: typical, ruleUsers: g.ruleUsers}
			}
			vs, err := w.variants(ctx, vg, p, inBirthright)
			if err != nil {
				return err
			}
			parts[i] = append(parts[i], vs...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, ps := range parts {
		res.Packages = append(res.Packages, ps...)
	}
	if opt.MergeJaccard > 0 {
		res.Packages = m.merge(res.Packages)
	}
	if opt.Clusters {
		cps, err := m.clusterPackages(ctx, res.Packages, inBirthright)
		if err != nil {
			return nil, err
		}
		res.Packages = append(res.Packages, cps...)
	}
	if err := m.parallel(ctx, len(res.Packages), "metrics", func(w *miner, i int) error {
		w.metrics(&res.Packages[i], inBirthright)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := m.ruleFit(ctx, res.Packages); err != nil {
		return nil, err
	}
	return res, nil
}

// trimmedCommon returns the entitlements at least the threshold share of
// a group's typical members hold, with their prevalence among all members;
// all and allPrev are what the members hold and its prevalence (skip left
// out).
// A member is atypical when their access is another job function's: they
// lack much (a fifth or more) of the group's core (what a majority of the
// group holds) and hold at least two entitlements that few (under a fifth)
// of the group hold, or elsewhere, when set, says that another group's
// profile explains their access far better (see profiles.fitsElsewhere).
// Such members, someone whose title is stale or wrong, would otherwise pull
// the group's own entitlements below the threshold. Nothing is trimmed when
// more than two thirds of the group would be. typical lists the members
// kept, nil when none was left out.
func (m *miner) trimmedCommon(members, all []int32, allPrev []float64, skip []bool, elsewhere func(u int32) bool) (ents []int32, prev []float64, typical []int32) {
	const majorityShare, inlierShare, rareShare, maxAtypical = 0.5, 0.8, 0.2, 2.0 / 3
	n := float64(len(members))
	for i, e := range all {
		if allPrev[i]*n >= m.opt.Threshold*n-1e-9 {
			ents, prev = append(ents, e), append(prev, allPrev[i])
		}
	}
	if m.opt.Threshold <= majorityShare {
		return ents, prev, nil
	}
	var core []int32
	rare := map[int32]bool{}
	for i, e := range all {
		if allPrev[i] >= majorityShare {
			core = append(core, e)
		}
		if allPrev[i] < rareShare {
			rare[e] = true
		}
	}
	if len(core) == 0 {
		return ents, prev, nil
	}
	for _, u := range members {
		row := m.d.Row(int(u))
		held, unusual := 0, 0
		for _, e := range row {
			if _, ok := slices.BinarySearch(core, e); ok {
				held++
			}
			if rare[e] {
				unusual++
			}
		}
		share := float64(held) / float64(len(core))
		switch {
		case share < inlierShare && unusual >= 2:
		case elsewhere != nil && elsewhere(u):
		default:
			typical = append(typical, u)
		}
	}
	if len(typical) == len(members) || len(typical) < m.opt.MinMembers || float64(len(members)-len(typical)) > maxAtypical*float64(len(members)) {
		return ents, prev, nil
	}
	// An entitlement the trimming adds must owe its shortfall to the
	// atypical members alone: the typical ones hold it at the threshold
	// share of the whole group's size times theirs. A block that only part
	// of the typical members hold (a variant) stays out.
	candidates, _ := m.common(typical, m.opt.Threshold, skip)
	typicalShare := float64(len(typical)) / float64(len(members))
	var trimmed []int32
	var out []float64
	for _, e := range candidates {
		k, _ := slices.BinarySearch(all, e)
		if _, base := slices.BinarySearch(ents, e); base || allPrev[k] >= m.opt.Threshold*typicalShare {
			trimmed = append(trimmed, e)
			out = append(out, allPrev[k])
		}
	}
	return trimmed, out, typical
}

// clusterPackages proposes a package for every access cluster whose
// entitlements no existing package holds.
func (m *miner) clusterPackages(ctx context.Context, existing []Package, inBirthright []bool) ([]Package, error) {
	m.progress("clusters", 0, 1)
	cres, err := Clusters(ctx, m.d, m.opt.Cluster)
	if err != nil {
		return nil, err
	}
	attrs := m.ruleAttributes()
	byUser := map[int32][]int{}
	for i, p := range existing {
		if p.Kind == Birthright {
			continue
		}
		for _, u := range p.Members {
			byUser[u] = append(byUser[u], i)
		}
	}
	// unexplained counts the members who hold some of the cluster's
	// entitlements (at least two, and at least a fifth of them) that none
	// of their own packages grants.
	unexplained := func(members, ents []int32) int {
		need := max(2, len(ents)/5)
		n := 0
		for _, u := range members {
			row := m.d.Row(int(u))
			missing := 0
			for _, e := range ents {
				if _, held := slices.BinarySearch(row, e); !held {
					continue
				}
				if !slices.ContainsFunc(byUser[u], func(i int) bool { _, ok := slices.BinarySearch(existing[i].Entitlements, e); return ok }) {
					missing++
				}
			}
			if missing >= need {
				n++
			}
		}
		return n
	}
	var out []Package
	for k, c := range cres.Clusters {
		if len(c.Members) < m.opt.MinMembers {
			continue
		}
		ents, _ := m.common(c.Members, m.opt.Threshold, inBirthright)
		// A cluster whose access its members' packages already grant (a
		// department, say, whose titles each have a package) adds nothing.
		if len(ents) == 0 || unexplained(c.Members, ents) < max(m.opt.MinMembers, len(c.Members)/5) ||
			slices.ContainsFunc(out, func(p Package) bool { return jaccard(p.Entitlements, ents) >= m.opt.CoveredJaccard }) {
			continue
		}
		p := Package{Kind: AccessCluster, Members: c.Members, Entitlements: ents}
		rule, ok := m.explain(c.Members, attrs)
		if ok {
			p.Metrics.RulePrecision, p.Metrics.RuleRecall = rule.Precision, rule.Recall
		}
		if ok && rule.F1 >= m.opt.MinRuleF1 {
			selected := m.selectUsers(rule.Conditions, true)
			users := len(m.selectUsers(rule.Conditions, false))
			if m.opt.MaxRuleUsers == 0 || users <= m.opt.MaxRuleUsers {
				p.Conditions, p.Members, p.Automatic = rule.Conditions, selected, true
				p.Metrics.RuleUsers = users
				p.Name = m.name(rule.Conditions, selected) + " (access cluster)"
			}
		}
		if !p.Automatic {
			p.Name = fmt.Sprintf("Access cluster %d (%d users)", k+1, len(c.Members))
			p.Metrics.RuleUsers = len(p.Members)
		}
		// Prevalence among the package's members.
		all, prev := m.common(p.Members, 1e-9, nil)
		for _, e := range p.Entitlements {
			v := 0.0
			if i, ok := slices.BinarySearch(all, e); ok {
				v = prev[i]
			}
			p.Prevalence = append(p.Prevalence, v)
		}
		out = append(out, p)
	}
	m.progress("clusters", 1, 1)
	return out, nil
}

// merge joins job-function packages whose conditions differ in one
// attribute and whose entitlements are nearly the same: the condition on
// that attribute then lists the values of all of them.
func (m *miner) merge(pkgs []Package) []Package {
	parent := make([]int, len(pkgs))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			i = parent[i]
		}
		return i
	}
	mergeable := func(a, b Package) int { // the differing condition, or -1
		if a.Kind != JobFunction || b.Kind != JobFunction || len(a.Conditions) != len(b.Conditions) {
			return -1
		}
		diff := -1
		for i := range a.Conditions {
			ca, cb := a.Conditions[i], b.Conditions[i]
			if ca.Attribute != cb.Attribute {
				return -1
			}
			if !slices.Equal(ca.Normalized, cb.Normalized) {
				if diff >= 0 {
					return -1
				}
				diff = i
			}
		}
		return diff
	}
	for i := range pkgs {
		for j := i + 1; j < len(pkgs); j++ {
			if mergeable(pkgs[i], pkgs[j]) >= 0 && jaccard(pkgs[i].Entitlements, pkgs[j].Entitlements) >= m.opt.MergeJaccard {
				parent[find(j)] = find(i)
			}
		}
	}
	var out []Package
	done := map[int]bool{}
	for i := range pkgs {
		r := find(i)
		if done[r] {
			continue
		}
		var group []int
		for j := range pkgs {
			if find(j) == r {
				group = append(group, j)
			}
		}
		if len(group) == 1 {
			out = append(out, pkgs[i])
			done[r] = true
			continue
		}
		merged := pkgs[group[0]]
		merged.Conditions = slices.Clone(merged.Conditions)
		diff := mergeable(pkgs[group[0]], pkgs[group[1]])
		c := merged.Conditions[diff]
		c.Normalized, c.Values = slices.Clone(c.Normalized), slices.Clone(c.Values)
		var members []int32
		// The parts' rules select disjoint users (they differ in one
		// attribute's values), so the merged rule selects their sum.
		users := 0
		for _, j := range group {
			members = append(members, pkgs[j].Members...)
			users += pkgs[j].Metrics.RuleUsers
			if j != group[0] {
				c.Normalized = append(c.Normalized, pkgs[j].Conditions[diff].Normalized...)
				c.Values = append(c.Values, pkgs[j].Conditions[diff].Values...)
			}
		}
		merged.Conditions[diff] = c
		slices.Sort(members)
		merged.Members = slices.Compact(members)
		if m.opt.MaxRuleUsers > 0 && users > m.opt.MaxRuleUsers {
			for _, j := range group {
				out = append(out, pkgs[j])
			}
			done[r] = true
			continue
		}
		merged.Metrics = Metrics{RuleUsers: users}
		// The merged package holds what every part's does (each computed
		// from its group's typical members), with its prevalence among all
		// the merged members.
		merged.Entitlements = slices.Clone(pkgs[group[0]].Entitlements)
		for _, j := range group[1:] {
			merged.Entitlements = slices.DeleteFunc(merged.Entitlements, func(e int32) bool {
				_, ok := slices.BinarySearch(pkgs[j].Entitlements, e)
				return !ok
			})
		}
		if len(merged.Entitlements) == 0 {
			for _, j := range group {
				out = append(out, pkgs[j])
			}
			done[r] = true
			continue
		}
		merged.Prevalence = m.prevalence(merged.Members, merged.Entitlements)
		merged.Name = m.name(merged.Conditions, merged.Members)
		out = append(out, merged)
		done[r] = true
	}
	return out
}

func (o Options) check() error {
	switch {
	case len(o.By) == 0:
		return errors.New("mining: no attribute to group by")
	case !(o.Threshold > 0 && o.Threshold <= 1):
		return fmt.Errorf("mining: threshold %v is not in (0, 1]", o.Threshold)
	case o.BirthrightThreshold < 0 || o.BirthrightThreshold > 1:
		return fmt.Errorf("mining: birthright threshold %v is not in [0, 1]", o.BirthrightThreshold)
	case o.MinMembers < 1:
		return fmt.Errorf("mining: minimum group size %d is below 1", o.MinMembers)
	case o.MaxRuleUsers < 0:
		return fmt.Errorf("mining: rule size limit %d is negative", o.MaxRuleUsers)
	}
	return nil
}

type miner struct {
	d      *Dataset
	opt    Options
	counts []int32
	mark   []bool
	// votes counts, per attribute group, a user's entitlements that most of
	// the group holds (see profiles.fitsElsewhere), and held a user's
	// entitlements per package (see ruleFit); allocated on first use.
	votes []int32
	held  []int32
	norm  map[*Attribute]*normalized
	mu    *sync.Mutex // serialises progress callbacks
}

func (m *miner) progress(stage string, done, total int) {
	if m.opt.Progress != nil {
		m.mu.Lock()
		m.opt.Progress(Progress{Stage: stage, Done: done, Total: total})
		m.mu.Unlock()
	}
}

// parallel runs f for items 0..n-1 on up to GOMAXPROCS workers, each with
// its own scratch space; it stops at the first error or cancellation.
func (m *miner) parallel(ctx context.Context, n int, stage string, f func(w *miner, i int) error) error {
	workers := max(1, min(runtime.GOMAXPROCS(0), 8, n))
	var next atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for k := range workers {
		w := &miner{d: m.d, opt: m.opt, counts: make([]int32, m.d.NumEntitlements), mark: make([]bool, m.d.NumEntitlements), norm: m.norm, mu: m.mu}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if i%256 == 0 {
					if err := ctx.Err(); err != nil {
						errs[k] = err
						return
					}
					w.progress(stage, i, n)
				}
				if err := f(w, i); err != nil {
					errs[k] = err
					next.Store(int64(n))
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	m.progress(stage, n, n)
	return nil
}

// normalized maps an attribute's dictionary codes to normalised value ids.
type normalized struct {
	ids    []uint32   // code → normalised id
	values []string   // normalised id → normalised value
	raw    [][]string // normalised id → raw values, sorted
}

func (m *miner) normalized(a *Attribute) *normalized {
	if n, ok := m.norm[a]; ok {
		return n
	}
	f := NormalizeValue
	if a.Name == m.opt.TitleAttribute {
		f = NormalizeTitle
	}
	n := &normalized{ids: make([]uint32, len(a.Values))}
	freq := make([]int, len(a.Values))
	for _, c := range a.Codes {
		freq[c]++
	}
	index := map[string]uint32{}
	for c, v := range a.Values {
		nv := f(v)
		id, ok := index[nv]
		if !ok {
			id = uint32(len(n.values))
			index[nv] = id
			n.values = append(n.values, nv)
			n.raw = append(n.raw, nil)
		}
		n.ids[c] = id
		if v != "" && freq[c] > 0 {
			n.raw[id] = append(n.raw[id], v)
		}
	}
	// Most common spelling first, so that a rule leads with it.
	count := map[string]int{}
	for c, v := range a.Values {
		count[v] = freq[c]
	}
	for _, r := range n.raw {
		slices.SortFunc(r, func(x, y string) int { return cmp.Or(cmp.Compare(count[y], count[x]), strings.Compare(x, y)) })
	}
	m.norm[a] = n
	return n
}

type group struct {
	conds     []Condition
	members   []int32 // eligible users
	ruleUsers int     // all users with the key but guests: whom the rule selects
	empty     bool    // some attribute of the key is empty
}

// group partitions all users by the normalised values of attrs and returns
// the groups in the order of their conditions.
func (m *miner) group(attrs []*Attribute) []*group {
	norms := make([]*normalized, len(attrs))
	for i, a := range attrs {
		norms[i] = m.normalized(a)
	}
	index := map[string]*group{}
	key := make([]byte, 0, 4*len(attrs))
	for u := 0; u < m.d.NumUsers; u++ {
		key = key[:0]
		for i, a := range attrs {
			id := norms[i].ids[a.Codes[u]]
			key = append(key, byte(id), byte(id>>8), byte(id>>16), byte(id>>24))
		}
		g, ok := index[string(key)]
		if !ok {
			g = &group{}
			for i, a := range attrs {
				id := norms[i].ids[a.Codes[u]]
				g.conds = append(g.conds, Condition{Attribute: a.Name, Normalized: []string{norms[i].values[id]}, Values: norms[i].raw[id]})
				if norms[i].values[id] == "" {
					g.empty = true
				}
			}
			index[string(key)] = g
		}
		if !m.d.IsGuest(u) {
			g.ruleUsers++
		}
		if m.d.IsEligible(u) {
			g.members = append(g.members, int32(u))
		}
	}
	groups := make([]*group, 0, len(index))
	for _, g := range index {
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b *group) int { return compareConds(a.conds, b.conds) })
	return groups
}

func compareConds(a, b []Condition) int {
	for i := range min(len(a), len(b)) {
		if c := cmp.Or(strings.Compare(a[i].Attribute, b[i].Attribute), slices.Compare(a[i].Normalized, b[i].Normalized)); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// common returns the entitlements held by at least share of members, except
// those marked in skip, with their prevalence.
func (m *miner) common(members []int32, share float64, skip []bool) ([]int32, []float64) {
	var touched []int32
	for _, u := range members {
		for _, e := range m.d.Row(int(u)) {
			if m.counts[e] == 0 {
				touched = append(touched, e)
			}
			m.counts[e]++
		}
	}
	slices.Sort(touched)
	need := share * float64(len(members))
	var ents []int32
	var prev []float64
	for _, e := range touched {
		c := m.counts[e]
		m.counts[e] = 0
		if float64(c) >= need-1e-9 && (skip == nil || !skip[e]) {
			ents = append(ents, e)
			prev = append(prev, float64(c)/float64(len(members)))
		}
	}
	return ents, prev
}

// prevalence returns the share of members holding each of ents.
func (m *miner) prevalence(members, ents []int32) []float64 {
	for _, u := range members {
		for _, e := range m.d.Row(int(u)) {
			m.counts[e]++
		}
	}
	out := make([]float64, len(ents))
	for i, e := range ents {
		out[i] = float64(m.counts[e]) / float64(max(1, len(members)))
	}
	for _, u := range members {
		for _, e := range m.d.Row(int(u)) {
			m.counts[e] = 0
		}
	}
	return out
}

// name builds a package name from the most common raw value of each
// condition among the members.
func (m *miner) name(conds []Condition, members []int32) string {
	parts := make([]string, 0, len(conds))
	for _, c := range conds {
		a := m.d.Attribute(c.Attribute)
		freq := map[uint32]int{}
		for _, u := range members {
			freq[a.Codes[u]]++
		}
		best, bestN := "", -1
		for code, n := range freq {
			v := a.Values[code]
			if n > bestN || (n == bestN && v < best) {
				best, bestN = v, n
			}
		}
		if best == "" {
			best = "(no " + c.Attribute + ")"
		}
		parts = append(parts, strings.Join(strings.Fields(best), " "))
	}
	return strings.Join(parts, " / ")
}

// split divides p by further attributes until each part's rule selects at
// most MaxRuleUsers users. used lists the attributes already in p's
// conditions. The values of the splitting attribute are packed into as few
// evenly loaded parts as fit, so that a rule selects a
// few values rather than one package per value; a missing value always gets
// a part of its own, since a rule tests it differently. A package that
// cannot be split enough keeps its members and is marked as not automatic.
func (m *miner) split(ctx context.Context, p Package, used []*Attribute) ([]Package, error) {
	if m.opt.MaxRuleUsers == 0 || p.Metrics.RuleUsers <= m.opt.MaxRuleUsers {
		return []Package{p}, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Users the package's rule selects.
	var selected []int32
	if p.Kind == Birthright && len(p.Conditions) == 0 {
		selected = p.Members
	} else {
		selected = m.selectUsers(p.Conditions, p.Kind == Birthright)
	}
	// The first attribute, in order of preference, that splits the users at
	// all; a part still too large is split further by the next ones.
	var bestAttr *Attribute
	var bestBins []bin
	for _, name := range m.opt.SplitBy {
		a := m.d.Attribute(name)
		if a == nil || slices.Contains(used, a) || !m.evaluable(a.Name) {
			continue
		}
		if bins := m.pack(a, selected); len(bins) > 1 {
			bestAttr, bestBins = a, bins
			break
		}
	}
	if bestAttr == nil {
		p.Automatic = false
		return []Package{p}, nil
	}
	n := m.normalized(bestAttr)
	var out []Package
	for _, b := range bestBins {
		c := Condition{Attribute: bestAttr.Name}
		for _, id := range b.ids {
			c.Normalized = append(c.Normalized, n.values[id])
			c.Values = append(c.Values, n.raw[id]...)
		}
		q := p
		q.Conditions = append(slices.Clip(p.Conditions), c)
		q.Members = nil
		for _, u := range b.users {
			if m.d.IsEligible(int(u)) {
				q.Members = append(q.Members, u)
			}
		}
		if len(q.Members) == 0 {
			continue
		}
		slices.Sort(q.Members)
		q.Metrics.RuleUsers = len(b.users)
		q.Name = p.Name + " / " + m.name(q.Conditions[len(q.Conditions)-1:], q.Members)
		if len(b.ids) > 1 {
			q.Name += fmt.Sprintf(" +%d", len(b.ids)-1)
		}
		parts, err := m.split(ctx, q, append(slices.Clip(used), bestAttr))
		if err != nil {
			return nil, err
		}
		out = append(out, parts...)
	}
	return out, nil
}

// bin is a set of normalised values of one attribute and their users.
type bin struct {
	ids   []uint32
	users []int32
}

// pack partitions users by their normalised value of a and packs the values
// into as few, evenly loaded bins of at most MaxRuleUsers users as it can.
func (m *miner) pack(a *Attribute, users []int32) []bin {
	n := m.normalized(a)
	byID := map[uint32][]int32{}
	for _, u := range users {
		id := n.ids[a.Codes[u]]
		byID[id] = append(byID[id], u)
	}
	ids := make([]uint32, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(x, y uint32) int {
		return cmp.Or(cmp.Compare(len(byID[y]), len(byID[x])), strings.Compare(n.values[x], n.values[y]))
	})
	// A missing value gets a bin of its own; the other values go, largest
	// first, to the least loaded of k bins, with k as small as keeps every
	// bin within the limit (or every value alone).
	var bins []bin
	var values []uint32
	total := 0
	for _, id := range ids {
		if n.values[id] == "" {
			bins = append(bins, bin{ids: []uint32{id}, users: byID[id]})
			continue
		}
		values = append(values, id)
		total += len(byID[id])
	}
	for k := max(1, (total+m.opt.MaxRuleUsers-1)/m.opt.MaxRuleUsers); len(values) > 0; k++ {
		k = min(k, len(values))
		packed := make([]bin, k)
		fits := true
		for _, id := range values {
			least := 0
			for i := range packed {
				if len(packed[i].users) < len(packed[least].users) {
					least = i
				}
			}
			b := &packed[least]
			if len(b.ids) > 0 && len(b.users)+len(byID[id]) > m.opt.MaxRuleUsers {
				fits = false
			}
			b.ids = append(b.ids, id)
			b.users = append(b.users, byID[id]...)
		}
		if fits || k == len(values) {
			bins = append(bins, packed...)
			break
		}
	}
	for i := range bins {
		slices.SortFunc(bins[i].ids, func(x, y uint32) int { return strings.Compare(n.values[x], n.values[y]) })
	}
	slices.SortFunc(bins, func(x, y bin) int { return strings.Compare(n.values[x.ids[0]], n.values[y.ids[0]]) })
	return bins
}

// selectUsers returns all users matching every condition; eligibleOnly
// restricts them to eligible users (the birthright rule selects only those).
func (m *miner) selectUsers(conds []Condition, eligibleOnly bool) []int32 {
	var out []int32
	attrs := make([]*Attribute, len(conds))
	norms := make([]*normalized, len(conds))
	for i, c := range conds {
		attrs[i] = m.d.Attribute(c.Attribute)
		norms[i] = m.normalized(attrs[i])
	}
next:
	for u := 0; u < m.d.NumUsers; u++ {
		if eligibleOnly && !m.d.IsEligible(u) || m.d.IsGuest(u) {
			continue
		}
		for i, c := range conds {
			if !slices.Contains(c.Normalized, norms[i].values[norms[i].ids[attrs[i].Codes[u]]]) {
				continue next
			}
		}
		out = append(out, int32(u))
	}
	return out
}

func (m *miner) metrics(p *Package, inBirthright []bool) {
	mt := &p.Metrics
	mt.Members = len(p.Members)
	mt.Entitlements = len(p.Entitlements)
	for _, e := range p.Entitlements {
		m.mark[e] = true
	}
	var held, explained int
	for _, u := range p.Members {
		row := m.d.Row(int(u))
		have := 0
		for _, e := range row {
			if m.mark[e] {
				have++
				explained++
			} else if inBirthright[e] {
				explained++
			}
		}
		held += len(row)
		if missing := len(p.Entitlements) - have; missing > 0 {
			mt.MembersGaining++
			mt.GrantsAdded += missing
		}
	}
	for _, e := range p.Entitlements {
		m.mark[e] = false
	}
	if held > 0 {
		mt.Coverage = float64(explained) / float64(held)
	}
	mt.MinPrevalence = 1
	sum := 0.0
	for _, v := range p.Prevalence {
		sum += v
		mt.MinPrevalence = min(mt.MinPrevalence, v)
	}
	if len(p.Prevalence) > 0 {
		mt.MeanPrevalence = sum / float64(len(p.Prevalence))
	} else {
		mt.MinPrevalence = 0
	}
}

// SelectUsers returns every user, eligible or not, whose attributes meet
// the conditions (values normalised as for mining): whom a package's rule
// would assign it to.
func SelectUsers(d *Dataset, conds []Condition) []int32 {
	m := &miner{d: d, opt: DefaultOptions(), norm: map[*Attribute]*normalized{}, mu: &sync.Mutex{}}
	return m.selectUsers(conds, false)
}
