package mapdraw

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/web/geo"
)

func TestEnough(t *testing.T) {
	for _, c := range []struct {
		reported, expected int
		want               bool
	}{
		{0, 45, false}, {1, 45, false}, {4, 45, false}, {5, 45, true}, // a tenth of 45, and 3 at least
		{2, 10, false}, {3, 10, true}, {3, 100, false}, {10, 100, true},
		{1, 1, true}, {2, 2, true}, {1, 2, false}, {0, 0, false},
	} {
		if got := Enough(c.reported, c.expected); got != c.want {
			t.Errorf("Enough(%d, %d) = %v", c.reported, c.expected, got)
		}
	}
}

// focusable matches what would take a tab stop or be a control.
var focusable = regexp.MustCompile(`<a[ >]|tabindex|<button|<input|href="`)

func TestOutlinesArePicturesOfTheDistricts(t *testing.T) {
	m, err := geo.IstanbulDistricts(800)
	if err != nil {
		t.Fatal(err)
	}
	shapes := []Shape{
		{Key: "34-1", Name: "Şile", Fill: "#E69F00", Href: "/races/r/areas/34-1", Title: "Şile: 3/4"},
		{Key: "34-2", Name: "Eyüp", Fill: FewFill, Href: "/races/r/areas/34-2", Title: "Eyüp <1/45>"},
	}
	if !Knows(m, shapes) || Knows(m, append(shapes, Shape{Name: "Atlantis"})) || Knows(nil, shapes) || Knows(m, nil) {
		t.Fatal("Knows")
	}
	svg := string(Outlines(m, shapes, "Harita", true))
	if !strings.HasPrefix(svg, `<svg class="map outlines"`) || !strings.Contains(svg, `role="img" aria-label="Harita"`) {
		t.Fatalf("not a named picture: %.200s", svg)
	}
	// Two districts of the view, the other 37 in one grey path.
	if n := strings.Count(svg, "data-f="); n != 2 || strings.Count(svg, "<path") != 3 {
		t.Fatalf("%d shapes, %d paths", n, strings.Count(svg, "<path"))
	}
	if focusable.MatchString(strings.ReplaceAll(svg, "data-href=", "data-h=")) {
		t.Fatalf("the map has a control or tab stop inside")
	}
	for _, want := range []string{`fill="url(#few)" data-f="34-2" data-href="/races/r/areas/34-2"`, `<pattern id="few"`, `<title>Eyüp &lt;1/45&gt;</title>`, `>Şile</text>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("map lacks %s", want)
		}
	}
	if len(svg) > 12000 {
		t.Errorf("İstanbul's map is %d bytes inline", len(svg))
	}
}

func TestTilesNeverCutANameAndTakeNoFocus(t *testing.T) {
	svg := string(Tiles([]Shape{
		{Key: "a", Name: "Gaziosmanpaşa Merkez", Fill: "#fff"},
		{Key: "b", Name: "Mahalle 3 / Okul 2", Fill: "#fff"},
		{Key: "c", Name: "Küçükçekmece", Fill: "#fff"},
	}, "Harita"))
	for _, want := range []string{">Gaziosmanpaşa<", ">Merkez<", ">Mahalle 3<", ">Okul 2<", ">Küçükçekmece<", `role="img"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("tiles lack %s", want)
		}
	}
	if strings.Contains(svg, "…") || focusable.MatchString(strings.ReplaceAll(svg, "data-href=", "data-h=")) {
		t.Fatalf("a cut name or a control:\n%s", svg)
	}
	// No label smaller than 6 units, however long the name.
	for _, m := range regexp.MustCompile(`font-size="([0-9.]+)"`).FindAllStringSubmatch(svg, -1) {
		if f, _ := strconv.ParseFloat(m[1], 64); f < 6 {
			t.Errorf("font size %s", m[1])
		}
	}
}

func TestLocatorAndBackground(t *testing.T) {
	m, err := geo.Provinces(800)
	if err != nil {
		t.Fatal(err)
	}
	bg := Background(m)
	if !strings.HasPrefix(bg, `<svg xmlns="http://www.w3.org/2000/svg"`) || strings.Count(bg, "<path") != 1 || strings.Count(bg, "M") < 81 {
		t.Fatalf("background: %.200s", bg)
	}
	loc := string(Locator(m, "/map/tr.svg", "İzmir"))
	if !strings.Contains(loc, `<image href="/map/tr.svg"`) || strings.Count(loc, "<path") != 1 || len(loc) > len(bg)/10 {
		t.Fatalf("locator of %d bytes: %.200s", len(loc), loc)
	}
	if Locator(m, "/map/tr.svg", "Atlantis") != "" || Locator(nil, "", "İzmir") != "" {
		t.Fatal("a locator of nowhere")
	}
}
