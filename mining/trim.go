package mining

import (
	"slices"
)

// common returns the entitlements held by at least share of members, except
// those marked in skip, with their prevalence.
func (m *miner) common(members []int32, share float64, skip []bool) ([]int32, []float64) {
	var touched []int32
	for _, u := range members {
		for _, e := range m.d.Row(int(u)) {
			if m.counts[e] == 0 {
				touched = append(touched, e)
			}
			m.counts[e]++
		}
	}
	slices.Sort(touched)
	need := share * float64(len(members))
	var ents []int32
	var prev []float64
	for _, e := range touched {
		c := m.counts[e]
		m.counts[e] = 0
		if float64(c) >= need-1e-9 && (skip == nil || !skip[e]) {
			ents = append(ents, e)
			prev = append(prev, float64(c)/float64(len(members)))
		}
	}
	return ents, prev
}

// prevalence returns the share of members holding each of ents.
func (m *miner) prevalence(members, ents []int32) []float64 {
	for _, u := range members {
		for _, e := range m.d.Row(int(u)) {
			m.counts[e]++
		}
	}
	out := make([]float64, len(ents))
	for i, e := range ents {
		out[i] = float64(m.counts[e]) / float64(max(1, len(members)))
	}
	for _, u := range members {
		for _, e := range m.d.Row(int(u)) {
			m.counts[e] = 0
		}
	}
	return out
}

// trimmedCommon returns the entitlements at least the threshold share of
// a group's typical members hold, with their prevalence among all members;
// all and allPrev are what the members hold and its prevalence (skip left
// out).
// A member is atypical when their access is another job function's: they
// lack much (a fifth or more) of the group's core (what a majority of the
// group holds) and hold at least two entitlements that few (under a fifth)
// of the group hold, or elsewhere, when set, says that another group's
// profile explains their access far better (see profiles.fitsElsewhere).
// Such members, someone whose title is stale or wrong, would otherwise pull
// the group's own entitlements below the threshold. Nothing is trimmed when
// more than two thirds of the group would be. typical lists the members
// kept, nil when none was left out.
func (m *miner) trimmedCommon(members, all []int32, allPrev []float64, skip []bool, elsewhere func(u int32) bool) (ents []int32, prev []float64, typical []int32) {
	const majorityShare, inlierShare, rareShare, maxAtypical = 0.5, 0.8, 0.2, 2.0 / 3
	n := float64(len(members))
	for i, e := range all {
		if allPrev[i]*n >= m.opt.Threshold*n-1e-9 {
			ents, prev = append(ents, e), append(prev, allPrev[i])
		}
	}
	if m.opt.Threshold <= majorityShare {
		return ents, prev, nil
	}
	var core []int32
	rare := map[int32]bool{}
	for i, e := range all {
		if allPrev[i] >= majorityShare {
			core = append(core, e)
		}
		if allPrev[i] < rareShare {
			rare[e] = true
		}
	}
	if len(core) == 0 {
		return ents, prev, nil
	}
	for _, u := range members {
		row := m.d.Row(int(u))
		held, unusual := 0, 0
		for _, e := range row {
			if _, ok := slices.BinarySearch(core, e); ok {
				held++
			}
			if rare[e] {
				unusual++
			}
		}
		share := float64(held) / float64(len(core))
		switch {
		case share < inlierShare && unusual >= 2:
		case elsewhere != nil && elsewhere(u):
		default:
			typical = append(typical, u)
		}
	}
	if len(typical) == len(members) || len(typical) < m.opt.MinMembers || float64(len(members)-len(typical)) > maxAtypical*float64(len(members)) {
		return ents, prev, nil
	}
	// An entitlement the trimming adds must owe its shortfall to the
	// atypical members alone: the typical ones hold it at the threshold
	// share of the whole group's size times theirs. A block that only part
	// of the typical members hold (a variant) stays out.
	candidates, _ := m.common(typical, m.opt.Threshold, skip)
	typicalShare := float64(len(typical)) / float64(len(members))
	var trimmed []int32
	var out []float64
	for _, e := range candidates {
		k, _ := slices.BinarySearch(all, e)
		if _, base := slices.BinarySearch(ents, e); base || allPrev[k] >= m.opt.Threshold*typicalShare {
			trimmed = append(trimmed, e)
			out = append(out, allPrev[k])
		}
	}
	return trimmed, out, typical
}
