package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/rolemine/rolemine/tenant"
)

// Summaries aggregate the overprovisioning findings the ways reviewers
// divide the work: by user, resource, department and job function.
type Summaries struct {
	ByUser        []UserSummary  `json:"byUser"`
	ByResource    []GroupSummary `json:"byResource"`
	ByDepartment  []GroupSummary `json:"byDepartment"`
	ByJobFunction []GroupSummary `json:"byJobFunction"`
}

// UserSummary is one user's excess access.
type UserSummary struct {
	UserID            string  `json:"userId"`
	UserPrincipalName string  `json:"userPrincipalName"`
	Department        string  `json:"department"`
	Findings          int     `json:"findings"`
	Sensitive         int     `json:"sensitive"`
	MaxScore          float64 `json:"maxScore"`
	FormerFunction    string  `json:"likelyFormerFunction,omitempty"`
}

// GroupSummary counts the findings of a resource, department or job
// function. Users is the group's size where it has one (the users of a
// department or the members of a job function; for a resource, its
// holders), UsersWithExcess how many of them have findings there.
type GroupSummary struct {
	Key             string `json:"key"`
	Name            string `json:"name"`
	Users           int    `json:"users"`
	UsersWithExcess int    `json:"usersWithExcess"`
	Findings        int    `json:"findings"`
	Sensitive       int    `json:"sensitive"`
}

// summarize counts the findings by user (one UserSummary for each user
// with findings), resource, department and job function. The findings
// come in user order, each user's together (as the scan over the users
// leaves them), so that a user is counted in a group when first met there
// in their run of findings.
func summarize(d *tenant.Data, ix *pkgIndex, run *tenant.Run, rep *Overprovisioning) Summaries {
	s := Summaries{ByUser: []UserSummary{}}
	movers := map[string]string{}
	for _, m := range rep.Movers {
		movers[m.UserID] = m.FormerFunction
	}
	type acc struct {
		GroupSummary
		run int // where the run of findings of the user last counted starts
	}
	groups := [3]map[string]*acc{{}, {}, {}}
	add := func(kind int, key, name string, f *Finding, run int) {
		a := groups[kind][key]
		if a == nil {
			a = &acc{GroupSummary: GroupSummary{Key: key, Name: name}, run: -1}
			groups[kind][key] = a
		}
		a.Findings++
		if f.Sensitive {
			a.Sensitive++
		}
		if a.run != run {
			a.run = run
			a.UsersWithExcess++
		}
	}
	start := 0 // the current user's run of findings
	for i := range rep.Findings {
		f := &rep.Findings[i]
		if i == 0 || rep.Findings[i-1].UserID != f.UserID {
			start = i
			s.ByUser = append(s.ByUser, UserSummary{UserID: f.UserID, UserPrincipalName: f.UserPrincipalName,
				Department: f.Department, FormerFunction: movers[f.UserID]})
		}
		us := &s.ByUser[len(s.ByUser)-1]
		us.Findings++
		if f.Sensitive {
			us.Sensitive++
		}
		us.MaxScore = max(us.MaxScore, f.Score)
		add(0, f.ResourceID, f.ResourceName, f, start)
		add(1, f.Department, f.Department, f, start)
		add(2, f.PeerGroup, f.PeerGroup, f, start)
	}
	// Group sizes: a department's member accounts with access, and a
	// resource's holders (users holding any role of it).
	resIndex := make(map[string]int, len(groups[0]))
	resKeys := make([]string, 0, len(groups[0]))
	for r := range groups[0] {
		resIndex[r] = len(resKeys)
		resKeys = append(resKeys, r)
	}
	entRes := make([]int, len(d.Entitlements))
	for e, ent := range d.Entitlements {
		entRes[e] = -1
		if k, ok := resIndex[ent.ResourceID]; ok {
			entRes[e] = k
		}
	}
	holders := make([]int, len(resKeys))
	lastSeen := make([]int, len(resKeys))
	for k := range lastSeen {
		lastSeen[k] = -1
	}
	dept := d.Dataset.Attribute("department")
	for u := 0; u < d.Dataset.NumUsers; u++ {
		if d.Kinds[u] != tenant.Member || len(d.Dataset.Row(u)) == 0 {
			continue
		}
		if dept != nil {
			if a := groups[1][dept.Value(u)]; a != nil {
				a.Users++
			}
		}
		for _, e := range d.Dataset.Row(u) {
			if k := entRes[e]; k >= 0 && lastSeen[k] != u {
				lastSeen[k] = u
				holders[k]++
			}
		}
	}
	for k, r := range resKeys {
		groups[0][r].Users = holders[k]
	}
	for p, pkg := range run.Packages {
		if a := groups[2][pkg.Name]; a != nil {
			a.Users += len(ix.members[p])
		}
	}
	flatten := func(m map[string]*acc) []GroupSummary {
		out := make([]GroupSummary, 0, len(m))
		for _, a := range m {
			out = append(out, a.GroupSummary)
		}
		slices.SortFunc(out, func(a, b GroupSummary) int {
			return cmp.Or(cmp.Compare(b.Findings, a.Findings), strings.Compare(a.Key, b.Key))
		})
		return out
	}
	s.ByResource, s.ByDepartment, s.ByJobFunction = flatten(groups[0]), flatten(groups[1]), flatten(groups[2])
	slices.SortFunc(s.ByUser, func(a, b UserSummary) int {
		return cmp.Or(cmp.Compare(b.Findings, a.Findings), cmp.Compare(b.MaxScore, a.MaxScore), strings.Compare(a.UserID, b.UserID))
	})
	return s
}
