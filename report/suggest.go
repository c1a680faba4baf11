package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// SuggestOptions tune the search for suggested separation-of-duties rules.
type SuggestOptions struct {
	// MinHolders: an entitlement counts in a job function when at least
	// this many of its members, and at least this many fewer than all of
	// them, hold it.
	MinHolders int
	// MinExpected: a pair is suggested only when independence would put
	// at least this many users on both sides.
	MinExpected float64
	// MaxLift: a pair is suggested only when the users holding both are at
	// most this share of the number independence predicts.
	MaxLift float64
	// Alpha bounds the chance that any suggestion is a fluke of small
	// numbers: a pair is kept when, were the two held independently, seeing
	// this few users with both would have a probability (Poisson) of at
	// most Alpha divided by the number of pairs tested.
	Alpha float64
	// Max caps the number of suggestions; 0 keeps all.
	Max int
	// MinMatch leaves the title mismatches out of a job function's members
	// (see OverOptions.MinMatch): mixed with the function's true members,
	// their access and the function's look like a pair never held together.
	// 0 keeps every member.
	MinMatch float64
}

// DefaultSuggestOptions returns the defaults of `rolemine report sod`.
func DefaultSuggestOptions() SuggestOptions {
	return SuggestOptions{MinHolders: 5, MinExpected: 5, MaxLift: 0.25, Alpha: 0.05, Max: 50, MinMatch: DefaultOverOptions().MinMatch}
}

// SuggestedRule is a pair of entitlements that the data shows are almost
// never held together although the same job functions hold both: regional
// or territory groups, alternative privileged roles. A reviewer may accept
// it as a rule (Rule is ready for the rule file).
type SuggestedRule struct {
	Left         tenant.Entitlement `json:"left"`
	Right        tenant.Entitlement `json:"right"`
	LeftName     string             `json:"leftName"`
	RightName    string             `json:"rightName"`
	LeftHolders  int                `json:"leftHolders"`
	RightHolders int                `json:"rightHolders"`
	// Together is how many users hold both; Expected how many would if the
	// two were held independently within each job function that holds both.
	Together int     `json:"together"`
	Expected float64 `json:"expected"`
	Lift     float64 `json:"lift"`
	// PValue is the probability of seeing at most Together users with both
	// were the two held independently.
	PValue       float64  `json:"pValue"`
	JobFunctions []string `json:"jobFunctions"`
	// CoveredBy names an existing rule that already forbids the pair.
	CoveredBy string  `json:"coveredBy,omitempty"`
	Rule      SoDRule `json:"rule"`
	Reason    string  `json:"reason"`
}

type pairStat struct {
	expected float64
	contexts []int32
}

// SuggestRules looks for entitlement pairs that the job functions of run
// hold side by side but that their members (almost) never hold together.
// Within each job function, every pair of entitlements that enough but not
// all of its members hold is compared with independence; pairs on the same
// resource (a site's permission levels, say) are left out, as they exclude
// each other by nature. rules, when not nil, marks the pairs it covers.
func SuggestRules(ctx context.Context, d *tenant.Data, run *tenant.Run, rules *SoDRules, opt SuggestOptions) ([]SuggestedRule, error) {
	pairs, err := candidatePairs(ctx, d, run, opt)
	if err != nil {
		return nil, err
	}
	together, holders, err := countPairs(ctx, d.Dataset, pairs)
	if err != nil {
		return nil, err
	}
	var out []SuggestedRule
	for i, p := range pairs {
		lift := float64(together[i]) / p.st.expected
		if lift > opt.MaxLift {
			continue
		}
		lp := logPoissonCDF(together[i], p.st.expected)
		if opt.Alpha > 0 && lp > math.Log(opt.Alpha/float64(len(pairs))) {
			continue
		}
		out = append(out, suggestion(d, run, p, holders, together[i], lift, lp))
	}
	// Strongest evidence first.
	slices.SortFunc(out, func(a, b SuggestedRule) int {
		return cmp.Or(cmp.Compare(a.PValue, b.PValue), cmp.Compare(b.Expected-float64(b.Together), a.Expected-float64(a.Together)),
			compareEnt(a.Left, b.Left), compareEnt(a.Right, b.Right))
	})
	if opt.Max > 0 && len(out) > opt.Max {
		out = out[:opt.Max]
	}
	if rules != nil {
		for i := range out {
			out[i].CoveredBy = coveringRule(d, rules, out[i].Left, out[i].Right)
		}
	}
	return nonNil(out), nil
}

// pair is a candidate pair of entitlements, a < b.
type pair struct {
	a, b int32
	st   *pairStat
}

// movedMembers says, for each eligible member of each job function (in
// package and member order), whether their access matches another job
// function's by at least minMatch (pkgIndex.matchOther): nil when
// minMatch is 0. The members are checked in parts on their own
// goroutines, each with its own part of ix.
func movedMembers(ctx context.Context, d *tenant.Data, run *tenant.Run, ix *pkgIndex, minMatch float64) ([]bool, error) {
	if minMatch <= 0 {
		return nil, nil
	}
	type member struct{ p, u int32 }
	var todo []member
	for p, pkg := range run.Packages {
		if pkg.Kind != tenant.KindJobFunction {
			continue
		}
		for _, u := range ix.members[p] {
			if d.Dataset.IsEligible(int(u)) {
				todo = append(todo, member{int32(p), u})
			}
		}
	}
	moved := make([]bool, len(todo))
	err := inParts(userParts(len(todo)), len(todo), func(_, lo, hi int) error {
		pix := ix.part()
		for i := lo; i < hi; i++ {
			if (i-lo)%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			m := todo[i]
			q, _ := pix.matchOther(d, run, int(m.u), d.Dataset.Row(int(m.u)), int(m.p), minMatch)
			moved[i] = q >= 0
		}
		return nil
	})
	return moved, err
}

// candidatePairs returns, ordered by (a, b), the pairs whose expected
// number of holders of both, summed over the job functions that hold
// both sides, reaches opt.MinExpected.
func candidatePairs(ctx context.Context, d *tenant.Data, run *tenant.Run, opt SuggestOptions) ([]pair, error) {
	ix, err := indexPackages(d, run.Packages)
	if err != nil {
		return nil, err
	}
	ds := d.Dataset
	moved, err := movedMembers(ctx, d, run, ix, opt.MinMatch)
	if err != nil {
		return nil, err
	}
	stats := map[[2]int32]*pairStat{}
	count := make([]int32, ds.NumEntitlements)
	next := 0 // into moved
	for p, pkg := range run.Packages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if pkg.Kind != tenant.KindJobFunction {
			continue
		}
		var members []int32
		for _, u := range ix.members[p] {
			if !ds.IsEligible(int(u)) {
				continue
			}
			next++
			if moved != nil && moved[next-1] {
				continue
			}
			members = append(members, u)
		}
		n := len(members)
		if n < 2*opt.MinHolders {
			continue
		}
		var touched, cand []int32
		for _, u := range members {
			for _, e := range ds.Row(int(u)) {
				if count[e] == 0 {
					touched = append(touched, e)
				}
				count[e]++
			}
		}
		for _, e := range touched {
			if c := int(count[e]); c >= opt.MinHolders && c <= n-opt.MinHolders {
				cand = append(cand, e)
			}
		}
		slices.Sort(cand)
		for _, a := range cand {
			for _, b := range cand {
				if a >= b || d.Entitlements[a].ResourceID == d.Entitlements[b].ResourceID {
					continue
				}
				exp := float64(count[a]) * float64(count[b]) / float64(n)
				st := stats[[2]int32{a, b}]
				if st == nil {
					st = &pairStat{}
					stats[[2]int32{a, b}] = st
				}
				st.expected += exp
				st.contexts = append(st.contexts, int32(p))
			}
		}
		for _, e := range touched {
			count[e] = 0
		}
	}
	var pairs []pair
	for k, st := range stats {
		if st.expected >= opt.MinExpected {
			pairs = append(pairs, pair{k[0], k[1], st})
		}
	}
	slices.SortFunc(pairs, func(x, y pair) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) })
	return pairs, nil
}

// pairIndex finds the pairs a row holds. A user's pairs are found, for
// each entitlement a of their row, from whichever side is cheaper: the
// ends of the pairs a starts, each checked against the row's bits, while
// they are at most 8 times the rest of the row (a check is one load from
// a bitset small enough to stay in cache; a search, several comparisons
// whose branches miss), or else the rest of the row, each searched among
// those ends, which are ascending, or looked up in a table for an
// entitlement that starts many. No hashing.
type pairIndex struct {
	start []int32   // entitlement a → its pairs are pairs[start[a]:start[a+1]]
	ends  []int32   // pair → its b
	table [][]int32 // a → b → 1 + its pair, for entitlements that start many
}

func newPairIndex(pairs []pair, numEnts int) *pairIndex {
	x := &pairIndex{start: make([]int32, numEnts+1), ends: make([]int32, len(pairs)), table: make([][]int32, numEnts)}
	for i, p := range pairs {
		x.start[p.a+1]++
		x.ends[i] = p.b
	}
	for e := range numEnts {
		x.start[e+1] += x.start[e]
	}
	for a := range numEnts {
		lo, hi := int(x.start[a]), int(x.start[a+1])
		if n := hi - lo; n >= 64 && 32*n >= numEnts {
			t := make([]int32, numEnts)
			for i := lo; i < hi; i++ {
				t[x.ends[i]] = int32(i + 1)
			}
			x.table[a] = t
		}
	}
	return x
}

// count adds the pairs of row (ascending; held has the bits of its
// entitlements set) to together, and its entitlements to holders, w times
// (the users holding the row).
func (x *pairIndex) count(row []int32, w int32, held []uint64, together []int32, holders []int) {
	for k, a := range row {
		holders[a] += int(w)
		lo, hi := int(x.start[a]), int(x.start[a+1])
		if rest := row[k+1:]; hi-lo <= 8*len(rest) {
			for i := lo; i < hi; i++ {
				if b := x.ends[i]; held[b>>6]&(1<<(b&63)) != 0 {
					together[i] += w
				}
			}
		} else if t := x.table[a]; t != nil {
			for _, b := range rest {
				if i := t[b]; i > 0 {
					together[i-1] += w
				}
			}
		} else {
			for _, b := range rest {
				if i, ok := slices.BinarySearch(x.ends[lo:hi], b); ok {
					together[lo+i] += w
				}
			}
		}
	}
}

// countPairs counts, over every eligible user, the holders of both sides
// of each pair and the holders of each entitlement in a pair (the others
// stay 0); the users are counted in parts on GOMAXPROCS workers, each
// with its own counters, summed after. Each user's row is seen only
// through the entitlements in a pair, and users who then hold the same
// are counted once, times how many they are (see distinctRows): on a
// tenant with team and one-off grants, half as many rows, each shorter.
func countPairs(ctx context.Context, ds *mining.Dataset, pairs []pair) (together, holders []int, err error) {
	x := newPairIndex(pairs, ds.NumEntitlements)
	paired := make([]bool, ds.NumEntitlements)
	for _, p := range pairs {
		paired[p.a], paired[p.b] = true, true
	}
	parts := userParts(ds.NumUsers)
	togethers := make([][]int32, parts)
	holderss := make([][]int, parts)
	if err := inParts(parts, ds.NumUsers, func(w, lo, hi int) error {
		togethers[w], holderss[w] = make([]int32, len(pairs)), make([]int, ds.NumEntitlements)
		held := make([]uint64, (ds.NumEntitlements+63)/64)
		rows := distinctRows(ds, lo, hi, paired)
		for i, n := range rows.times {
			if i%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			row := rows.row(i)
			for _, e := range row {
				held[e>>6] |= 1 << (e & 63)
			}
			x.count(row, n, held, togethers[w], holderss[w])
			for _, e := range row {
				held[e>>6] = 0
			}
		}
		return nil
	}); err != nil {
		return nil, nil, err
	}
	together, holders = make([]int, len(pairs)), holderss[0]
	for w := range parts {
		for i, n := range togethers[w] {
			together[i] += int(n)
		}
		if w > 0 {
			for e, n := range holderss[w] {
				holders[e] += n
			}
		}
	}
	return together, holders, nil
}

// suggestion is the rule suggested for pair p.
func suggestion(d *tenant.Data, run *tenant.Run, p pair, holders []int, together int, lift, logP float64) SuggestedRule {
	left, right := d.Entitlements[p.a], d.Entitlements[p.b]
	s := SuggestedRule{
		Left: left, Right: right, LeftName: entName(d, left), RightName: entName(d, right),
		LeftHolders: holders[p.a], RightHolders: holders[p.b], Together: together,
		Expected: math.Round(p.st.expected*10) / 10, Lift: round(lift), PValue: significant(math.Exp(logP)),
	}
	for _, c := range p.st.contexts {
		s.JobFunctions = append(s.JobFunctions, run.Packages[c].Name)
	}
	slices.Sort(s.JobFunctions)
	s.JobFunctions = slices.Compact(s.JobFunctions)
	s.Rule = SoDRule{
		Name:        s.LeftName + " vs " + s.RightName,
		Description: fmt.Sprintf("Suggested from the data: %d and %d users hold these, %d both, where independence predicts %.0f.", s.LeftHolders, s.RightHolders, s.Together, s.Expected),
		Severity:    "medium",
		Left:        []Selector{{Resource: left.ResourceID, Role: left.Role}},
		Right:       []Selector{{Resource: right.ResourceID, Role: right.Role}},
	}
	s.Reason = fmt.Sprintf("%s and %s are held side by side in %s, but %s hold both where %.0f would if they were independent",
		s.LeftName, s.RightName, render.Count(len(s.JobFunctions), "job function"), usersHolding(s.Together), s.Expected)
	return s
}

// logPoissonCDF returns log P(X <= k) for X Poisson with mean lambda.
func logPoissonCDF(k int, lambda float64) float64 {
	terms := make([]float64, k+1)
	top := math.Inf(-1)
	for i := range terms {
		lg, _ := math.Lgamma(float64(i + 1))
		terms[i] = -lambda + float64(i)*math.Log(lambda) - lg
		top = max(top, terms[i])
	}
	sum := 0.0
	for _, t := range terms {
		sum += math.Exp(t - top)
	}
	return top + math.Log(sum)
}

// significant rounds a probability to three significant digits, keeping
// the tiny ones that a plain rounding would make zero.
func significant(p float64) float64 {
	if p == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(p, 'g', 3, 64), 64)
	return v
}

func usersHolding(n int) string {
	switch n {
	case 0:
		return "no users"
	case 1:
		return "1 user"
	}
	return fmt.Sprintf("%d users", n)
}

func entName(d *tenant.Data, e tenant.Entitlement) string {
	return d.ResourceName(e.ResourceID) + " (" + e.Role + ")"
}

// coveringRule returns the name of the first rule that forbids holding a
// and b together, or "".
func coveringRule(d *tenant.Data, rules *SoDRules, a, b tenant.Entitlement) string {
	ai, _ := d.EntitlementIndex(a)
	bi, _ := d.EntitlementIndex(b)
	for _, r := range rules.Rules {
		l, rt := matches(d, r.Left), matches(d, r.Right)
		if l[ai] && rt[bi] || l[bi] && rt[ai] {
			return r.Name
		}
	}
	return ""
}

// SuggestedRuleFile returns the suggestions not yet covered by a rule as a
// rule file a reviewer can edit and pass to `report sod --sod-rules`.
func SuggestedRuleFile(s []SuggestedRule) *SoDRules {
	f := &SoDRules{Version: 1, Rules: []SoDRule{}}
	seen := map[string]bool{}
	for _, r := range s {
		if r.CoveredBy != "" || seen[r.Rule.Name] {
			continue
		}
		seen[r.Rule.Name] = true
		f.Rules = append(f.Rules, r.Rule)
	}
	return f
}

// rowSet holds distinct rows one after another: row i is
// ents[start[i]:start[i+1]], held by times[i] users.
type rowSet struct {
	ents, start, times []int32
}

func (r *rowSet) row(i int) []int32 { return r.ents[r.start[i]:r.start[i+1]] }

// distinctRows groups the eligible users lo..hi-1 by their access seen
// through keep (the entitlements it marks; nil keeps all): each distinct
// row, in the order of its first holder, and how many eligible users hold
// it. Users of a job function often hold exactly the same access (a
// quarter as many distinct rows as users on a dense generated tenant of
// 1M), and what is counted per row is then counted once.
func distinctRows(ds *mining.Dataset, lo, hi int, keep []bool) rowSet {
	rows := rowSet{start: []int32{0}}
	first := make(map[uint64]int32) // row hash (probed on) → its index in rows
	var scratch []int32
	for u := lo; u < hi; u++ {
		if !ds.IsEligible(u) {
			continue
		}
		row := ds.Row(u)
		if keep != nil {
			scratch = scratch[:0]
			for _, e := range row {
				if keep[e] {
					scratch = append(scratch, e)
				}
			}
			row = scratch
		}
		h := uint64(len(row))
		for _, e := range row {
			h = (h ^ uint64(uint32(e))) * 0x100000001b3
			h ^= h >> 29
		}
		for {
			i, ok := first[h]
			if !ok {
				first[h] = int32(len(rows.times))
				rows.ents = append(rows.ents, row...)
				rows.start = append(rows.start, int32(len(rows.ents)))
				rows.times = append(rows.times, 1)
				break
			}
			if slices.Equal(rows.row(int(i)), row) {
				rows.times[i]++
				break
			}
			h++ // another row with the same hash: probe on
		}
	}
	return rows
}
