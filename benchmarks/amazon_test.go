package benchmarks

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// amazonPath is the Amazon Employee Access data beside the repository.
var amazonPath = filepath.Join("..", "..", "shared", "datasets", "amazon_access_dlbac", "train_test_amazon1.sample")

// TestAmazonGeneralisation mines packages on 80% of the Amazon users and
// predicts the other 20%'s access from their attributes, over ten random
// splits (two unless ROLEMINE_SCALE is set), next to the per-title
// baseline. rolemine with the threshold and group size chosen by
// leave-one-out on the training users must be clearly above the baseline
// on every split, and with its defaults above it.
func TestAmazonGeneralisation(t *testing.T) {
	if _, err := os.Stat(amazonPath); err != nil {
		t.Skip("the Amazon data is not beside the repository")
	}
	users, resources, err := ReadAmazon(amazonPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 9561 || resources != 7226 {
		t.Fatalf("read %d users and %d granted resources, want 9,561 and 7,226", len(users), resources)
	}
	// Ten splits take about two minutes; the suite runs two.
	splits := 2
	if os.Getenv("ROLEMINE_SCALE") != "" {
		splits = 10
	}
	var base, ours, tuned []float64
	for s := range splits {
		r, err := RunAmazonSplit(context.Background(), users, resources, uint64(s+1))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("split %d: baseline P %.3f R %.3f F1 %.3f | defaults, by %v (%d packages): P %.3f R %.3f F1 %.3f | tuned (threshold %.2f, min %d, by %v): P %.3f R %.3f F1 %.3f",
			r.Seed, r.Baseline.Precision, r.Baseline.Recall, r.Baseline.F1, r.Attributes, r.Packages, r.Rolemine.Precision, r.Rolemine.Recall, r.Rolemine.F1,
			r.TunedThreshold, r.TunedMinMembers, r.TunedAttributes, r.Tuned.Precision, r.Tuned.Recall, r.Tuned.F1)
		if r.Rolemine.F1 <= r.Baseline.F1 {
			t.Errorf("split %d: rolemine's F1 with its defaults %.3f is not above the baseline's %.3f", r.Seed, r.Rolemine.F1, r.Baseline.F1)
		}
		if r.Tuned.F1 < 10*r.Baseline.F1+0.02 {
			t.Errorf("split %d: tuned F1 %.3f is not clearly above the baseline's %.3f", r.Seed, r.Tuned.F1, r.Baseline.F1)
		}
		base = append(base, r.Baseline.F1)
		ours = append(ours, r.Rolemine.F1)
		tuned = append(tuned, r.Tuned.F1)
	}
	bm, bs := MeanSD(base)
	om, os := MeanSD(ours)
	tm, ts := MeanSD(tuned)
	t.Logf("F1 over %d splits: baseline %.3f ± %.3f, rolemine defaults %.3f ± %.3f, tuned %.3f ± %.3f", splits, bm, bs, om, os, tm, ts)
}
