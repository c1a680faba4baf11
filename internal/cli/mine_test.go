package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/mining"
)

// TestRunMine runs mine without cobra: JSON with the packages, and the
// errors a user can fix (an attribute that does not exist, a format) as
// usage errors.
func TestRunMine(t *testing.T) {
	ctx := context.Background()
	_, db := ingestedDB(t)
	g := &globals{db: db}
	var out, errb bytes.Buffer
	require.NoError(t, runMine(ctx, &IO{Out: &out, Err: &errb}, g, &mineOptions{format: render.JSON, opt: mining.DefaultOptions()}))
	var doc struct {
		Packages []struct {
			ID           string `json:"id"`
			Entitlements []any  `json:"entitlements"`
		} `json:"packages"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	require.NotEmpty(t, doc.Packages)
	for _, p := range doc.Packages {
		require.NotEmpty(t, p.Entitlements, "package %s", p.ID)
	}

	opt := mining.DefaultOptions()
	opt.By = []string{"shoeSize"}
	err := runMine(ctx, &IO{Out: &out, Err: &errb}, g, &mineOptions{format: render.Table, opt: opt})
	var ue usageError
	require.True(t, errors.As(err, &ue), "an unknown attribute is a usage error: %v", err)
	require.ErrorContains(t, err, "shoeSize")
	err = runMine(ctx, &IO{Out: &out, Err: &errb}, g, &mineOptions{format: "xml", opt: mining.DefaultOptions()})
	require.True(t, errors.As(err, &ue), "an unknown format is a usage error: %v", err)
}
