package pipeline

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/mining"
)

// TestInterruptedTuneIsNoUsageError: cancelling --tune while it searches
// (the interrupt of Ctrl-C) ends Mine with context.Canceled, which the
// CLI reports as an interruption, and not as "no attribute predicts
// access", which it reports as a usage error; without the interrupt, the
// same tenant tunes.
func TestInterruptedTuneIsNoUsageError(t *testing.T) {
	ctx := context.Background()
	st := ingestedTenant(t, 300, 4)

	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	opt := mining.DefaultOptions()
	tuning := 0
	opt.Progress = func(p mining.Progress) {
		if p.Stage == "tune" {
			tuning++
			if p.Done == 2 {
				cancel()
			}
		}
	}
	_, _, err := Mine(cctx, st, 0, MineOptions{Options: opt, Tune: true})
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, errors.Is(err, ErrNoAttribute), "an interrupt is not a missing predictor: %v", err)
	require.Equal(t, 3, tuning, "the search stopped where it was interrupted")

	_, run, err := Mine(ctx, st, 0, MineOptions{Options: mining.DefaultOptions(), Tune: true})
	require.NoError(t, err)
	require.NotEmpty(t, run.Packages)
}
