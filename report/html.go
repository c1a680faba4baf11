package report

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/tenant"
)

// Document is everything the HTML report shows. SoD may be nil (no rule
// file and no suggestions).
type Document struct {
	Data   *tenant.Data
	Run    *tenant.Run
	Over   *Overprovisioning
	Impact *Impact
	SoD    *SoD
	// Attributes ranks the attributes by how well they predict access
	// (mining.RankAttributes); may be empty.
	Attributes []mining.AttributeScore
	// Existing compares the proposals with the access packages that exist;
	// may be nil.
	Existing *Comparison
}

// The HTML report is one self-contained file: inline CSS, charts as data:
// images, no script. Its Content-Security-Policy forbids every request and
// every script, so a value that slipped through escaping still could not
// run or fetch anything. html/template escapes every value from the tenant.
//
//go:embed report.html.tmpl
var htmlTemplate string

// htmlTmpl is parsed once; WriteHTML gives a clone the functions that
// name a document's entitlements and packages.
var htmlTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":     func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) },
	"num":     func(x float64) string { return ftoa(x) },
	"ents":    func([]tenant.Entitlement) string { return "" },
	"pkgName": func(string) string { return "" },
	"first":   firstN,
	"join":    strings.Join,
}).Parse(htmlTemplate))

// HTMLLimit is how many rows the HTML report's summary tables (impact by
// user, packages beside existing ones) show; every finding, mover, title
// mismatch, account and violation is shown, and the CSV and JSON reports
// hold every row.
const HTMLLimit = 200

func firstN(v any, n int) any {
	s := reflect.ValueOf(v)
	if s.Kind() != reflect.Slice {
		panic(fmt.Sprintf("firstN: %T", v))
	}
	return s.Slice(0, min(n, s.Len())).Interface()
}

type packageRow struct {
	Name, Rule   string
	Kind         tenant.Kind
	Automatic    bool
	DirectReason string
	Members      int
	Entitlements int
	Coverage     float64
	// RuleFit is the precision and recall of a cluster package's rule.
	RuleFit string
}

type htmlView struct {
	Doc      *Document
	Snapshot tenant.Snapshot
	Limit    int
	Packages []packageRow
	Charts   []chart
	SoDChart *chart
	// Departments holds the findings by department, largest first, each a
	// section of the page that the index links to.
	Departments []findingSection
}

// findingSection is the findings of one department.
type findingSection struct {
	Anchor, Name string
	Users        int
	Sensitive    int
	Findings     []Finding
}

// findingSections groups the findings by department, keeping their order
// (highest score first) within each; departments with the most findings
// come first.
func findingSections(over *Overprovisioning) []findingSection {
	if over == nil {
		return nil
	}
	index := map[string]int{}
	var out []findingSection
	users := map[string]map[string]bool{}
	for _, f := range over.Findings {
		name := cmp.Or(f.Department, "(no department)")
		i, ok := index[name]
		if !ok {
			i = len(out)
			index[name] = i
			out = append(out, findingSection{Name: name})
			users[name] = map[string]bool{}
		}
		out[i].Findings = append(out[i].Findings, f)
		users[name][f.UserID] = true
		if f.Sensitive {
			out[i].Sensitive++
		}
	}
	for i := range out {
		out[i].Users = len(users[out[i].Name])
	}
	slices.SortStableFunc(out, func(a, b findingSection) int {
		return cmp.Or(cmp.Compare(len(b.Findings), len(a.Findings)), strings.Compare(a.Name, b.Name))
	})
	for i := range out {
		out[i].Anchor = fmt.Sprintf("dept-%d", i+1)
	}
	return out
}

// WriteHTML renders the document as a self-contained HTML report. The
// output depends only on the document: the same input gives the same bytes.
func WriteHTML(w io.Writer, doc *Document) error {
	v := &htmlView{Doc: doc, Snapshot: doc.Data.Snapshot, Limit: HTMLLimit, Departments: findingSections(doc.Over)}
	pkgNames := map[string]string{}
	for _, p := range doc.Run.Packages {
		pkgNames[p.ID] = p.Name
	}
	tmpl, err := htmlTmpl.Clone()
	if err != nil {
		return err
	}
	tmpl.Funcs(template.FuncMap{
		// Entitlements by name: "Member on SG-Payroll; AP.Clerk on SAP".
		"ents": func(es []tenant.Entitlement) string {
			names := make([]string, len(es))
			for i, e := range es {
				names[i] = entName(doc.Data, e)
			}
			return strings.Join(names, "; ")
		},
		"pkgName": func(id string) string { return cmp.Or(pkgNames[id], id) },
	})
	ix, err := indexPackages(doc.Data, doc.Run.Packages)
	if err != nil {
		return err
	}
	coverage := packageCoverage(doc.Data, ix)
	for i, p := range doc.Run.Packages {
		row := packageRow{Name: p.Name, Kind: p.Kind, Rule: p.Rule, Automatic: p.Automatic, DirectReason: p.DirectReason,
			Members: len(p.Members), Entitlements: len(p.Entitlements), Coverage: coverage[i]}
		if p.Kind != tenant.KindBirthright && (p.Metrics.RulePrecision > 0 || p.Metrics.RuleRecall > 0) {
			row.RuleFit = fmt.Sprintf("precision %.2f, recall %.2f", p.Metrics.RulePrecision, p.Metrics.RuleRecall)
		}
		v.Packages = append(v.Packages, row)
	}
	charts, err := buildCharts(doc, ix, coverage)
	if err != nil {
		return err
	}
	v.Charts = charts
	if doc.SoD != nil {
		c, err := sodChart(doc)
		if err != nil {
			return err
		}
		if c.Src != "" {
			v.SoDChart = &c
		}
	}
	return tmpl.Execute(w, v)
}

// packageCoverage returns, per package, the share of its members' grants
// that their packages explain.
func packageCoverage(d *tenant.Data, ix *pkgIndex) []float64 {
	ds := d.Dataset
	explainedRows := make([]int, ds.NumUsers) // per user: grants their packages explain
	mark := make([]bool, ds.NumEntitlements)
	for u := 0; u < ds.NumUsers; u++ {
		if len(ix.byUser[u]) == 0 {
			continue
		}
		for _, p := range ix.byUser[u] {
			for _, e := range ix.ents[p] {
				mark[e] = true
			}
		}
		for _, e := range ds.Row(u) {
			if mark[e] {
				explainedRows[u]++
			}
		}
		for _, p := range ix.byUser[u] {
			for _, e := range ix.ents[p] {
				mark[e] = false
			}
		}
	}
	out := make([]float64, len(ix.members))
	for p, members := range ix.members {
		held, explained := 0, 0
		for _, u := range members {
			held += len(ds.Row(int(u)))
			explained += explainedRows[u]
		}
		if held > 0 {
			out[p] = round(float64(explained) / float64(held))
		}
	}
	return out
}

// buildCharts draws the job function × entitlement heatmap, the package
// coverage, and the distribution of excess access per user.
func buildCharts(doc *Document, ix *pkgIndex, coverage []float64) ([]chart, error) {
	d, pkgs := doc.Data, doc.Run.Packages
	var jf []int
	for i, p := range pkgs {
		if p.Kind == tenant.KindJobFunction {
			jf = append(jf, i)
		}
	}
	slices.SortStableFunc(jf, func(a, b int) int { return cmp.Compare(len(ix.members[b]), len(ix.members[a])) })
	jf = jf[:min(25, len(jf))]
	// Columns: the entitlements that at least a fifth of a shown job
	// function's members hold, outside the birthright, held that widely by
	// the most job functions first.
	birthright := map[int32]bool{}
	for i, p := range pkgs {
		if p.Kind == tenant.KindBirthright {
			for _, e := range ix.ents[i] {
				birthright[e] = true
			}
		}
	}
	prevalence := make([]map[int32]float64, len(jf))
	shared := map[int32]int{}
	for k, p := range jf {
		prevalence[k] = map[int32]float64{}
		for _, u := range ix.members[p] {
			for _, e := range d.Dataset.Row(int(u)) {
				prevalence[k][e]++
			}
		}
		for e, c := range prevalence[k] {
			prevalence[k][e] = c / float64(max(1, len(ix.members[p])))
			if prevalence[k][e] >= 0.2 && !birthright[e] {
				shared[e]++
			}
		}
	}
	var cols []int32
	for e := range shared {
		cols = append(cols, e)
	}
	slices.SortFunc(cols, func(a, b int32) int { return cmp.Or(cmp.Compare(shared[b], shared[a]), cmp.Compare(a, b)) })
	cols = cols[:min(40, len(cols))]
	slices.SortFunc(cols, func(a, b int32) int {
		return cmp.Or(strings.Compare(entName(d, d.Entitlements[a]), entName(d, d.Entitlements[b])), cmp.Compare(a, b))
	})
	g := grid{}
	for _, e := range cols {
		g.Cols = append(g.Cols, entName(d, d.Entitlements[e]))
	}
	for k, p := range jf {
		row := make([]float64, len(cols))
		for c, e := range cols {
			row[c] = prevalence[k][e]
		}
		g.Values = append(g.Values, row)
		g.Rows = append(g.Rows, pkgs[p].Name)
	}
	var out []chart
	add := func(c chart, err error) error {
		if err != nil {
			return err
		}
		if c.Src != "" {
			out = append(out, c)
		}
		return nil
	}
	if err := add(heatmapChart("Job function × entitlement",
		"Share of each job function's members holding each entitlement, for the largest job functions", g, "share of members holding it",
		func(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) }, false)); err != nil {
		return nil, err
	}
	// Coverage of the largest job functions.
	var labels []string
	var values []float64
	for _, p := range jf[:min(20, len(jf))] {
		labels = append(labels, pkgs[p].Name)
		values = append(values, 100*coverage[p])
	}
	if err := add(barChart("Package coverage", "Share of the members' grants that their packages explain, per job function",
		"% of members' grants explained", labels, values, true)); err != nil {
		return nil, err
	}
	// Excess access per user.
	if doc.Over != nil && len(doc.Over.Summaries.ByUser) > 0 {
		buckets := make([]float64, 10)
		for _, u := range doc.Over.Summaries.ByUser {
			buckets[min(u.Findings, 10)-1]++
		}
		labels := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10+"}
		if err := add(barChart("Excess access per user", "Number of users by how many findings they have",
			"users", labels, buckets, false)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// sodChart draws rules × departments with the number of users violating
// each rule.
func sodChart(doc *Document) (chart, error) {
	d, rep := doc.Data, doc.SoD
	if len(rep.Violations) == 0 {
		return chart{}, nil
	}
	var rules, depts []string
	counts := map[[2]string]float64{}
	for _, v := range rep.Violations {
		dept := "(none)"
		if u, ok := d.UserIndex(v.UserID); ok {
			dept = cmp.Or(d.Attribute("department", int(u)), dept)
		}
		rules = append(rules, v.Rule)
		depts = append(depts, dept)
		counts[[2]string{v.Rule, dept}]++
	}
	slices.Sort(rules)
	slices.Sort(depts)
	rules, depts = slices.Compact(rules), slices.Compact(depts)
	g := grid{Rows: rules, Cols: depts}
	for _, r := range rules {
		row := make([]float64, len(depts))
		for k, dp := range depts {
			row[k] = counts[[2]string{r, dp}]
		}
		g.Values = append(g.Values, row)
	}
	return heatmapChart("Separation-of-duties violations", "Users violating each rule, by department", g, "department",
		func(x float64) string { return fmt.Sprintf("%.0f", x) }, true)
}
