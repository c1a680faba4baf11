package benchmarks

import (
	"context"
	"os"
	"testing"
)

// TestGraphIngestSmall runs the scale mode small, so that the suite keeps
// it working.
func TestGraphIngestSmall(t *testing.T) {
	res, err := RunGraphIngest(context.Background(), t.TempDir(), 2000, 200, 20000)
	if err != nil {
		t.Fatal(err)
	}
	if res.Assignments < 20000 || res.ObjectsPerS <= 0 {
		t.Fatalf("unexpected result %+v", res)
	}
	t.Logf("%+v", res)
}

// TestGraphIngestScale is the scale benchmark of the issue: 50k users, 5k
// groups, 500k memberships. Run it with ROLEMINE_SCALE=1 (about a minute).
func TestGraphIngestScale(t *testing.T) {
	if os.Getenv("ROLEMINE_SCALE") == "" {
		t.Skip("set ROLEMINE_SCALE=1 to run the scale benchmarks")
	}
	res, err := RunGraphIngest(context.Background(), t.TempDir(), 50_000, 5_000, 500_000)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("users=%d groups=%d memberships=%d objects=%d requests=%d read=%.1fs write=%.1fs objects/s=%.0f peakHeap=%.0fMiB assignments=%d",
		res.Users, res.Groups, res.Memberships, res.Objects, res.Requests, res.ReadSecs, res.WriteSecs, res.ObjectsPerS, res.PeakHeapMiB, res.Assignments)
}
