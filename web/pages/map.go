package pages

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/verify"
	"github.com/sandik-dev/sandik/web/geo"
)

// Colours are chosen for readers with colour-blindness: choices take the
// Okabe–Ito palette, and sequential measures the viridis ramp, which
// stays ordered in lightness for every common colour deficiency. Every
// shape also carries its name and figure as text (a title and the table
// beside the map), so no value is told by colour alone.
var choicePalette = [...]string{"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"}

var ramp = [...]string{"#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"}

const noData = "#e4e4e4"

// metric is a way to colour the map.
type metric struct {
	Key    string
	bounds [4]float64 // upper bounds of the first four ramp steps, in percent
}

var mapMetrics = []metric{
	{Key: "leader"},
	{Key: "margin", bounds: [4]float64{2, 5, 10, 20}},
	{Key: "turnout", bounds: [4]float64{60, 70, 80, 90}},
	{Key: "reporting", bounds: [4]float64{20, 40, 60, 80}},
}

func metricOf(key string) metric {
	for _, m := range mapMetrics {
		if m.Key == key {
			return m
		}
	}
	return mapMetrics[0]
}

// fill is the colour of one area under m.
func (m metric) fill(t *tally.Totals) string {
	c := &t.Provisional
	var pct float64
	switch m.Key {
	case "leader":
		first, _ := verify.Leaders(c.Votes)
		if first < 0 || c.ValidTotal == 0 {
			return noData
		}
		return choicePalette[first%len(choicePalette)]
	case "margin":
		first, second := verify.Leaders(c.Votes)
		if first < 0 || second < 0 || c.ValidTotal == 0 {
			return noData
		}
		pct = float64(c.Votes[first]-c.Votes[second]) * 100 / float64(c.ValidTotal)
	case "turnout":
		if c.Registered == 0 {
			return noData
		}
		pct = float64(c.Voted) * 100 / float64(c.Registered)
	case "reporting":
		if t.BoxesExpected == 0 {
			return noData
		}
		pct = float64(t.BoxesReported) * 100 / float64(t.BoxesExpected)
	}
	for i, b := range m.bounds {
		if pct < b {
			return ramp[i]
		}
	}
	return ramp[len(ramp)-1]
}

// legendItem is one swatch of the map's legend.
type legendItem struct {
	Colour, Label string
}

func (m metric) legend(l *lang, rc *sandik.Race) []legendItem {
	var out []legendItem
	if m.Key == "leader" {
		for i, c := range rc.Choices {
			out = append(out, legendItem{choicePalette[i%len(choicePalette)], c.Name})
		}
	} else {
		lo := "0"
		for i, b := range m.bounds {
			out = append(out, legendItem{ramp[i], fmt.Sprintf("%s–%g %%", lo, b)})
			lo = fmt.Sprint(b)
		}
		out = append(out, legendItem{ramp[len(ramp)-1], "≥ " + lo + " %"})
	}
	return append(out, legendItem{noData, l.T("map.nodata")})
}

// drawMap draws the children of an area: their real outlines when the
// embedded boundaries know every one of them (the provinces), else a tile
// map with one labelled square per child. Each shape has an id-like
// data-f key so that live updates can recolour it.
func drawMap(provinces *geo.Map, rc *sandik.Race, children []tally.Totals, m metric, l *lang, href func(*tally.Totals) string) (svg template.HTML, tiles bool) {
	var b strings.Builder
	outlines := provinces != nil && len(children) > 0
	for i := range children {
		if _, ok := provinces.Path(children[i].Name); !ok || children[i].Level != sandik.LevelIl {
			outlines = false
			break
		}
	}
	label := func(t *tally.Totals) string {
		return t.Name + ": " + l.T("reporting") + " " + l.Int(t.BoxesReported) + "/" + l.Int(t.BoxesExpected)
	}
	esc := template.HTMLEscapeString
	if outlines {
		fmt.Fprintf(&b, `<svg class="map" width="%g" height="%g" viewBox="0 0 %g %g" role="img" aria-label="%s">`,
			2*provinces.Width, 2*provinces.Height, provinces.Width, provinces.Height, esc(l.T("map")))
		for i := range children {
			t := &children[i]
			p, _ := provinces.Path(t.Name)
			fmt.Fprintf(&b, `<a href="%s"><path d="%s" fill="%s" data-f="%s" stroke="#fff" stroke-width="0.7"><title>%s</title></path></a>`,
				esc(href(t)), p, m.fill(t), esc(string(t.Area)), esc(label(t)))
		}
		b.WriteString(`</svg>`)
		return template.HTML(b.String()), false
	}
	n := len(children)
	cols := int(math.Ceil(math.Sqrt(float64(n) * 1.6)))
	if cols < 1 {
		cols = 1
	}
	rows := (n + cols - 1) / cols
	const size, gap = 60, 4
	// Drawn at twice its units at most, so that a handful of tiles do not
	// fill the screen.
	w, h := cols*(size+gap), max(rows, 1)*(size+gap)
	fmt.Fprintf(&b, `<svg class="map tiles" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`, 2*w, 2*h, w, h, esc(l.T("map")))
	for i := range children {
		t := &children[i]
		x, y := (i%cols)*(size+gap), (i/cols)*(size+gap)
		short := tileLabel(t.Name)
		fmt.Fprintf(&b, `<a href="%s"><rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="%s" data-f="%s"><title>%s</title></rect>`+
			`<text x="%d" y="%d" text-anchor="middle" font-size="11" paint-order="stroke" stroke="#fff" stroke-width="3" fill="#000">%s</text></a>`,
			esc(href(t)), x, y, size, size, m.fill(t), esc(string(t.Area)), esc(label(t)), x+size/2, y+size/2+4, esc(short))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()), true
}

// drawLocator draws Türkiye's provinces in grey with one of them
// highlighted: where the area in view lies, for levels whose own children
// have no outlines.
func drawLocator(provinces *geo.Map, name string, l *lang) template.HTML {
	if provinces == nil {
		return ""
	}
	if _, ok := provinces.Path(name); !ok {
		return ""
	}
	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg class="locator" viewBox="0 0 %g %g" role="img" aria-label="%s">`, provinces.Width, provinces.Height, esc(name))
	for _, n := range provinces.Names() {
		p, _ := provinces.Path(n)
		fill, stroke := "#d9d9d9", "#fff"
		if geo.Key(n) == geo.Key(name) {
			fill, stroke = "#0072B2", "#000"
		}
		fmt.Fprintf(&b, `<path d="%s" fill="%s" stroke="%s" stroke-width="0.7"/>`, p, fill, stroke)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// tileLabel shortens a name to fit a tile. Names that end in a number
// ("Sandık 1009", "Mahalle 6 / Okul 2") keep the number, which is what
// tells siblings apart.
func tileLabel(name string) string {
	r := []rune(name)
	if len(r) <= 9 {
		return name
	}
	if f := strings.Fields(name); len(f) > 1 && strings.ContainsAny(f[len(f)-1], "0123456789") && len([]rune(f[len(f)-1])) <= 5 {
		return string(r[:3]) + "…" + f[len(f)-1]
	}
	return string(r[:8]) + "…"
}
