package mining

import (
	"context"
	"math"
	"slices"
)

// teamPackages proposes a package for every manager's team (see
// Options.Teams): what at least the threshold share of the team holds that
// none of the member's packages in pkgs grants, held by at most as many
// users outside the team as in it. Teams are taken in order of their
// manager. A team that the value of an attribute rules may test selects
// exactly (every user with the value, guests aside, is in the team and
// every member has it) gets that rule; the others are for direct
// assignment.
func (m *miner) teamPackages(ctx context.Context, pkgs []Package) ([]Package, error) {
	d := m.d
	if d.Managers == nil {
		return nil, nil
	}
	// The team of manager k: its eligible direct reports, and k.
	reports := map[int32][]int32{}
	for u, k := range d.Managers {
		if k >= 0 && d.IsEligible(u) {
			reports[k] = append(reports[k], int32(u))
		}
	}
	var managers []int32
	for k, rs := range reports {
		if len(rs) >= m.opt.MinTeam {
			managers = append(managers, k)
		}
	}
	if len(managers) == 0 {
		return nil, nil
	}
	slices.Sort(managers)
	// The stage starts here: what the packages grant each user and the
	// team attributes take most of a second at 1M.
	wk := work{stage: "teams", unit: "managers"}
	m.progressOf(wk, 0, len(managers))
	granted := m.granted(pkgs)
	teams := m.teamAttributes()
	holders := make([]int32, d.NumEntitlements)
	for _, e := range d.Cols {
		holders[e]++
	}
	// Each team's package on its own worker (see parallel), in manager
	// order after.
	found := make([]*Package, len(managers))
	if err := m.parallel(ctx, len(managers), wk, func(w *miner, i int) error {
		k := managers[i]
		// The team: the reports, and the manager unless their account is
		// not eligible (disabled, a guest): the reports still share what
		// the team holds.
		team := slices.Clone(reports[k])
		if d.IsEligible(int(k)) {
			team = append(team, k)
		}
		slices.Sort(team)
		ents, prev := w.residual(team, granted, m.opt.Threshold, true)
		// Few others hold it: at most as many outside the team as in it.
		kept := 0
		for j, e := range ents {
			if holders[e]-int32(math.Round(prev[j]*float64(len(team)))) <= int32(len(team)) {
				ents[kept], prev[kept] = e, prev[j]
				kept++
			}
		}
		ents, prev = ents[:kept], prev[:kept]
		if len(ents) > 0 {
			p := Package{Kind: Team, Manager: k, Members: team, Entitlements: ents, Prevalence: prev}
			if g := teams.groupOf(team); g != nil {
				// An attribute whose value selects exactly the team (a
				// team or cost centre column) gives the package its rule.
				p.Conditions, p.Automatic = g.conds, true
				p.Metrics.RuleUsers = g.ruleUsers
			}
			found[i] = &p
		}
		return nil
	}); err != nil {
		return nil, err
	}
	var out []Package
	for _, p := range found {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out, nil
}

// teamIndex finds the attribute groups that a set of members makes up
// exactly.
type teamIndex struct {
	byKey map[string]*group // sorted members → the group that is exactly them
}

// teamAttributes indexes the groups of every attribute a rule may test by
// their members.
func (m *miner) teamAttributes() *teamIndex {
	ti := &teamIndex{byKey: map[string]*group{}}
	for i := range m.d.Attributes {
		a := &m.d.Attributes[i]
		if m.opt.Evaluable != nil && !m.opt.Evaluable(a.Name) || a.Name == m.opt.TitleAttribute {
			continue
		}
		for _, g := range m.group([]*Attribute{a}) {
			// The rule selects every user with the value but guests: only a
			// group whose rule users are all eligible members can be a team.
			if g.empty || g.ruleUsers != len(g.members) || len(g.members) < m.opt.MinTeam {
				continue
			}
			k := membersKey(g.members)
			if _, dup := ti.byKey[k]; !dup {
				ti.byKey[k] = g
			}
		}
	}
	return ti
}

// groupOf returns the attribute group whose members are exactly team
// (ascending), or nil.
func (ti *teamIndex) groupOf(team []int32) *group { return ti.byKey[membersKey(team)] }

func membersKey(us []int32) string {
	b := make([]byte, 0, 4*len(us))
	for _, u := range us {
		b = append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
	}
	return string(b)
}
