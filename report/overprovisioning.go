package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/rolemine/rolemine/internal/render"
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
	// Explain lists, besides the findings, the grants that a peer group
	// other than the job function explains (Overprovisioning.Explained).
	Explain bool
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
	// Explained lists, with OverOptions.Explain, the grants few of the
	// user's job-function peers hold that another peer group of theirs (a
	// team, an office, a cost centre, ...) explains, or that belong to no
	// job function and are shared by several (a project), and why.
	Explained []Finding   `json:"explained,omitempty"`
	Summary   OverSummary `json:"summary"`
	Summaries Summaries   `json:"summaries"`
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
	// ExplainedBy says, for a grant in Explained, what explains it.
	ExplainedBy string `json:"explainedBy,omitempty"`
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
	// Explained counts the grants few job-function peers hold that another
	// peer group explains (not findings; see Overprovisioning.Explained).
	Explained       int `json:"explainedByOtherGroups"`
	Disabled        int `json:"disabledAccountsWithAccess"`
	Guests          int `json:"guestsWithAccess"`
	NonPerson       int `json:"serviceAccountsWithAccess"`
	Movers          int `json:"movers"`
	TitleMismatches int `json:"titleMismatches"`
}

// ComputeOverprovisioning builds the overprovisioning report: for every
// member account, the grants that neither their packages nor their peer
// group (the job function they are in, or whose access theirs matches)
// explain, scored; besides, title mismatches, movers and the accounts that
// are not members.
func ComputeOverprovisioning(ctx context.Context, d *tenant.Data, run *tenant.Run, opt OverOptions) (*Overprovisioning, error) {
	ix, err := indexPackages(d, run.Packages)
	if err != nil {
		return nil, err
	}
	ds := d.Dataset
	exceptions, err := structuralExceptions(ctx, ds, opt.StructuralNoise)
	if err != nil {
		return nil, err
	}
	s := &overScan{d: d, run: run, ix: ix, opt: opt, exceptions: exceptions,
		rep: &Overprovisioning{SnapshotID: d.Snapshot.ID, RunID: run.ID, Findings: []Finding{}, Accounts: []AccountFinding{},
			Movers: []Mover{}, TitleMismatches: []TitleMismatch{}},
		tenantHolders: make([]int32, ds.NumEntitlements), explained: make([]bool, ds.NumEntitlements)}
	// Tenant-wide holders among eligible users.
	for u := 0; u < ds.NumUsers; u++ {
		if ds.IsEligible(u) {
			s.eligible++
			for _, e := range ds.Row(u) {
				s.tenantHolders[e]++
			}
		}
	}
	s.ents = make([]entFacts, len(d.Entitlements))
	for e, ent := range d.Entitlements {
		s.ents[e] = entFacts{name: d.ResourceName(ent.ResourceID), typ: cmp.Or(d.Resources[ent.ResourceID].Type, tenant.TypeUnknown),
			sensitive: Sensitive(ent.Role), prevalence: round(float64(s.tenantHolders[e]) / float64(max(1, s.eligible)))}
	}
	if opt.Confidence > 0 {
		s.z = math.Sqrt2 * math.Erfinv(2*opt.Confidence-1)
	}
	if err := s.scanUsers(ctx); err != nil {
		return nil, err
	}
	s.explainByGroups(s.cand)
	s.finish()
	return s.rep, nil
}

// overScan is the state of ComputeOverprovisioning's pass over the users.
type overScan struct {
	d             *tenant.Data
	run           *tenant.Run
	ix            *pkgIndex
	opt           OverOptions
	rep           *Overprovisioning
	tenantHolders []int32 // entitlement → eligible holders
	eligible      int
	ents          []entFacts        // entitlement → what a finding says of it
	exceptions    map[[2]int32]bool // (user, entitlement) no structural role explains
	z             float64           // the confidence bound's quantile
	// explained marks the entitlements the current user's packages and
	// peer group hold.
	explained []bool
	// cand holds each finding's user and entitlement, in order.
	cand      [][2]int32
	notExcess int // grants another peer group explains
	// A part's findings: the current user's in cur, then kept in chunks of
	// findingChunk (a million findings of some 250 bytes each grown by
	// doubling cost a second in copies and collection).
	cur    []Finding
	chunks [][]Finding
}

const findingChunk = 4096

// keep moves the current user's findings into the part's chunks.
func (s *overScan) keep() {
	for _, f := range s.cur {
		if n := len(s.chunks); n == 0 || len(s.chunks[n-1]) == findingChunk {
			s.chunks = append(s.chunks, make([]Finding, 0, findingChunk))
		}
		last := &s.chunks[len(s.chunks)-1]
		*last = append(*last, f)
	}
	s.cur = s.cur[:0]
}

// entFacts is what a finding says of its entitlement, found once.
type entFacts struct {
	name, typ  string // the resource's
	sensitive  bool
	prevalence float64 // the share of eligible users holding it, rounded
}

// scanUsers scans every user (see user) on up to GOMAXPROCS workers, each
// a contiguous range of users with its own state (see part), and joins
// their results in user order: the report is the same as one pass's.
func (s *overScan) scanUsers(ctx context.Context) error {
	n := s.d.Dataset.NumUsers
	parts := make([]*overScan, userParts(n))
	for w := range parts {
		parts[w] = s.part()
	}
	if err := inParts(len(parts), n, func(w, lo, hi int) error {
		for u := lo; u < hi; u++ {
			if (u-lo)%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			parts[w].user(u)
		}
		return nil
	}); err != nil {
		return err
	}
	rep := s.rep
	var nf, nc int
	for _, p := range parts {
		for _, c := range p.chunks {
			nf += len(c)
		}
		nc += len(p.cand)
	}
	rep.Findings, s.cand = slices.Grow(rep.Findings, nf), slices.Grow(s.cand, nc)
	for _, p := range parts {
		for i, c := range p.chunks {
			rep.Findings = append(rep.Findings, c...)
			p.chunks[i] = nil
		}
		rep.Accounts = append(rep.Accounts, p.rep.Accounts...)
		rep.Movers = append(rep.Movers, p.rep.Movers...)
		rep.TitleMismatches = append(rep.TitleMismatches, p.rep.TitleMismatches...)
		rep.Summary.Users += p.rep.Summary.Users
		s.cand = append(s.cand, p.cand...)
	}
	return nil
}

// part returns the state of one worker of scanUsers: s's read-only state
// shared, its own results, marks and package index (pkgIndex.part).
func (s *overScan) part() *overScan {
	p := *s
	p.rep = &Overprovisioning{Findings: []Finding{}, Accounts: []AccountFinding{}, Movers: []Mover{}, TitleMismatches: []TitleMismatch{}}
	p.explained = make([]bool, len(s.explained))
	p.cand = nil
	p.ix = s.ix.part()
	return &p
}

// user scans user u: an account that is not a member is listed as such;
// a member's unexplained grants become findings.
func (s *overScan) user(u int) {
	d, ix := s.d, s.ix
	row := d.Dataset.Row(u)
	if len(row) == 0 {
		return
	}
	if kind := d.Kinds[u]; kind != tenant.Member {
		s.rep.Accounts = append(s.rep.Accounts, accountFinding(d, u, kind, len(row)))
		return
	}
	s.rep.Summary.Users++
	for _, p := range ix.byUser[u] {
		s.explain(int(p), true)
	}
	peer, matched, selected := s.peerOf(u, row)
	dept := d.Attribute("department", u)
	for _, e := range row {
		if s.explained[e] {
			continue
		}
		if f, ok := s.finding(u, e, peer, matched, selected); ok {
			f.Department = dept
			s.cur = append(s.cur, f)
			s.cand = append(s.cand, [2]int32{int32(u), e})
		}
	}
	if peer >= 0 && s.opt.MoverShare > 0 {
		s.moved(u, peer, row)
	}
	s.keep()
	for _, p := range ix.byUser[u] {
		s.explain(int(p), false)
	}
	if peer >= 0 {
		s.explain(peer, false)
	}
}

// explain marks (or unmarks) package p's entitlements as explained.
func (s *overScan) explain(p int, on bool) {
	for _, e := range s.ix.ents[p] {
		s.explained[e] = on
	}
}

// peerOf returns the user's peer group: their first job-function package,
// or the job function whose access theirs matches instead (a title
// mismatch, recorded; selected names the package their attributes
// select), or, without a package, the one their access matches best; -1
// when none. matched is the share of the peer's access the user holds.
func (s *overScan) peerOf(u int, row []int32) (peer int, matched float64, selected string) {
	ix := s.ix
	peer = -1
	for _, p := range ix.byUser[u] {
		if ix.jobFunc[p] {
			peer, matched = int(p), 1
			break
		}
	}
	if peer >= 0 {
		if p, share := ix.matchOther(s.d, s.run, u, row, peer, s.opt.MinMatch); p >= 0 {
			s.rep.TitleMismatches = append(s.rep.TitleMismatches, titleMismatch(s.d, s.run, u, peer, ix.heldShare(row, peer), p, share))
			selected = s.run.Packages[peer].Name
			peer, matched = p, share
			s.explain(p, true)
		}
		return peer, matched, selected
	}
	if p, share := ix.bestMatch(s.d, s.run, u, row, s.opt.MinMatch); p >= 0 {
		peer, matched = p, share
		s.explain(p, true)
	}
	return peer, matched, selected
}

// finding judges user u's unexplained grant e against the peer group (all
// eligible users without one): excess when at most MaxPeerPrevalence of
// the peers hold it, with confidence when some do, or when no role of a
// structural cover explains it.
func (s *overScan) finding(u int, e int32, peer int, matched float64, selected string) (Finding, bool) {
	d, ix := s.d, s.ix
	var holders, size int
	var group string
	if peer >= 0 {
		holders = int(ix.holderCounts(d, peer)[e])
		size = len(ix.members[peer])
		if slices.Contains(ix.byUser[u], int32(peer)) {
			holders--
			size--
		}
		group = s.run.Packages[peer].Name
	} else {
		holders, size, group = int(s.tenantHolders[e])-1, s.eligible-1, "all users"
	}
	prev := 0.0
	if size > 0 {
		prev = float64(holders) / float64(size)
	}
	structural := s.exceptions[[2]int32{int32(u), e}]
	// Access no peer holds is rare in any group; access that some peers
	// hold must be rare with confidence.
	if (prev > s.opt.MaxPeerPrevalence || holders > 0 && wilsonUpper(holders, size, s.z) > s.opt.MaxPeerPrevalence) && !structural {
		return Finding{}, false
	}
	ent, facts := d.Entitlements[e], &s.ents[e]
	f := Finding{
		UserID: d.UserIDs[u], UserPrincipalName: d.UPNs[u],
		ResourceID: ent.ResourceID, ResourceName: facts.name, ResourceType: facts.typ,
		Role: ent.Role, PeerGroup: group, PeerSize: size, PeerHolders: holders,
		PeerPrevalence: round(prev), TenantPrevalence: facts.prevalence,
		Sensitive: facts.sensitive, StructuralException: structural, TitleSelects: selected,
	}
	f.Score = findingScore(prev, f.TenantPrevalence, f.Sensitive)
	f.Reason = overReason(f, matched, peer >= 0 && !slices.Contains(ix.byUser[u], int32(peer)), selected)
	if structural {
		f.Reason += fmt.Sprintf("; no role of a structural cover with %.0f%% noise explains it", 100*s.opt.StructuralNoise)
	}
	return f, true
}

// findingScore ranks a finding: how rare the access is among the peers
// (peer, unrounded), weighed by how rare it is in the tenant, and
// sensitive access above the rest.
func findingScore(peer, tenantPrevalence float64, sensitive bool) float64 {
	sens := 0.8
	if sensitive {
		sens = 1
	}
	return round((1 - peer) * (0.7 + 0.3*(1-tenantPrevalence)) * sens)
}

// moved records user u as a mover when they hold much of another job
// function's access (see pkgIndex.mover), and marks their findings (in
// s.cur) that are part of it.
func (s *overScan) moved(u, peer int, row []int32) {
	mv, ok := s.ix.mover(s.d, s.run, u, peer, slices.Contains(s.ix.byUser[u], int32(peer)), row, s.explained, s.opt.MoverShare)
	if !ok {
		return
	}
	s.rep.Movers = append(s.rep.Movers, mv)
	suffix := "; part of the access of " + strconv.Quote(mv.FormerFunction) + ", a job function this user probably held before"
	for i := range s.cur {
		f := &s.cur[i]
		if slices.Contains(mv.Access, tenant.Entitlement{ResourceID: f.ResourceID, Role: f.Role}) {
			f.FormerFunction = mv.FormerFunction
			f.Reason += suffix
		}
	}
}

// finish sorts the lists and counts the summary.
func (s *overScan) finish() {
	rep := s.rep
	// The summaries count the findings in user order, before they are
	// moved: beside the sort of their positions, which only reads them.
	done := make(chan struct{})
	go func() {
		defer close(done)
		rep.Summaries = summarize(s.d, s.ix, s.run, rep)
	}()
	order := sortedOrder(rep.Findings, func(a, b *Finding) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return compareGrant(a, b)
	})
	<-done
	permute(rep.Findings, order)
	slices.SortFunc(rep.Accounts, func(a, b AccountFinding) int {
		return cmp.Or(strings.Compare(a.Kind, b.Kind), cmp.Compare(b.Grants, a.Grants), strings.Compare(a.UserID, b.UserID))
	})
	slices.SortFunc(rep.Movers, func(a, b Mover) int {
		return cmp.Or(cmp.Compare(b.Held, a.Held), strings.Compare(a.UserID, b.UserID))
	})
	for _, f := range rep.Findings {
		if f.Sensitive {
			rep.Summary.Sensitive++
		}
		if f.StructuralException {
			rep.Summary.Structural++
		}
	}
	sortLarge(rep.Explained, compareGrant)
	rep.Summary.Explained = s.notExcess
	rep.Summary.UsersWithExcess = len(rep.Summaries.ByUser) // one per user with findings
	rep.Summary.Findings = len(rep.Findings)
	rep.Summary.Movers = len(rep.Movers)
	rep.Summary.TitleMismatches = len(rep.TitleMismatches)
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
}

// compareGrant orders findings by user, resource and role.
func compareGrant(a, b *Finding) int {
	if c := strings.Compare(a.UserID, b.UserID); c != 0 {
		return c
	}
	if c := strings.Compare(a.ResourceID, b.ResourceID); c != 0 {
		return c
	}
	return strings.Compare(a.Role, b.Role)
}

// sortLarge sorts s, a slice of large structs such as a million findings,
// as slices.SortFunc would: it sorts their positions (sortedOrder), then
// moves each element once (permute), where sorting s itself would move
// every element many times. cmp must order s totally.
func sortLarge[T any](s []T, cmp func(a, b *T) int) {
	permute(s, sortedOrder(s, cmp))
}

// parallelSort is the length from which sortedOrder sorts two halves at
// once.
var parallelSort = 1 << 16

// sortedOrder returns the positions of s in the order cmp sorts them; from
// parallelSort elements on, each half is sorted on its own goroutine and
// the halves merged (cmp ordering s totally, the order is the same).
func sortedOrder[T any](s []T, cmp func(a, b *T) int) []int32 {
	order := make([]int32, len(s))
	for i := range order {
		order[i] = int32(i)
	}
	by := func(i, j int32) int { return cmp(&s[i], &s[j]) }
	if len(s) < parallelSort {
		slices.SortFunc(order, by)
		return order
	}
	lo, hi := order[:len(s)/2], order[len(s)/2:]
	done := make(chan struct{})
	go func() {
		defer close(done)
		slices.SortFunc(hi, by)
	}()
	slices.SortFunc(lo, by)
	<-done
	merged := make([]int32, 0, len(s))
	i, j := 0, 0
	for i < len(lo) && j < len(hi) {
		if by(hi[j], lo[i]) < 0 {
			merged = append(merged, hi[j])
			j++
		} else {
			merged = append(merged, lo[i])
			i++
		}
	}
	merged = append(merged, lo[i:]...)
	return append(merged, hi[j:]...)
}

// permute moves element order[i] of s to position i, each once, following
// the permutation's cycles; order is used up.
func permute[T any](s []T, order []int32) {
	for i := range order {
		if order[i] == int32(i) || order[i] < 0 {
			continue
		}
		tmp, j := s[i], i
		for {
			k := int(order[j])
			order[j] = -1
			if k == i {
				s[j] = tmp
				break
			}
			s[j] = s[k]
			j = k
		}
	}
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

// Sensitive reports whether a role grants privileged access
// (tenant.SensitiveRole).
func Sensitive(role string) bool { return tenant.SensitiveRole(role) }
