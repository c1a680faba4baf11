package bench

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/mining"
)

// Every stage of the benchmark tells the progress callback that it
// started and what it handled when it ended: the store's, the miner's and
// its own.
func TestTenantReportsItsStages(t *testing.T) {
	opt := mining.DefaultOptions()
	ended := map[string]mining.Progress{}
	var started []string
	opt.Progress = func(p mining.Progress) {
		switch {
		case p.Done == 0 && p.Total == 0 && p.Unit == "":
			started = append(started, p.Stage)
		case p.Total > 0 && p.Done >= p.Total || p.Unit != "":
			ended[p.Stage] = p
		}
	}
	cfg := tenantgen.DefaultConfig(400, 1)
	res, err := Tenant(context.Background(), t.TempDir(), cfg, opt, "")
	require.NoError(t, err)
	for stage, unit := range map[string]string{"generate tenant": "users", "read users.csv": "rows", "write snapshot": "rows",
		"read_csv floor": "rows", "overprovisioning": "users", "separation of duties": "users"} {
		require.Contains(t, started, stage)
		require.Equal(t, unit, ended[stage].Unit, stage)
	}
	require.Equal(t, 400, ended["generate tenant"].Done)
	require.Equal(t, int(res.ReadCSV.Rows), ended["read_csv floor"].Done)
	require.Equal(t, int(res.Assignments), ended["write snapshot"].Done)
	require.Contains(t, started, "save run")
}
