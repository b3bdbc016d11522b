package geo

import (
	"strings"
	"testing"
)

func TestProvincesAllEightyOneAndSmall(t *testing.T) {
	m, err := Provinces(1000)
	if err != nil {
		t.Fatal(err)
	}
	if m.Len() != 81 {
		t.Fatalf("got %d provinces, want 81", m.Len())
	}
	if m.Height < 300 || m.Height > 600 {
		t.Fatalf("height %v for width 1000: Türkiye is about twice as wide as high", m.Height)
	}
	total := 0
	for _, name := range []string{"İstanbul", "İSTANBUL", "istanbul", "Afyonkarahisar", "Hakkâri", "Iğdır", "Şanlıurfa"} {
		p, ok := m.Path(name)
		if !ok || !strings.HasPrefix(p, "M") || !strings.HasSuffix(p, "Z") {
			t.Fatalf("path of %q = %.40q, %v", name, p, ok)
		}
	}
	for _, p := range m.paths {
		total += len(p)
	}
	// The simplified map must stay light enough to send with every page.
	if total > 120_000 {
		t.Fatalf("all paths take %d bytes; simplification too weak", total)
	}
	if _, ok := m.Path("Atlantis"); ok {
		t.Fatal("found a province that does not exist")
	}
}

func TestKeyTurkishCase(t *testing.T) {
	for in, want := range map[string]string{"İZMİR": "izmir", "IĞDIR": "ığdır", " Çorum ": "çorum", "Afyonkarahisar": "afyon"} {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSimplifyKeepsCornersDropsNoise(t *testing.T) {
	pts := [][2]float64{{0, 0}, {5, 0.1}, {10, 0}, {10, 10}, {5, 10.2}, {0, 10}, {0, 0}}
	got := simplify(pts, 0.5)
	if len(got) != 5 {
		t.Fatalf("simplify kept %v, want the square's 5 points", got)
	}
	if a := area(got); a != 100 {
		t.Fatalf("area %v, want 100", a)
	}
}

func TestBuildRejectsBadInput(t *testing.T) {
	for _, in := range []string{`nope`, `{"features":[]}`, `{"features":[{"properties":{"name":"X"},"geometry":{"type":"Point","coordinates":[1,2]}}]}`} {
		if _, err := build([]byte(in), 100, false); err == nil {
			t.Errorf("build(%s) succeeded", in)
		}
	}
}

func TestNamesSortedAndPolygonsAccepted(t *testing.T) {
	m, err := build([]byte(`{"features":[
		{"properties":{"name":"Zeta"},"geometry":{"type":"Polygon","coordinates":[[[30,40],[31,40],[31,41],[30,41],[30,40]]]}},
		{"properties":{"name":"Alfa"},"geometry":{"type":"Polygon","coordinates":[[[32,40],[33,40],[33,41],[32,41],[32,40]]]}}]}`), 300, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Names(); len(got) != 2 || got[0] != "alfa" || got[1] != "zeta" {
		t.Fatalf("Names = %v", got)
	}
	p, ok := m.Path("ZETA")
	if !ok || strings.Count(p, "L") != 4 || !strings.HasPrefix(p, "M0.0 ") {
		t.Fatalf("Zeta's path %q: the west edge must sit at x=0 and keep its 5 corners", p)
	}
	if m.Width != 300 || m.Height <= 0 {
		t.Fatalf("size %v×%v", m.Width, m.Height)
	}
}

func TestDistanceToDegenerateSegment(t *testing.T) {
	if d := distance([2]float64{3, 4}, [2]float64{0, 0}, [2]float64{0, 0}); d != 5 {
		t.Fatalf("distance to a point = %v, want 5", d)
	}
	if d := distance([2]float64{5, 3}, [2]float64{0, 0}, [2]float64{10, 0}); d != 3 {
		t.Fatalf("distance to a segment = %v, want 3", d)
	}
	if d := distance([2]float64{-4, 3}, [2]float64{0, 0}, [2]float64{10, 0}); d != 5 {
		t.Fatalf("distance beyond an end = %v, want 5", d)
	}
	if got := simplify([][2]float64{{0, 0}, {1, 1}}, 1); len(got) != 2 {
		t.Fatalf("two points simplified to %v", got)
	}
}
