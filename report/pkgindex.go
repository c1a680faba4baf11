package report

import (
	"fmt"
	"slices"
	"sync"

	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// pkgIndex is the packages mapped onto the snapshot's indices.
type pkgIndex struct {
	ents    [][]int32         // package → sorted entitlement indices
	members [][]int32         // package → member indices
	byUser  [][]int32         // user → packages
	jobFunc []bool            // package is a job function
	holders []map[int32]int32 // see holderCounts
	// shared is what the parts of a parallel scan (see part) share: the
	// holder counts built so far, behind a lock.
	shared   *sharedHolders
	invIndex map[int32][]int32 // entitlement → job-function packages
	// matcher finds the job-function packages a user's access fits (see
	// fits), built for one share at a time; norm caches attribute values
	// normalised (see agreement).
	ds         *mining.Dataset
	matcher    *mining.Matcher
	matchShare float64
	scratch    *mining.MatchScratch
	norm       map[string][]string
	// moverHits and moverTouched are mover's counter, zero between calls.
	moverHits    []int32
	moverTouched []int32
}

func indexPackages(d *tenant.Data, pkgs []tenant.Package) (*pkgIndex, error) {
	ix := &pkgIndex{
		ents: make([][]int32, len(pkgs)), members: make([][]int32, len(pkgs)),
		byUser: make([][]int32, d.Dataset.NumUsers), jobFunc: make([]bool, len(pkgs)),
		holders: make([]map[int32]int32, len(pkgs)), invIndex: map[int32][]int32{},
		shared: &sharedHolders{holders: make([]map[int32]int32, len(pkgs))},
		norm:   map[string][]string{}, ds: d.Dataset,
	}
	for i, p := range pkgs {
		// A team's or a further grouping's package explains its members'
		// access but is no peer group of job-function peers.
		ix.jobFunc[i] = p.Kind != tenant.KindBirthright && p.Kind != tenant.KindTeam && p.Kind != tenant.KindAttributeGroup
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
	}
	if err := ix.memberIndices(d, pkgs); err != nil {
		return nil, err
	}
	// Each user's packages, in package order: windows of one array (a
	// million users' own small slices took half a second to grow).
	start := make([]int32, d.Dataset.NumUsers+1)
	for _, ms := range ix.members {
		for _, u := range ms {
			start[u+1]++
		}
	}
	for u := range d.Dataset.NumUsers {
		start[u+1] += start[u]
	}
	all := make([]int32, start[d.Dataset.NumUsers])
	next := slices.Clone(start[:d.Dataset.NumUsers])
	for i, ms := range ix.members {
		for _, u := range ms {
			all[next[u]] = int32(i)
			next[u]++
		}
	}
	for u := range d.Dataset.NumUsers {
		if start[u] < start[u+1] {
			ix.byUser[u] = all[start[u]:start[u+1]:start[u+1]]
		}
	}
	return ix, nil
}

// memberIndices looks up the packages' members in d, as windows of one
// array, in parts on their own goroutines: a million members' ids took
// half a second to look up one after another, for each report.
func (ix *pkgIndex) memberIndices(d *tenant.Data, pkgs []tenant.Package) error {
	start := make([]int, len(pkgs)+1)
	for i, p := range pkgs {
		start[i+1] = start[i] + len(p.Members)
	}
	all := make([]int32, start[len(pkgs)])
	for i := range pkgs {
		ix.members[i] = all[start[i]:start[i+1]:start[i+1]]
	}
	d.UserIndex("") // builds the index before the parts read it
	return inParts(userParts(len(all)), len(all), func(_, lo, hi int) error {
		// The package of member lo: the last whose start is at or before it.
		i, _ := slices.BinarySearch(start, lo+1)
		for i--; lo < hi; i++ {
			for ; lo < min(hi, start[i+1]); lo++ {
				id := pkgs[i].Members[lo-start[i]]
				u, ok := d.UserIndex(id)
				if !ok {
					return fmt.Errorf("package %s: member %s is not in snapshot %d", pkgs[i].ID, id, d.Snapshot.ID)
				}
				all[lo] = u
			}
		}
		return nil
	})
}

// sharedHolders are the holder counts of the packages, built once for all
// the parts of a scan.
type sharedHolders struct {
	mu      sync.Mutex
	holders []map[int32]int32
}

// holderCounts returns how many members of package p hold each
// entitlement. It is built once (under the shared lock) and then kept in
// ix, so that a part asks the lock once per package.
func (ix *pkgIndex) holderCounts(d *tenant.Data, p int) map[int32]int32 {
	if h := ix.holders[p]; h != nil {
		return h
	}
	sh := ix.shared
	sh.mu.Lock()
	h := sh.holders[p]
	if h == nil {
		h = map[int32]int32{}
		for _, u := range ix.members[p] {
			for _, e := range d.Dataset.Row(int(u)) {
				h[e]++
			}
		}
		sh.holders[p] = h
	}
	sh.mu.Unlock()
	ix.holders[p] = h
	return h
}

// part returns an index for one part of a parallel scan: the packages
// shared, read-only; the holder counts shared through the lock; its own
// matcher, caches and counters.
func (ix *pkgIndex) part() *pkgIndex {
	p := *ix
	p.holders = make([]map[int32]int32, len(ix.holders))
	p.matcher, p.matchShare, p.scratch = nil, 0, nil
	p.norm = map[string][]string{}
	p.moverHits, p.moverTouched = nil, nil
	return &p
}

// bestMatch returns the job-function package of which user u's row holds
// the largest share, at least minShare, and that share; among several, the
// one whose rule agrees with more of u's attributes (see matchOther). It
// returns -1 when none qualifies.
func (ix *pkgIndex) bestMatch(d *tenant.Data, run *tenant.Run, u int, row []int32, minShare float64) (int, float64) {
	best, bestShare, bestAgree, bestHits := -1, 0.0, -1, int32(0)
	for _, m := range ix.fits(row, minShare, nil) {
		p, h := int(m.Package), m.Held
		share := float64(h) / float64(len(ix.ents[p]))
		agree := ix.agreement(d, run, u, p)
		if agree > bestAgree || agree == bestAgree && (share > bestShare || share == bestShare && (h > bestHits || h == bestHits && p < best)) {
			best, bestShare, bestAgree, bestHits = p, share, agree, h
		}
	}
	return best, bestShare
}

// fits returns the job-function packages keep accepts (nil: all) of
// which row holds at least share of the entitlements (mining.Matcher),
// with how many it holds; the result lives until the next call.
func (ix *pkgIndex) fits(row []int32, share float64, keep func(p int32) bool) []mining.Match {
	if ix.matcher == nil || ix.matchShare != share {
		jobFuncs := make([][]int32, len(ix.ents))
		for p, ents := range ix.ents {
			if ix.jobFunc[p] {
				jobFuncs[p] = ents
			}
		}
		ix.matcher, ix.matchShare = mining.NewMatcher(ix.ds, jobFuncs, share), share
		ix.scratch = ix.matcher.Scratch()
	}
	return ix.matcher.Match(ix.scratch, row, keep)
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
	best, bestShare, bestAgree, bestHeld := -1, 0.0, -1, int32(0)
	others := func(p int32) bool {
		return run.Packages[p].Kind == tenant.KindJobFunction && !slices.Contains(ix.byUser[u], p)
	}
	for _, m := range ix.fits(row, minShare, others) {
		p := int(m.Package)
		share := float64(m.Held) / float64(len(ix.ents[p]))
		kept := ix.distinctShare(row, own, p)
		if kept > 1-minShare {
			continue
		}
		// A user who holds nothing of what sets their own function apart
		// has not kept it beside another's: their access is the other
		// function's even with a few of its own distinct grants missing.
		need := minShare
		if kept == 0 {
			need = 0.5
		}
		if ix.distinctShare(row, p, own) < need {
			continue
		}
		agree := ix.agreement(d, run, u, p)
		if agree > bestAgree || agree == bestAgree && (share > bestShare || share == bestShare && (m.Held > bestHeld || m.Held == bestHeld && p < best)) {
			best, bestShare, bestAgree, bestHeld = p, share, agree, m.Held
		}
	}
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
