package mining

import (
	"context"
	"fmt"
	"slices"
)

// A person's access is the union of several bundles: their job function's,
// their team's, their office's, a project's. Options.AlsoBy names further
// groupings besides By (an office, a cost centre, a manager id): each of
// their groups of at least MinMembers members gets a package, with the
// group's rule, of what at least Threshold of its members hold and their
// packages so far do not give every one of them. Groupings are taken in order, each seeing
// the packages of those before.

// granted returns, per user, what pkgs grant them, ascending: windows of
// one array, filled by counting and sorted as a dataset's rows are (a
// million users' own slices, grown and sorted one after another, took a
// second).
func (m *miner) granted(pkgs []Package) [][]int32 {
	n := m.d.NumUsers
	start := make([]int64, n+1)
	for _, p := range pkgs {
		for _, u := range p.Members {
			start[u+1] += int64(len(p.Entitlements))
		}
	}
	for u := range n {
		start[u+1] += start[u]
	}
	all := make([]int32, start[n])
	next := slices.Clone(start[:n])
	for _, p := range pkgs {
		for _, u := range p.Members {
			next[u] += int64(copy(all[next[u]:], p.Entitlements))
		}
	}
	lens := sortRows(start, all)
	out := make([][]int32, n)
	for u := range out {
		end := start[u] + lens[u]
		out[u] = all[start[u]:end:end] // appending copies, not into the next user's
	}
	return out
}

// residual returns the entitlements at least share of the members hold
// that granted does not give every one of them, ascending, with their
// prevalence. With onlyUngranted, a member counts only when granted does
// not give them the entitlement (a team's package is what no package of
// theirs grants); otherwise every holder counts (a grouping's package is
// what most of the group holds, wherever else some get it). It counts in
// m.counts and leaves them clear.
func (m *miner) residual(members []int32, granted [][]int32, share float64, onlyUngranted bool) ([]int32, []float64) {
	var touched []int32
	ungranted := map[int32]bool{}
	for _, u := range members {
		for _, e := range m.d.Row(int(u)) {
			_, given := slices.BinarySearch(granted[u], e)
			if given && onlyUngranted {
				continue
			}
			if m.counts[e] == 0 {
				touched = append(touched, e)
			}
			m.counts[e]++
			if !given {
				ungranted[e] = true
			}
		}
	}
	for _, u := range members {
		if len(ungranted) == len(touched) {
			break
		}
		// A member who lacks an entitlement is not given it either.
		for _, e := range touched {
			if !ungranted[e] {
				if _, given := slices.BinarySearch(granted[u], e); !given {
					ungranted[e] = true
				}
			}
		}
	}
	var ents []int32
	for _, e := range touched {
		if ungranted[e] && float64(m.counts[e]) >= share*float64(len(members))-1e-9 {
			ents = append(ents, e)
		}
	}
	slices.Sort(ents)
	prev := make([]float64, len(ents))
	for i, e := range ents {
		prev[i] = float64(m.counts[e]) / float64(len(members))
	}
	for _, e := range touched {
		m.counts[e] = 0
	}
	return ents, prev
}

// attributeGroupPackages mines the AlsoBy groupings over the packages so
// far.
func (m *miner) attributeGroupPackages(ctx context.Context, pkgs []Package) ([]Package, error) {
	var out []Package
	granted := m.granted(pkgs)
	for _, names := range m.opt.AlsoBy {
		attrs := make([]*Attribute, len(names))
		for i, name := range names {
			if attrs[i] = m.d.Attribute(name); attrs[i] == nil {
				return nil, fmt.Errorf("mining: unknown attribute %q", name)
			}
		}
		var found []Package
		for i, g := range m.group(attrs) {
			if i%256 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			if len(g.members) < m.opt.MinMembers || g.empty {
				continue
			}
			ents, prev := m.residual(g.members, granted, m.opt.Threshold, false)
			if len(ents) == 0 {
				continue
			}
			p := Package{Kind: AttributeGroup, Automatic: true, Conditions: g.conds, Members: g.members, Entitlements: ents, Prevalence: prev}
			p.Name = m.name(g.conds, g.members)
			p.Metrics.RuleUsers = g.ruleUsers
			parts, err := m.split(ctx, p, attrs)
			if err != nil {
				return nil, err
			}
			found = append(found, parts...)
		}
		for _, p := range found {
			for _, u := range p.Members {
				granted[u] = append(granted[u], p.Entitlements...)
				slices.Sort(granted[u])
				granted[u] = slices.Compact(granted[u])
			}
		}
		out = append(out, found...)
	}
	return out, nil
}
