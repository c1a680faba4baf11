package mining

import (
	"context"
	"fmt"
	"sync"
)

// JobFunctions proposes one package per attribute group and a birthright
// package. It is deterministic and returns ctx.Err() when cancelled.
//
// The stages: the birthright package (what nearly every eligible user
// holds); the attribute groups, each mined for the entitlements most of
// its members hold (trimmed of members whose access is another group's,
// split where a rule would select too many users, with variants); merging
// near-identical neighbours; packages for access clusters no package
// holds; packages for managers' teams; then every package's metrics and
// rule fit.
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
	birthright, err := m.birthright(ctx)
	if err != nil {
		return nil, err
	}
	if birthright != nil {
		res.Birthright = birthright.Entitlements
		if res.Packages, err = m.split(ctx, *birthright, nil); err != nil {
			return nil, err
		}
	}
	inBirthright := make([]bool, d.NumEntitlements)
	for _, e := range res.Birthright {
		inBirthright[e] = true
	}
	groups := m.group(by)
	res.Groups = len(groups)
	pkgs, err := m.jobFunctions(ctx, groups, by, inBirthright)
	if err != nil {
		return nil, err
	}
	res.Packages = append(res.Packages, pkgs...)
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
	if len(opt.AlsoBy) > 0 {
		aps, err := m.attributeGroupPackages(ctx, res.Packages)
		if err != nil {
			return nil, err
		}
		res.Packages = append(res.Packages, aps...)
	}
	if opt.Teams {
		tps, err := m.teamPackages(ctx, res.Packages)
		if err != nil {
			return nil, err
		}
		res.Packages = append(res.Packages, tps...)
	}
	if err := m.parallel(ctx, len(res.Packages), work{stage: "metrics", unit: "packages"}, func(w *miner, i int) error {
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

// birthright returns the birthright package: what at least the birthright
// threshold of the eligible users hold, for all of them (nil when nothing
// is, or the threshold is 0).
func (m *miner) birthright(ctx context.Context) (*Package, error) {
	d := m.d
	if m.opt.BirthrightThreshold == 0 {
		return nil, nil
	}
	var all []int32
	for u := 0; u < d.NumUsers; u++ {
		if d.IsEligible(u) {
			all = append(all, int32(u))
		}
	}
	if len(all) == 0 {
		return nil, ctx.Err()
	}
	ents, prev := m.common(all, m.opt.BirthrightThreshold, nil)
	if len(ents) == 0 {
		return nil, ctx.Err()
	}
	p := &Package{Kind: Birthright, Name: "Birthright", Automatic: true, Members: all, Entitlements: ents, Prevalence: prev}
	p.Metrics.RuleUsers = len(all)
	return p, ctx.Err()
}

// jobFunctions mines every attribute group large enough into its package
// (split by the attributes by when its rule selects too many users) and
// its variants, in group order.
//
// Groups are mined in parallel, each worker with its own counters; the
// normalised attributes the workers read are computed first, and the
// results are kept in group order, so the outcome does not depend on the
// number of workers. With Trim, the access of every group is profiled
// first, and each group's package is computed without the members whose
// access another group's profile explains far better (a stale or wrong
// title).
func (m *miner) jobFunctions(ctx context.Context, groups []*group, by []*Attribute, inBirthright []bool) ([]Package, error) {
	for i := range m.d.Attributes {
		m.normalized(&m.d.Attributes[i])
	}
	var prof *profiles
	if m.opt.Trim {
		var err error
		if prof, err = m.profileGroups(ctx, groups, inBirthright); err != nil {
			return nil, err
		}
	}
	parts := make([][]Package, len(groups))
	err := m.parallel(ctx, len(groups), work{stage: "job functions", unit: "groups"}, func(w *miner, i int) error {
		var err error
		parts[i], err = w.jobFunction(ctx, groups[i], i, prof, by, inBirthright)
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []Package
	for _, ps := range parts {
		out = append(out, ps...)
	}
	return out, nil
}

// jobFunction mines group g (the i-th) into its package, split and with
// its variants; nothing when the group is too small or holds nothing in
// common.
func (m *miner) jobFunction(ctx context.Context, g *group, i int, prof *profiles, by []*Attribute, inBirthright []bool) ([]Package, error) {
	if len(g.members) < m.opt.MinMembers || g.empty {
		return nil, nil
	}
	var ents, typical []int32
	var prev []float64
	if prof != nil {
		ents, prev, typical = m.trimmedCommon(g.members, prof.all[i], prof.allPrev[i], inBirthright,
			func(u int32) bool { return prof.fitsElsewhere(m, u, i) })
	} else {
		ents, prev = m.common(g.members, m.opt.Threshold, inBirthright)
	}
	if len(ents) == 0 {
		return nil, nil
	}
	p := Package{Kind: JobFunction, Automatic: true, Conditions: g.conds, Members: g.members, Entitlements: ents, Prevalence: prev}
	p.Name = m.name(g.conds, g.members)
	p.Metrics.RuleUsers = g.ruleUsers
	out, err := m.split(ctx, p, by)
	if err != nil || !m.opt.Variants {
		return out, err
	}
	// Variants are sought among the typical members: what the atypical
	// ones hold is another job function's access.
	vg := g
	if typical != nil {
		vg = &group{conds: g.conds, members: typical, ruleUsers: g.ruleUsers}
	}
	vs, err := m.variants(ctx, vg, p, inBirthright)
	if err != nil {
		return nil, err
	}
	return append(out, vs...), nil
}
