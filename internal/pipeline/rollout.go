package pipeline

import (
	"cmp"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/report"
	"github.com/rolemine/rolemine/tenant"
)

// Rollout fills the plan options that roll the run's packages out as
// Microsoft's deployment guidance describes: the back-fill (who gets each
// package by direct assignment because they hold its access already), and
// the users each incompatibility will find holding both sides once the
// packages are assigned. With opt.Pilot naming a group, the pilot's users
// per package too (PilotUsers).
func Rollout(d *tenant.Data, run *tenant.Run, opt export.PlanOptions) export.PlanOptions {
	switch {
	case opt.Pilot != nil && opt.Pilot.Waves > 0:
		opt.Pilot.Users = WaveUsers(run, opt.Pilot.Wave, opt.Pilot.Waves)
	case opt.Pilot != nil:
		opt.Pilot.Users = PilotUsers(d, run, opt.Pilot.GroupID)
	}
	if opt.Backfill == nil {
		opt.Backfill = Backfills(d, run)
	}
	// holders are, per package, the users it will be assigned to: those
	// its rule selects, and its back-fill.
	holders := map[string]map[string]bool{}
	for _, p := range run.Packages {
		b := opt.Backfill[p.ID]
		h := map[string]bool{}
		for _, u := range b {
			h[u] = true
		}
		switch {
		case p.Automatic && opt.Pilot != nil:
			for _, u := range opt.Pilot.Users[p.ID] {
				h[u] = true
			}
		case p.Automatic:
			for _, u := range p.Members {
				h[u] = true
			}
		}
		holders[p.ID] = h
	}
	opt.Conflicts = nil
	for _, inc := range opt.Incompatible {
		var both []string
		if inc.GroupID != "" {
			// A group's members hold its Member entitlement.
			e, ok := d.EntitlementIndex(tenant.Entitlement{ResourceID: inc.GroupID, Role: tenant.DefaultRole})
			if !ok {
				continue
			}
			for u := range d.Dataset.NumUsers {
				if id := d.UserIDs[u]; holders[inc.PackageID][id] && slices.Contains(d.Dataset.Row(u), e) {
					both = append(both, id)
				}
			}
		} else {
			for u := range holders[inc.PackageID] {
				if holders[inc.OtherID][u] {
					both = append(both, u)
				}
			}
		}
		if len(both) > 0 {
			slices.Sort(both)
			opt.Conflicts = append(opt.Conflicts, export.Conflict{PackageID: inc.PackageID, OtherID: inc.OtherID, GroupID: inc.GroupID, Users: both})
		}
	}
	return opt
}

// ErrUnknownGroup is returned for a pilot group the snapshot does not hold.
var ErrUnknownGroup = errors.New("no such group in the snapshot")

// PilotGroup finds a group of the snapshot by object id or display name
// (ignoring case).
func PilotGroup(d *tenant.Data, name string) (tenant.Resource, error) {
	if r, ok := d.Resources[name]; ok && r.Type == tenant.TypeGroup {
		return r, nil
	}
	var found []tenant.Resource
	for _, r := range d.Resources {
		if r.Type == tenant.TypeGroup && strings.EqualFold(r.DisplayName, name) {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 0:
		return tenant.Resource{}, fmt.Errorf("--pilot %q: %w (give its object id or display name)", name, ErrUnknownGroup)
	case 1:
		return found[0], nil
	}
	return tenant.Resource{}, fmt.Errorf("--pilot %q: %d groups have this name; give the object id", name, len(found))
}

// WaveUsers returns, per automatic package, the users of the first k of
// n equal shares of its rule's users: a user's share is a hash of their
// id, so the same user is in the same share in every package and in every
// run, and wave k+1 adds to wave k.
func WaveUsers(run *tenant.Run, k, n int) map[string][]string {
	out := map[string][]string{}
	for _, p := range run.Packages {
		if !p.Automatic {
			continue
		}
		var us []string
		for _, m := range p.Members {
			h := fnv.New32a()
			h.Write([]byte(m))
			if int(h.Sum32()%uint32(n)) < k {
				us = append(us, m)
			}
		}
		if len(us) > 0 {
			slices.Sort(us)
			out[p.ID] = us
		}
	}
	return out
}

// PilotUsers returns, per automatic package, the members of the group
// whom its rule selects (its members), sorted.
func PilotUsers(d *tenant.Data, run *tenant.Run, groupID string) map[string][]string {
	out := map[string][]string{}
	e, ok := d.EntitlementIndex(tenant.Entitlement{ResourceID: groupID, Role: tenant.DefaultRole})
	if !ok {
		return out
	}
	inGroup := map[string]bool{}
	for u := range d.Dataset.NumUsers {
		if slices.Contains(d.Dataset.Row(u), e) {
			inGroup[d.UserIDs[u]] = true
		}
	}
	for _, p := range run.Packages {
		if !p.Automatic {
			continue
		}
		var us []string
		for _, m := range p.Members {
			if inGroup[m] {
				us = append(us, m)
			}
		}
		if len(us) > 0 {
			slices.Sort(us)
			out[p.ID] = us
		}
	}
	return out
}

// Backfills returns the back-fill of each package of run that has one
// (tenant.Backfills), by package id.
func Backfills(d *tenant.Data, run *tenant.Run) map[string][]string {
	return tenant.Backfills(d, run.Packages)
}

// DefaultMaxBackfill is how many direct assignments a rollout's back-fill
// may request unless told otherwise (--max-backfill). Each is a Graph
// request and a step of the plan (about a kilobyte in memory): past a few
// million, the plan is not one anybody runs, and a million users' could
// hold tens of millions.
const DefaultMaxBackfill = 5_000_000

// ErrBadWave is returned for a --wave that is not K/N with 1 <= K < N.
var ErrBadWave = errors.New("--wave wants K/N with 1 <= K < N, e.g. 1/4")

// Plan fills the plan options of a rollout: the back-fill when backfill is
// set (at most maxBackfill direct assignments, 0 for no limit), and the
// pilot when pilot names a group of the snapshot or wave is K/N.
func Plan(d *tenant.Data, run *tenant.Run, opt export.PlanOptions, backfill bool, maxBackfill int, pilot, wave string) (export.PlanOptions, error) {
	if pilot != "" && wave != "" {
		return opt, errors.New("give --pilot or --wave, not both")
	}
	if pilot != "" {
		g, err := PilotGroup(d, pilot)
		if err != nil {
			return opt, err
		}
		opt.Pilot = &export.Pilot{GroupID: g.ID, GroupName: g.DisplayName}
	}
	if wave != "" {
		var k, n int
		if _, err := fmt.Sscanf(wave, "%d/%d", &k, &n); err != nil || k < 1 || k >= n || fmt.Sprintf("%d/%d", k, n) != wave {
			return opt, fmt.Errorf("%w (got %q)", ErrBadWave, wave)
		}
		opt.Pilot = &export.Pilot{Wave: k, Waves: n}
	}
	if !backfill && opt.Pilot == nil {
		return opt, nil
	}
	if backfill {
		opt.Backfill = Backfills(d, run)
		if err := checkBackfill(run, opt.Backfill, maxBackfill); err != nil {
			return opt, err
		}
	}
	opt = Rollout(d, run, opt)
	if !backfill {
		opt.Backfill = nil
	}
	return opt, nil
}

// RolloutReport sets out the rollout opt plans (Plan) wave by wave: the
// pilot when there is one, then everyone the rules select, then the
// retirement of the direct grants the packages deliver.
func RolloutReport(d *tenant.Data, run *tenant.Run, opt export.PlanOptions) *report.Rollout {
	r := &report.Rollout{SnapshotID: d.Snapshot.ID, RunID: run.ID, Waves: []report.Wave{}, Conflicts: []report.RolloutConflict{}}
	users := map[string]int32{}
	for u, id := range d.UserIDs {
		users[id] = int32(u)
	}
	// assigned[u] holds the packages a user has been given so far.
	assigned := map[string]map[int]bool{}
	ents := make([][]int32, len(run.Packages))
	for i, p := range run.Packages {
		for _, e := range p.Entitlements {
			if k, ok := d.EntitlementIndex(tenant.Entitlement{ResourceID: e.ResourceID, Role: e.Role}); ok {
				ents[i] = append(ents[i], k)
			}
		}
	}
	// wave fills a wave from the users each package gets: direct and by rule.
	wave := func(name, desc string, direct, byRule func(i int, p tenant.Package) []string) report.Wave {
		w := report.Wave{Name: name, Description: desc, Packages: []report.WavePackage{}}
		gained := map[string]map[int32]bool{}
		for i, p := range run.Packages {
			wp := report.WavePackage{PackageID: p.ID, Name: p.Name, Policy: opt.Policies.Settings(p).Summary()}
			count := func(us []string) int {
				n := 0
				for _, id := range us {
					if assigned[id][i] {
						continue
					}
					if assigned[id] == nil {
						assigned[id] = map[int]bool{}
					}
					assigned[id][i] = true
					n++
					u, ok := users[id]
					if !ok {
						continue
					}
					row := d.Dataset.Row(int(u))
					missing := 0
					for _, e := range ents[i] {
						if !slices.Contains(row, e) {
							missing++
							if gained[id] == nil {
								gained[id] = map[int32]bool{}
							}
							gained[id][e] = true
						}
					}
					if missing > 0 {
						wp.Gaining++
						wp.Gained += missing
					}
				}
				return n
			}
			wp.Direct = count(direct(i, p))
			wp.ByRule = count(byRule(i, p))
			if wp.Direct+wp.ByRule > 0 {
				w.Packages = append(w.Packages, wp)
			}
		}
		w.UsersGaining = len(gained)
		for _, g := range gained {
			w.Gained += len(g)
		}
		return w
	}
	none := func(int, tenant.Package) []string { return nil }
	direct := func(_ int, p tenant.Package) []string { return opt.DirectUsers(p) }
	byRule := func(_ int, p tenant.Package) []string {
		if p.Automatic {
			return p.Members
		}
		return nil
	}
	if pl := opt.Pilot; pl != nil {
		r.Pilot = pl.Label()
		r.Waves = append(r.Waves, wave("pilot", "the back-fill, and the users of the pilot ("+r.Pilot+") whom the rules select, assigned directly;",
			direct, none))
		r.Waves = append(r.Waves, wave("everyone", "the automatic policies assign everyone else their rules select;", none, byRule))
	} else {
		r.Waves = append(r.Waves, wave("everyone", "the back-fill assigned directly, and the automatic policies assign everyone their rules select;", direct, byRule))
	}
	// Retiring: the grants an assigned package now delivers come under
	// it; what no package delivers stays direct, to be reviewed.
	retire := report.Wave{Name: "retire", Packages: []report.WavePackage{}}
	replaced, kept := 0, 0
	for u, id := range d.UserIDs {
		if d.Kinds[u] != tenant.Member {
			continue
		}
		delivered := map[int32]bool{}
		for i := range assigned[id] {
			for _, e := range ents[i] {
				delivered[e] = true
			}
		}
		for _, e := range d.Dataset.Row(u) {
			if delivered[e] {
				replaced++
			} else {
				kept++
			}
		}
	}
	retire.Description = fmt.Sprintf("%d of today's grants are now delivered by the packages and governed by their policies (a group membership or app role assignment a package delivers is the same one; apply --retire then removes the nested groups and group app role assignments that give the same access, where every user keeps it); the %d grants no package delivers stay direct, for review (report impact lists them);", replaced, kept)
	r.Waves = append(r.Waves, retire)
	for _, c := range opt.Conflicts {
		other := c.OtherID
		if c.GroupID != "" {
			other = "group " + d.ResourceName(c.GroupID)
		}
		r.Conflicts = append(r.Conflicts, report.RolloutConflict{PackageID: c.PackageID, Other: other, Users: c.Users})
	}
	return r
}

// checkBackfill refuses a back-fill of more than max direct assignments,
// naming the packages most of it goes to: a package whose access most
// users hold already is assigned to all of them.
func checkBackfill(run *tenant.Run, backfill map[string][]string, max int) error {
	total := 0
	for _, b := range backfill {
		total += len(b)
	}
	if max <= 0 || total <= max {
		return nil
	}
	pkgs := slices.Clone(run.Packages)
	slices.SortStableFunc(pkgs, func(a, b tenant.Package) int { return cmp.Compare(len(backfill[b.ID]), len(backfill[a.ID])) })
	var top []string
	for _, p := range pkgs[:min(3, len(pkgs))] {
		top = append(top, fmt.Sprintf("%q (%s)", p.Name, render.Count(len(backfill[p.ID]), "user")))
	}
	return fmt.Errorf("the back-fill would request %s, more than --max-backfill %d; most go to %s, whose access those users hold already. "+
		"Leave it out (--backfill=false), raise --max-backfill, or re-mine so that such packages are smaller",
		render.Count(total, "direct assignment"), max, strings.Join(top, ", "))
}
