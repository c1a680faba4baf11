package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/tenant"
)

// FuzzCSVSource: any bytes in a .csv file either give a header of named,
// distinct columns or an InputError naming the file; nothing panics, and
// the temporary copy is removed.
func FuzzCSVSource(f *testing.F) {
	f.Add([]byte("id,jobTitle\nu1,A\n"))
	f.Add([]byte("sep=;\nid;jobTitle\nu1;A\n"))
	f.Add([]byte("\xff\xfei\x00d\x00\n\x00u\x001\x00"))
	f.Add([]byte("\xfe\xff\x00s\x00e\x00p\x00=\x00;\x00\n"))
	f.Add([]byte("\"a;b\",c;d\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in.csv")
		require.NoError(t, os.WriteFile(path, data, 0o644))
		src, err := Open(path, FormatCSV)
		if err != nil {
			var ie *tenant.InputError
			require.True(t, errors.As(err, &ie), "%v", err)
			require.Equal(t, path, ie.File)
			return
		}
		defer func() {
			src.Close()
			if src.Temp {
				require.NoFileExists(t, src.Read)
			}
		}()
		header, err := src.Header()
		if err != nil {
			var ie *tenant.InputError
			require.True(t, errors.As(err, &ie), "%v", err)
			require.Equal(t, path, ie.File)
			return
		}
		seen := map[string]bool{}
		for _, h := range header {
			require.NotEmpty(t, h)
			require.False(t, seen[strings.ToLower(h)])
			seen[strings.ToLower(h)] = true
		}
		src.RecordLine(0)
	})
}
