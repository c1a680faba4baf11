package mining

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

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

// SelectUsers returns every user, eligible or not, whose attributes meet
// the conditions (values normalised as for mining): whom a package's rule
// would assign it to.
func SelectUsers(d *Dataset, conds []Condition) []int32 {
	return NewSelector(d, DefaultOptions().TitleAttribute).Select(conds)
}

// Selector selects users by conditions as SelectUsers does, normalising
// each attribute's values once for all the calls.
type Selector struct{ m *miner }

// NewSelector returns a selector over d, whose titleAttribute is
// normalised as a job title.
func NewSelector(d *Dataset, titleAttribute string) *Selector {
	opt := DefaultOptions()
	opt.TitleAttribute = titleAttribute
	return &Selector{m: &miner{d: d, opt: opt, norm: map[*Attribute]*normalized{}, mu: &sync.Mutex{}}}
}

// Select returns every user, eligible or not, whose attributes meet the
// conditions.
func (s *Selector) Select(conds []Condition) []int32 { return s.m.selectUsers(conds, false) }

// Among is a Selector for one set of users, indexed for many selections:
// per attribute a rule tests, its users by normalised value.
type Among struct {
	s     *Selector
	among []int32
	index map[*Attribute]map[string][]int32 // positions in among, ascending
}

// Among returns the selector for the users of among (guests left out).
func (s *Selector) Among(among []int32) *Among {
	var kept []int32
	for _, u := range among {
		if !s.m.d.IsGuest(int(u)) {
			kept = append(kept, u)
		}
	}
	return &Among{s: s, among: kept, index: map[*Attribute]map[string][]int32{}}
}

// Select returns the users whose attributes meet the conditions, in the
// order of among: SelectAmong's answer, from the index of the first
// condition's attribute (built on first use) rather than a pass over all
// of them.
func (a *Among) Select(conds []Condition) []int32 {
	if len(conds) == 0 {
		return slices.Clone(a.among)
	}
	m := a.s.m
	attr := m.d.Attribute(conds[0].Attribute)
	if attr == nil {
		return nil
	}
	byValue, ok := a.index[attr]
	if !ok {
		n := m.normalized(attr)
		byValue = map[string][]int32{}
		for i, u := range a.among {
			v := n.values[n.ids[attr.Codes[u]]]
			byValue[v] = append(byValue[v], int32(i))
		}
		a.index[attr] = byValue
	}
	var pos []int32
	for _, v := range slices.Compact(slices.Sorted(slices.Values(conds[0].Normalized))) {
		pos = append(pos, byValue[v]...)
	}
	slices.Sort(pos)
	cand := make([]int32, len(pos))
	for i, p := range pos {
		cand[i] = a.among[p]
	}
	return a.s.SelectAmong(cand, conds[1:])
}

// SelectAmong returns the users of among (but guests) whose attributes
// meet the conditions, in the order of among.
func (s *Selector) SelectAmong(among []int32, conds []Condition) []int32 {
	m := s.m
	attrs := make([]*Attribute, len(conds))
	norms := make([]*normalized, len(conds))
	for i, c := range conds {
		attrs[i] = m.d.Attribute(c.Attribute)
		norms[i] = m.normalized(attrs[i])
	}
	var out []int32
next:
	for _, u := range among {
		if m.d.IsGuest(int(u)) {
			continue
		}
		for i, c := range conds {
			if !slices.Contains(c.Normalized, norms[i].values[norms[i].ids[attrs[i].Codes[u]]]) {
				continue next
			}
		}
		out = append(out, u)
	}
	return out
}
