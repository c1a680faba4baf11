package mining

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

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
