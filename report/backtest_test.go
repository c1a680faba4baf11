package report

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// backtestFixture: 100 members in four titles of 25 (one per department),
// each title with a bundle of three groups held by everyone but a few,
// a birthright group, and one grant per user that nobody else holds.
func backtestFixture(t *testing.T) *tenant.Data {
	t.Helper()
	const n, titles = 100, 4
	rng := rand.New(rand.NewPCG(5, 6))
	d := &tenant.Data{Snapshot: tenant.Snapshot{ID: 7}, Resources: map[string]tenant.Resource{}}
	add := func(id, typ string) int {
		d.Entitlements = append(d.Entitlements, tenant.Entitlement{ResourceID: id, Role: "Member"})
		d.Resources[id] = tenant.Resource{ID: id, Type: typ, DisplayName: id}
		return len(d.Entitlements) - 1
	}
	all := add("g-all", "group")
	var bundles [titles][]int
	for k := range titles {
		for j := range 3 {
			bundles[k] = append(bundles[k], add(fmt.Sprintf("g-%d-%d", k, j), []string{"group", "application", "site"}[j]))
		}
	}
	var own []int
	for u := range n {
		own = append(own, add(fmt.Sprintf("g-own-%d", u), "group"))
	}
	b := mining.NewBuilder(n, len(d.Entitlements))
	for u := range n {
		k := u % titles
		d.UserIDs = append(d.UserIDs, fmt.Sprintf("u%03d", u))
		d.UPNs = append(d.UPNs, fmt.Sprintf("u%03d@contoso.com", u))
		d.Kinds = append(d.Kinds, tenant.Member)
		b.SetAttribute("jobTitle", u, fmt.Sprintf("Title %d", k))
		b.SetAttribute("department", u, fmt.Sprintf("Dept %d", k))
		b.Add(u, all)
		for _, e := range bundles[k] {
			if rng.Float64() < 0.95 {
				b.Add(u, e)
			}
		}
		b.Add(u, own[u])
	}
	d.Dataset = b.Build()
	return d
}

// TestBacktest: the packages predict each held-out user's title bundle and
// the birthright, never the grant only they hold (it was hidden), so
// precision is high and recall is what the bundles are of each user's
// access; the splits hold out a fifth each, depend on the seed only, and
// the baselines are scored on the same splits.
func TestBacktest(t *testing.T) {
	d := backtestFixture(t)
	opt := BacktestOptions{Splits: 3, Holdout: 0.2, Seed: 9, Mining: mining.DefaultOptions()}
	res, err := Backtest(context.Background(), d, opt)
	require.NoError(t, err)
	require.Equal(t, 3, res.Splits)
	// Each user holds about 1 + 3·0.95 + 1 grants, of which the packages
	// give the birthright and the bundle, never their own.
	require.Greater(t, res.Precision.Mean, 0.9)
	require.InDelta(t, 3.85/4.85, res.Recall.Mean, 0.05)
	require.Len(t, res.Baselines, 3)
	require.Equal(t, "title at 80%", res.Baselines[0].Name)
	require.InDelta(t, res.F1.Mean, res.Baselines[0].F1.Mean, 0.05, "on clean titles the title baseline is as good")
	kinds := map[string]float64{}
	for _, k := range res.PerKind {
		kinds[k.Kind] = k.Recall.Mean
	}
	require.Greater(t, kinds["application"], 0.9)
	require.Less(t, kinds["group"], 0.7, "the groups include the ones only one user holds")
	require.NotEmpty(t, res.PerPackage)
	require.Equal(t, "Birthright", res.PerPackage[0].Name, "the birthright adds most true grants")

	require.Len(t, res.PerSplit, 3)
	above := 0
	for _, ss := range res.PerSplit {
		require.NotEmpty(t, ss.BestBaseline)
		if ss.F1 > ss.BestBaselineF1 {
			above++
		}
	}
	require.Equal(t, above, res.AboveBest)

	again, err := Backtest(context.Background(), d, opt)
	require.NoError(t, err)
	require.Equal(t, res, again, "the same seed, the same splits")

	sp, err := runSplit(context.Background(), d, membersOf(d), opt, 9)
	require.NoError(t, err)
	require.Len(t, sp.heldUsers, 20)
	for _, u := range sp.heldUsers {
		require.Empty(t, sp.train.Row(u), "a held-out user's access is hidden")
		require.False(t, sp.train.IsEligible(u))
		for _, e := range sp.predicted[u] {
			require.NotContains(t, d.Entitlements[e].ResourceID, "g-own-", "only this user held it")
		}
	}

	_, err = Backtest(context.Background(), d, BacktestOptions{Holdout: 1.5, Mining: mining.DefaultOptions()})
	require.ErrorContains(t, err, "holdout 1.5 is not in (0, 1)")
}

func membersOf(d *tenant.Data) []int {
	var out []int
	for u := range d.UserIDs {
		out = append(out, u)
	}
	return out
}

// TestTuneUnion: access follows the title (a bundle per title) and the
// office (a building group per office, across titles); tuning on the
// training users alone takes the office into its groupings (alone or
// paired with the title), so that each person is given the building
// group too, and the backtest's recall rises well above the title alone.
func TestTuneUnion(t *testing.T) {
	d := backtestFixture(t)
	ds := d.Dataset
	// Rebuild with an office attribute and building groups.
	b := mining.NewBuilder(ds.NumUsers, len(d.Entitlements)+3)
	for o := range 3 {
		id := fmt.Sprintf("g-building-%d", o)
		d.Entitlements = append(d.Entitlements, tenant.Entitlement{ResourceID: id, Role: "Member"})
		d.Resources[id] = tenant.Resource{ID: id, Type: "group", DisplayName: id}
	}
	for u := 0; u < ds.NumUsers; u++ {
		for _, e := range ds.Row(u) {
			b.Add(u, int(e))
		}
		for _, a := range ds.Attributes {
			b.SetAttribute(a.Name, u, a.Value(u))
		}
		office := (u / 4) % 3
		b.SetAttribute("office", u, fmt.Sprintf("Office %d", office))
		b.Add(u, len(d.Entitlements)-3+office)
	}
	d.Dataset = b.Build()
	plain, err := Backtest(context.Background(), d, BacktestOptions{Splits: 2, Seed: 3, Mining: mining.DefaultOptions()})
	require.NoError(t, err)
	tuned, err := Backtest(context.Background(), d, BacktestOptions{Splits: 2, Seed: 3, Mining: mining.DefaultOptions(), Tune: true,
		TuneAttributes: []string{"jobTitle", "department", "office"}})
	require.NoError(t, err)
	require.Len(t, tuned.Tuned, 2)
	for _, tu := range tuned.Tuned {
		groupings := append([][]string{tu.By}, tu.AlsoBy...)
		require.True(t, slices.ContainsFunc(groupings, func(g []string) bool { return slices.Contains(g, "office") }), "%v", groupings)
	}
	require.Greater(t, tuned.Recall.Mean, plain.Recall.Mean+0.1, "the building group is predicted too")
}

// TestBacktestHTML: one page with no script and a policy that forbids
// every request, the numbers of the result in it, names escaped.
func TestBacktestHTML(t *testing.T) {
	d := backtestFixture(t)
	res, err := Backtest(context.Background(), d, BacktestOptions{Splits: 2, Seed: 1, Mining: mining.DefaultOptions()})
	require.NoError(t, err)
	res.PerPackage = append(res.PerPackage, PackageScore{Name: `<script>alert(1)</script>`, Kind: "jobFunction", Splits: 1, True: 1})
	var buf bytes.Buffer
	require.NoError(t, WriteBacktest(&buf, res, "html", render.Layout{}))
	page := buf.String()
	require.Contains(t, page, `content="default-src 'none'; style-src 'unsafe-inline'`)
	require.NotContains(t, page, "<script")
	require.Contains(t, page, "&lt;script&gt;alert(1)&lt;/script&gt;")
	require.Contains(t, page, fmt.Sprintf("%.3f ± %.3f", res.F1.Mean, res.F1.SD))
	require.Contains(t, page, "<td>baseline: title and department at 30%</td>")
	require.Equal(t, 2, strings.Count(page, `<tr><td class="n">`), "a row per split")
}

// TestBacktestStopsWhenCancelled: an interrupt ends the backtest with the
// context's error, with --tune too.
func TestBacktestStopsWhenCancelled(t *testing.T) {
	d := backtestFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tune := range []bool{false, true} {
		_, err := Backtest(ctx, d, BacktestOptions{Splits: 2, Mining: mining.DefaultOptions(), Tune: tune})
		require.ErrorIs(t, err, context.Canceled, "tune %v", tune)
	}
}
