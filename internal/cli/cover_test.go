package cli

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCoverPlanted generates a dense planted matrix, covers it through the
// CLI and checks what the JSON reports: the planted number of roles (the
// structural core's target on such instances), a lower bound not above it,
// and the gap between the two.
func TestCoverPlanted(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := run(t, "generate", "matrix", "--users", "100", "--perms", "200", "--roles", "50", "--seed", "2", "--out", dir)
	require.Equal(t, 0, code, stderr)
	code, out, stderr := run(t, "cover", filepath.Join(dir, "matrix.txt"), "--format", "json")
	require.Equal(t, 0, code, stderr)
	var got struct {
		RoleCount, LowerBound, Gap int
		Proved                     bool
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Equal(t, 50, got.RoleCount)
	require.Equal(t, 41, got.LowerBound)
	require.Equal(t, 9, got.Gap)
	require.False(t, got.Proved)

	code, out, _ = run(t, "cover", filepath.Join(dir, "matrix.txt"))
	require.Equal(t, 0, code)
	require.Contains(t, out, "50 roles (at least 41 needed, 9 above that bound, not proved optimal)")
}
