package report

import (
	"context"
	"math/rand/v2"
	"slices"

	"github.com/rolemine/rolemine/mining"
)

// Grids of the union tuning.
var (
	unionThresholds = []float64{0.2, 0.3, 0.5, 0.8}
	unionMinMembers = []int{1, 3}
)

const (
	unionCandidates = 4 // groupings tried, the best by leave-one-out
	unionMaxGroups  = 3 // groupings chosen at most
)

// tuneUnion chooses on the training users alone what a split mines with:
// the groupings (By, then AlsoBy: a person gets a package of each), the
// threshold and the minimum group size. It holds out a fifth of the
// training members (an inner split, seeded), and for each threshold and
// minimum group size adds, greedily, the candidate grouping that most
// raises the F1 of the union of packages on them, while it rises by more
// than 0.002; the candidates are the groupings (attributes and pairs of
// them) whose groups best predict their members' access leave-one-out
// (mining.RankAttributes), and the attributes of those pairs on their
// own. It returns mining.ErrNoPredictor when no grouping predicts
// anything.
func tuneUnion(ctx context.Context, train *mining.Dataset, attrs []string, base mining.Options, seed uint64) (mining.Options, error) {
	ranks, err := mining.RankAttributes(ctx, train, mining.RankOptions{Attributes: attrs, Pairs: true, Threshold: base.Threshold,
		MinMembers: max(2, base.MinMembers), BirthrightThreshold: base.BirthrightThreshold})
	if err != nil {
		return base, err
	}
	var cands [][]string
	for _, r := range ranks {
		if r.F1 > 0 && len(cands) < unionCandidates {
			cands = append(cands, r.Attributes)
		}
	}
	if len(cands) == 0 {
		return base, mining.ErrNoPredictor
	}
	// The attributes of the best pairs are candidates on their own too: a
	// pair predicts best alone, but beside it one of its attributes adds
	// the access of those the pair leaves in small groups (a department's,
	// for the people whose title is blank).
	has := func(g []string) bool {
		return slices.ContainsFunc(cands, func(c []string) bool { return slices.Equal(c, g) })
	}
	for _, c := range slices.Clone(cands) {
		for _, a := range c {
			if g := []string{a}; len(c) > 1 && !has(g) && slices.ContainsFunc(ranks, func(r mining.AttributeScore) bool {
				return r.F1 > 0 && slices.Equal(r.Attributes, g)
			}) {
				cands = append(cands, g)
			}
		}
	}
	var members []int
	for u := 0; u < train.NumUsers; u++ {
		if train.IsEligible(u) {
			members = append(members, u)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x74756e65))
	held := make([]bool, train.NumUsers)
	var heldUsers []int
	for _, i := range rng.Perm(len(members))[:max(1, len(members)/5)] {
		held[members[i]] = true
		heldUsers = append(heldUsers, members[i])
	}
	slices.Sort(heldUsers)
	inner := trainingView(train, held)
	eval := func(groupings [][]string, th float64, mm int) (float64, error) {
		opt := base
		opt.By, opt.AlsoBy, opt.Threshold, opt.MinMembers, opt.Progress = groupings[0], groupings[1:], th, mm, nil
		mined, err := mining.JobFunctions(ctx, inner, opt)
		if err != nil {
			return 0, err
		}
		pred, _ := predict(train, inner, mined, heldUsers, held, opt.TitleAttribute)
		_, _, f := scoreUsers(train, pred, heldUsers).prf()
		return f, nil
	}
	best, bestF := base, -1.0
	for _, th := range unionThresholds {
		for _, mm := range unionMinMembers {
			var chosen [][]string
			cur := 0.0
			for len(chosen) < unionMaxGroups {
				add, addF := -1, cur+0.002
				for i, c := range cands {
					if slices.ContainsFunc(chosen, func(x []string) bool { return slices.Equal(x, c) }) {
						continue
					}
					f, err := eval(append(slices.Clone(chosen), c), th, mm)
					if err != nil {
						return base, err
					}
					if f > addF {
						add, addF = i, f
					}
				}
				if add < 0 {
					break
				}
				chosen, cur = append(chosen, cands[add]), addF
			}
			if len(chosen) > 0 && cur > bestF {
				bestF = cur
				best = base
				best.By, best.AlsoBy, best.Threshold, best.MinMembers = chosen[0], chosen[1:], th, mm
			}
		}
	}
	if bestF < 0 {
		return base, mining.ErrNoPredictor
	}
	return best, nil
}
