package pages

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/verify"
	"github.com/sandik-dev/sandik/web/geo"
	"github.com/sandik-dev/sandik/web/pages/mapdraw"
)

// Colours are chosen for readers with colour-blindness: choices take the
// Okabe–Ito palette, and sequential measures the viridis ramp, which
// stays ordered in lightness for every common colour deficiency. Every
// shape also carries its name and figure as text (a title and the table
// beside the map), so no value is told by colour alone.
var choicePalette = [...]string{"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"}

// viridis is the ramp at eight evenly spaced points; a measure with fewer
// bands takes evenly spaced ones of them.
var viridis = [...]string{"#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"}

const noData = "#e4e4e4"

// metric is a way to colour the map: by the leader, or in bands of a
// percentage whose upper bounds are listed.
type metric struct {
	Key    string
	bounds []float64
	// votes: the colour comes from the votes, so an area takes it only
	// once enough of its boxes are in (mapdraw.Enough).
	votes bool
}

// The bands are fine where the night is decided: reporting in 5-point
// steps above 80 %, so that at 85 % reported the districts still differ,
// and margins of 1 and 2 points apart from a landslide.
var mapMetrics = []metric{
	{Key: "leader", votes: true},
	{Key: "margin", bounds: []float64{1, 2, 5, 10, 20}, votes: true},
	{Key: "turnout", bounds: []float64{60, 70, 75, 80, 85, 90}, votes: true},
	{Key: "reporting", bounds: []float64{50, 70, 80, 85, 90, 95, 100}},
}

func metricOf(key string) metric {
	for _, m := range mapMetrics {
		if m.Key == key {
			return m
		}
	}
	return mapMetrics[0]
}

// band returns the colour of band i of m.
func (m metric) band(i int) string {
	n := len(m.bounds) + 1
	return viridis[(i*(len(viridis)-1)+(n-1)/2)/(n-1)]
}

// fill is the colour of one area under m.
func (m metric) fill(t *tally.Totals) string {
	if m.votes && !mapdraw.Enough(t.BoxesReported, t.BoxesExpected) {
		if t.BoxesReported == 0 {
			return noData
		}
		return mapdraw.FewFill
	}
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
			return m.band(i)
		}
	}
	return m.band(len(m.bounds))
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
		lo := 0.0
		for i, b := range m.bounds {
			out = append(out, legendItem{m.band(i), l.F("map.band", l.Float(lo), l.Float(b))})
			lo = b
		}
		last := l.F("map.band.top", l.Float(lo))
		if lo == 100 {
			last = l.T("map.band.all")
		}
		out = append(out, legendItem{m.band(len(m.bounds)), last})
	}
	if m.votes {
		out = append(out, legendItem{mapdraw.FewFill, l.T("map.few")})
	}
	return append(out, legendItem{noData, l.T("map.nodata")})
}

// mapOf draws the children of an area: their real outlines when the
// embedded boundaries know every one of them (Türkiye's provinces,
// İstanbul's districts), else a tile map with one labelled square per
// child. The map is a picture, not a control: it takes no tab stop, and
// the table of the areas below is its accessible form, each row a link.
// A pointer may still follow a shape (data-href, app.js).
func (p *Pages) mapOf(rc *sandik.Race, children []tally.Totals, m metric, l *lang) (svg template.HTML, source string) {
	shapes := make([]mapdraw.Shape, len(children))
	for i := range children {
		t := &children[i]
		shapes[i] = mapdraw.Shape{Key: string(t.Area), Name: t.Name, Fill: m.fill(t),
			Href:  areaHref(rc.Code, t.Area, t.Level),
			Title: t.Name + ": " + l.T("reporting") + " " + l.Int(t.BoxesReported) + "/" + l.Int(t.BoxesExpected)}
	}
	label := l.T("map.label")
	switch {
	case allAt(children, sandik.LevelIl) && mapdraw.Knows(p.provinces, shapes):
		return mapdraw.Outlines(p.provinces, shapes, label, false), l.T("overview.map.tr")
	case allAt(children, sandik.LevelIlce) && mapdraw.Knows(p.istanbul, shapes):
		return mapdraw.Outlines(p.istanbul, shapes, label, true), l.T("overview.map.ist")
	}
	return mapdraw.Tiles(shapes, label), l.T("map.tiles")
}

func allAt(children []tally.Totals, level sandik.AreaLevel) bool {
	for i := range children {
		if children[i].Level != level {
			return false
		}
	}
	return len(children) > 0
}

// locatorOf shows where an area drawn as tiles lies: an İstanbul district
// among İstanbul's, another province in Türkiye. The grey background is
// one cached picture (mapImage); only the highlighted outline is inline.
func (p *Pages) locatorOf(reg *sandik.Registry, code sandik.AreaCode, l *lang) (svg template.HTML, source string) {
	chain := append([]sandik.AreaCode{code}, reg.Ancestors(code)...)
	for i, a := range chain {
		an, _ := reg.Area(a)
		if an.Level == sandik.LevelIlce && i+1 < len(chain) {
			if il, _ := reg.Area(chain[i+1]); geo.Key(il.Name) == geo.Key("İstanbul") {
				if s := mapdraw.Locator(p.istanbul, "/map/istanbul.svg", an.Name); s != "" {
					return s, l.T("overview.map.ist")
				}
			}
		}
		if an.Level == sandik.LevelIl {
			return mapdraw.Locator(p.provinces, "/map/tr.svg", an.Name), l.T("overview.map.tr")
		}
	}
	return "", ""
}

// mapImage serves the grey background of the locators, drawn once: every
// overview below a province shares it from the browser's cache instead of
// carrying Türkiye inline.
func (p *Pages) mapImage(w http.ResponseWriter, r *http.Request) error {
	svg, ok := p.mapImages[r.PathValue("map")]
	if !ok {
		return sandik.Errorf(sandik.ENotFound, "no map %q", r.PathValue("map"))
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, err := strings.NewReader(svg).WriteTo(w)
	return err
}

// Float writes a band bound: 85, 2,5.
func (l *lang) Float(f float64) string {
	s := fmt.Sprint(f)
	if l.Code != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
