package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/rolemine/rolemine/internal/render"
)

// The backtest as one self-contained page: no script, no request, every
// value escaped by html/template.
//
//go:embed backtest.html.tmpl
var backtestTemplate string

var backtestTmpl = template.Must(template.New("backtest").Funcs(template.FuncMap{
	"inc": func(i int) int { return i + 1 },
	"pm":  plusMinus,
	"pct": func(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) },
	"groupings": func(t Tuned) string {
		parts := []string{strings.Join(t.By, " + ")}
		for _, g := range t.AlsoBy {
			parts = append(parts, strings.Join(g, " + "))
		}
		return strings.Join(parts, "; ")
	},
}).Parse(backtestTemplate))

func plusMinus(s Stat) string { return fmt.Sprintf("%.3f ± %.3f", s.Mean, s.SD) }

// WriteBacktest renders a backtest as a table, JSON or a self-contained
// HTML page; the table lists the first l.Limit packages.
func WriteBacktest(w io.Writer, r *BacktestResult, format string, l render.Layout) error {
	switch format {
	case "html":
		return backtestTmpl.Execute(w, r)
	case render.JSON:
		return render.WriteJSON(w, r)
	case render.Table:
	default:
		return fmt.Errorf("unknown format %q", format)
	}
	render.WriteParagraph(w, l.Width, fmt.Sprintf("Backtest of snapshot %d: %s, %.0f%% of the member accounts held out in each; precision, recall and F1 over the held-out users' grants (mean ± sd over the splits).",
		r.SnapshotID, render.Count(r.Splits, "split"), 100*r.Holdout))
	fmt.Fprintln(w)
	rows := [][]string{{"rolemine", plusMinus(r.F1), plusMinus(r.Precision), plusMinus(r.Recall)}}
	for _, b := range r.Baselines {
		rows = append(rows, []string{"baseline: " + b.Name, plusMinus(b.F1), plusMinus(b.Precision), plusMinus(b.Recall)})
	}
	if err := writeTable(w, l, []render.Column{{Name: "METHOD", Wrap: true}, {Name: "F1"}, {Name: "PRECISION"}, {Name: "RECALL"}}, rows); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nrolemine's F1 is above the best baseline's in %d of the %d splits.\n\n", r.AboveBest, r.Splits)
	rows = nil
	for _, k := range r.PerKind {
		rows = append(rows, []string{k.Kind, plusMinus(k.F1), plusMinus(k.Precision), plusMinus(k.Recall)})
	}
	if err := writeTable(w, l, []render.Column{{Name: "RESOURCES"}, {Name: "F1"}, {Name: "PRECISION"}, {Name: "RECALL"}}, rows); err != nil {
		return err
	}
	fmt.Fprintln(w)
	rows = nil
	for i, p := range r.PerPackage {
		if l.Limit > 0 && i >= l.Limit {
			break
		}
		rows = append(rows, []string{p.Name, p.Kind, strconv.Itoa(p.True), strconv.Itoa(p.Extra)})
	}
	return writeTable(w, l, []render.Column{{Name: "PACKAGE", Wrap: true}, {Name: "KIND"}, {Name: "TRUE GRANTS"}, {Name: "EXTRA GRANTS"}}, rows)
}
