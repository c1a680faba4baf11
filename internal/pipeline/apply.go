package pipeline

import (
	"context"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/graph/apply"
	"github.com/rolemine/rolemine/graph/graphclient"
	"github.com/rolemine/rolemine/tenant"
)

// Apply carries out a Graph plan against Microsoft Graph (a dry run unless
// opt.Yes).
func Apply(ctx context.Context, c *graphclient.Client, plan *export.Plan, opt apply.Options) (*apply.Result, error) {
	return apply.Apply(ctx, c, plan, opt)
}

// RetirePlan reads how the tenant's users hold the access that the run's
// packages deliver, and builds the plan that retires the grant paths the
// packages replace (export.BuildRetire).
func RetirePlan(ctx context.Context, c *graphclient.Client, run *tenant.Run, catalog string) (*export.Plan, error) {
	st, err := apply.ReadRetireState(ctx, c, run.Packages, catalog)
	if err != nil {
		return nil, err
	}
	return export.BuildRetire(st), nil
}
