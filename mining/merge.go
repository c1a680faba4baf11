package mining

import (
	"slices"
)

// merge joins job-function packages whose conditions differ in one
// attribute and whose entitlements are nearly the same: the condition on
// that attribute then lists the values of all of them. Packages join
// transitively (union-find); a group is kept apart when its merged rule
// would select too many users or its parts share no entitlement.
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
		done[r] = true
		var group []int
		for j := range pkgs {
			if find(j) == r {
				group = append(group, j)
			}
		}
		if merged, ok := m.mergeGroup(pkgs, group); ok {
			out = append(out, merged)
			continue
		}
		for _, j := range group {
			out = append(out, pkgs[j])
		}
	}
	return out
}

// mergeable returns the index of the one condition in which job-function
// packages a and b differ, or -1 when they differ in none or several.
func mergeable(a, b Package) int {
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

// mergeGroup merges the packages of group (indices into pkgs, ascending):
// the differing condition lists every part's values, the members and the
// rule's users add up, and the entitlements are those every part holds.
// ok is false for a merged rule past MaxRuleUsers, parts with no
// entitlement in common, or parts that do not all differ from the first in
// the same one condition.
func (m *miner) mergeGroup(pkgs []Package, group []int) (merged Package, ok bool) {
	if len(group) == 1 {
		return pkgs[group[0]], true
	}
	// Pairs join transitively: parts that differ from the first in more
	// than the one condition (a chain through two attributes) do not merge.
	diff := mergeable(pkgs[group[0]], pkgs[group[1]])
	for _, j := range group[1:] {
		if diff < 0 || mergeable(pkgs[group[0]], pkgs[j]) != diff {
			return Package{}, false
		}
	}
	merged = pkgs[group[0]]
	merged.Conditions = slices.Clone(merged.Conditions)
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
	if m.opt.MaxRuleUsers > 0 && users > m.opt.MaxRuleUsers {
		return Package{}, false
	}
	merged.Conditions[diff] = c
	slices.Sort(members)
	merged.Members = slices.Compact(members)
	merged.Metrics = Metrics{RuleUsers: users}
	// The merged package holds what every part's does (each computed from
	// its group's typical members), with its prevalence among all the
	// merged members.
	merged.Entitlements = slices.Clone(pkgs[group[0]].Entitlements)
	for _, j := range group[1:] {
		merged.Entitlements = slices.DeleteFunc(merged.Entitlements, func(e int32) bool {
			_, ok := slices.BinarySearch(pkgs[j].Entitlements, e)
			return !ok
		})
	}
	if len(merged.Entitlements) == 0 {
		return Package{}, false
	}
	merged.Prevalence = m.prevalence(merged.Members, merged.Entitlements)
	merged.Name = m.name(merged.Conditions, merged.Members)
	return merged, true
}
