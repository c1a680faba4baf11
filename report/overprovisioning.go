package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// OverOptions tune the overprovisioning report.
type OverOptions struct {
	// MaxPeerPrevalence: access held by at most this share of the user's
	// peers (other than the user) is reported.
	MaxPeerPrevalence float64
	// Confidence: with a value above zero, access that some peers hold is
	// reported only when their share stays at most MaxPeerPrevalence at this
	// one-sided confidence (the upper end of its Wilson score interval): in
	// a small peer group, 2 of 14 is no evidence that access is rare. Access
	// no peer holds is always reported. 0 compares the observed share.
	Confidence float64
	// MinMatch: a user whose attributes select no job-function package is
	// compared with the package whose entitlements they hold most of, if
	// they hold at least this share of it. So is a user who holds at least
	// this share of another job function's package, both of all its
	// entitlements and of those that set it apart from the package their
	// attributes select, and at most the rest of what sets their own apart:
	// a title mismatch (a stale or wrong title), reported as such.
	MinMatch float64
	// StructuralNoise, when above zero, also runs the structural miner
	// (mining.Cover) over the members' access, letting at most this share
	// of assignments stay outside every role. Findings among those
	// exceptions are marked, and exceptions that the user's packages do not
	// explain are reported even when peers hold them.
	StructuralNoise float64
	// MoverShare: a user holds the access of another job function they
	// probably held before when their unexplained access includes at least
	// this share (and at least two) of the entitlements that set that
	// function apart from their own.
	MoverShare float64
}

// DefaultOverOptions returns the defaults of `rolemine report overprovisioning`.
func DefaultOverOptions() OverOptions {
	return OverOptions{MaxPeerPrevalence: 0.2, Confidence: 0.9, MinMatch: 0.75, MoverShare: 0.6}
}

// Overprovisioning is the excess-access report.
type Overprovisioning struct {
	SnapshotID int64            `json:"snapshotId"`
	RunID      int64            `json:"runId"`
	Findings   []Finding        `json:"findings"`
	Accounts   []AccountFinding `json:"accounts"`
	Movers     []Mover          `json:"movers"`
	// TitleMismatches lists the users whose access is another job
	// function's than the one their attributes select.
	TitleMismatches []TitleMismatch `json:"titleMismatches"`
	Summary         OverSummary     `json:"summary"`
	Summaries       Summaries       `json:"summaries"`
}

// Mover is a user who still holds the access that sets another job
// function apart from their own: probably kept from an earlier role.
type Mover struct {
	UserID            string `json:"userId"`
	UserPrincipalName string `json:"userPrincipalName"`
	Department        string `json:"department"`
	JobFunction       string `json:"jobFunction"`
	FormerFunction    string `json:"likelyFormerFunction"`
	// Held of Distinct: the former function's entitlements outside the
	// user's own packages, and how many of them the user holds.
	Held     int                  `json:"held"`
	Distinct int                  `json:"distinct"`
	Access   []tenant.Entitlement `json:"access"`
	Reason   string               `json:"reason"`
}

// TitleMismatch is a user whose attributes (a stale or wrong title, most
// often) select one job function while their access is another's: the
// attributes are what to fix, and the user is compared with the members of
// the job function their access matches.
type TitleMismatch struct {
	UserID            string `json:"userId"`
	UserPrincipalName string `json:"userPrincipalName"`
	Department        string `json:"department"`
	JobTitle          string `json:"jobTitle"`
	// JobFunction is the package the user's attributes select, and
	// OwnShare the share of its entitlements the user holds; AccessMatches
	// is the job function whose entitlements they hold, MatchShare of them.
	JobFunction   string  `json:"jobFunction"`
	OwnShare      float64 `json:"ownShare"`
	AccessMatches string  `json:"accessMatches"`
	MatchShare    float64 `json:"matchShare"`
	Reason        string  `json:"reason"`
}

// Finding is one grant that a user's packages do not explain and few peers
// hold.
type Finding struct {
	UserID            string  `json:"userId"`
	UserPrincipalName string  `json:"userPrincipalName"`
	ResourceID        string  `json:"resourceId"`
	ResourceName      string  `json:"resourceName"`
	ResourceType      string  `json:"resourceType"`
	Role              string  `json:"role"`
	PeerGroup         string  `json:"peerGroup"`
	PeerSize          int     `json:"peerSize"`
	PeerHolders       int     `json:"peerHolders"`
	PeerPrevalence    float64 `json:"peerPrevalence"`
	TenantPrevalence  float64 `json:"tenantPrevalence"`
	Sensitive         bool    `json:"sensitive"`
	// StructuralException: no role of the structural cover explains it.
	StructuralException bool    `json:"structuralException"`
	Score               float64 `json:"score"`
	Reason              string  `json:"reason"`
	// FormerFunction names the job function whose access this grant
	// probably is, when the user looks like a mover.
	FormerFunction string `json:"likelyFormerFunction,omitempty"`
	Department     string `json:"department"`
	// TitleSelects names the job function the user's attributes select
	// when their access is another's (a title mismatch; PeerGroup is then
	// the one their access matches).
	TitleSelects string `json:"titleSelects,omitempty"`
}

// AccountFinding is an account that should hold little or nothing but does:
// a disabled account, a guest, or a service account.
type AccountFinding struct {
	UserID            string `json:"userId"`
	UserPrincipalName string `json:"userPrincipalName"`
	Kind              string `json:"kind"`
	Grants            int    `json:"grants"`
	Reason            string `json:"reason"`
}

// OverSummary counts the report's findings.
type OverSummary struct {
	Users           int `json:"users"`
	UsersWithExcess int `json:"usersWithExcess"`
	Findings        int `json:"findings"`
	Sensitive       int `json:"sensitive"`
	Structural      int `json:"structuralExceptions"`
	Disabled        int `json:"disabledAccountsWithAccess"`
	Guests          int `json:"guestsWithAccess"`
	NonPerson       int `json:"serviceAccountsWithAccess"`
	Movers          int `json:"movers"`
	TitleMismatches int `json:"titleMismatches"`
}

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

// ComputeOverprovisioning builds the overprovisioning report.
func ComputeOverprovisioning(ctx context.Context, d *tenant.Data, run *tenant.Run, opt OverOptions) (*Overprovisioning, error) {
	ix, err := indexPackages(d, run.Packages)
	if err != nil {
		return nil, err
	}
	ds := d.Dataset
	rep := &Overprovisioning{SnapshotID: d.Snapshot.ID, RunID: run.ID, Findings: []Finding{}, Accounts: []AccountFinding{},
		Movers: []Mover{}, TitleMismatches: []TitleMismatch{}}

	// Tenant-wide holders among eligible users.
	eligible := 0
	tenantHolders := make([]int32, ds.NumEntitlements)
	for u := 0; u < ds.NumUsers; u++ {
		if ds.IsEligible(u) {
			eligible++
			for _, e := range ds.Row(u) {
				tenantHolders[e]++
			}
		}
	}
	exceptions, err := structuralExceptions(ctx, ds, opt.StructuralNoise)
	if err != nil {
		return nil, err
	}
	explained := make([]bool, ds.NumEntitlements)
	withExcess := 0
	z := 0.0
	if opt.Confidence > 0 {
		z = math.Sqrt2 * math.Erfinv(2*opt.Confidence-1)
	}
	for u := 0; u < ds.NumUsers; u++ {
		if u%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		row := ds.Row(u)
		if len(row) == 0 {
			continue
		}
		if kind := d.Kinds[u]; kind != tenant.Member {
			rep.Accounts = append(rep.Accounts, accountFinding(d, u, kind, len(row)))
			continue
		}
		rep.Summary.Users++
		// The user's packages, and the peer group.
		peer, matched := -1, 0.0
		for _, p := range ix.byUser[u] {
			for _, e := range ix.ents[p] {
				explained[e] = true
			}
			if ix.jobFunc[p] && peer < 0 {
				peer, matched = int(p), 1
			}
		}
		// selected is the package the user's attributes select when their
		// access matches another job function's instead.
		selected := ""
		if peer >= 0 {
			if p, share := ix.matchOther(d, run, u, row, peer, opt.MinMatch); p >= 0 {
				rep.TitleMismatches = append(rep.TitleMismatches, titleMismatch(d, run, u, peer, ix.heldShare(row, peer), p, share))
				selected = run.Packages[peer].Name
				peer, matched = p, share
				for _, e := range ix.ents[p] {
					explained[e] = true
				}
			}
		}
		if peer < 0 {
			if p, share := ix.bestMatch(d, run, u, row, opt.MinMatch); p >= 0 {
				peer, matched = p, share
				for _, e := range ix.ents[p] {
					explained[e] = true
				}
			}
		}
		found := false
		userFindings := 0
		dept := d.Attribute("department", u)
		for _, e := range row {
			if explained[e] {
				continue
			}
			f := Finding{}
			var holders, size int
			var group string
			if peer >= 0 {
				holders = int(ix.holderCounts(d, peer)[e])
				size = len(ix.members[peer])
				if slices.Contains(ix.byUser[u], int32(peer)) {
					holders--
					size--
				}
				group = run.Packages[peer].Name
			} else {
				holders, size, group = int(tenantHolders[e])-1, eligible-1, "all users"
			}
			prev := 0.0
			if size > 0 {
				prev = float64(holders) / float64(size)
			}
			structural := exceptions[[2]int32{int32(u), e}]
			// Access no peer holds is rare in any group; access that some
			// peers hold must be rare with confidence.
			if (prev > opt.MaxPeerPrevalence || holders > 0 && wilsonUpper(holders, size, z) > opt.MaxPeerPrevalence) && !structural {
				continue
			}
			ent := d.Entitlements[e]
			res := d.Resources[ent.ResourceID]
			f = Finding{
				UserID: d.UserIDs[u], UserPrincipalName: d.UPNs[u],
				ResourceID: ent.ResourceID, ResourceName: d.ResourceName(ent.ResourceID), ResourceType: cmp.Or(res.Type, tenant.TypeUnknown),
				Role: ent.Role, PeerGroup: group, PeerSize: size, PeerHolders: holders,
				PeerPrevalence: round(prev), TenantPrevalence: round(float64(tenantHolders[e]) / float64(max(1, eligible))),
				Sensitive: Sensitive(ent.Role), StructuralException: structural,
			}
			sens := 0.8
			if f.Sensitive {
				sens = 1
			}
			f.Score = round((1 - prev) * (0.7 + 0.3*(1-f.TenantPrevalence)) * sens)
			f.Reason = overReason(f, matched, peer >= 0 && !slices.Contains(ix.byUser[u], int32(peer)), selected)
			if structural {
				f.Reason += fmt.Sprintf("; no role of a structural cover with %.0f%% noise explains it", 100*opt.StructuralNoise)
				rep.Summary.Structural++
			}
			f.Department = dept
			f.TitleSelects = selected
			rep.Findings = append(rep.Findings, f)
			userFindings++
			found = true
			if f.Sensitive {
				rep.Summary.Sensitive++
			}
		}
		if found {
			withExcess++
		}
		if peer >= 0 && opt.MoverShare > 0 {
			first := len(rep.Findings) - userFindings
			if mv, ok := ix.mover(d, run, u, peer, slices.Contains(ix.byUser[u], int32(peer)), row, explained, opt.MoverShare); ok {
				rep.Movers = append(rep.Movers, mv)
				for i := first; i < len(rep.Findings); i++ {
					f := &rep.Findings[i]
					if slices.Contains(mv.Access, tenant.Entitlement{ResourceID: f.ResourceID, Role: f.Role}) {
						f.FormerFunction = mv.FormerFunction
						f.Reason += fmt.Sprintf("; part of the access of %q, a job function this user probably held before", mv.FormerFunction)
					}
				}
			}
		}
		for _, p := range ix.byUser[u] {
			for _, e := range ix.ents[p] {
				explained[e] = false
			}
		}
		if peer >= 0 {
			for _, e := range ix.ents[peer] {
				explained[e] = false
			}
		}
	}
	slices.SortFunc(rep.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.UserID, b.UserID),
			strings.Compare(a.ResourceID, b.ResourceID), strings.Compare(a.Role, b.Role))
	})
	slices.SortFunc(rep.Accounts, func(a, b AccountFinding) int {
		return cmp.Or(strings.Compare(a.Kind, b.Kind), cmp.Compare(b.Grants, a.Grants), strings.Compare(a.UserID, b.UserID))
	})
	slices.SortFunc(rep.Movers, func(a, b Mover) int {
		return cmp.Or(cmp.Compare(b.Held, a.Held), strings.Compare(a.UserID, b.UserID))
	})
	rep.Summary.UsersWithExcess = withExcess
	rep.Summary.Findings = len(rep.Findings)
	rep.Summary.Movers = len(rep.Movers)
	rep.Summary.TitleMismatches = len(rep.TitleMismatches)
	rep.Summaries = summarize(d, ix, run, rep)
	for _, a := range rep.Accounts {
		switch a.Kind {
		case tenant.Disabled.String():
			rep.Summary.Disabled++
		case tenant.Guest.String():
			rep.Summary.Guests++
		case tenant.NonPerson.String():
			rep.Summary.NonPerson++
		}
	}
	return rep, nil
}

// mover checks whether user u, a member of job-function package own (or,
// unless member, a user whose access matches it), holds
// the access that sets another job-function package apart: of the other
// package's entitlements outside the user's packages (explained marks those
// entitlements), the user must hold at least two and at least a share min.
// Variants are left out: a variant's block is optional access of its base.
func (ix *pkgIndex) mover(d *tenant.Data, run *tenant.Run, u, own int, member bool, row []int32, explained []bool, minShare float64) (Mover, bool) {
	hits := map[int32]int{}
	for _, e := range row {
		if explained[e] {
			continue
		}
		for _, p := range ix.invIndex[e] {
			if run.Packages[p].Kind == tenant.KindJobFunction && int(p) != own {
				hits[p]++
			}
		}
	}
	best, bestHeld, bestDistinct := -1, 0, 0
	for p, held := range hits {
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

func accountFinding(d *tenant.Data, u int, kind tenant.AccountKind, grants int) AccountFinding {
	a := AccountFinding{UserID: d.UserIDs[u], UserPrincipalName: d.UPNs[u], Kind: kind.String(), Grants: grants}
	switch kind {
	case tenant.Disabled:
		a.Reason = fmt.Sprintf("disabled account still holds %s", render.Count(grants, "grant"))
	case tenant.Guest:
		a.Reason = fmt.Sprintf("guest account holds %s; review with its sponsor", render.Count(grants, "grant"))
	case tenant.NonPerson:
		a.Reason = fmt.Sprintf("service or shared account holds %s outside any job-function package", render.Count(grants, "grant"))
	}
	return a
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

func titleMismatch(d *tenant.Data, run *tenant.Run, u, selected int, own float64, matches int, share float64) TitleMismatch {
	m := TitleMismatch{
		UserID: d.UserIDs[u], UserPrincipalName: d.UPNs[u], Department: d.Attribute("department", u), JobTitle: d.Attribute("jobTitle", u),
		JobFunction: run.Packages[selected].Name, OwnShare: round(own), AccessMatches: run.Packages[matches].Name, MatchShare: round(share),
	}
	m.Reason = fmt.Sprintf("attributes select %q, of which the user holds %s, but they hold %s of %q: check the title (stale after a move, or wrong)",
		m.JobFunction, percent(m.OwnShare), percent(m.MatchShare), m.AccessMatches)
	return m
}

func overReason(f Finding, matched float64, inferred bool, selected string) string {
	what := fmt.Sprintf("%s on %s", f.Role, f.ResourceName)
	var b strings.Builder
	switch {
	case f.PeerGroup == "all users":
		fmt.Fprintf(&b, "no job-function package fits this user; %s other users hold %s", ofN(f.PeerHolders, f.PeerSize), what)
	case selected != "":
		fmt.Fprintf(&b, "their attributes select %q, but their access matches %q (%.0f%%), and %s members of it hold %s",
			selected, f.PeerGroup, 100*matched, ofN(f.PeerHolders, f.PeerSize), what)
	case inferred:
		fmt.Fprintf(&b, "no package matches this user's attributes; their access matches %q (%.0f%%), and %s members of it hold %s",
			f.PeerGroup, 100*matched, ofN(f.PeerHolders, f.PeerSize), what)
	default:
		fmt.Fprintf(&b, "%s other members of %q hold %s", ofN(f.PeerHolders, f.PeerSize), f.PeerGroup, what)
	}
	fmt.Fprintf(&b, "; %s of the tenant", percent(f.TenantPrevalence))
	if f.Sensitive {
		b.WriteString("; privileged role")
	}
	return b.String()
}

func ofN(k, n int) string {
	if k == 0 {
		return fmt.Sprintf("none of the %d", n)
	}
	return fmt.Sprintf("%d of the %d", k, n)
}

func percent(x float64) string {
	if x > 0 && x < 0.001 {
		return "<0.1%"
	}
	return fmt.Sprintf("%.1f%%", 100*x)
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }

// Sensitive reports whether a role grants privileged access
// (tenant.SensitiveRole).
func Sensitive(role string) bool { return tenant.SensitiveRole(role) }

// structuralExceptions covers the eligible users' access with the
// structural miner, leaving at most a share noise of it outside every
// role, and returns those assignments as (user, entitlement) pairs.
func structuralExceptions(ctx context.Context, ds *mining.Dataset, noise float64) (map[[2]int32]bool, error) {
	if noise <= 0 {
		return nil, nil
	}
	var users []int32
	for u := 0; u < ds.NumUsers; u++ {
		if ds.IsEligible(u) {
			users = append(users, int32(u))
		}
	}
	b := mining.NewCSRBuilder(len(users), ds.NumEntitlements, 0)
	for i, u := range users {
		row := ds.Row(int(u))
		us := make([]int32, len(row))
		for k := range us {
			us[k] = int32(i)
		}
		if err := b.Add(us, row); err != nil {
			return nil, err
		}
	}
	sub, err := b.Build()
	if err != nil {
		return nil, err
	}
	opt := mining.DefaultCoverOptions()
	opt.MaxNoise = noise
	res, err := mining.Cover(ctx, sub, opt)
	if err != nil {
		return nil, fmt.Errorf("structural cover: %w", err)
	}
	out := make(map[[2]int32]bool, len(res.Exceptions))
	for _, x := range res.Exceptions {
		out[[2]int32{users[x[0]], x[1]}] = true
	}
	return out, nil
}

// wilsonUpper is the upper end of the Wilson score interval for k of n at
// normal quantile z (z = 0 gives k/n).
func wilsonUpper(k, n int, z float64) float64 {
	if n == 0 {
		return 0
	}
	p, nf := float64(k)/float64(n), float64(n)
	d := 1 + z*z/nf
	c := p + z*z/(2*nf)
	r := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))
	return (c + r) / d
}
