package mining

import (
	"context"
	"slices"
)

// teamPackages proposes a package for every manager's team (see
// Options.Teams): what at least the threshold share of the team holds that
// none of the member's packages in pkgs grants, held by at most as many
// users outside the team as in it. Teams are taken in order of their
// manager.
func (m *miner) teamPackages(ctx context.Context, pkgs []Package) ([]Package, error) {
	d := m.d
	if d.Managers == nil {
		return nil, nil
	}
	// The team of manager k: k and its eligible direct reports.
	reports := map[int32][]int32{}
	for u, k := range d.Managers {
		if k >= 0 && d.IsEligible(u) {
			reports[k] = append(reports[k], int32(u))
		}
	}
	var managers []int32
	for k, rs := range reports {
		if len(rs) >= m.opt.MinTeam && d.IsEligible(int(k)) {
			managers = append(managers, k)
		}
	}
	if len(managers) == 0 {
		return nil, nil
	}
	slices.Sort(managers)
	// granted[u] lists what user u's packages grant, ascending.
	granted := make([][]int32, d.NumUsers)
	for _, p := range pkgs {
		for _, u := range p.Members {
			granted[u] = append(granted[u], p.Entitlements...)
		}
	}
	for u := range granted {
		slices.Sort(granted[u])
		granted[u] = slices.Compact(granted[u])
	}
	holders := make([]int32, d.NumEntitlements)
	for _, e := range d.Cols {
		holders[e]++
	}
	var out []Package
	for i, k := range managers {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			m.progress("teams", i, len(managers))
		}
		team := append([]int32{k}, reports[k]...)
		slices.Sort(team)
		var touched []int32
		for _, u := range team {
			for _, e := range d.Row(int(u)) {
				if _, ok := slices.BinarySearch(granted[u], e); ok {
					continue
				}
				if m.counts[e] == 0 {
					touched = append(touched, e)
				}
				m.counts[e]++
			}
		}
		var ents []int32
		for _, e := range touched {
			if c := m.counts[e]; float64(c) >= m.opt.Threshold*float64(len(team))-1e-9 && holders[e]-c <= int32(len(team)) {
				ents = append(ents, e)
			}
		}
		slices.Sort(ents)
		prev := make([]float64, len(ents))
		for j, e := range ents {
			prev[j] = float64(m.counts[e]) / float64(len(team))
		}
		for _, e := range touched {
			m.counts[e] = 0
		}
		if len(ents) > 0 {
			out = append(out, Package{Kind: Team, Manager: k, Members: team, Entitlements: ents, Prevalence: prev})
		}
	}
	m.progress("teams", len(managers), len(managers))
	return out, nil
}
