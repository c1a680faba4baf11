package mining

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// functions builds users of nf job functions, perFn each, holding a common
// birthright entitlement, their function's four entitlements (each with
// probability 0.95) and a random stray one. Titles are right except for a
// share wrong (another function's title) or blank; each user also has a
// unique employee number and a random shoe size.
func functions(seed uint64, nf, perFn int, wrong, blank float64) (*Dataset, []int) {
	rng := rand.New(rand.NewPCG(seed, 7))
	n := nf * perFn
	numEnts := 1 + 4*nf + 20
	b := NewBuilder(n, numEnts)
	truth := make([]int, n)
	for u := range n {
		f := u % nf
		truth[u] = f
		b.Add(u, 0)
		for k := range 4 {
			if rng.Float64() < 0.95 {
				b.Add(u, 1+4*f+k)
			}
		}
		b.Add(u, 1+4*nf+rng.IntN(20))
		title := fmt.Sprintf("Title %d", f)
		switch x := rng.Float64(); {
		case x < wrong:
			title = fmt.Sprintf("Title %d", (f+1+rng.IntN(nf-1))%nf)
		case x < wrong+blank:
			title = ""
		}
		b.SetAttribute("jobTitle", u, title)
		b.SetAttribute("department", u, fmt.Sprintf("Dept %d", f/3))
		b.SetAttribute("employeeNumber", u, fmt.Sprint(100000+u))
		b.SetAttribute("shoeSize", u, fmt.Sprint(38+rng.IntN(8)))
	}
	return b.Build(), truth
}

func TestRankAttributes(t *testing.T) {
	d, _ := functions(1, 9, 40, 0, 0)
	ranks, err := RankAttributes(context.Background(), d, DefaultRankOptions())
	if err != nil {
		t.Fatal(err)
	}
	score := map[string]AttributeScore{}
	for _, r := range ranks {
		score[fmt.Sprint(r.Attributes)] = r
	}
	t.Logf("%+v", ranks[:4])
	if got := ranks[0].Attributes; got[0] != "jobTitle" {
		t.Fatalf("best %v, want jobTitle first", got)
	}
	if s := score["[jobTitle]"]; s.Precision < 0.9 || s.Recall < 0.75 || s.Coverage != 1 {
		t.Errorf("jobTitle scores %+v, want precision >= 0.9 and recall >= 0.75 (a fifth of each user's access is a stray grant) over every user", s)
	}
	if s := score["[employeeNumber]"]; s.F1 != 0 || s.Groups != 0 {
		t.Errorf("a unique attribute predicts nothing, got %+v", s)
	}
	if s, ti := score["[shoeSize]"], score["[jobTitle]"]; s.F1 >= ti.F1/2 {
		t.Errorf("a random attribute scores %+v, close to the title's %v", s, ti.F1)
	}
	// Departments hold three functions: half the access at most.
	if s := score["[department]"]; s.F1 >= score["[jobTitle]"].F1 {
		t.Errorf("department %+v scores as well as the title", s)
	}
	if s := score["[jobTitle shoeSize]"]; s.F1 >= score["[jobTitle]"].F1 {
		t.Errorf("splitting titles by shoe size scores %+v, better than the title alone", s)
	}

	// With titles wrong for a third of the users, the title still ranks
	// first but predicts less.
	noisy, _ := functions(1, 9, 40, 0.2, 0.15)
	nranks, err := RankAttributes(context.Background(), noisy, DefaultRankOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range nranks {
		if fmt.Sprint(r.Attributes) == "[jobTitle]" && r.F1 >= score["[jobTitle]"].F1 {
			t.Errorf("noisy titles score %+v, as well as clean ones", r)
		}
	}
	if _, err := RankAttributes(context.Background(), d, RankOptions{Attributes: []string{"nope"}, Threshold: 0.8, MinMembers: 3}); err == nil {
		t.Error("an unknown attribute is not an error")
	}
}

// TestMergeNearlyEqualFunctions: two titles with the same access in one
// department become one package whose rule lists both.
func TestMergeNearlyEqualFunctions(t *testing.T) {
	var users []testUser
	for i := range 12 {
		title := "Payroll Clerk"
		if i%2 == 1 {
			title = "Payroll Specialist"
		}
		users = append(users, testUser{title, "Finance", "A", true, []int{0, 1, 2, 3}})
	}
	// A disabled clerk: the merged rule selects them too.
	users = append(users, testUser{"Payroll Clerk", "Finance", "A", false, []int{0, 1, 2, 3}})
	for range 6 {
		users = append(users, testUser{"Controller", "Finance", "A", true, []int{0, 4, 5}})
	}
	d := build(users)
	opt := DefaultOptions()
	opt.BirthrightThreshold = 0
	res := mine(t, d, opt)
	got := names(res)
	if len(got) != 2 {
		t.Fatalf("packages %q, want the merged payroll package and the controller", got)
	}
	var merged Package
	for _, p := range res.Packages {
		if len(p.Members) == 12 {
			merged = p
		}
	}
	if c := merged.Conditions[0]; c.Attribute != "jobTitle" || len(c.Normalized) != 2 {
		t.Errorf("merged condition %+v", merged.Conditions)
	}
	if want := len(SelectUsers(d, merged.Conditions)); merged.Metrics.RuleUsers != want || want != 13 {
		t.Errorf("merged rule selects %d users, metrics say %d, want 13", want, merged.Metrics.RuleUsers)
	}
	opt.MergeJaccard = 0
	if got := names(mine(t, d, opt)); len(got) != 3 {
		t.Errorf("without merging: %q", got)
	}
}

// TestTune: in teams of four where each member holds two of the team's
// three resources, a threshold below 0.8 predicts much more of a member's
// access from the other three; Tune finds it and the team attribute.
func TestTune(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const teams = 30
	b := NewBuilder(4*teams, 3*teams)
	for u := range 4 * teams {
		team := u / 4
		skip := rng.IntN(3)
		for k := range 3 {
			if k != skip {
				b.Add(u, 3*team+k)
			}
		}
		b.SetAttribute("team", u, fmt.Sprint("T", team))
		b.SetAttribute("site", u, fmt.Sprint("S", team%3))
	}
	d := b.Build()
	opt, score, err := Tune(context.Background(), d, nil, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(opt.By) != "[team]" || opt.Threshold >= 0.8 {
		t.Errorf("tuned to %v at %v (min %d), score %+v; want team below 0.8", opt.By, opt.Threshold, opt.MinMembers, score)
	}
	ranks, err := RankAttributes(context.Background(), d, DefaultRankOptions())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ranks[0].Attributes) != "[team]" || ranks[0].F1+0.1 > score.F1 {
		t.Errorf("at 0.8 the best scores %+v, the tuned %+v", ranks[0], score)
	}

	// Interrupted, Tune says so; it does not claim that nothing predicts
	// access (which the command reports as a usage error).
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Tune(ctx, d, nil, DefaultOptions()); !errors.Is(err, context.Canceled) || errors.Is(err, ErrNoPredictor) {
		t.Errorf("cancelled Tune: %v", err)
	}
	// Attributes that predict nothing: ErrNoPredictor.
	nb := NewBuilder(8, 8)
	for u := range 8 {
		nb.Add(u, u)
		nb.SetAttribute("badge", u, fmt.Sprint("B", u%2))
	}
	if _, _, err := Tune(context.Background(), nb.Build(), nil, DefaultOptions()); !errors.Is(err, ErrNoPredictor) {
		t.Errorf("Tune on attributes that predict nothing: %v", err)
	}
}
