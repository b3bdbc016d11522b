// Package mapdraw draws the overview's maps as SVG: real outlines where
// the embedded boundaries know the areas, else one labelled tile per
// area, and small locators whose grey background is a cached picture.
// The maps are pictures (role img) with no link or tab stop inside: the
// table beside them is their accessible form.
package mapdraw

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/sandik-dev/sandik/web/geo"
)

// FewFill is the fill of an area with too few boxes in for its colour to
// mean anything: a hatch defined in every map.
const FewFill = "url(#few)"

// Enough reports whether reported of expected boxes are enough for the
// votes to colour an area: all of them, or at least three and a tenth.
// With 1 box of 45 in, the leader of that box says nothing of the area.
func Enough(reported, expected int) bool {
	if reported <= 0 {
		return false
	}
	return reported >= expected || reported >= 3 && reported*10 >= expected
}

// Shape is one area as the map draws it.
type Shape struct {
	Key   string // data-f: what live updates recolour
	Name  string
	Fill  string
	Href  string // where a pointer's click leads (the table holds the link)
	Title string // the name and figure a pointer's hover shows
}

// defs holds the hatch of FewFill: grey stripes on white, told apart from
// the plain grey of no data without colour.
const defs = `<defs><pattern id="few" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
	`<rect width="6" height="6" fill="#f4f4f4"/><rect width="2.5" height="6" fill="#9a9a9a"/></pattern></defs>`

var esc = template.HTMLEscapeString

// Knows reports whether m has an outline for every shape.
func Knows(m *geo.Map, shapes []Shape) bool {
	if m == nil || len(shapes) == 0 {
		return false
	}
	for _, s := range shapes {
		if _, ok := m.Path(s.Name); !ok {
			return false
		}
	}
	return true
}

// Outlines draws shapes by their outlines in m. With others, the outlines
// of m that are no shape are drawn in light grey, so a part of a province
// still shows where it lies. Labels are drawn where the name fits its
// outline; the phone's style hides them (app.css), the table names all.
func Outlines(m *geo.Map, shapes []Shape, label string, others bool) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="map outlines" width="%g" height="%g" viewBox="0 0 %g %g" role="img" aria-label="%s">%s`,
		m.Width, m.Height, m.Width, m.Height, esc(label), defs)
	if others {
		drawn := map[string]bool{}
		for _, s := range shapes {
			drawn[geo.Key(s.Name)] = true
		}
		b.WriteString(`<path fill="#f0f0f0" stroke="#fff" stroke-width="0.7" d="`)
		for _, n := range m.Names() {
			if !drawn[n] {
				p, _ := m.Path(n)
				b.WriteString(p)
			}
		}
		b.WriteString(`"/>`)
	}
	for _, s := range shapes {
		p, _ := m.Path(s.Name)
		fmt.Fprintf(&b, `<path d="%s" fill="%s" data-f="%s" data-href="%s" stroke="#fff" stroke-width="0.7"><title>%s</title></path>`,
			p, esc(s.Fill), esc(s.Key), esc(s.Href), esc(s.Title))
	}
	const size = 9
	for _, s := range shapes {
		a, _ := m.Anchor(s.Name)
		if w := textWidth(s.Name, size); w > a.W*0.9 || a.H < 2*size {
			continue
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="%d" text-anchor="middle" paint-order="stroke" stroke="#fff" stroke-width="2.5" fill="#000" aria-hidden="true">%s</text>`,
			a.X, a.Y+size/3.0, size, esc(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// textWidth estimates how wide name is at size: about 0.6 em a letter
// in a sans-serif face, enough to decide whether a label fits.
func textWidth(name string, size float64) float64 {
	return 0.6 * size * float64(utf8.RuneCountInString(name))
}

// Tiles draws one square per shape in reading order, each labelled with
// its whole name, in smaller type or on two lines rather than cut.
func Tiles(shapes []Shape, label string) template.HTML {
	var b strings.Builder
	n := len(shapes)
	cols := max(1, int(math.Ceil(math.Sqrt(float64(n)*1.6))))
	rows := max(1, (n+cols-1)/cols)
	const size, gap = 72, 4
	// Drawn at twice its units at most, so that a handful of tiles do not
	// fill the screen.
	w, h := cols*(size+gap), rows*(size+gap)
	fmt.Fprintf(&b, `<svg class="map tiles" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">%s`, 2*w, 2*h, w, h, esc(label), defs)
	for i, s := range shapes {
		x, y := (i%cols)*(size+gap), (i/cols)*(size+gap)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="%s" data-f="%s" data-href="%s"><title>%s</title></rect>`,
			x, y, size, size, esc(s.Fill), esc(s.Key), esc(s.Href), esc(s.Title))
		lines := TileLines(s.Name)
		longest := 0
		for _, l := range lines {
			longest = max(longest, utf8.RuneCountInString(l))
		}
		fs := math.Min(12, (size-8)/(0.6*float64(longest)))
		top := float64(y) + size/2 - fs*float64(len(lines)-1)*0.6 + fs/3
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="%.1f" text-anchor="middle" paint-order="stroke" stroke="#fff" stroke-width="3" fill="#000" aria-hidden="true">`, x+size/2, top, fs)
		for j, l := range lines {
			if j == 0 {
				fmt.Fprintf(&b, `<tspan x="%d">%s</tspan>`, x+size/2, esc(l))
			} else {
				fmt.Fprintf(&b, `<tspan x="%d" dy="%.1f">%s</tspan>`, x+size/2, fs*1.2, esc(l))
			}
		}
		b.WriteString(`</text>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// TileLines splits a name into the lines of its tile, never cutting it:
// "Mahalle 3 / Okul 2" on two lines, a long name of several words at the
// space nearest its middle, one word whole.
func TileLines(name string) []string {
	if a, b, ok := strings.Cut(name, " / "); ok {
		return []string{a, b}
	}
	if utf8.RuneCountInString(name) <= 12 {
		return []string{name}
	}
	mid, best := utf8.RuneCountInString(name)/2, -1
	for i, r := range []rune(name) {
		if r == ' ' && (best < 0 || abs(i-mid) < abs(best-mid)) {
			best = i
		}
	}
	if best < 0 {
		return []string{name}
	}
	r := []rune(name)
	return []string{string(r[:best]), string(r[best+1:])}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Locator draws where the area named name lies in m: the background (the
// picture at background, see Background) with name's outline on top. ""
// when m does not know name.
func Locator(m *geo.Map, background, name string) template.HTML {
	if m == nil {
		return ""
	}
	p, ok := m.Path(name)
	if !ok {
		return ""
	}
	return template.HTML(fmt.Sprintf(`<svg class="locator" viewBox="0 0 %g %g" role="img" aria-label="%s">`+
		`<image href="%s" width="%g" height="%g"/><path d="%s" fill="#0072B2" stroke="#000" stroke-width="1"/></svg>`,
		m.Width, m.Height, esc(name), esc(background), m.Width, m.Height, p))
}

// Background is every outline of m in grey, as a standalone SVG file.
func Background(m *geo.Map) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" width="%g" height="%g">`, m.Width, m.Height, m.Width, m.Height)
	b.WriteString(`<path fill="#d9d9d9" stroke="#fff" stroke-width="0.7" d="`)
	for _, n := range m.Names() {
		p, _ := m.Path(n)
		b.WriteString(p)
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}
