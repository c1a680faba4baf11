package reader

import (
	"context"
	"fmt"

	"github.com/microsoft/kiota-abstractions-go/serialization"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"

	"github.com/rolemine/rolemine/graph/graphclient"
)

func endpointErr(endpoint string, err error) error {
	return fmt.Errorf("GET %s: %w", endpoint, graphclient.Describe(err))
}

// collect pages through a collection response, calling f for each item.
func collect[T any](ctx context.Context, r *Reader, endpoint string, first any, factory serialization.ParsableFactory, f func(T)) (deltaLink string, err error) {
	it, err := msgraphcore.NewPageIterator[T](first, r.c.Adapter, factory)
	if err != nil {
		return "", endpointErr(endpoint, err)
	}
	if err := it.Iterate(ctx, func(item T) bool { f(item); return true }); err != nil {
		return "", endpointErr(endpoint, err)
	}
	if l := it.GetOdataDeltaLink(); l != nil {
		deltaLink = *l
	}
	return deltaLink, nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
