package report

import (
	"fmt"
	"slices"

	"github.com/rolemine/rolemine/tenant"
)

// mover checks whether user u, a member of job-function package own (or,
// unless member, a user whose access matches it), holds
// the access that sets another job-function package apart: of the other
// package's entitlements outside the user's packages (explained marks those
// entitlements), the user must hold at least two and at least a share min,
// not counting what most of own's members hold.
// Variants are left out: a variant's block is optional access of its base.
func (ix *pkgIndex) mover(d *tenant.Data, run *tenant.Run, u, own int, member bool, row []int32, explained []bool, minShare float64) (Mover, bool) {
	// Count, per job function, the row's entitlements it holds that no
	// peer group explains, in a counter kept across users (the scan is
	// sequential); touched lists the packages counted, in first-hit order.
	if len(ix.moverHits) != len(ix.ents) {
		ix.moverHits = make([]int32, len(ix.ents))
	}
	touched := ix.moverTouched[:0]
	// Access most of the user's peers hold is no sign of a move, though
	// another function's package has it and their own does not (held by
	// 97% of the function, under its package's threshold).
	common, peers := ix.holderCounts(d, own), len(ix.members[own])
	for _, e := range row {
		if explained[e] || 2*int(common[e]) > peers {
			continue
		}
		for _, p := range ix.invIndex[e] {
			if run.Packages[p].Kind == tenant.KindJobFunction && int(p) != own {
				if ix.moverHits[p] == 0 {
					touched = append(touched, p)
				}
				ix.moverHits[p]++
			}
		}
	}
	best, bestHeld, bestDistinct := -1, 0, 0
	for _, p := range touched {
		held := int(ix.moverHits[p])
		ix.moverHits[p] = 0
		distinct := 0
		for _, e := range ix.ents[p] {
			if !explained[e] {
				distinct++
			}
		}
		if held < 2 || float64(held) < minShare*float64(distinct) {
			continue
		}
		// The most entitlements held; then the highest share; then the
		// first package.
		if held > bestHeld || held == bestHeld && (held*bestDistinct > bestHeld*distinct || held*bestDistinct == bestHeld*distinct && int(p) < best) {
			best, bestHeld, bestDistinct = int(p), held, distinct
		}
	}
	ix.moverTouched = touched
	if best < 0 {
		return Mover{}, false
	}
	mv := Mover{
		UserID: d.UserIDs[u], UserPrincipalName: d.UPNs[u], Department: d.Attribute("department", u),
		JobFunction: run.Packages[own].Name, FormerFunction: run.Packages[best].Name, Held: bestHeld, Distinct: bestDistinct,
		Access: []tenant.Entitlement{},
	}
	for _, e := range ix.ents[best] {
		if !explained[e] {
			if _, ok := slices.BinarySearch(row, e); ok {
				mv.Access = append(mv.Access, d.Entitlements[e])
			}
		}
	}
	who := "member of"
	if !member {
		who = "user whose access matches"
	}
	mv.Reason = fmt.Sprintf("%s %q who holds %d of the %d entitlements that set %q apart from it; probably kept from an earlier job function",
		who, mv.JobFunction, mv.Held, mv.Distinct, mv.FormerFunction)
	return mv, true
}

func titleMismatch(d *tenant.Data, run *tenant.Run, u, selected int, own float64, matches int, share float64) TitleMismatch {
	m := TitleMismatch{
		UserID: d.UserIDs[u], UserPrincipalName: d.UPNs[u], Department: d.Attribute("department", u), JobTitle: d.Attribute("jobTitle", u),
		JobFunction: run.Packages[selected].Name, OwnShare: round(own), AccessMatches: run.Packages[matches].Name, MatchShare: round(share),
	}
	m.Reason = fmt.Sprintf("attributes select %q, of which the user holds %s, but they hold %s of %q: check the title (stale after a move, or wrong)",
		m.JobFunction, percent(m.OwnShare), percent(m.MatchShare), m.AccessMatches)
	return m
}
