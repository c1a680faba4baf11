// Package render writes rows as an aligned table, CSV or JSON. Every
// writer is safe for values that came from a tenant: tables drop control
// characters (no terminal escapes), CSV cells that a spreadsheet would run
// as a formula are neutralised.
package render

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// Formats of tabular output.
const (
	Table = "table"
	CSV   = "csv"
	JSON  = "json"
)

// CheckFormat returns an error unless format is one of allowed.
func CheckFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return fmt.Errorf("unknown format %q (use %s)", format, strings.Join(allowed, ", "))
}

// WriteJSON writes v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(true)
	return enc.Encode(v)
}

// SafeCell neutralises a CSV cell that a spreadsheet would evaluate as a
// formula: one starting with =, +, -, @, a tab or a carriage return gets a
// leading apostrophe (OWASP's advice for CSV injection).
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes a header and rows as CSV with every cell neutralised.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	cell := make([]string, len(header))
	for _, r := range rows {
		for i, c := range r {
			cell[i] = SafeCell(c)
		}
		if err := cw.Write(cell[:len(r)]); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteTable writes a header and rows as an aligned text table, whole:
// cells are stripped of control characters and never cut.
func WriteTable(w io.Writer, header []string, rows [][]string) error {
	cols := make([]Column, len(header))
	for i, h := range header {
		cols[i] = Column{Name: h}
	}
	t := TextTable{Columns: cols, Rows: rows}
	return t.Write(w, 0)
}

// Count returns n with its noun, singular or plural: "1 finding",
// "3 findings", "2 title mismatches". An irregular plural is given as the
// third argument.
func Count(n int, singular string, plural ...string) string {
	if n == 1 {
		return "1 " + singular
	}
	if len(plural) > 0 {
		return fmt.Sprintf("%d %s", n, plural[0])
	}
	p := singular + "s"
	switch {
	case strings.HasSuffix(singular, "s"), strings.HasSuffix(singular, "sh"), strings.HasSuffix(singular, "ch"), strings.HasSuffix(singular, "x"):
		p = singular + "es"
	case strings.HasSuffix(singular, "y") && !strings.ContainsAny(singular[len(singular)-2:len(singular)-1], "aeiou"):
		p = singular[:len(singular)-1] + "ies"
	}
	return fmt.Sprintf("%d %s", n, p)
}

// Clean replaces control characters and tabs with spaces and cuts s to max
// runes (0: no limit), marking a cut with an ellipsis.
func Clean(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	if max > 0 {
		if r := []rune(s); len(r) > max {
			return string(r[:max-1]) + "…"
		}
	}
	return s
}
