package mining

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"
)

// ClusterOptions tune Clusters.
type ClusterOptions struct {
	// Seed makes the result reproducible: the same data and seed give the
	// same clusters.
	Seed uint64
	// Hashes is the MinHash signature length, split into Bands bands for
	// locality-sensitive hashing; a pair of users whose access has Jaccard
	// similarity s shares a band with probability 1-(1-s^r)^b (r =
	// Hashes/Bands).
	Hashes, Bands int
	// MinSimilarity is the Jaccard similarity of access an edge between
	// two users needs.
	MinSimilarity float64
	// Resolution is the modularity resolution of the community detection:
	// above 1 gives more, smaller clusters.
	Resolution float64
	// MinSize is the smallest cluster kept.
	MinSize int
	// CommonShare: entitlements held by more than this share of the users
	// (birthright access) are left out of the similarity.
	CommonShare float64
	// MaxBucket caps the users compared within one LSH bucket: a larger
	// bucket links each user to the next MaxBucket-1 only.
	MaxBucket int
}

// DefaultClusterOptions returns the options rolemine uses.
func DefaultClusterOptions() ClusterOptions {
	return ClusterOptions{Seed: 1, Hashes: 64, Bands: 16, MinSimilarity: 0.5, Resolution: 1, MinSize: 5, CommonShare: 0.5, MaxBucket: 64}
}

// Cluster is a set of users whose access is alike.
type Cluster struct {
	Members []int32 // ascending
}

// ClusterResult is the outcome of Clusters.
type ClusterResult struct {
	Clusters []Cluster
	// Edges counts the user pairs linked; Candidates the pairs the LSH
	// proposed.
	Edges, Candidates int
	// Unclustered counts the eligible users with access in no cluster.
	Unclustered int
}

// Clusters groups the eligible users by the similarity of their access,
// whatever their attributes say: users with the same access are merged,
// MinHash signatures and locality-sensitive hashing propose pairs of
// similar users (never all pairs), pairs at least MinSimilarity alike
// become weighted edges, and Louvain community detection (gonum) splits
// the graph into clusters.
func Clusters(ctx context.Context, d *Dataset, opt ClusterOptions) (*ClusterResult, error) {
	if opt.Hashes <= 0 || opt.Bands <= 0 || opt.Hashes%opt.Bands != 0 {
		return nil, fmt.Errorf("mining: %d hashes do not split into %d bands", opt.Hashes, opt.Bands)
	}
	// Common access is left out.
	var users []int32
	holders := make([]int, d.NumEntitlements)
	for u := 0; u < d.NumUsers; u++ {
		if d.IsEligible(u) && len(d.Row(u)) > 0 {
			users = append(users, int32(u))
			for _, e := range d.Row(u) {
				holders[e]++
			}
		}
	}
	common := make([]bool, d.NumEntitlements)
	for e, h := range holders {
		common[e] = float64(h) > opt.CommonShare*float64(len(users))
	}
	// Distinct access patterns, with the users holding each.
	var pats []*pattern
	byKey := map[string]*pattern{}
	for _, u := range users {
		var ents []int32
		for _, e := range d.Row(int(u)) {
			if !common[e] {
				ents = append(ents, e)
			}
		}
		if len(ents) == 0 {
			continue
		}
		key := fmt.Sprint(ents)
		p := byKey[key]
		if p == nil {
			p = &pattern{ents: ents}
			byKey[key] = p
			pats = append(pats, p)
		}
		p.users = append(p.users, u)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// MinHash signatures: h_k(e) = (a_k e + b_k) mod p.
	const prime = (1 << 61) - 1
	rng := rand.New(rand.NewPCG(opt.Seed, 0x6d696e68))
	a, b := make([]uint64, opt.Hashes), make([]uint64, opt.Hashes)
	for k := range a {
		a[k], b[k] = 1+rng.Uint64N(prime-1), rng.Uint64N(prime)
	}
	rows := opt.Hashes / opt.Bands
	sig := make([]uint64, opt.Hashes)
	buckets := make([]map[uint64][]int32, opt.Bands)
	for i := range buckets {
		buckets[i] = map[uint64][]int32{}
	}
	for pi, p := range pats {
		if pi%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		for k := range sig {
			sig[k] = math.MaxUint64
		}
		for _, e := range p.ents {
			for k := range sig {
				h := mulmod(a[k], uint64(e)+1, prime) + b[k]
				if h >= prime {
					h -= prime
				}
				sig[k] = min(sig[k], h)
			}
		}
		for band := range opt.Bands {
			h := uint64(14695981039346656037)
			for _, v := range sig[band*rows : (band+1)*rows] {
				h = (h ^ v) * 1099511628211
			}
			buckets[band][h] = append(buckets[band][h], int32(pi))
		}
	}
	// Candidate pairs from the buckets, then their exact similarity.
	res := &ClusterResult{}
	seen := map[[2]int32]bool{}
	var edges []edge
	for _, bk := range buckets {
		keys := make([]uint64, 0, len(bk))
		for k, v := range bk {
			if len(v) > 1 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			list := bk[k]
			for x := range list {
				for y := x + 1; y < len(list) && y <= x+opt.MaxBucket-1; y++ {
					pair := [2]int32{list[x], list[y]}
					if seen[pair] {
						continue
					}
					seen[pair] = true
					res.Candidates++
					s := jaccard(pats[pair[0]].ents, pats[pair[1]].ents)
					if s >= opt.MinSimilarity {
						// Dyadic weights sum exactly in any order, so the
						// community detection does not depend on map order.
						w := math.Round(s*1024) / 1024 * float64(len(pats[pair[0]].users)*len(pats[pair[1]].users))
						edges = append(edges, edge{pair[0], pair[1], w})
					}
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	res.Edges = len(edges)
	slices.SortFunc(edges, func(x, y edge) int { return cmp.Or(cmp.Compare(x.i, y.i), cmp.Compare(x.j, y.j)) })
	g := simple.NewWeightedUndirectedGraph(0, 0)
	for i := range pats {
		g.AddNode(simple.Node(i))
	}
	for _, e := range edges {
		g.SetWeightedEdge(g.NewWeightedEdge(simple.Node(e.i), simple.Node(e.j), e.w))
	}
	// Identical users form a cluster of their own even without edges.
	var groups [][]int32
	if len(edges) > 0 {
		reduced := community.Modularize(g, opt.Resolution, rand.NewPCG(opt.Seed, 0x6c6f7576))
		adj, bundle := edges2adj(edges), bundleOf(pats)
		for _, c := range reduced.Communities() {
			ids := make([]int32, len(c))
			for i, n := range c {
				ids[i] = int32(n.ID())
			}
			slices.Sort(ids)
			for _, part := range refine(ids, pats, adj, opt, bundle, 0) {
				var members []int32
				for _, id := range part {
					members = append(members, pats[id].users...)
				}
				groups = append(groups, members)
			}
		}
	} else {
		for _, p := range pats {
			groups = append(groups, slices.Clone(p.users))
		}
	}
	clustered := 0
	for _, members := range groups {
		if len(members) < opt.MinSize {
			continue
		}
		slices.Sort(members)
		res.Clusters = append(res.Clusters, Cluster{Members: members})
		clustered += len(members)
	}
	res.Unclustered = len(users) - clustered
	// Largest first; ties by first member.
	slices.SortFunc(res.Clusters, func(x, y Cluster) int {
		return cmp.Or(cmp.Compare(len(y.Members), len(x.Members)), cmp.Compare(x.Members[0], y.Members[0]))
	})
	return res, nil
}

// pattern is a distinct access pattern and the users holding it.
type pattern struct {
	ents  []int32
	users []int32
}

type edge struct {
	i, j int32
	w    float64
}

// edges2adj indexes edges by pattern.
func edges2adj(edges []edge) map[int32][]edge {
	adj := map[int32][]edge{}
	for _, e := range edges {
		adj[e.i] = append(adj[e.i], e)
		adj[e.j] = append(adj[e.j], e)
	}
	return adj
}

// bundleOf returns a function that gives the entitlements at least 80% of
// the users of some patterns hold.
func bundleOf(pats []*pattern) func([]int32) []int32 {
	return func(ids []int32) []int32 {
		count := map[int32]int{}
		n := 0
		for _, id := range ids {
			p := pats[id]
			n += len(p.users)
			for _, e := range p.ents {
				count[e] += len(p.users)
			}
		}
		var out []int32
		for e, c := range count {
			if float64(c) >= 0.8*float64(n) {
				out = append(out, e)
			}
		}
		slices.Sort(out)
		return out
	}
}

// refine splits a community again, at twice the resolution, while every
// part is large enough and shares access its parent as a whole does not:
// Louvain's resolution limit merges job functions that differ in a few
// entitlements only.
func refine(ids []int32, pats []*pattern, adj map[int32][]edge, opt ClusterOptions, bundle func([]int32) []int32, depth int) [][]int32 {
	if depth >= 3 || len(ids) < 2 {
		return [][]int32{ids}
	}
	in := make(map[int32]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	g := simple.NewWeightedUndirectedGraph(0, 0)
	for _, id := range ids {
		g.AddNode(simple.Node(id))
	}
	var sub []edge
	for _, id := range ids {
		for _, e := range adj[id] {
			if e.i == id && in[e.j] {
				sub = append(sub, e)
			}
		}
	}
	if len(sub) == 0 {
		return [][]int32{ids}
	}
	slices.SortFunc(sub, func(x, y edge) int { return cmp.Or(cmp.Compare(x.i, y.i), cmp.Compare(x.j, y.j)) })
	for _, e := range sub {
		g.SetWeightedEdge(g.NewWeightedEdge(simple.Node(e.i), simple.Node(e.j), e.w))
	}
	parts := community.Modularize(g, 2*opt.Resolution*float64(depth+1), rand.NewPCG(opt.Seed, uint64(0x726566+depth))).Communities()
	if len(parts) < 2 {
		return [][]int32{ids}
	}
	parent := bundle(ids)
	size := func(ps []int32) int {
		n := 0
		for _, id := range ps {
			n += len(pats[id].users)
		}
		return n
	}
	total := size(ids)
	var split [][]int32
	for _, c := range parts {
		part := make([]int32, len(c))
		for i, n := range c {
			part[i] = int32(n.ID())
		}
		slices.Sort(part)
		// Each part must be sizeable and share access of its own that its
		// parent as a whole does not.
		if n := size(part); n < opt.MinSize || 20*n < total {
			return [][]int32{ids}
		}
		extra := false
		for _, e := range bundle(part) {
			if _, ok := slices.BinarySearch(parent, e); !ok {
				extra = true
			}
		}
		if !extra {
			return [][]int32{ids}
		}
		split = append(split, part)
	}
	var out [][]int32
	for _, part := range split {
		out = append(out, refine(part, pats, adj, opt, bundle, depth+1)...)
	}
	return out
}

// mulmod returns a*b mod m for m = 2^61-1 without overflow.
func mulmod(a, b, m uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	// hi*2^64 + lo, and 2^64 = 8, 2^61 = 1 (mod m).
	r := (lo & m) + (lo >> 61) + hi<<3
	for r >= m {
		r -= m
	}
	return r
}

// jaccard returns the Jaccard similarity of two sorted sets.
func jaccard(x, y []int32) float64 {
	i, j, inter := 0, 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] == y[j]:
			inter++
			i++
			j++
		case x[i] < y[j]:
			i++
		default:
			j++
		}
	}
	union := len(x) + len(y) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// clusterPackages proposes a package for every access cluster whose
// entitlements no existing package holds.
func (m *miner) clusterPackages(ctx context.Context, existing []Package, inBirthright []bool) ([]Package, error) {
	m.progress("clusters", 0, 1)
	cres, err := Clusters(ctx, m.d, m.opt.Cluster)
	if err != nil {
		return nil, err
	}
	attrs := m.ruleAttributes()
	byUser := map[int32][]int{}
	for i, p := range existing {
		if p.Kind == Birthright {
			continue
		}
		for _, u := range p.Members {
			byUser[u] = append(byUser[u], i)
		}
	}
	// unexplained counts the members who hold some of the cluster's
	// entitlements (at least two, and at least a fifth of them) that none
	// of their own packages grants.
	unexplained := func(members, ents []int32) int {
		need := max(2, len(ents)/5)
		n := 0
		for _, u := range members {
			row := m.d.Row(int(u))
			missing := 0
			for _, e := range ents {
				if _, held := slices.BinarySearch(row, e); !held {
					continue
				}
				if !slices.ContainsFunc(byUser[u], func(i int) bool { _, ok := slices.BinarySearch(existing[i].Entitlements, e); return ok }) {
					missing++
				}
			}
			if missing >= need {
				n++
			}
		}
		return n
	}
	var out []Package
	for k, c := range cres.Clusters {
		if len(c.Members) < m.opt.MinMembers {
			continue
		}
		ents, _ := m.common(c.Members, m.opt.Threshold, inBirthright)
		// A cluster whose access its members' packages already grant (a
		// department, say, whose titles each have a package) adds nothing.
		if len(ents) == 0 || unexplained(c.Members, ents) < max(m.opt.MinMembers, len(c.Members)/5) ||
			slices.ContainsFunc(out, func(p Package) bool { return jaccard(p.Entitlements, ents) >= m.opt.CoveredJaccard }) {
			continue
		}
		p := Package{Kind: AccessCluster, Members: c.Members, Entitlements: ents}
		rule, ok := m.explain(c.Members, attrs)
		if ok {
			p.Metrics.RulePrecision, p.Metrics.RuleRecall = rule.Precision, rule.Recall
		}
		if ok && rule.F1 >= m.opt.MinRuleF1 {
			selected := m.selectUsers(rule.Conditions, true)
			users := len(m.selectUsers(rule.Conditions, false))
			if m.opt.MaxRuleUsers == 0 || users <= m.opt.MaxRuleUsers {
				p.Conditions, p.Members, p.Automatic = rule.Conditions, selected, true
				p.Metrics.RuleUsers = users
				p.Name = m.name(rule.Conditions, selected) + " (access cluster)"
			}
		}
		if !p.Automatic {
			p.Name = fmt.Sprintf("Access cluster %d (%d users)", k+1, len(c.Members))
			p.Metrics.RuleUsers = len(p.Members)
		}
		// Prevalence among the package's members.
		all, prev := m.common(p.Members, 1e-9, nil)
		for _, e := range p.Entitlements {
			v := 0.0
			if i, ok := slices.BinarySearch(all, e); ok {
				v = prev[i]
			}
			p.Prevalence = append(p.Prevalence, v)
		}
		out = append(out, p)
	}
	m.progress("clusters", 1, 1)
	return out, nil
}
