package mining

import (
	"cmp"
	"slices"
)

// RuleFit is an attribute rule for a set of users and how well it fits:
// Precision is the share of the users it selects that are in the set,
// Recall the share of the set it selects.
type RuleFit struct {
	Conditions []Condition
	Selected   int
	Precision  float64
	Recall     float64
	F1         float64
}

// maxRuleValues bounds the values one condition of an explaining rule may
// list.
const maxRuleValues = 5

// ruleAttributes returns the attributes a rule may use: those with at
// least two values that do not single users out (at most half as many
// distinct values as users), other than the manager.
func (m *miner) ruleAttributes() []*Attribute {
	var out []*Attribute
	for i := range m.d.Attributes {
		a := &m.d.Attributes[i]
		n := m.normalizedShared(a)
		if a.Name == "managerId" || !m.evaluable(a.Name) || len(n.values) < 2 || 2*len(n.values) > m.d.NumUsers {
			continue
		}
		out = append(out, a)
	}
	return out
}

// evaluable reports whether an assignment rule may test the attribute.
func (m *miner) evaluable(name string) bool { return m.opt.Evaluable == nil || m.opt.Evaluable(name) }

// explain finds the rule over one attribute, or two joined by -and, that
// best describes members among the eligible users (by F1). A condition may
// list up to maxRuleValues values; a missing value is never one of them.
func (m *miner) explain(members []int32, attrs []*Attribute) (RuleFit, bool) {
	inSet := make(map[int32]bool, len(members))
	for _, u := range members {
		inSet[u] = true
	}
	type single struct {
		attr   *Attribute
		values []uint32 // normalised ids
		fit    RuleFit
	}
	var singles []single
	for _, a := range attrs {
		n := m.normalizedShared(a)
		inC := map[uint32]int{}
		all := map[uint32]int{}
		for u := 0; u < m.d.NumUsers; u++ {
			if !m.d.IsEligible(u) {
				continue
			}
			id := n.ids[a.Codes[u]]
			if n.values[id] == "" {
				continue
			}
			all[id]++
			if inSet[int32(u)] {
				inC[id]++
			}
		}
		// Values by precision, then by how many members they cover.
		var vals []uint32
		for id := range inC {
			vals = append(vals, id)
		}
		slices.SortFunc(vals, func(x, y uint32) int {
			px, py := float64(inC[x])/float64(all[x]), float64(inC[y])/float64(all[y])
			return cmp.Or(cmp.Compare(py, px), cmp.Compare(inC[y], inC[x]), cmp.Compare(n.values[x], n.values[y]))
		})
		best := single{attr: a}
		tp, sel := 0, 0
		var chosen []uint32
		for _, v := range vals[:min(len(vals), 4*maxRuleValues)] {
			if len(chosen) == maxRuleValues {
				break
			}
			ntp, nsel := tp+inC[v], sel+all[v]
			f := fit(ntp, nsel, len(members))
			if f.F1 <= best.fit.F1 {
				continue
			}
			tp, sel = ntp, nsel
			chosen = append(chosen, v)
			best.values = slices.Clone(chosen)
			best.fit = f
		}
		if len(best.values) > 0 {
			best.fit.Conditions = []Condition{m.condition(a, best.values)}
			singles = append(singles, best)
		}
	}
	if len(singles) == 0 {
		return RuleFit{}, false
	}
	slices.SortStableFunc(singles, func(x, y single) int { return cmp.Compare(y.fit.F1, x.fit.F1) })
	out := singles[0].fit
	// Pairs of the three best attributes, each with its chosen values.
	top := singles[:min(3, len(singles))]
	for i := range top {
		for j := i + 1; j < len(top); j++ {
			x, y := top[i], top[j]
			nx, ny := m.normalizedShared(x.attr), m.normalizedShared(y.attr)
			tp, sel := 0, 0
			for u := 0; u < m.d.NumUsers; u++ {
				if !m.d.IsEligible(u) {
					continue
				}
				if slices.Contains(x.values, nx.ids[x.attr.Codes[u]]) && slices.Contains(y.values, ny.ids[y.attr.Codes[u]]) {
					sel++
					if inSet[int32(u)] {
						tp++
					}
				}
			}
			if f := fit(tp, sel, len(members)); f.F1 > out.F1 {
				f.Conditions = []Condition{x.fit.Conditions[0], y.fit.Conditions[0]}
				slices.SortFunc(f.Conditions, func(a, b Condition) int { return cmp.Compare(a.Attribute, b.Attribute) })
				out = f
			}
		}
	}
	out.Precision, out.Recall, out.F1 = round3(out.Precision), round3(out.Recall), round3(out.F1)
	return out, true
}

func fit(tp, selected, size int) RuleFit {
	f := RuleFit{Selected: selected}
	f.Precision, f.Recall, f.F1 = scores(tp, selected, size)
	return f
}

// scores returns the precision, recall and F1 of tp hits among selected
// picks of relevant items (0 where undefined).
func scores(tp, selected, relevant int) (precision, recall, f1 float64) {
	if selected > 0 {
		precision = float64(tp) / float64(selected)
	}
	if relevant > 0 {
		recall = float64(tp) / float64(relevant)
	}
	if precision+recall > 0 {
		f1 = 2 * precision * recall / (precision + recall)
	}
	return precision, recall, f1
}

// condition builds a condition over normalised values, with the raw values
// each stands for.
func (m *miner) condition(a *Attribute, ids []uint32) Condition {
	n := m.normalizedShared(a)
	c := Condition{Attribute: a.Name}
	slices.SortFunc(ids, func(x, y uint32) int { return cmp.Compare(n.values[x], n.values[y]) })
	for _, id := range ids {
		c.Normalized = append(c.Normalized, n.values[id])
		c.Values = append(c.Values, n.raw[id]...)
	}
	return c
}
