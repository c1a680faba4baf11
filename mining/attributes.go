package mining

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
)

// AttributeScore says how well grouping users by some attributes predicts
// their access: each user's access outside the birthright is predicted from
// the other members of their group (the entitlements at least the threshold
// share of them hold), as a package would grant it to a newcomer.
type AttributeScore struct {
	Attributes []string `json:"attributes"`
	// Groups counts the groups with at least MinMembers eligible users;
	// Coverage is the share of eligible users with access in them.
	Groups   int     `json:"groups"`
	Coverage float64 `json:"coverage"`
	// Precision, Recall and F1 of the predictions, over all eligible users
	// with access (micro-averaged over grants).
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// RankOptions tune RankAttributes.
type RankOptions struct {
	// Attributes to score; nil scores every attribute with at least two
	// distinct values.
	Attributes []string
	// Pairs also scores every pair of the attributes.
	Pairs bool
	// Threshold, MinMembers and BirthrightThreshold as in Options.
	Threshold           float64
	MinMembers          int
	BirthrightThreshold float64
}

// DefaultRankOptions returns the options of `rolemine attributes`.
func DefaultRankOptions() RankOptions {
	o := DefaultOptions()
	return RankOptions{Pairs: true, Threshold: o.Threshold, MinMembers: o.MinMembers, BirthrightThreshold: o.BirthrightThreshold}
}

// RankAttributes scores attributes (and pairs) by how well the groups they
// form predict their members' access, leaving each member out of the
// prediction of their own access: an attribute that singles users out (an
// employee number) predicts nothing, one that follows the job functions
// predicts most of it. The best come first. Values are normalised as for
// mining (job titles too).
func RankAttributes(ctx context.Context, d *Dataset, opt RankOptions) ([]AttributeScore, error) {
	if !(opt.Threshold > 0 && opt.Threshold <= 1) || opt.MinMembers < 2 {
		return nil, fmt.Errorf("mining: threshold %v must be in (0, 1] and the minimum group size %d at least 2", opt.Threshold, opt.MinMembers)
	}
	mo := DefaultOptions()
	mo.Threshold, mo.MinMembers, mo.BirthrightThreshold = opt.Threshold, opt.MinMembers, opt.BirthrightThreshold
	m := &miner{d: d, opt: mo, counts: make([]int32, d.NumEntitlements), mark: make([]bool, d.NumEntitlements),
		norm: map[*Attribute]*normalized{}, mu: &sync.Mutex{}}
	var attrs []*Attribute
	if opt.Attributes == nil {
		for i := range d.Attributes {
			if len(d.Attributes[i].Values) > 1 {
				attrs = append(attrs, &d.Attributes[i])
			}
		}
	} else {
		for _, name := range opt.Attributes {
			a := d.Attribute(name)
			if a == nil {
				return nil, fmt.Errorf("mining: unknown attribute %q", name)
			}
			attrs = append(attrs, a)
		}
	}
	for _, a := range attrs {
		m.normalized(a)
	}
	// The users and their access outside the birthright.
	var users []int32
	for u := 0; u < d.NumUsers; u++ {
		if d.IsEligible(u) && len(d.Row(u)) > 0 {
			users = append(users, int32(u))
		}
	}
	skip := make([]bool, d.NumEntitlements)
	if opt.BirthrightThreshold > 0 {
		ents, _ := m.common(users, opt.BirthrightThreshold, nil)
		for _, e := range ents {
			skip[e] = true
		}
	}
	var sets [][]*Attribute
	for i, a := range attrs {
		sets = append(sets, []*Attribute{a})
		if opt.Pairs {
			for _, b := range attrs[i+1:] {
				sets = append(sets, []*Attribute{a, b})
			}
		}
	}
	out := make([]AttributeScore, len(sets))
	err := m.parallel(ctx, len(sets), work{stage: "attributes", unit: "attribute sets"}, func(w *miner, i int) error {
		out[i] = w.score(sets[i], users, skip, opt)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b AttributeScore) int {
		return cmp.Or(cmp.Compare(b.F1, a.F1), cmp.Compare(len(a.Attributes), len(b.Attributes)))
	})
	return out, nil
}

// score groups users by the attributes and predicts each one's access
// from the rest of their group.
func (m *miner) score(set []*Attribute, users []int32, skip []bool, opt RankOptions) AttributeScore {
	res := AttributeScore{}
	for _, a := range set {
		res.Attributes = append(res.Attributes, a.Name)
	}
	norms := make([]*normalized, len(set))
	for i, a := range set {
		norms[i] = m.norm[a]
	}
	groups := map[uint64][]int32{}
	var order []uint64
	for _, u := range users {
		var key uint64
		empty := false
		for i, a := range set {
			id := norms[i].ids[a.Codes[u]]
			empty = empty || norms[i].values[id] == ""
			key = key<<32 | uint64(id)
		}
		if empty {
			key = math.MaxUint64 // no prediction for users without a value
		}
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], u)
	}
	var tp, fp, fn, covered int
	for _, key := range order {
		members := groups[key]
		n := len(members)
		own := func(u int32) int {
			k := 0
			for _, e := range m.d.Row(int(u)) {
				if !skip[e] {
					k++
				}
			}
			return k
		}
		if key == math.MaxUint64 || n < opt.MinMembers {
			for _, u := range members {
				fn += own(u)
			}
			continue
		}
		res.Groups++
		covered += n
		// Counts over the group; an entitlement can be predicted for a
		// member only if the others reach the threshold without them.
		var touched []int32
		for _, u := range members {
			for _, e := range m.d.Row(int(u)) {
				if skip[e] {
					continue
				}
				if m.counts[e] == 0 {
					touched = append(touched, e)
				}
				m.counts[e]++
			}
		}
		need := opt.Threshold * float64(n-1)
		var cand []int32
		for _, e := range touched {
			if float64(m.counts[e]) >= need-1e-9 {
				cand = append(cand, e)
			}
		}
		for _, u := range members {
			row := m.d.Row(int(u))
			hits := 0
			for _, e := range cand {
				_, has := slices.BinarySearch(row, e)
				c := m.counts[e]
				if has {
					c--
				}
				if float64(c) < need-1e-9 {
					continue
				}
				if has {
					hits++
				} else {
					fp++
				}
			}
			tp += hits
			fn += own(u) - hits
		}
		for _, e := range touched {
			m.counts[e] = 0
		}
	}
	res.Precision, res.Recall, res.F1 = scores(tp, tp+fp, tp+fn)
	if len(users) > 0 {
		res.Coverage = float64(covered) / float64(len(users))
	}
	res.Precision, res.Recall, res.F1, res.Coverage = round3(res.Precision), round3(res.Recall), round3(res.F1), round3(res.Coverage)
	return res
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// TuneThresholds and TuneMinMembers are the grid Tune searches.
var (
	TuneThresholds = []float64{0.8, 0.65, 0.5}
	TuneMinMembers = []int{2, 3}
)

// ErrNoPredictor is returned by Tune when no attribute's groups predict
// any of their members' access.
var ErrNoPredictor = errors.New("mining: no attribute predicts access")

// Tune chooses the attributes to group by, the threshold and the minimum
// group size together: the combination whose groups best predict each
// member's access from the others (RankAttributes' leave-one-out F1), over
// the attributes given (nil: all) and their pairs. It returns opt with By,
// Threshold and MinMembers set, and the winning score.
func Tune(ctx context.Context, d *Dataset, attributes []string, opt Options) (Options, AttributeScore, error) {
	best := AttributeScore{F1: -1}
	total := len(TuneThresholds) * len(TuneMinMembers)
	for i, th := range TuneThresholds {
		for k, mm := range TuneMinMembers {
			if opt.Progress != nil {
				opt.Progress(Progress{Stage: "tune", Done: i*len(TuneMinMembers) + k, Total: total})
			}
			ranks, err := RankAttributes(ctx, d, RankOptions{Attributes: attributes, Pairs: true, Threshold: th, MinMembers: mm,
				BirthrightThreshold: opt.BirthrightThreshold})
			if err != nil {
				return opt, best, err
			}
			if len(ranks) > 0 && ranks[0].F1 > best.F1 {
				best = ranks[0]
				opt.By, opt.Threshold, opt.MinMembers = ranks[0].Attributes, th, mm
			}
		}
	}
	if opt.Progress != nil {
		opt.Progress(Progress{Stage: "tune", Done: total, Total: total})
	}
	if best.F1 <= 0 {
		return opt, best, ErrNoPredictor
	}
	return opt, best, nil
}
