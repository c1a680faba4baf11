package render

import (
	"io"
	"strings"
	"unicode/utf8"
)

// Layout says how tables are laid out for their reader.
type Layout struct {
	// Width is the terminal's width in columns; 0: no limit (a pipe or a
	// file gets whole lines).
	Width int
	// Limit is the most rows a long list shows; 0: all of them.
	Limit int
}

// Column is a column of a TextTable.
type Column struct {
	Name string
	// Wrap lets the column's cells wrap at spaces when the table is wider
	// than the layout (a reason, a rule). Other cells are never cut.
	Wrap bool
	// Drop orders the columns a narrow layout leaves out: 0 never, a
	// higher number first.
	Drop int
}

// TextTable is rows under named columns, written aligned to fit a Layout.
type TextTable struct {
	Columns []Column
	Rows    [][]string
}

// minWrap is the narrowest a wrapped column gets before columns are
// dropped, and leastWrap the narrowest it gets when none is left to drop.
const minWrap, leastWrap = 24, 8

// gap is the space between columns.
const gap = 2

// Write writes the table to fit width (0: no limit): when the natural
// width exceeds it, wrapped columns wrap at spaces, and when they would be
// narrower than minWrap, droppable columns are left out, highest Drop first.
func (t *TextTable) Write(w io.Writer, width int) error {
	cols := make([]int, len(t.Columns)) // indexes of the columns shown
	for i := range cols {
		cols[i] = i
	}
	cells := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		cells[i] = make([]string, len(t.Columns))
		for j := range t.Columns {
			if j < len(r) {
				cells[i][j] = Clean(r[j], 0)
			}
		}
	}
	natural := make([]int, len(t.Columns))
	for j, c := range t.Columns {
		natural[j] = utf8.RuneCountInString(c.Name)
		for _, r := range cells {
			natural[j] = max(natural[j], utf8.RuneCountInString(r[j]))
		}
	}
	widths := fit(t.Columns, natural, cols, width, minWrap)
	for widths == nil {
		// Leave out the most droppable column and try again.
		drop, at := 0, -1
		for k, j := range cols {
			if d := t.Columns[j].Drop; d > drop {
				drop, at = d, k
			}
		}
		if at < 0 {
			// Nothing left to drop: wrap narrower, or else be wider than asked.
			if widths = fit(t.Columns, natural, cols, width, leastWrap); widths == nil {
				widths = natural
			}
			break
		}
		cols = append(cols[:at:at], cols[at+1:]...)
		widths = fit(t.Columns, natural, cols, width, minWrap)
	}
	var b strings.Builder
	line := func(row []string) {
		parts := make([][]string, len(cols))
		lines := 1
		for k, j := range cols {
			if t.Columns[j].Wrap && widths[j] < natural[j] {
				parts[k] = wrap(row[j], widths[j])
			} else {
				parts[k] = []string{row[j]}
			}
			lines = max(lines, len(parts[k]))
		}
		for l := 0; l < lines; l++ {
			var sb strings.Builder
			for k, j := range cols {
				s := ""
				if l < len(parts[k]) {
					s = parts[k][l]
				}
				sb.WriteString(s)
				if k < len(cols)-1 {
					sb.WriteString(strings.Repeat(" ", widths[j]-utf8.RuneCountInString(s)+gap))
				}
			}
			b.WriteString(strings.TrimRight(sb.String(), " "))
			b.WriteByte('\n')
		}
	}
	header := make([]string, len(t.Columns))
	for j, c := range t.Columns {
		header[j] = c.Name
	}
	line(header)
	for _, r := range cells {
		line(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fit returns the width of each column in cols for a table no wider than
// width, or nil when the wrapped columns would be narrower than least.
func fit(columns []Column, natural, cols []int, width, least int) []int {
	widths := append([]int(nil), natural...)
	total, wrapped := gap*(len(cols)-1), 0
	for _, j := range cols {
		total += natural[j]
		if columns[j].Wrap {
			wrapped++
		}
	}
	if width <= 0 || total <= width {
		return widths
	}
	if wrapped == 0 {
		return nil
	}
	// Share what the other columns leave among the wrapped ones, the
	// narrower first so that a short one keeps its natural width.
	room := width - gap*(len(cols)-1)
	var wraps []int
	for _, j := range cols {
		if columns[j].Wrap {
			wraps = append(wraps, j)
		} else {
			room -= natural[j]
		}
	}
	for len(wraps) > 0 {
		share := room / len(wraps)
		narrowest := 0
		for k, j := range wraps {
			if natural[j] < natural[wraps[narrowest]] {
				narrowest = k
			}
		}
		j := wraps[narrowest]
		widths[j] = min(natural[j], share)
		if widths[j] < min(natural[j], least) {
			return nil
		}
		room -= widths[j]
		wraps = append(wraps[:narrowest], wraps[narrowest+1:]...)
	}
	return widths
}

// wrap breaks s into lines of at most width runes at spaces; a word longer
// than a line is broken after a hyphen, slash or dot, or else at the end
// of the line.
func wrap(s string, width int) []string {
	width = max(width, 1)
	var lines []string
	var cur []rune
	for _, word := range strings.Fields(s) {
		wr := []rune(word)
		switch {
		case len(cur) == 0:
		case len(cur)+1+len(wr) <= width:
			cur = append(cur, ' ')
		default:
			lines = append(lines, string(cur))
			cur = cur[:0]
		}
		for len(cur)+len(wr) > width {
			// A word wider than the column: break it after a hyphen, a
			// slash or a dot where one fits, else where the line ends.
			n := width - len(cur)
			for k := n - 1; k > 0; k-- {
				if strings.ContainsRune("-/.", wr[k-1]) {
					n = k
					break
				}
			}
			lines = append(lines, string(append(cur, wr[:n]...)))
			cur, wr = cur[:0], wr[n:]
		}
		cur = append(cur, wr...)
	}
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// WriteParagraph writes text wrapped at spaces to width columns (0: one
// line), ending with a newline.
func WriteParagraph(w io.Writer, width int, text string) error {
	text = Clean(text, 0)
	if width <= 0 {
		_, err := io.WriteString(w, text+"\n")
		return err
	}
	_, err := io.WriteString(w, strings.Join(wrap(text, width), "\n")+"\n")
	return err
}
