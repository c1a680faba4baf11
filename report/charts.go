package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/brewer"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The report's charts are drawn with gonum/plot as SVG and embedded as
// data: images, so the HTML needs no request and no script; an image
// context also never runs script inside an SVG.

// chart is one rendered chart.
type chart struct {
	Title string
	Alt   string
	Src   template.URL // data:image/svg+xml;base64,...
	// Legend is a heatmap's colour scale, lowest first.
	Legend []legendStop
}

// legendStop is one colour of a heatmap's scale and the values it stands for.
type legendStop struct {
	Color template.CSS // #rrggbb
	Label string
}

// grid is a heatmap's values: Values[r][c], with row and column labels.
type grid struct {
	Values     [][]float64
	Rows, Cols []string
}

func (g grid) Dims() (c, r int)   { return len(g.Cols), len(g.Rows) }
func (g grid) Z(c, r int) float64 { return g.Values[len(g.Rows)-1-r][c] } // first row on top
func (g grid) X(c int) float64    { return float64(c) }
func (g grid) Y(r int) float64    { return float64(r) }
func (g grid) Min() float64       { return 0 }
func (g grid) Max() float64 {
	m := 0.0
	for _, row := range g.Values {
		for _, z := range row {
			m = max(m, z)
		}
	}
	return max(m, 1e-9)
}

// label shortens a tenant value for an axis; SVG text is escaped by the
// canvas.
func label(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func ticks(names []string, reverse bool) plot.ConstantTicks {
	t := make(plot.ConstantTicks, len(names))
	for i, n := range names {
		v := float64(i)
		if reverse {
			v = float64(len(names) - 1 - i)
		}
		t[i] = plot.Tick{Value: v, Label: label(n, 38)}
	}
	return t
}

func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	return p
}

// heatmapChart draws g with a sequential palette; the chart's Legend says
// which values each colour stands for, written by value. With counts, the
// values are whole numbers and the legend gives each its colour.
func heatmapChart(title, alt string, g grid, zLabel string, value func(float64) string, counts bool) (chart, error) {
	if len(g.Rows) == 0 || len(g.Cols) == 0 {
		return chart{}, nil
	}
	pal, err := brewer.GetPalette(brewer.TypeSequential, "YlOrRd", 9)
	if err != nil {
		return chart{}, err
	}
	p := newPlot(title)
	h := plotter.NewHeatMap(g, pal)
	p.Add(h)
	p.X.Tick.Marker = ticks(g.Cols, false)
	p.Y.Tick.Marker = ticks(g.Rows, true)
	p.X.Tick.Label.Rotation = math.Pi / 2
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	p.X.Tick.Label.Font.Size = vg.Points(9)
	p.Y.Tick.Label.Font.Size = vg.Points(9)
	p.X.Label.Text = zLabel
	w := vg.Length(300+15*len(g.Cols)) * vg.Points(1)
	ht := vg.Length(240+15*len(g.Rows)) * vg.Points(1)
	c, err := svgChart(p, title, alt, w, ht)
	if err != nil {
		return c, err
	}
	// gonum's heat map gives a value v the colour round((v-Min)/(Max-Min)
	// × (n-1)) of n (plotter/heat.go): colour i stands for the values
	// within half a step of Min + i steps.
	colors := pal.Colors()
	lo, hi := g.Min(), g.Max()
	step := (hi - lo) / float64(len(colors)-1)
	hex := func(col color.Color) template.CSS {
		r, gr, b, _ := col.RGBA()
		return template.CSS(fmt.Sprintf("#%02x%02x%02x", r>>8, gr>>8, b>>8))
	}
	if counts && hi <= float64(len(colors)) {
		// Whole numbers: one colour per count.
		for k := lo; k <= hi; k++ {
			c.Legend = append(c.Legend, legendStop{Color: hex(colors[int((k-lo)/step+0.5)]), Label: value(k)})
		}
		return c, nil
	}
	for i, col := range colors {
		from, to := max(lo, lo+(float64(i)-0.5)*step), min(hi, lo+(float64(i)+0.5)*step)
		c.Legend = append(c.Legend, legendStop{Color: hex(col), Label: value(from) + "–" + value(to)})
	}
	return c, nil
}

// barChart draws one bar per label; horizontal charts list labels top
// down.
func barChart(title, alt, valueLabel string, labels []string, values []float64, horizontal bool) (chart, error) {
	if len(values) == 0 {
		return chart{}, nil
	}
	p := newPlot(title)
	bars, err := plotter.NewBarChart(plotter.Values(values), vg.Points(10))
	if err != nil {
		return chart{}, err
	}
	bars.Horizontal = horizontal
	bars.Color = color.RGBA{R: 0x2f, G: 0x6f, B: 0xb5, A: 0xff}
	bars.LineStyle.Width = 0
	p.Add(bars)
	w, h := vg.Points(560), vg.Points(300)
	if horizontal {
		// Bars go bottom up: list the first label on top.
		rev := make([]float64, len(values))
		for i, v := range values {
			rev[len(values)-1-i] = v
		}
		bars.Values = rev
		p.Y.Tick.Marker = ticks(labels, true)
		p.Y.Tick.Label.Font.Size = vg.Points(7)
		p.X.Label.Text = valueLabel
		h = vg.Length(80+14*len(values)) * vg.Points(1)
	} else {
		p.NominalX(labels...)
		p.Y.Label.Text = valueLabel
	}
	return svgChart(p, title, alt, w, h)
}

func svgChart(p *plot.Plot, title, alt string, w, h vg.Length) (chart, error) {
	wt, err := p.WriterTo(w, h, "svg")
	if err != nil {
		return chart{}, fmt.Errorf("chart %q: %w", title, err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return chart{}, fmt.Errorf("chart %q: %w", title, err)
	}
	src := "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
	return chart{Title: title, Alt: alt, Src: template.URL(src)}, nil
}
