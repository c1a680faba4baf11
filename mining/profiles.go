package mining

import (
	"context"
	"math"
	"slices"
)

// profiles model the access of every attribute group: each entitlement is
// held independently with the share of the group's members that hold it
// (smoothed, and kept within [profileFloor, 1-profileFloor]). A member's
// access is scored by its log-likelihood under each model, so that a member
// whose title is stale or wrong can be told by their access fitting another
// group far better than their own (see fitsElsewhere).
type profiles struct {
	ents  [][]int32   // per group: entitlements some member holds, ascending
	prev  [][]float64 // per group: the share of members holding ents[i]
	sizes []int       // per group: the members profiled
	// scored and weight are, per group, the entitlements held more often
	// than the floor (ascending) and their log-odds less the floor's; the
	// others' weight is 0, and a group's long tail of one-off grants
	// would only slow scoring down.
	scored [][]int32
	weight [][]float64
	base   []float64 // per group: Σ log((1-p)/(1-floor)) over ents
	most   [][]int32 // per group: entitlements most members hold, ascending
	byEnt  [][]int32 // entitlement → groups where most members hold it
	// all and allPrev are what all of each group's members hold, and its
	// prevalence: the first profiles, before anyone was placed elsewhere.
	all     [][]int32
	allPrev [][]float64
}

const (
	// profileFloor is the chance of holding an entitlement the group's
	// members do not hold.
	profileFloor = 0.01
	// elsewhereMargin is how much more likely (as a log ratio) a member's
	// access must be under another group's profile than under their own's.
	elsewhereMargin = 2.3 // tenfold
)

// profileGroups profiles the access of every group that gets a package. It does
// so twice: from all members, then from the members the first profiles do
// not place in another group, so that a group polluted by wrong titles is
// modelled by its own members.
func (m *miner) profileGroups(ctx context.Context, groups []*group, skip []bool) (*profiles, error) {
	var prof, first *profiles
	for range 2 {
		ents, prev, sizes := make([][]int32, len(groups)), make([][]float64, len(groups)), make([]int, len(groups))
		if err := m.parallel(ctx, len(groups), work{stage: "profiles", unit: "groups"}, func(w *miner, i int) error {
			g := groups[i]
			if len(g.members) < m.opt.MinMembers || g.empty {
				return nil
			}
			members := g.members
			if prof != nil {
				members = slices.DeleteFunc(slices.Clone(members), func(u int32) bool { return prof.fitsElsewhere(w, u, i) })
				if len(members) < m.opt.MinMembers || len(members) == len(g.members) {
					// Nobody placed elsewhere (or too many): the profile stands.
					ents[i], prev[i], sizes[i] = prof.ents[i], prof.prev[i], prof.sizes[i]
					return nil
				}
			}
			ents[i], prev[i] = w.common(members, 1e-9, skip)
			sizes[i] = len(members)
			return nil
		}); err != nil {
			return nil, err
		}
		prof = newProfiles(ents, prev, sizes, m.d.NumEntitlements)
		if first == nil {
			first = prof
		}
	}
	prof.all, prof.allPrev = first.ents, first.prev
	return prof, nil
}

// newProfiles builds the profile of group i from its members' entitlements
// ents[i] and their prevalence prev[i] among members[i] (nil: no profile).
func newProfiles(ents [][]int32, prev [][]float64, sizes []int, numEntitlements int) *profiles {
	p := &profiles{ents: ents, prev: prev, sizes: sizes, scored: make([][]int32, len(ents)), weight: make([][]float64, len(ents)),
		base: make([]float64, len(ents)), most: make([][]int32, len(ents)), byEnt: make([][]int32, numEntitlements)}
	logit := func(x float64) float64 { return math.Log(x / (1 - x)) }
	for g := range ents {
		n := float64(sizes[g])
		for i, e := range ents[g] {
			x := min(max((prev[g][i]*n+0.5)/(n+1), profileFloor), 1-profileFloor)
			if x == profileFloor {
				continue // weight and base term both 0
			}
			p.scored[g] = append(p.scored[g], e)
			p.weight[g] = append(p.weight[g], logit(x)-logit(profileFloor))
			p.base[g] += math.Log((1 - x) / (1 - profileFloor))
			if prev[g][i] >= 0.5 {
				p.most[g] = append(p.most[g], e)
				p.byEnt[e] = append(p.byEnt[e], int32(g))
			}
		}
	}
	return p
}

// score is the log-likelihood of row under group g's profile, less a
// constant that is the same for every group.
func (p *profiles) score(g int, row []int32) float64 {
	s := p.base[g]
	ents, weight := p.scored[g], p.weight[g]
	jump, k := len(ents) > 8*len(row), 0
	for _, e := range row {
		if k = seek(ents, k, e, jump); k == len(ents) {
			break
		}
		if ents[k] == e {
			s += weight[k]
		}
	}
	return s
}

// seek returns the first position from k on where ents (ascending) holds e
// or more. Looked up for each of a row's entitlements in turn (ascending),
// it walks ents alongside the row, or, when jump (ents much the longer),
// searches the rest of it.
func seek(ents []int32, k int, e int32, jump bool) int {
	if jump {
		i, _ := slices.BinarySearch(ents[k:], e)
		return k + i
	}
	for k < len(ents) && ents[k] < e {
		k++
	}
	return k
}

// fitsElsewhere reports whether user u, a member of group own, has access
// far more likely under another group's profile than under own's. The
// candidates are the groups where most members hold the most of u's
// entitlements that most of own's members do not: a group that explains u's
// access much better than own's must explain what sets u apart from own's
// members (and an entitlement held across many regions' copies of a
// function would otherwise make every copy a candidate).
func (p *profiles) fitsElsewhere(w *miner, u int32, own int) bool {
	if len(w.votes) < len(p.ents) {
		w.votes = make([]int32, len(p.ents))
	}
	row := w.d.Row(int(u))
	var touched []int32
	most := int32(0)
	common := p.most[own]
	jump, k := len(common) > 8*len(row), 0
	for _, e := range row {
		if k = seek(common, k, e, jump); k < len(common) && common[k] == e {
			continue
		}
		for _, g := range p.byEnt[e] {
			if w.votes[g] == 0 {
				touched = append(touched, g)
			}
			w.votes[g]++
			most = max(most, w.votes[g])
		}
	}
	fits := false
	if len(touched) > 0 {
		need := p.score(own, row) + elsewhereMargin
		for _, g := range touched {
			if w.votes[g] == most && p.score(int(g), row) > need {
				fits = true
				break
			}
		}
	}
	for _, g := range touched {
		w.votes[g] = 0
	}
	return fits
}
