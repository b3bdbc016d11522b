// Package geo turns the embedded province outlines into SVG paths: it
// projects longitude and latitude onto a plane, simplifies each ring to
// what a screen can show, and matches provinces by name.
package geo

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

//go:embed tr-provinces.geojson
var provincesJSON []byte

//go:embed istanbul-districts.geojson
var istanbulJSON []byte

// Map is a set of named outlines in one SVG coordinate system.
type Map struct {
	Width, Height float64
	paths         map[string]string // normalised name → path data
	anchors       map[string]Anchor // normalised name → where a label fits
}

// Anchor is where a shape's label goes: the middle of its largest ring's
// bounding box, and how wide and high that box is.
type Anchor struct{ X, Y, W, H float64 }

// Anchor returns where the label of the area named name fits.
func (m *Map) Anchor(name string) (Anchor, bool) {
	a, ok := m.anchors[Key(name)]
	return a, ok
}

// Path returns the SVG path data of the area named name, matching names
// the Turkish way (İstanbul = istanbul = ISTANBUL).
func (m *Map) Path(name string) (string, bool) {
	p, ok := m.paths[Key(name)]
	return p, ok
}

// Names returns the normalised names of every outline, sorted.
func (m *Map) Names() []string {
	names := make([]string, 0, len(m.paths))
	for n := range m.paths {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Len returns the number of outlines.
func (m *Map) Len() int { return len(m.paths) }

// aliases map the registry's official names to the file's short ones.
// Eyüp has been Eyüpsultan since 2017; registries of older elections use
// the old name.
var aliases = map[string]string{"afyonkarahisar": "afyon", "hakkâri": "hakkari", "eyüp": "eyüpsultan"}

// Key normalises a place name for matching: Turkish lower case, circumflex
// accents dropped, aliases resolved.
func Key(name string) string {
	k := strings.ToLowerSpecial(unicode.TurkishCase, strings.TrimSpace(name))
	if a, ok := aliases[k]; ok {
		return a
	}
	return strings.NewReplacer("â", "a", "î", "i", "û", "u").Replace(k)
}

type featureCollection struct {
	Features []struct {
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// Provinces builds the map of Türkiye's provinces, width units wide.
func Provinces(width float64) (*Map, error) { return build(provincesJSON, width, false) }

// IstanbulDistricts builds the map of İstanbul's 39 districts, width units
// wide (see SOURCE.md), in compact paths: a whole unit of tolerance and
// whole relative steps, which keep an 800-unit map under a third of the
// size of half-unit absolute coordinates. The map is drawn inline on
// every overview of İstanbul.
func IstanbulDistricts(width float64) (*Map, error) { return build(istanbulJSON, width, true) }

func build(data []byte, width float64, compact bool) (*Map, error) {
	var fc featureCollection
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, fmt.Errorf("geo: %w", err)
	}
	type shape struct {
		name  string
		polys [][][][2]float64
	}
	var shapes []shape
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i, f := range fc.Features {
		var polys [][][][2]float64
		switch f.Geometry.Type {
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, fmt.Errorf("geo: feature %d (%s): %w", i, f.Properties.Name, err)
			}
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return nil, fmt.Errorf("geo: feature %d (%s): %w", i, f.Properties.Name, err)
			}
			polys = [][][][2]float64{p}
		default:
			return nil, fmt.Errorf("geo: feature %d (%s): unsupported geometry %q", i, f.Properties.Name, f.Geometry.Type)
		}
		for _, p := range polys {
			for _, ring := range p {
				for j, pt := range ring {
					x, y := project(pt)
					ring[j] = [2]float64{x, y}
					minX, maxX = math.Min(minX, x), math.Max(maxX, x)
					minY, maxY = math.Min(minY, y), math.Max(maxY, y)
				}
			}
		}
		shapes = append(shapes, shape{f.Properties.Name, polys})
	}
	if len(shapes) == 0 {
		return nil, fmt.Errorf("geo: no features")
	}
	scale := width / (maxX - minX)
	m := &Map{Width: width, Height: math.Ceil((maxY - minY) * scale), paths: map[string]string{}, anchors: map[string]Anchor{}}
	// Half a unit of tolerance: finer detail than that is lost on screen.
	tolerance := 0.5
	if compact {
		tolerance = 1
	}
	for _, sh := range shapes {
		var b strings.Builder
		var best Anchor
		bestArea := 0.0
		for _, p := range sh.polys {
			for _, ring := range p {
				pts := make([][2]float64, len(ring))
				for j, pt := range ring {
					pts[j] = [2]float64{(pt[0] - minX) * scale, (pt[1] - minY) * scale}
				}
				pts = simplify(pts, tolerance)
				a := area(pts)
				if len(pts) < 3 || a < 1 {
					continue // islets smaller than a unit square vanish
				}
				if a > bestArea {
					bestArea, best = a, anchorOf(pts)
				}
				if compact {
					writeRelative(&b, pts)
					continue
				}
				for j, pt := range pts {
					if j == 0 {
						b.WriteByte('M')
					} else {
						b.WriteByte('L')
					}
					b.WriteString(strconv.FormatFloat(pt[0], 'f', 1, 64))
					b.WriteByte(' ')
					b.WriteString(strconv.FormatFloat(pt[1], 'f', 1, 64))
				}
				b.WriteByte('Z')
			}
		}
		m.paths[Key(sh.name)] = b.String()
		m.anchors[Key(sh.name)] = best
	}
	return m, nil
}

func anchorOf(pts [][2]float64) Anchor {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		x0, x1 = math.Min(x0, p[0]), math.Max(x1, p[0])
		y0, y1 = math.Min(y0, p[1]), math.Max(y1, p[1])
	}
	return Anchor{X: (x0 + x1) / 2, Y: (y0 + y1) / 2, W: x1 - x0, H: y1 - y0}
}

// project is an equirectangular projection centred on Türkiye's middle
// latitude: over so narrow a band of latitudes it distorts shapes less
// than a pixel's worth at dashboard sizes, and needs no library.
func project(pt [2]float64) (x, y float64) {
	const lat0 = 39 * math.Pi / 180
	return pt[0] * math.Cos(lat0), -pt[1]
}

// simplify is the Ramer–Douglas–Peucker algorithm: it keeps the points
// that stray more than tol from the line between their kept neighbours.
func simplify(pts [][2]float64, tol float64) [][2]float64 {
	if len(pts) < 3 {
		return pts
	}
	keep := make([]bool, len(pts))
	keep[0], keep[len(pts)-1] = true, true
	type span struct{ a, b int }
	stack := []span{{0, len(pts) - 1}}
	for len(stack) > 0 {
		sp := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		far, dmax := -1, tol
		for i := sp.a + 1; i < sp.b; i++ {
			if d := distance(pts[i], pts[sp.a], pts[sp.b]); d > dmax {
				far, dmax = i, d
			}
		}
		if far >= 0 {
			keep[far] = true
			stack = append(stack, span{sp.a, far}, span{far, sp.b})
		}
	}
	out := pts[:0:0]
	for i, k := range keep {
		if k {
			out = append(out, pts[i])
		}
	}
	return out
}

// distance from p to the segment a–b.
func distance(p, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return math.Hypot(p[0]-a[0], p[1]-a[1])
	}
	t := math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	return math.Hypot(p[0]-(a[0]+t*dx), p[1]-(a[1]+t*dy))
}

// area is the absolute area of a ring (shoelace formula).
func area(pts [][2]float64) float64 {
	s := 0.0
	for i := range pts {
		j := (i + 1) % len(pts)
		s += pts[i][0]*pts[j][1] - pts[j][0]*pts[i][1]
	}
	return math.Abs(s) / 2
}

// writeRelative writes a ring as whole units: the first point absolute,
// then each step from the previous rounded point, so rounding never
// drifts; steps that round to nothing are dropped.
func writeRelative(b *strings.Builder, pts [][2]float64) {
	var px, py int
	lined := false
	for j, pt := range pts {
		x, y := int(math.Round(pt[0])), int(math.Round(pt[1]))
		switch {
		case j == 0:
			fmt.Fprintf(b, "M%d %d", x, y)
		case x == px && y == py:
			continue
		case !lined:
			fmt.Fprintf(b, "l%d %d", x-px, y-py)
			lined = true
		default:
			// A minus sign separates numbers by itself.
			if x-px >= 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.Itoa(x - px))
			if y-py >= 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.Itoa(y - py))
		}
		px, py = x, y
	}
	b.WriteByte('z')
}
