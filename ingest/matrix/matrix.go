// Package matrix reads bare user×permission matrices, the input of
// structural role mining (`rolemine cover`), in the two formats of the
// classic role-mining benchmarks:
//
//   - hp: one assignment per line, "user permission", separated by any
//     white space (the HP Labs datasets);
//   - rbac: one user per line, "user perm perm ...", separated by any white
//     space (the .rbac/.rmp format).
//
// In both, blank lines and lines starting with # are skipped. Identifiers
// are kept as they appear in the file, in order of first appearance.
package matrix

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// Formats.
const (
	HP   = "hp"
	RBAC = "rbac"
)

// Matrix is a parsed matrix: the dataset for the miner and the identifiers
// behind its indices.
type Matrix struct {
	Users       []string
	Permissions []string
	Data        *mining.Dataset
}

// DetectFormat guesses the format from a file name: .rbac and .rmp are
// rbac, anything else hp.
func DetectFormat(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".rbac", ".rmp":
		return RBAC
	}
	return HP
}

// ReadFile reads a matrix file; format "" detects it from the name.
func ReadFile(path, format string) (*Matrix, error) {
	if format == "" {
		format = DetectFormat(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path, format)
}

// Read parses a matrix; name is used in errors.
func Read(r io.Reader, name, format string) (*Matrix, error) {
	if format != HP && format != RBAC {
		return nil, fmt.Errorf("unknown matrix format %q (use hp or rbac)", format)
	}
	m := &Matrix{}
	userIdx, permIdx := map[string]int32{}, map[string]int32{}
	intern := func(idx map[string]int32, ids *[]string, s string) int32 {
		i, ok := idx[s]
		if !ok {
			i = int32(len(*ids))
			idx[s] = i
			*ids = append(*ids, s)
		}
		return i
	}
	var us, ps []int32
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<28)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if format == HP && len(fields) != 2 {
			return nil, &tenant.InputError{File: name, Line: line, Msg: fmt.Sprintf("want \"user permission\", got %d fields", len(fields))}
		}
		if format == RBAC && len(fields) < 1 {
			continue
		}
		u := intern(userIdx, &m.Users, fields[0])
		for _, p := range fields[1:] {
			us = append(us, u)
			ps = append(ps, intern(permIdx, &m.Permissions, p))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &tenant.InputError{File: name, Line: line + 1, Msg: err.Error()}
	}
	if len(us) == 0 {
		return nil, &tenant.InputError{File: name, Msg: "no assignments in the file"}
	}
	b := mining.NewCSRBuilder(len(m.Users), len(m.Permissions), len(us))
	if err := b.Add(us, ps); err != nil {
		return nil, err
	}
	d, err := b.Build()
	if err != nil {
		return nil, err
	}
	m.Data = d
	return m, nil
}
