package pipeline

import (
	"context"
	"fmt"

	"github.com/rolemine/rolemine/graph/graphclient"
	"github.com/rolemine/rolemine/graph/reader"
	"github.com/rolemine/rolemine/internal/store"
	"github.com/rolemine/rolemine/tenant"
)

// GraphSource is the snapshots' source for a Graph ingest.
const GraphSource = "graph"

// GraphIngest configures IngestGraph.
type GraphIngest struct {
	Client graphclient.Options
	Reader reader.Options
	// Delta reads only the changes since the latest Graph snapshot.
	Delta bool
}

// IngestGraph reads a tenant from Microsoft Graph (all of it, or the
// changes since the latest Graph snapshot) and stores it as a new
// snapshot. Nothing is written unless the whole read succeeds.
func IngestGraph(ctx context.Context, st *store.Store, opt GraphIngest) (tenant.Snapshot, error) {
	c, err := graphclient.New(ctx, opt.Client)
	if err != nil {
		return tenant.Snapshot{}, err
	}
	r := reader.New(c, opt.Reader)
	var dir *tenant.Directory
	detail := c.BaseURL
	if opt.Delta {
		prev, err := latestGraphSnapshot(ctx, st)
		if err != nil {
			return tenant.Snapshot{}, err
		}
		prevDir, err := st.ReadDirectory(ctx, prev.ID)
		if err != nil {
			return tenant.Snapshot{}, fmt.Errorf("read snapshot %d: %w", prev.ID, err)
		}
		if dir, err = r.Delta(ctx, prevDir); err != nil {
			return tenant.Snapshot{}, err
		}
		detail += fmt.Sprintf(" (changes since snapshot %d)", prev.ID)
	} else if dir, err = r.Read(ctx); err != nil {
		return tenant.Snapshot{}, err
	}
	return st.WriteDirectory(ctx, GraphSource, detail, dir)
}

func latestGraphSnapshot(ctx context.Context, st *store.Store) (tenant.Snapshot, error) {
	snaps, err := st.Snapshots(ctx)
	if err != nil {
		return tenant.Snapshot{}, err
	}
	for i := len(snaps) - 1; i >= 0; i-- {
		if snaps[i].Source == GraphSource {
			return snaps[i], nil
		}
	}
	return tenant.Snapshot{}, fmt.Errorf("--delta needs an earlier Graph snapshot: run `rolemine ingest graph` without --delta first")
}
