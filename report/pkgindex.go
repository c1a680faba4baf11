package report

import (
	"fmt"
	"math"
	"slices"

	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// pkgIndex is the packages mapped onto the snapshot's indices.
type pkgIndex struct {
	ents     [][]int32 // package → sorted entitlement indices
	members  [][]int32 // package → member indices
	byUser   [][]int32 // user → packages
	jobFunc  []bool    // package is a job function
	holders  []map[int32]int32
	invIndex map[int32][]int32 // entitlement → job-function packages
	// hits counts, per package, a user's entitlements in it, and mark
	// marks the user's entitlements (see countHits); prefix indexes
	// packages by their rarest entitlements, counted in the snapshot's
	// assignments cols (see prefixFor); norm caches attribute values
	// normalised (see agreement).
	hits        []int32
	mark        []bool
	cols        []int32
	prefix      [][]int32
	prefixShare float64
	norm        map[string][]string
}

func indexPackages(d *tenant.Data, pkgs []tenant.Package) (*pkgIndex, error) {
	ix := &pkgIndex{
		ents: make([][]int32, len(pkgs)), members: make([][]int32, len(pkgs)),
		byUser: make([][]int32, d.Dataset.NumUsers), jobFunc: make([]bool, len(pkgs)),
		holders: make([]map[int32]int32, len(pkgs)), invIndex: map[int32][]int32{},
		hits: make([]int32, len(pkgs)), norm: map[string][]string{},
		mark: make([]bool, d.Dataset.NumEntitlements), cols: d.Dataset.Cols,
	}
	for i, p := range pkgs {
		ix.jobFunc[i] = p.Kind != tenant.KindBirthright
		for _, pe := range p.Entitlements {
			e, ok := d.EntitlementIndex(pe.Entitlement())
			if !ok {
				continue // not held by anyone in this snapshot
			}
			ix.ents[i] = append(ix.ents[i], e)
			if ix.jobFunc[i] {
				ix.invIndex[e] = append(ix.invIndex[e], int32(i))
			}
		}
		slices.Sort(ix.ents[i])
		for _, id := range p.Members {
			u, ok := d.UserIndex(id)
			if !ok {
				return nil, fmt.Errorf("package %s: member %s is not in snapshot %d", p.ID, id, d.Snapshot.ID)
			}
			ix.members[i] = append(ix.members[i], u)
			ix.byUser[u] = append(ix.byUser[u], int32(i))
		}
	}
	return ix, nil
}

// holderCounts returns how many members of package p hold each entitlement.
func (ix *pkgIndex) holderCounts(d *tenant.Data, p int) map[int32]int32 {
	if ix.holders[p] == nil {
		h := map[int32]int32{}
		for _, u := range ix.members[p] {
			for _, e := range d.Dataset.Row(int(u)) {
				h[e]++
			}
		}
		ix.holders[p] = h
	}
	return ix.holders[p]
}

// bestMatch returns the job-function package of which user u's row holds
// the largest share, at least minShare, and that share; among several, the
// one whose rule agrees with more of u's attributes (see matchOther). It
// returns -1 when none qualifies.
func (ix *pkgIndex) bestMatch(d *tenant.Data, run *tenant.Run, u int, row []int32, minShare float64) (int, float64) {
	touched := ix.countHits(row, nil, minShare)
	best, bestShare, bestAgree, bestHits := -1, 0.0, -1, int32(0)
	for _, p := range touched {
		h := ix.hits[p]
		share := float64(h) / float64(len(ix.ents[p]))
		if share < minShare {
			continue
		}
		agree := ix.agreement(d, run, u, int(p))
		if agree > bestAgree || agree == bestAgree && (share > bestShare || share == bestShare && (h > bestHits || h == bestHits && int(p) < best)) {
			best, bestShare, bestAgree, bestHits = int(p), share, agree, h
		}
	}
	ix.resetHits(touched)
	return best, bestShare
}

// countHits counts in ix.hits, for every job-function package keep accepts
// (nil: all) of which row may hold at least share, the entitlements of row
// it holds, and returns the packages counted; resetHits clears them.
func (ix *pkgIndex) countHits(row []int32, keep func(p int32) bool, share float64) []int32 {
	prefix := ix.prefixFor(share)
	for _, e := range row {
		ix.mark[e] = true
	}
	var touched []int32
	for _, e := range row {
		for _, p := range prefix[e] {
			if ix.hits[p] != 0 || keep != nil && !keep(p) {
				continue
			}
			for _, pe := range ix.ents[p] {
				if ix.mark[pe] {
					ix.hits[p]++
				}
			}
			touched = append(touched, p)
		}
	}
	for _, e := range row {
		ix.mark[e] = false
	}
	return touched
}

// prefixFor returns, for each entitlement, the job-function packages of
// which it is one of the n-need+1 rarest, need being the fewest of a
// package's n entitlements that make share: a row that holds share of a
// package holds one of those (prefix filtering), and an entitlement that
// many packages share (an application every region's copy of a function
// uses) does not make them all candidates. Built once per share.
func (ix *pkgIndex) prefixFor(share float64) [][]int32 {
	if ix.prefix != nil && ix.prefixShare == share {
		return ix.prefix
	}
	holding := make([]int32, len(ix.mark))
	for _, e := range ix.cols {
		holding[e]++
	}
	ix.prefix, ix.prefixShare = make([][]int32, len(ix.mark)), share
	for p, ents := range ix.ents {
		if !ix.jobFunc[p] || len(ents) == 0 {
			continue
		}
		rare := slices.Clone(ents)
		slices.SortStableFunc(rare, func(a, b int32) int { return int(holding[a]) - int(holding[b]) })
		need := max(1, int(math.Ceil(share*float64(len(rare))-1e-9)))
		for _, e := range rare[:max(1, len(rare)-need+1)] {
			ix.prefix[e] = append(ix.prefix[e], int32(p))
		}
	}
	return ix.prefix
}

func (ix *pkgIndex) resetHits(touched []int32) {
	for _, p := range touched {
		ix.hits[p] = 0
	}
}

// heldShare returns the share of package p's entitlements that row holds.
func (ix *pkgIndex) heldShare(row []int32, p int) float64 {
	if len(ix.ents[p]) == 0 {
		return 1
	}
	held := 0
	for _, e := range ix.ents[p] {
		if _, ok := slices.BinarySearch(row, e); ok {
			held++
		}
	}
	return float64(held) / float64(len(ix.ents[p]))
}

// matchOther returns the job-function package, other than user u's own
// (own is the one their attributes select), whose access u holds instead
// of own's: at least minShare of its entitlements and of those that set it
// apart from own's, and at most 1-minShare of those that set own's apart
// from it (a user who holds both has gained access, not changed title; when
// all of own's are among its, nothing sets own's apart, and the user's
// access is the larger function's). When several qualify (a user who moved keeps the old function's access),
// the one whose rule agrees with more of u's attributes wins (a stale title
// seldom comes with a stale department), then the larger share. It returns
// -1 when none qualifies.
func (ix *pkgIndex) matchOther(d *tenant.Data, run *tenant.Run, u int, row []int32, own int, minShare float64) (int, float64) {
	if !slices.ContainsFunc(row, func(e int32) bool {
		_, in := slices.BinarySearch(ix.ents[own], e)
		return !in && len(ix.invIndex[e]) > 0
	}) {
		return -1, 0 // no access of another function's outside own's
	}
	touched := ix.countHits(row, func(p int32) bool {
		return run.Packages[p].Kind == tenant.KindJobFunction && !slices.Contains(ix.byUser[u], p)
	}, minShare)
	best, bestShare, bestAgree := -1, 0.0, -1
	for _, p := range touched {
		share := float64(ix.hits[p]) / float64(len(ix.ents[p]))
		if share < minShare || ix.distinctShare(row, int(p), own) < minShare {
			continue
		}
		if kept := ix.distinctShare(row, own, int(p)); kept > 1-minShare {
			continue
		}
		agree := ix.agreement(d, run, u, int(p))
		if agree > bestAgree || agree == bestAgree && (share > bestShare || share == bestShare && int(p) < best) {
			best, bestShare, bestAgree = int(p), share, agree
		}
	}
	ix.resetHits(touched)
	return best, bestShare
}

// agreement counts the conditions of package p's rule that user u's
// attributes meet, values compared normalised (titles as job titles).
func (ix *pkgIndex) agreement(d *tenant.Data, run *tenant.Run, u, p int) int {
	n := 0
	for _, c := range run.Packages[p].Conditions {
		v := ix.normalized(d, c.Attribute, u)
		if slices.ContainsFunc(c.Values, func(x string) bool { return normalize(c.Attribute, x) == v }) {
			n++
		}
	}
	return n
}

// normalized returns user u's value of attribute name, normalised.
func (ix *pkgIndex) normalized(d *tenant.Data, name string, u int) string {
	a := d.Dataset.Attribute(name)
	if a == nil {
		return ""
	}
	vs, ok := ix.norm[name]
	if !ok {
		vs = make([]string, len(a.Values))
		for i, v := range a.Values {
			vs[i] = normalize(name, v)
		}
		ix.norm[name] = vs
	}
	return vs[a.Codes[u]]
}

// normalize normalises an attribute value as mining does (titles as job
// titles).
func normalize(attribute, v string) string {
	if attribute == "jobTitle" {
		return mining.NormalizeTitle(v)
	}
	return mining.NormalizeValue(v)
}

// distinctShare returns the share of package p's entitlements outside
// package q that row holds (-1 when p has none).
func (ix *pkgIndex) distinctShare(row []int32, p, q int) float64 {
	distinct, held := 0, 0
	for _, e := range ix.ents[p] {
		if _, in := slices.BinarySearch(ix.ents[q], e); in {
			continue
		}
		distinct++
		if _, ok := slices.BinarySearch(row, e); ok {
			held++
		}
	}
	if distinct == 0 {
		return -1
	}
	return float64(held) / float64(distinct)
}
