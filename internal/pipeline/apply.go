package pipeline

import (
	"context"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/export/apply"
	"github.com/rolemine/rolemine/internal/graphclient"
)

// Apply carries out the Graph plan of a run's packages against Microsoft
// Graph (a dry run unless opt.Yes).
func Apply(ctx context.Context, client graphclient.Options, plan *export.Plan, opt apply.Options) (*apply.Result, error) {
	c, err := graphclient.New(ctx, client)
	if err != nil {
		return nil, err
	}
	return apply.Apply(ctx, c, plan, opt)
}
