package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// A backtest answers, before anyone switches on automatic assignment: had
// the mined rules existed, how much of what people needed would they have
// been given, and how much more? For each split it hides a share of the
// member accounts (their access too), mines on the others, gives each
// held-out user every package whose rule selects them (job functions,
// variants, the birthright; a team's package to the manager's reports),
// and scores the prediction against their actual grants, micro-averaged.
// Simple baselines computed on the same splits say what the mining adds.

// BacktestOptions configure Backtest.
type BacktestOptions struct {
	// Splits is the number of random splits (default 5), Holdout the share
	// of members each hides (default 0.2), Seed the first split's seed.
	Splits  int
	Holdout float64
	Seed    uint64
	// Mining are the options of each split's mine.
	Mining mining.Options
	// Tune chooses the groupings (By and AlsoBy), threshold and minimum
	// group size within each split's training users, on an inner split of
	// them (see tuneUnion), over TuneAttributes (nil: all).
	Tune           bool
	TuneAttributes []string
	// TitleAttribute and DepartmentAttribute name the attributes the
	// baselines group by (default jobTitle and department), and
	// ManagerAttribute the attribute that names a user's manager (default:
	// the managers the snapshot knows, from managerId).
	TitleAttribute, DepartmentAttribute, ManagerAttribute string
	// Progress, when set, is told which split is running.
	Progress func(mining.Progress)
}

// Stat is a mean and sample standard deviation over the splits.
type Stat struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
}

// Score is precision, recall and F1 over the splits.
type Score struct {
	F1        Stat `json:"f1"`
	Precision Stat `json:"precision"`
	Recall    Stat `json:"recall"`
}

// Baseline is a simple prediction scored on the same splits.
type Baseline struct {
	Name string `json:"name"`
	Score
}

// KindScore is the score of the grants of one kind of resource.
type KindScore struct {
	Kind string `json:"kind"`
	Score
}

// PackageScore is what one package added to the held-out users'
// predictions over all splits: grants they hold (true) and do not
// (extra). Packages that gave nobody anything are left out.
type PackageScore struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Splits int    `json:"splits"`
	True   int    `json:"trueGrants"`
	Extra  int    `json:"extraGrants"`
}

// Tuned are the settings --tune chose in one split.
type Tuned struct {
	By         []string   `json:"by"`
	AlsoBy     [][]string `json:"alsoBy,omitempty"`
	Threshold  float64    `json:"threshold"`
	MinMembers int        `json:"minMembers"`
}

// BacktestResult is the outcome of Backtest.
type BacktestResult struct {
	SnapshotID int64   `json:"snapshotId"`
	Splits     int     `json:"splits"`
	Holdout    float64 `json:"holdout"`
	Seed       uint64  `json:"seed"`
	Score
	Baselines  []Baseline     `json:"baselines"`
	PerKind    []KindScore    `json:"perKind"`
	PerPackage []PackageScore `json:"perPackage"`
	Tuned      []Tuned        `json:"tuned,omitempty"`
	// PerSplit are each split's F1 beside the best baseline's there;
	// AboveBest counts the splits where rolemine's is higher.
	PerSplit  []SplitScore `json:"perSplit"`
	AboveBest int          `json:"aboveBestBaseline"`
}

// SplitScore is one split's F1 and the best baseline's on it.
type SplitScore struct {
	Seed           uint64  `json:"seed"`
	F1             float64 `json:"f1"`
	BestBaseline   string  `json:"bestBaseline"`
	BestBaselineF1 float64 `json:"bestBaselineF1"`
}

// counts are a prediction's true positives, false positives and false
// negatives.
type counts struct{ tp, fp, fn int }

// outcome is what a merge of held and predicted access finds for one
// entitlement.
type outcome int

const (
	hit    outcome = iota // held and predicted
	extra                 // predicted, not held
	missed                // held, not predicted
)

func (c *counts) add(o outcome) {
	switch o {
	case hit:
		c.tp++
	case extra:
		c.fp++
	default:
		c.fn++
	}
}

func (c counts) prf() (p, r, f float64) {
	if c.tp+c.fp > 0 {
		p = float64(c.tp) / float64(c.tp+c.fp)
	}
	if c.tp+c.fn > 0 {
		r = float64(c.tp) / float64(c.tp+c.fn)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// scores turns per-split counts into a Score.
func scores(cs []counts) Score {
	var p, r, f []float64
	for _, c := range cs {
		pp, rr, ff := c.prf()
		p, r, f = append(p, pp), append(r, rr), append(f, ff)
	}
	return Score{F1: stat(f), Precision: stat(p), Recall: stat(r)}
}

func stat(xs []float64) Stat {
	if len(xs) == 0 {
		return Stat{}
	}
	m := 0.0
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	if len(xs) < 2 {
		return Stat{Mean: round(m)}
	}
	v := 0.0
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	return Stat{Mean: round(m), SD: round(math.Sqrt(v / float64(len(xs)-1)))}
}

// Backtest runs the splits over d.
func Backtest(ctx context.Context, d *tenant.Data, opt BacktestOptions) (*BacktestResult, error) {
	opt.Splits = cmp.Or(opt.Splits, 5)
	if opt.Holdout == 0 {
		opt.Holdout = 0.2
	}
	opt.TitleAttribute = cmp.Or(opt.TitleAttribute, "jobTitle")
	opt.DepartmentAttribute = cmp.Or(opt.DepartmentAttribute, "department")
	if !(opt.Holdout > 0 && opt.Holdout < 1) {
		return nil, fmt.Errorf("backtest: holdout %v is not in (0, 1)", opt.Holdout)
	}
	ds := d.Dataset
	var members []int
	for u := 0; u < ds.NumUsers; u++ {
		if d.Kinds[u] == tenant.Member && ds.IsEligible(u) {
			members = append(members, u)
		}
	}
	if len(members) < 10 {
		return nil, fmt.Errorf("backtest: %d member accounts: too few to hold some out", len(members))
	}
	res := &BacktestResult{SnapshotID: d.Snapshot.ID, Splits: opt.Splits, Holdout: opt.Holdout, Seed: opt.Seed,
		Baselines: []Baseline{}, PerKind: []KindScore{}, PerPackage: []PackageScore{}, PerSplit: []SplitScore{}}
	kinds := resourceKinds(d)
	var main []counts
	perKind := map[string][]counts{}
	baselines := map[string][]counts{}
	perPkg := map[string]*PackageScore{}
	for s := 0; s < opt.Splits; s++ {
		if opt.Progress != nil {
			opt.Progress(mining.Progress{Stage: "backtest splits", Done: s, Total: opt.Splits})
		}
		sp, err := runSplit(ctx, d, members, opt, opt.Seed+uint64(s))
		if err != nil {
			return nil, err
		}
		total, byKind := scoreByKind(ds, sp.predicted, sp.heldUsers, &kinds)
		main = append(main, total)
		for k, name := range kinds.names {
			perKind[name] = append(perKind[name], byKind[k])
		}
		ss := SplitScore{Seed: opt.Seed + uint64(s), BestBaselineF1: -1}
		_, _, ss.F1 = total.prf()
		for _, name := range baselineNames {
			c := scoreUsers(ds, sp.baseline[name], sp.heldUsers)
			baselines[name] = append(baselines[name], c)
			if _, _, f := c.prf(); f > ss.BestBaselineF1 {
				ss.BestBaseline, ss.BestBaselineF1 = name, f
			}
		}
		if ss.F1 > ss.BestBaselineF1 {
			res.AboveBest++
		}
		ss.F1, ss.BestBaselineF1 = round(ss.F1), round(ss.BestBaselineF1)
		res.PerSplit = append(res.PerSplit, ss)
		for _, p := range sp.pkgStats {
			ps := perPkg[p.Name]
			if ps == nil {
				ps = &PackageScore{Name: p.Name, Kind: p.Kind}
				perPkg[p.Name] = ps
			}
			ps.Splits++
			ps.True += p.True
			ps.Extra += p.Extra
		}
		if opt.Tune {
			res.Tuned = append(res.Tuned, sp.tuned)
		}
	}
	if opt.Progress != nil {
		opt.Progress(mining.Progress{Stage: "backtest splits", Done: opt.Splits, Total: opt.Splits})
	}
	res.Score = scores(main)
	for _, name := range baselineNames {
		res.Baselines = append(res.Baselines, Baseline{Name: name, Score: scores(baselines[name])})
	}
	for _, k := range kinds.names {
		res.PerKind = append(res.PerKind, KindScore{Kind: k, Score: scores(perKind[k])})
	}
	for _, ps := range perPkg {
		if ps.True+ps.Extra > 0 {
			res.PerPackage = append(res.PerPackage, *ps)
		}
	}
	slices.SortFunc(res.PerPackage, func(a, b PackageScore) int {
		return cmp.Or(cmp.Compare(b.True, a.True), cmp.Compare(a.Extra, b.Extra), cmp.Compare(a.Name, b.Name))
	})
	return res, nil
}

// kindIndex maps entitlements to the kind of their resource.
type kindIndex struct {
	names []string
	of    []int // entitlement → index into names
}

func resourceKinds(d *tenant.Data) kindIndex {
	ki := kindIndex{of: make([]int, len(d.Entitlements))}
	pos := map[string]int{}
	for e, ent := range d.Entitlements {
		k := cmp.Or(d.Resources[ent.ResourceID].Type, tenant.TypeUnknown)
		i, ok := pos[k]
		if !ok {
			i = len(ki.names)
			pos[k] = i
			ki.names = append(ki.names, k)
		}
		ki.of[e] = i
	}
	return ki
}

// split is one split: the held-out users, the packages mined without them
// and what they predict for each held-out user.
type split struct {
	held      []bool
	heldUsers []int
	train     *mining.Dataset
	predicted map[int][]int32 // held-out user → predicted entitlements, ascending
	pkgStats  []PackageScore
	tuned     Tuned
	// baseline are the baselines' predictions for the held-out users, by
	// name.
	baseline map[string]map[int][]int32
}

func runSplit(ctx context.Context, d *tenant.Data, members []int, opt BacktestOptions, seed uint64) (*split, error) {
	ds := d.Dataset
	rng := rand.New(rand.NewPCG(seed, 0x6261636b74657374))
	sp := &split{held: make([]bool, ds.NumUsers), predicted: map[int][]int32{}}
	perm := rng.Perm(len(members))
	for _, i := range perm[:max(1, int(math.Round(opt.Holdout*float64(len(members)))))] {
		sp.held[members[i]] = true
		sp.heldUsers = append(sp.heldUsers, members[i])
	}
	slices.Sort(sp.heldUsers)
	sp.train = trainingView(ds, sp.held)
	// The baselines do not depend on the mine: they are computed beside it,
	// on the core its serial stages leave idle.
	done := make(chan struct{})
	go func() {
		defer close(done)
		sp.baseline = sp.baselines(ds, opt)
	}()
	defer func() { <-done }()
	mopt := opt.Mining
	if opt.Tune {
		tuned, err := tuneUnion(ctx, sp.train, opt.TuneAttributes, mopt, seed)
		if err != nil && err != mining.ErrNoPredictor {
			return nil, err
		}
		if err == nil {
			mopt = tuned
		}
		sp.tuned = Tuned{By: mopt.By, AlsoBy: mopt.AlsoBy, Threshold: mopt.Threshold, MinMembers: mopt.MinMembers}
	}
	mined, err := mining.JobFunctions(ctx, sp.train, mopt)
	if err != nil {
		return nil, err
	}
	var sels [][]int
	sp.predicted, sels = predict(ds, sp.train, mined, sp.heldUsers, sp.held, mopt.TitleAttribute)
	for i, mp := range mined.Packages {
		if sels[i] == nil {
			continue
		}
		ps := PackageScore{Name: tenant.PackageName(d, mp), Kind: string(tenant.KindOf(mp.Kind))}
		for _, u := range sels[i] {
			row := ds.Row(u)
			for _, e := range mp.Entitlements {
				if _, ok := slices.BinarySearch(row, e); ok {
					ps.True++
				} else {
					ps.Extra++
				}
			}
		}
		sp.pkgStats = append(sp.pkgStats, ps)
	}
	return sp, nil
}

// predict gives each held-out user every package of mined whose rule
// selects them (a team's package: the manager's reports; a package
// without a rule: nobody), evaluated over train; it returns the
// predictions, ascending, and per package the users it went to (nil when
// it has no rule).
func predict(ds, train *mining.Dataset, mined *mining.Result, heldUsers []int, held []bool, titleAttribute string) (map[int][]int32, [][]int) {
	predicted := map[int][]int32{}
	sels := make([][]int, len(mined.Packages))
	among := make([]int32, len(heldUsers))
	for i, u := range heldUsers {
		among[i] = int32(u)
	}
	sel := mining.NewSelector(train, titleAttribute).Among(among)
	for i, mp := range mined.Packages {
		users := []int{}
		switch {
		case mp.Kind == mining.Team:
			for _, u := range heldUsers {
				if ds.Manager(u) == mp.Manager {
					users = append(users, u)
				}
			}
		case !mp.Automatic:
			continue
		case len(mp.Conditions) == 0:
			users = heldUsers // the birthright
		default:
			for _, u := range sel.Select(mp.Conditions) {
				users = append(users, int(u))
			}
		}
		sels[i] = users
		for _, u := range users {
			predicted[u] = append(predicted[u], mp.Entitlements...)
		}
	}
	for u, p := range predicted {
		slices.Sort(p)
		predicted[u] = slices.Compact(p)
	}
	return predicted, sels
}

// trainingView is ds with the held-out users' access hidden and the users
// ineligible: nothing of theirs is evidence.
func trainingView(ds *mining.Dataset, held []bool) *mining.Dataset {
	t := *ds
	t.Offsets = make([]int64, ds.NumUsers+1)
	t.Cols = make([]int32, 0, len(ds.Cols))
	t.Eligible = make([]bool, ds.NumUsers)
	for u := 0; u < ds.NumUsers; u++ {
		if !held[u] {
			t.Cols = append(t.Cols, ds.Row(u)...)
			t.Eligible[u] = ds.IsEligible(u)
		}
		t.Offsets[u+1] = int64(len(t.Cols))
	}
	return &t
}

// scoreByKind counts a prediction for users against their access (both
// ascending), in all and, when kinds is set, per kind of resource, in one
// merge per user.
func scoreByKind(ds *mining.Dataset, pred map[int][]int32, users []int, kinds *kindIndex) (counts, []counts) {
	var total counts
	var byKind []counts
	if kinds != nil {
		byKind = make([]counts, len(kinds.names))
	}
	for _, u := range users {
		row, p := ds.Row(u), pred[u]
		i, j := 0, 0
		for i < len(row) || j < len(p) {
			var e int32
			var o outcome
			switch {
			case j == len(p) || i < len(row) && row[i] < p[j]:
				e, o = row[i], missed
				i++
			case i == len(row) || p[j] < row[i]:
				e, o = p[j], extra
				j++
			default:
				e, o = row[i], hit
				i++
				j++
			}
			total.add(o)
			if kinds != nil {
				byKind[kinds.of[e]].add(o)
			}
		}
	}
	return total, byKind
}

// scoreUsers counts a prediction for users against their access.
func scoreUsers(ds *mining.Dataset, pred map[int][]int32, users []int) counts {
	c, _ := scoreByKind(ds, pred, users, nil)
	return c
}

// The baselines, in the order outputs list them.
var baselineNames = []string{"title at 80%", "title and department at 30%", "manager or title and department at 30%"}

// baselines predicts for each held-out user what at least a share of the
// training users of their group hold: their exact title (80%), their title
// and department (30%), and the union of that with their manager's other
// reports (30%).
func (sp *split) baselines(ds *mining.Dataset, opt BacktestOptions) map[string]map[int][]int32 {
	title := ds.Attribute(opt.TitleAttribute)
	dept := ds.Attribute(opt.DepartmentAttribute)
	code := func(a *mining.Attribute, u int) int64 {
		if a == nil {
			return 0
		}
		return int64(a.Codes[u])
	}
	byTitle := func(u int) int64 { return code(title, u) }
	byTitleDept := func(u int) int64 { return code(title, u)<<32 | code(dept, u) }
	byManager := func(u int) int64 {
		if m := ds.Manager(u); m >= 0 {
			return int64(m)
		}
		return -1
	}
	if a := ds.Attribute(opt.ManagerAttribute); opt.ManagerAttribute != "" && a != nil {
		byManager = func(u int) int64 {
			if a.Values[a.Codes[u]] == "" {
				return -1
			}
			return int64(a.Codes[u])
		}
	}
	t80 := sp.groupBundles(ds, byTitle, 0.8)
	td30 := sp.groupBundles(ds, byTitleDept, 0.3)
	m30 := sp.groupBundles(ds, byManager, 0.3)
	out := map[string]map[int][]int32{}
	for _, name := range baselineNames {
		out[name] = map[int][]int32{}
	}
	for _, u := range sp.heldUsers {
		out[baselineNames[0]][u] = t80[byTitle(u)]
		out[baselineNames[1]][u] = td30[byTitleDept(u)]
		var union []int32
		if k := byManager(u); k >= 0 {
			union = append(union, m30[k]...)
		}
		union = append(union, td30[byTitleDept(u)]...)
		slices.Sort(union)
		out[baselineNames[2]][u] = slices.Compact(union)
	}
	return out
}

// groupBundles returns, per group key of the training members, the
// entitlements at least share of the group hold (groups of key -1 left
// out), ascending. Each group is counted with one dense counter.
func (sp *split) groupBundles(ds *mining.Dataset, key func(u int) int64, share float64) map[int64][]int32 {
	groups := map[int64][]int32{}
	for u := 0; u < ds.NumUsers; u++ {
		if sp.held[u] || !sp.train.IsEligible(u) {
			continue
		}
		if k := key(u); k >= 0 {
			groups[k] = append(groups[k], int32(u))
		}
	}
	count := make([]int32, ds.NumEntitlements)
	out := make(map[int64][]int32, len(groups))
	for k, members := range groups {
		var touched []int32
		for _, u := range members {
			for _, e := range ds.Row(int(u)) {
				if count[e] == 0 {
					touched = append(touched, e)
				}
				count[e]++
			}
		}
		var b []int32
		for _, e := range touched {
			if float64(count[e]) >= share*float64(len(members))-1e-9 {
				b = append(b, e)
			}
			count[e] = 0
		}
		slices.Sort(b)
		out[k] = b
	}
	return out
}
