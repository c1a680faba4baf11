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
	granted := m.granted(pkgs)
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
		ents, prev := m.residual(team, granted, m.opt.Threshold, true)
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
			out = append(out, Package{Kind: Team, Manager: k, Members: team, Entitlements: ents, Prevalence: prev})
		}
	}
	m.progress("teams", len(managers), len(managers))
	return out, nil
}
