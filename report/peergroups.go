package report

import (
	"fmt"

	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// Access that no job function explains is often still legitimate: a group
// a manager runs for their team, access that follows an office or a cost
// centre. Besides the job function, a member belongs to several peer
// groups: the team they are in (their manager and the manager's other
// reports), the team they run (their direct reports), and the group of
// each attribute value they have (department, office, cost centre,
// company, employee type, custom columns; attributes with nearly as many
// values as users say nothing of a group, and a group of more than half
// the members is the tenant rather than peers: both are left out).
//
// A grant is explained by such a group when enough of the group's other
// members hold it too where their own job function does not explain it:
// at least two, and more than MaxPeerPrevalence of them at the report's
// confidence (the lower end of the Wilson score interval). Counting only
// the holdings no job function explains keeps another function's access,
// which a department or an office holds through that function, from
// explaining a grant that copies it.

// Shared access that belongs to no job function (a project group across
// titles and departments) is explained when at least minSharedHolders
// members hold it and at least sharedResidualShare of them hold it where
// their job function does not explain it: another function's access,
// copied to a few more users, has most of its holders in that function.
const (
	minSharedHolders    = 5
	sharedResidualShare = 0.8
)

// peerGroups numbers the groups: the team run by user m is group m; the
// users with value c of consulted attribute i are group attrBase[i]+c.
type peerGroups struct {
	d        *tenant.Data
	attrs    []*mining.Attribute
	attrBase []int32
	size     []int32 // group → eligible members
	runs     []bool  // user → has direct reports (nil: no managers known)
	eligible int
}

func newPeerGroups(d *tenant.Data) *peerGroups {
	ds := d.Dataset
	eligible := 0
	for u := 0; u < ds.NumUsers; u++ {
		if ds.IsEligible(u) {
			eligible++
		}
	}
	pg := &peerGroups{d: d, size: make([]int32, ds.NumUsers), eligible: eligible}
	if ds.Managers != nil {
		pg.runs = make([]bool, ds.NumUsers)
		for v, m := range ds.Managers {
			if m >= 0 && ds.IsEligible(v) {
				pg.runs[m] = true
			}
		}
	}
	next := int32(ds.NumUsers)
	for i := range ds.Attributes {
		a := &ds.Attributes[i]
		if a.Name == "userType" || len(a.Values) < 2 || len(a.Values) > max(50, eligible/5) {
			continue
		}
		pg.attrs = append(pg.attrs, a)
		pg.attrBase = append(pg.attrBase, next)
		next += int32(len(a.Values))
	}
	pg.size = append(pg.size, make([]int32, int(next)-ds.NumUsers)...)
	for u := 0; u < ds.NumUsers; u++ {
		if !ds.IsEligible(u) {
			continue
		}
		pg.each(u, func(g int32) { pg.size[g]++ })
	}
	return pg
}

// each calls f for every group of user u.
func (pg *peerGroups) each(u int, f func(g int32)) {
	if m := pg.manager(u); m >= 0 {
		f(m)
	}
	if pg.runs != nil && pg.runs[u] {
		f(int32(u))
	}
	for i, a := range pg.attrs {
		if v := a.Values[a.Codes[u]]; v != "" {
			f(pg.attrBase[i] + int32(a.Codes[u]))
		}
	}
}

func (pg *peerGroups) manager(u int) int32 { return pg.d.Dataset.Manager(u) }

// name describes group g for a reason.
func (pg *peerGroups) name(g int32) string {
	if int(g) < pg.d.Dataset.NumUsers {
		return "the team of " + pg.d.UPNs[g]
	}
	for i := len(pg.attrs) - 1; i >= 0; i-- {
		if g >= pg.attrBase[i] {
			a := pg.attrs[i]
			return fmt.Sprintf("%s %q", a.Name, a.Values[g-pg.attrBase[i]])
		}
	}
	return "?"
}

// groupHolders holds, for candidate i and the j-th group of its user (in
// the order of each), how many candidates of the group hold its
// entitlement: k[off[i]+j].
type groupHolders struct {
	off []int32
	k   []int32
}

// candidateHolders counts, for every candidate (user, entitlement) and
// every group of its user, the candidates of the group that hold the same
// entitlement. It goes entitlement by entitlement with one counter per
// group, cleared after each, instead of a map keyed by group and
// entitlement: a million users' candidates touch millions of pairs.
func (pg *peerGroups) candidateHolders(cand [][2]int32, numEnts int) groupHolders {
	h := groupHolders{off: make([]int32, len(cand)+1)}
	for i, c := range cand {
		n := int32(0)
		pg.each(int(c[0]), func(int32) { n++ })
		h.off[i+1] = h.off[i] + n
	}
	h.k = make([]int32, h.off[len(cand)])
	// The candidates by entitlement (a counting sort).
	start := make([]int32, numEnts+1)
	for _, c := range cand {
		start[c[1]+1]++
	}
	for e := range numEnts {
		start[e+1] += start[e]
	}
	order := make([]int32, len(cand))
	next := append([]int32(nil), start[:numEnts]...)
	for i, c := range cand {
		order[next[c[1]]] = int32(i)
		next[c[1]]++
	}
	count := make([]int32, len(pg.size))
	for e := range numEnts {
		block := order[start[e]:start[e+1]]
		for _, i := range block {
			pg.each(int(cand[i][0]), func(g int32) { count[g]++ })
		}
		for _, i := range block {
			j := h.off[i]
			pg.each(int(cand[i][0]), func(g int32) {
				h.k[j] = count[g]
				j++
			})
		}
		for _, i := range block {
			pg.each(int(cand[i][0]), func(g int32) { count[g] = 0 })
		}
	}
	return h
}

// explanation is what a group says of a grant: k of the n other members
// hold it where their job function does not explain it.
type explanation struct {
	group int32
	k, n  int
	lower float64
}

// explainByGroups removes from the findings the grants that a peer group
// explains (kept in Explained when opt.Explain), and adds to the others'
// reasons the groups consulted. cand[i] is finding i's user and
// entitlement.
func (s *overScan) explainByGroups(cand [][2]int32) {
	if len(cand) == 0 {
		return
	}
	pg := newPeerGroups(s.d)
	holders := pg.candidateHolders(cand, s.d.Dataset.NumEntitlements)
	// Shared access that belongs to no job function: most of its holders
	// hold it without their job function explaining it.
	residual := map[int32]int{}
	for _, c := range cand {
		residual[c[1]]++
	}
	// The findings are judged in parts, each on its own goroutine, those
	// kept moved down in place, and joined in order.
	type part struct {
		lo, kept  int // the part's findings kept are lo..lo+kept-1
		explained []Finding
		notExcess int
	}
	parts := make([]part, userParts(len(cand)))
	inParts(len(parts), len(cand), func(w, lo, hi int) error {
		p := &parts[w]
		names := map[int32]string{}
		name := func(g int32) string {
			n, ok := names[g]
			if !ok {
				n = pg.name(g)
				names[g] = n
			}
			return n
		}
		p.lo = lo
		var seen []explanation
		var buf []byte // a reason being written
		for i := lo; i < hi; i++ {
			f := &s.rep.Findings[i]
			u, e := int(cand[i][0]), cand[i][1]
			var best *explanation
			seen = seen[:0]
			j := holders.off[i]
			pg.each(u, func(g int32) {
				x := explanation{group: g, k: int(holders.k[j]) - 1, n: int(pg.size[g]) - 1}
				j++
				// A group of more than half the members is the tenant, not a
				// peer group.
				if x.n < 1 || 2*int(pg.size[g]) > pg.eligible {
					return
				}
				x.lower = wilsonLower(x.k, x.n, s.z)
				seen = append(seen, x)
				if x.k >= 2 && x.lower > s.opt.MaxPeerPrevalence && (best == nil || x.lower > best.lower) {
					b := x
					best = &b
				}
			})
			if best != nil {
				p.notExcess++
				if s.opt.Explain {
					f.ExplainedBy = fmt.Sprintf("%s: %d of its %d other members hold it too, with no job function of theirs explaining it", name(best.group), best.k, best.n)
					p.explained = append(p.explained, *f)
				}
				continue
			}
			if n := int(s.tenantHolders[e]); n >= minSharedHolders && float64(residual[e]) >= sharedResidualShare*float64(n) {
				p.notExcess++
				if s.opt.Explain {
					f.ExplainedBy = fmt.Sprintf("shared access that belongs to no job function (a project or collaboration group?): %d users hold it, %d of them where no job function of theirs explains it", n, residual[e])
					p.explained = append(p.explained, *f)
				}
				continue
			}
			if len(seen) > 0 {
				buf = append(buf[:0], f.Reason...)
				buf = append(buf, "; no other group of theirs explains it: "...)
				for j, x := range seen {
					if j > 0 {
						buf = append(buf, ", "...)
					}
					buf = append(append(buf, name(x.group)...), " ("...)
					buf = append(appendOfN(buf, max(x.k, 0), x.n), " others)"...)
				}
				f.Reason = string(buf)
			}
			s.rep.Findings[lo+p.kept] = *f
			p.kept++
		}
		return nil
	})
	kept := 0
	for _, p := range parts {
		kept += copy(s.rep.Findings[kept:], s.rep.Findings[p.lo:p.lo+p.kept])
		s.rep.Explained = append(s.rep.Explained, p.explained...)
		s.notExcess += p.notExcess
	}
	clear(s.rep.Findings[kept:])
	s.rep.Findings = s.rep.Findings[:kept]
}
