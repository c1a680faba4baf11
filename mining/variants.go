package mining

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// variants finds the variants hidden in a job-function group: the
// entitlements that at least VariantMinShare of its members hold, below the
// group's threshold, are covered by the structural miner on the members ×
// those entitlements, with the WSC objective (which takes large roles first)
// and 10% noise (which drops the small roles that stray grants make); every
// role left with enough users and entitlements becomes a variant package on
// top of base.
func (m *miner) variants(ctx context.Context, g *group, base Package, inBirthright []bool) ([]Package, error) {
	n := len(g.members)
	minUsers := max(m.opt.MinMembers, int(math.Ceil(m.opt.VariantMinShare*float64(n))))
	if n < 2*minUsers {
		return nil, nil
	}
	inBase := func(e int32) bool { _, ok := slices.BinarySearch(base.Entitlements, e); return ok }
	// Partly held entitlements: held by at least minUsers, below the
	// threshold, outside the birthright and the job function's package.
	held, prev := m.common(g.members, float64(minUsers)/float64(n), inBirthright)
	var cand []int32
	for i, e := range held {
		if prev[i] < m.opt.Threshold-1e-9 && !inBase(e) {
			cand = append(cand, e)
		}
	}
	if len(cand) < m.opt.VariantMinEntitlements {
		return nil, nil
	}
	// The group's submatrix over the candidates.
	local := make(map[int32]int, len(cand))
	for j, e := range cand {
		local[e] = j
	}
	b := NewBuilder(n, len(cand))
	for i, u := range g.members {
		for _, e := range m.d.Row(int(u)) {
			if j, ok := local[e]; ok {
				b.Add(i, j)
			}
		}
	}
	sub := b.Build()
	cover, err := Cover(ctx, sub, CoverOptions{Objective: MinWSC, MaxNoise: 0.1, MaxNodes: 100_000})
	if err != nil {
		return nil, err
	}
	// Each role proposes a block of entitlements; its members are the
	// group's users holding more than half of the block. A block is kept
	// when it is cohesive (at least the threshold share of every one of its
	// entitlements' holders are its members: optional access that people
	// hold independently is not a variant) and large enough. A block that
	// is not cohesive sheds its least cohesive entitlement until it is:
	// the cover may join a variant's bundle with access that splits the
	// group another way (a territory, say), and the variant is the core.
	var out []Package
	seen := map[string]bool{}
	for _, r := range cover.Roles {
		if len(r.Perms) < m.opt.VariantMinEntitlements {
			continue
		}
		block := make([]int32, len(r.Perms))
		for k, j := range r.Perms {
			block[k] = cand[j]
		}
		slices.Sort(block)
		block, members := m.cohesiveCore(g, block, minUsers)
		if block == nil {
			continue
		}
		key := fmt.Sprint(block)
		if seen[key] {
			continue
		}
		seen[key] = true
		v := Package{Kind: Variant, Conditions: slices.Clone(base.Conditions), Members: members}
		ents := slices.Concat(base.Entitlements, block)
		slices.Sort(ents)
		v.Entitlements = ents
		// A rule when an attribute value describes the variant's members;
		// the rule then decides who they are.
		if c, selected, users, ok := m.separate(g, v.Members); ok {
			v.Conditions = append(v.Conditions, c)
			v.Members = selected
			v.Automatic = users <= m.opt.MaxRuleUsers || m.opt.MaxRuleUsers == 0
			v.Metrics.RuleUsers = users
			v.Name = base.Name + " / " + c.Values[0]
		} else {
			v.Name = fmt.Sprintf("%s (variant %d)", base.Name, len(out)+1)
		}
		// What the threshold share of the variant's own members hold joins
		// it too: access that the group as a whole misses because of
		// members whose access belongs elsewhere.
		own, _ := m.common(v.Members, m.opt.Threshold, inBirthright)
		ents = slices.Concat(ents, own)
		slices.Sort(ents)
		ents = slices.Compact(ents)
		v.Entitlements = ents
		// Prevalence among the variant's members.
		all, allPrev := m.common(v.Members, 1e-9, nil)
		for _, e := range ents {
			p := 0.0
			if i, ok := slices.BinarySearch(all, e); ok {
				p = allPrev[i]
			}
			v.Prevalence = append(v.Prevalence, p)
		}
		out = append(out, v)
	}
	return out, nil
}

// cohesiveCore returns the largest cohesive part of block that sheds one
// least cohesive entitlement at a time, with its members (the group's users
// holding more than half of it), or nil when none with at least
// VariantMinEntitlements entitlements and minUsers members exists.
func (m *miner) cohesiveCore(g *group, block []int32, minUsers int) ([]int32, []int32) {
	for len(block) >= m.opt.VariantMinEntitlements {
		var members []int32
		holders := make([]int, len(block))
		inMembers := make([]int, len(block))
		has := make([]bool, len(block))
		for _, u := range g.members {
			row := m.d.Row(int(u))
			n := 0
			for k, e := range block {
				_, has[k] = slices.BinarySearch(row, e)
				if has[k] {
					holders[k]++
					n++
				}
			}
			if 2*n > len(block) {
				members = append(members, u)
				for k := range block {
					if has[k] {
						inMembers[k]++
					}
				}
			}
		}
		if len(members) < minUsers {
			return nil, nil
		}
		worst, worstShare := -1, m.opt.Threshold
		for k := range block {
			if share := float64(inMembers[k]) / float64(holders[k]); share < worstShare-1e-12 {
				worst, worstShare = k, share
			}
		}
		if worst < 0 {
			return block, members
		}
		block = slices.Delete(slices.Clone(block), worst, worst+1)
	}
	return nil, nil
}

// separate looks for an attribute, outside the group's own, with a value
// that describes the variant: at least 90% of its members have it, and at
// least 90% of the group's members who have it are in the variant. It
// returns the condition, the group's members it selects, and how many users
// in all (eligible or not) the group's rule plus the condition selects.
func (m *miner) separate(g *group, members []int32) (Condition, []int32, int, bool) {
	inVariant := make(map[int32]bool, len(members))
	for _, u := range members {
		inVariant[u] = true
	}
	for i := range m.d.Attributes {
		a := &m.d.Attributes[i]
		if slices.ContainsFunc(g.conds, func(c Condition) bool { return c.Attribute == a.Name }) || !m.evaluable(a.Name) {
			continue
		}
		n := m.normalizedShared(a)
		freq := map[uint32]int{}
		for _, u := range members {
			freq[n.ids[a.Codes[u]]]++
		}
		// The most common value among the variant's members (ties: lowest).
		id, best := uint32(0), -1
		for v, c := range freq {
			if c > best || c == best && v < id {
				id, best = v, c
			}
		}
		if n.values[id] == "" || float64(best) < 0.9*float64(len(members)) {
			continue
		}
		var selected []int32
		for _, u := range g.members {
			if n.ids[a.Codes[u]] == id {
				selected = append(selected, u)
			}
		}
		if float64(best) < 0.9*float64(len(selected)) {
			continue
		}
		c := Condition{Attribute: a.Name, Normalized: []string{n.values[id]}, Values: n.raw[id]}
		return c, selected, len(m.selectUsers(append(slices.Clone(g.conds), c), false)), true
	}
	return Condition{}, nil, 0, false
}

// normalizedShared returns the normalised attribute from the cache the
// workers share, which JobFunctions fills for every attribute before the
// parallel work starts.
func (m *miner) normalizedShared(a *Attribute) *normalized {
	return m.norm[a]
}
