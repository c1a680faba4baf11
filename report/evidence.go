package report

import (
	"context"
	"fmt"
	"math"

	"github.com/rolemine/rolemine/mining"
)

// structuralExceptions covers the eligible users' access with the
// structural miner, leaving at most a share noise of it outside every
// role, and returns those assignments as (user, entitlement) pairs.
func structuralExceptions(ctx context.Context, ds *mining.Dataset, noise float64) (map[[2]int32]bool, error) {
	if noise <= 0 {
		return nil, nil
	}
	var users []int32
	for u := 0; u < ds.NumUsers; u++ {
		if ds.IsEligible(u) {
			users = append(users, int32(u))
		}
	}
	b := mining.NewCSRBuilder(len(users), ds.NumEntitlements, 0)
	for i, u := range users {
		row := ds.Row(int(u))
		us := make([]int32, len(row))
		for k := range us {
			us[k] = int32(i)
		}
		if err := b.Add(us, row); err != nil {
			return nil, err
		}
	}
	sub, err := b.Build()
	if err != nil {
		return nil, err
	}
	opt := mining.DefaultCoverOptions()
	opt.MaxNoise = noise
	res, err := mining.Cover(ctx, sub, opt)
	if err != nil {
		return nil, fmt.Errorf("structural cover: %w", err)
	}
	out := make(map[[2]int32]bool, len(res.Exceptions))
	for _, x := range res.Exceptions {
		out[[2]int32{users[x[0]], x[1]}] = true
	}
	return out, nil
}

// wilson returns the lower and upper ends of the Wilson score interval for
// k of n at normal quantile z (z = 0 gives k/n for both).
func wilson(k, n int, z float64) (lower, upper float64) {
	if n == 0 {
		return 0, 0
	}
	p, nf := float64(k)/float64(n), float64(n)
	d := 1 + z*z/nf
	c := p + z*z/(2*nf)
	r := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))
	return (c - r) / d, (c + r) / d
}

// wilsonUpper is the upper end of the Wilson score interval.
func wilsonUpper(k, n int, z float64) float64 { _, u := wilson(k, n, z); return u }

// wilsonLower is the lower end of the Wilson score interval.
func wilsonLower(k, n int, z float64) float64 { l, _ := wilson(k, n, z); return l }
