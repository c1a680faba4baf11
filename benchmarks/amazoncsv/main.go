// Command amazoncsv writes the Amazon Employee Access grants
// (../shared/datasets/amazon_access_dlbac/train_test_amazon1.sample; see its
// SOURCE.md) as rolemine's input files: users.csv with one user per uid and
// the eight attribute codes as columns of their own, resources.csv with one
// application per resource, and assignments.csv with the granted requests
// (ACTION 1). Usage:
//
//	go run ./benchmarks/amazoncsv SAMPLE OUTDIR
package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

var attributes = []string{"MGR_ID", "ROLE_ROLLUP_1", "ROLE_ROLLUP_2", "ROLE_DEPTNAME", "ROLE_TITLE", "ROLE_FAMILY_DESC", "ROLE_FAMILY", "ROLE_CODE"}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: amazoncsv SAMPLE OUTDIR")
		os.Exit(2)
	}
	if err := convert(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "amazoncsv:", err)
		os.Exit(1)
	}
}

func convert(sample, dir string) error {
	f, err := os.Open(sample)
	if err != nil {
		return err
	}
	defer f.Close()
	users := map[string][]string{}
	grants := map[[2]string]bool{}
	resources := map[string]bool{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fs := strings.Fields(sc.Text())
		if len(fs) != 12 {
			return fmt.Errorf("%s:%d: %d fields, want 12", sample, line, len(fs))
		}
		users[fs[0]] = fs[2:10]
		if fs[11] == "1" {
			grants[[2]string{fs[0], fs[1]}] = true
			resources[fs[1]] = true
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	byNumber := func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	}
	ids := make([]string, 0, len(users))
	for id := range users {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, byNumber)
	var rows [][]string
	for _, id := range ids {
		rows = append(rows, append([]string{"u" + id, "u" + id + "@amazon.example"}, users[id]...))
	}
	if err := write(filepath.Join(dir, "users.csv"), append([]string{"id", "userPrincipalName"}, attributes...), rows); err != nil {
		return err
	}
	rs := make([]string, 0, len(resources))
	for r := range resources {
		rs = append(rs, r)
	}
	slices.SortFunc(rs, byNumber)
	rows = nil
	for _, r := range rs {
		rows = append(rows, []string{"r" + r, "application", "Resource " + r})
	}
	if err := write(filepath.Join(dir, "resources.csv"), []string{"id", "type", "displayName"}, rows); err != nil {
		return err
	}
	rows = nil
	for g := range grants {
		rows = append(rows, []string{"u" + g[0], "r" + g[1], "User"})
	}
	slices.SortFunc(rows, func(a, b []string) int {
		if c := byNumber(a[0][1:], b[0][1:]); c != 0 {
			return c
		}
		return byNumber(a[1][1:], b[1][1:])
	})
	return write(filepath.Join(dir, "assignments.csv"), []string{"userId", "resourceId", "role"}, rows)
}

func write(path string, header []string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write(header)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
