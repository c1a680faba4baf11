package mining

import (
	"math"
	"slices"
)

// Matcher answers the question rule fit, the overprovisioning report's
// peer groups and its title mismatches all ask: which packages does a
// user's access fit, that is, of which does it hold at least a share of
// the entitlements?
//
// A row that holds share of a package's n entitlements holds at least one
// of any n-need+1 of them (need = ceil(share·n)), so each package is
// indexed under its n-need+1 rarest entitlements only (prefix filtering):
// an entitlement that many packages share (an application every region's
// copy of a function uses) does not make them all candidates.
type Matcher struct {
	pkgs  [][]int32 // package → entitlements
	byEnt [][]int32 // entitlement → packages indexed under it
	share float64
}

// Match is a package a row fits, with how many of its entitlements the
// row holds.
type Match struct {
	Package int32
	Held    int32
}

// NewMatcher indexes pkgs (each a list of distinct entitlements; an empty
// one never matches) for share, in (0, 1], rarity counted over d's
// assignments.
func NewMatcher(d *Dataset, pkgs [][]int32, share float64) *Matcher {
	holding := make([]int32, d.NumEntitlements)
	for _, e := range d.Cols {
		holding[e]++
	}
	m := &Matcher{pkgs: pkgs, byEnt: make([][]int32, d.NumEntitlements), share: share}
	for p, ents := range pkgs {
		if len(ents) == 0 {
			continue
		}
		rare := slices.Clone(ents)
		slices.SortStableFunc(rare, func(a, b int32) int { return int(holding[a]) - int(holding[b]) })
		need := max(1, int(math.Ceil(share*float64(len(rare))-1e-9)))
		for _, e := range rare[:len(rare)-need+1] {
			m.byEnt[e] = append(m.byEnt[e], int32(p))
		}
	}
	return m
}

// MatchScratch is the working memory of Match; one per goroutine.
type MatchScratch struct {
	mark    []bool
	held    []int32
	touched []int32
	out     []Match
}

// Scratch returns working memory for Match.
func (m *Matcher) Scratch() *MatchScratch {
	return &MatchScratch{mark: make([]bool, len(m.byEnt)), held: make([]int32, len(m.pkgs))}
}

// Match returns the packages keep accepts (nil: all) of which row
// (distinct entitlements) holds at least the share (less 1e-9 for
// rounding), in order of their first indexed entitlement in row. The
// result lives in s until the next call.
func (m *Matcher) Match(s *MatchScratch, row []int32, keep func(p int32) bool) []Match {
	for _, e := range row {
		s.mark[e] = true
	}
	s.touched = s.touched[:0]
	for _, e := range row {
		for _, p := range m.byEnt[e] {
			if s.held[p] != 0 || keep != nil && !keep(p) {
				continue
			}
			s.touched = append(s.touched, p)
			for _, pe := range m.pkgs[p] {
				if s.mark[pe] {
					s.held[p]++
				}
			}
		}
	}
	for _, e := range row {
		s.mark[e] = false
	}
	s.out = s.out[:0]
	for _, p := range s.touched {
		if float64(s.held[p])/float64(len(m.pkgs[p])) >= m.share-1e-9 {
			s.out = append(s.out, Match{Package: p, Held: s.held[p]})
		}
		s.held[p] = 0
	}
	return s.out
}
