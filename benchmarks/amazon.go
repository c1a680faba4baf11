package benchmarks

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/rolemine/rolemine/mining"
)

// AmazonAttributes name the eight employee attributes of the Amazon
// Employee Access data, in file order.
var AmazonAttributes = []string{"MGR_ID", "ROLE_ROLLUP_1", "ROLE_ROLLUP_2", "ROLE_DEPTNAME", "ROLE_TITLE", "ROLE_FAMILY_DESC", "ROLE_FAMILY", "ROLE_CODE"}

// AmazonUser is one employee of the Amazon data: attributes and granted
// resources.
type AmazonUser struct {
	Attrs  []string
	Grants []int32
}

// ReadAmazon reads train_test_amazon1.sample: "uid rid 8 attributes
// RESOURCE ACTION" per line; only granted requests (ACTION 1) count.
func ReadAmazon(path string) ([]AmazonUser, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	users := map[string]*AmazonUser{}
	var order []string
	resources := map[string]int32{}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		fs := strings.Fields(sc.Text())
		if len(fs) != 12 {
			return nil, 0, fmt.Errorf("%s:%d: %d fields, want 12", path, line, len(fs))
		}
		u := users[fs[0]]
		if u == nil {
			u = &AmazonUser{Attrs: fs[2:10]}
			users[fs[0]] = u
			order = append(order, fs[0])
		}
		if fs[11] == "1" {
			r, ok := resources[fs[1]]
			if !ok {
				r = int32(len(resources))
				resources[fs[1]] = r
			}
			u.Grants = append(u.Grants, r)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, 0, err
	}
	slices.SortFunc(order, func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	})
	out := make([]AmazonUser, len(order))
	for i, id := range order {
		out[i] = *users[id]
		slices.Sort(out[i].Grants)
		out[i].Grants = slices.Compact(out[i].Grants)
	}
	return out, len(resources), nil
}

// PRF is micro-averaged precision, recall and F1 of predicted grants.
type PRF struct {
	Precision, Recall, F1 float64
}

func prf(tp, fp, fn int) PRF {
	var r PRF
	if tp+fp > 0 {
		r.Precision = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		r.Recall = float64(tp) / float64(tp+fn)
	}
	if r.Precision+r.Recall > 0 {
		r.F1 = 2 * r.Precision * r.Recall / (r.Precision + r.Recall)
	}
	return r
}

// AmazonSplit is one 80/20 split: the baseline (entitlements held by at
// least 80% of the training users of each exact job title) and rolemine
// (packages mined on the training users by the attributes RankAttributes
// puts first, with access clusters, assigned to held-out users by their
// rules).
type AmazonSplit struct {
	Seed       uint64
	Baseline   PRF
	Rolemine   PRF
	Attributes []string
	Packages   int
	// Tuned is rolemine with the threshold and minimum group size also
	// chosen by leave-one-out on the training users (TunedThreshold,
	// TunedMinMembers).
	Tuned           PRF
	TunedAttributes []string
	TunedThreshold  float64
	TunedMinMembers int
}

// RunAmazonSplit mines on a random 80% of the users and predicts the access
// of the other 20% from their attributes.
func RunAmazonSplit(ctx context.Context, users []AmazonUser, resources int, seed uint64) (AmazonSplit, error) {
	res := AmazonSplit{Seed: seed}
	rng := rand.New(rand.NewPCG(seed, 0x616d7a))
	perm := rng.Perm(len(users))
	held := make([]bool, len(users))
	for _, i := range perm[:len(users)/5] {
		held[i] = true
	}
	// The dataset holds every user; held-out users are ineligible and
	// their access hidden.
	b := mining.NewBuilder(len(users), resources)
	elig := make([]bool, len(users))
	for i, u := range users {
		elig[i] = !held[i]
		if !held[i] {
			for _, e := range u.Grants {
				b.Add(i, int(e))
			}
		}
		for k, name := range AmazonAttributes {
			b.SetAttribute(name, i, u.Attrs[k])
		}
	}
	d := b.Build()
	d.Eligible = elig
	score := func(predict func(i int) []int32) PRF {
		tp, fp, fn := 0, 0, 0
		for i, u := range users {
			if !held[i] {
				continue
			}
			pred := predict(i)
			hit := 0
			for _, e := range pred {
				if _, ok := slices.BinarySearch(u.Grants, e); ok {
					hit++
				}
			}
			tp += hit
			fp += len(pred) - hit
			fn += len(u.Grants) - hit
		}
		return prf(tp, fp, fn)
	}
	// Baseline: per exact title, what 80% of its training users hold.
	title := slices.Index(AmazonAttributes, "ROLE_TITLE")
	byTitle := map[string][]int{}
	for i, u := range users {
		if !held[i] {
			byTitle[u.Attrs[title]] = append(byTitle[u.Attrs[title]], i)
		}
	}
	bundle := map[string][]int32{}
	for t, members := range byTitle {
		count := map[int32]int{}
		for _, i := range members {
			for _, e := range users[i].Grants {
				count[e]++
			}
		}
		for e, c := range count {
			if float64(c) >= 0.8*float64(len(members)) {
				bundle[t] = append(bundle[t], e)
			}
		}
		slices.Sort(bundle[t])
	}
	res.Baseline = score(func(i int) []int32 { return bundle[users[i].Attrs[title]] })

	// rolemine with its defaults, grouping by the attributes that predict
	// best, then with the threshold and group size chosen the same way.
	run := func(threshold float64, minMembers int) (PRF, []string, int, error) {
		opt := mining.DefaultOptions()
		opt.Threshold, opt.MinMembers, opt.TitleAttribute = threshold, minMembers, "ROLE_TITLE"
		ranks, err := mining.RankAttributes(ctx, d, mining.RankOptions{Attributes: AmazonAttributes, Pairs: true, Threshold: threshold,
			MinMembers: max(2, minMembers), BirthrightThreshold: opt.BirthrightThreshold})
		if err != nil {
			return PRF{}, nil, 0, err
		}
		opt.By = ranks[0].Attributes
		mined, err := mining.JobFunctions(ctx, d, opt)
		if err != nil {
			return PRF{}, nil, 0, err
		}
		predicted := make([][]int32, len(users))
		n := 0
		for _, p := range mined.Packages {
			if !p.Automatic {
				continue
			}
			n++
			var sel []int32
			if len(p.Conditions) == 0 {
				sel = make([]int32, len(users))
				for i := range sel {
					sel[i] = int32(i)
				}
			} else {
				sel = mining.SelectUsers(d, p.Conditions)
			}
			for _, u := range sel {
				if held[u] {
					predicted[u] = append(predicted[u], p.Entitlements...)
				}
			}
		}
		return score(func(i int) []int32 {
			p := predicted[i]
			slices.Sort(p)
			return slices.Compact(p)
		}), opt.By, n, nil
	}
	def := mining.DefaultOptions()
	var err error
	if res.Rolemine, res.Attributes, res.Packages, err = run(def.Threshold, def.MinMembers); err != nil {
		return res, err
	}
	// The grid is searched on the training users only (mining.Tune).
	tuned, _, err := mining.Tune(ctx, d, AmazonAttributes, def)
	if err != nil {
		return res, err
	}
	res.TunedThreshold, res.TunedMinMembers = tuned.Threshold, tuned.MinMembers
	if res.Tuned, res.TunedAttributes, _, err = run(res.TunedThreshold, res.TunedMinMembers); err != nil {
		return res, err
	}
	return res, nil
}

// MeanSD returns the mean and sample standard deviation.
func MeanSD(xs []float64) (float64, float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	m := 0.0
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	if len(xs) < 2 {
		return m, 0
	}
	v := 0.0
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	return m, math.Sqrt(v / float64(len(xs)-1))
}
