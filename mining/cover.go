package mining

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/rolemine/rolemine/mining/internal/bitset"
)

// Objective is what structural role mining minimises.
type Objective int

const (
	// MinRoles minimises the number of roles of an exact cover.
	MinRoles Objective = iota
	// MinWSC minimises the weighted structural complexity |R|+|UA|+|PA|.
	MinWSC
)

// CoverOptions tune Cover.
type CoverOptions struct {
	Objective Objective
	// MaxNoise is the largest share of assignments that may stay outside
	// every role (listed as exceptions); 0 asks for an exact cover.
	MaxNoise float64
	// MaxConcepts bounds the candidate roles enumerated per component (0:
	// 100,000 or 20 per distinct row, whichever is more); past it, or past
	// a fixed amount of enumeration work, the component is covered greedily
	// and the result is not proved.
	MaxConcepts int
	// MaxNodes bounds the branch-and-bound search per component.
	MaxNodes int
	// Progress, when set, is called as components are solved.
	Progress func(Progress)
}

// DefaultCoverOptions returns the options of `rolemine cover`.
func DefaultCoverOptions() CoverOptions {
	return CoverOptions{MaxNodes: 2_000_000}
}

// Role is a role of a cover: every user in Users holds every permission in
// Perms. Both are ascending indices of the dataset.
type Role struct {
	Users []int32
	Perms []int32
}

// CoverResult is the outcome of Cover.
type CoverResult struct {
	Roles []Role
	// Exceptions are the assignments no role covers (noise mode only), as
	// (user, permission) pairs.
	Exceptions [][2]int32
	// LowerBound is a proved lower bound on the number of roles of an exact
	// cover; Proved says the exact cover found has that many roles.
	LowerBound int
	Proved     bool
	Stats      CoverStats
}

// CoverStats describe the work.
type CoverStats struct {
	UsersAfterR1, PermsAfterR1 int
	UsersReduced, PermsReduced int // after merging and dropping to a fixpoint
	Components                 int
	Concepts                   int
	Forced                     int // roles fixed by the reduction rules
	KernelElements, KernelSets int
	Nodes                      int
	Greedy                     int // components covered greedily (over budget)
}

// UA returns the number of user-role assignments.
func (r *CoverResult) UA() int {
	n := 0
	for _, role := range r.Roles {
		n += len(role.Users)
	}
	return n
}

// PA returns the number of role-permission assignments.
func (r *CoverResult) PA() int {
	n := 0
	for _, role := range r.Roles {
		n += len(role.Perms)
	}
	return n
}

// WSC returns |R|+|UA|+|PA|.
func (r *CoverResult) WSC() int { return len(r.Roles) + r.UA() + r.PA() }

// Cover finds roles whose union reproduces the dataset's matrix exactly (or,
// with MaxNoise, up to listed exceptions). See doc.go for the method.
func Cover(ctx context.Context, d *Dataset, opt CoverOptions) (*CoverResult, error) {
	if opt.MaxNoise < 0 || opt.MaxNoise >= 1 {
		return nil, fmt.Errorf("mining: noise %v is not in [0, 1)", opt.MaxNoise)
	}
	if opt.MaxNodes <= 0 {
		opt.MaxNodes = DefaultCoverOptions().MaxNodes
	}
	var res *CoverResult
	var err error
	switch opt.Objective {
	case MinRoles:
		res, err = minRoles(ctx, d, opt)
	case MinWSC:
		res, err = minWSC(ctx, d, opt)
	default:
		return nil, fmt.Errorf("mining: unknown objective %d", opt.Objective)
	}
	if err != nil {
		return nil, err
	}
	if opt.MaxNoise > 0 {
		res.Exceptions = dropForNoise(d, &res.Roles, int(opt.MaxNoise*float64(d.NumAssignments())))
		res.Proved = res.Proved && len(res.Exceptions) == 0
	}
	for i := range res.Roles {
		slices.Sort(res.Roles[i].Users)
		slices.Sort(res.Roles[i].Perms)
	}
	slices.SortFunc(res.Roles, func(a, b Role) int {
		return cmp.Or(slices.Compare(a.Perms, b.Perms), slices.Compare(a.Users, b.Users))
	})
	return res, nil
}

// VerifyCover checks, independently of the miner, that the roles reproduce
// the matrix: no role grants a permission its user lacks, and every
// assignment is covered by a role or listed as an exception.
func VerifyCover(d *Dataset, roles []Role, exceptions [][2]int32) error {
	rows := make([]bitset.Set, d.NumUsers)
	for u := range rows {
		rows[u] = bitset.New(d.NumEntitlements)
		for _, p := range d.Row(u) {
			rows[u].Add(int(p))
		}
	}
	covered := make([]bitset.Set, d.NumUsers)
	for u := range covered {
		covered[u] = bitset.New(d.NumEntitlements)
	}
	for i, r := range roles {
		if len(r.Users) == 0 || len(r.Perms) == 0 {
			return fmt.Errorf("role %d is empty", i)
		}
		for _, u := range r.Users {
			if u < 0 || int(u) >= d.NumUsers {
				return fmt.Errorf("role %d: user %d out of range", i, u)
			}
			for _, p := range r.Perms {
				if p < 0 || int(p) >= d.NumEntitlements {
					return fmt.Errorf("role %d: permission %d out of range", i, p)
				}
				if !rows[u].Has(int(p)) {
					return fmt.Errorf("role %d grants permission %d to user %d, who does not hold it", i, p, u)
				}
				covered[u].Add(int(p))
			}
		}
	}
	for _, x := range exceptions {
		if !rows[x[0]].Has(int(x[1])) {
			return fmt.Errorf("exception (%d, %d) is not an assignment", x[0], x[1])
		}
		if covered[x[0]].Has(int(x[1])) {
			return fmt.Errorf("exception (%d, %d) is covered by a role", x[0], x[1])
		}
		covered[x[0]].Add(int(x[1]))
	}
	for u := range rows {
		if !rows[u].Equal(covered[u]) {
			missing := bitset.New(d.NumEntitlements)
			bitset.AndNot(missing, rows[u], covered[u])
			return fmt.Errorf("assignment (%d, %d) is not covered", u, missing.AppendTo(nil)[0])
		}
	}
	return nil
}

// errBudget marks a component that exceeded a budget.
var errBudget = errors.New("budget exceeded")

// trim drops the incidences that other roles make redundant, keeping the
// cover exact: a user from a role when every cell the role gives the user
// is covered by another role too, then a permission likewise. Larger roles
// are trimmed first. It lowers |UA|+|PA| without adding roles.
func trim(d *Dataset, roles []Role) []Role {
	count := make([]map[int32]int32, d.NumUsers)
	for _, r := range roles {
		for _, u := range r.Users {
			if count[u] == nil {
				count[u] = map[int32]int32{}
			}
			for _, p := range r.Perms {
				count[u][p]++
			}
		}
	}
	order := make([]int, len(roles))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(len(roles[b].Users)*len(roles[b].Perms), len(roles[a].Users)*len(roles[a].Perms))
	})
	for _, k := range order {
		r := &roles[k]
		users := r.Users[:0]
		for _, u := range r.Users {
			redundant := true
			for _, p := range r.Perms {
				if count[u][p] < 2 {
					redundant = false
					break
				}
			}
			if redundant {
				for _, p := range r.Perms {
					count[u][p]--
				}
				continue
			}
			users = append(users, u)
		}
		r.Users = users
		perms := r.Perms[:0]
		for _, p := range r.Perms {
			redundant := true
			for _, u := range r.Users {
				if count[u][p] < 2 {
					redundant = false
					break
				}
			}
			if redundant {
				for _, u := range r.Users {
					count[u][p]--
				}
				continue
			}
			perms = append(perms, p)
		}
		r.Perms = perms
	}
	return slices.DeleteFunc(roles, func(r Role) bool { return len(r.Users) == 0 || len(r.Perms) == 0 })
}
