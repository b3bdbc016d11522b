package demo

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/registrycsv"
)

func TestDistricts(t *testing.T) {
	ds, err := Districts()
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 39 {
		t.Fatalf("%d districts, want 39", len(ds))
	}
	names := map[string]string{}
	var boxes int
	var registered int64
	for _, d := range ds {
		names[d.YSKName] = d.Name
		boxes += d.Boxes
		registered += d.Registered
	}
	for ysk, want := range map[string]string{"ARNAVUTKÖY": "Arnavutköy", "SARIYER": "Sarıyer", "ŞİŞLİ": "Şişli", "KAĞITHANE": "Kağıthane", "EYÜP": "Eyüp", "ÜSKÜDAR": "Üsküdar", "BAKIRKÖY": "Bakırköy"} {
		if names[ysk] != want {
			t.Errorf("%s written %q, want %q", ysk, names[ysk], want)
		}
	}
	// The totals of the real file (YSK, 30 March 2014).
	if boxes != 32164 || registered != 9997024 {
		t.Errorf("boxes %d, registered %d; the embedded file changed", boxes, registered)
	}
}

// districtFigures adds up a registry's boxes, mahalle and voters per district.
func districtFigures(t *testing.T, reg *sandik.Registry) map[sandik.AreaCode]District {
	t.Helper()
	out := map[sandik.AreaCode]District{}
	for _, a := range reg.Areas {
		if a.Level == sandik.LevelMahalle {
			d := out[a.Parent]
			d.Mahalle++
			out[a.Parent] = d
		}
	}
	for _, g := range reg.Registrations {
		code := districtOf(reg, g.Box)
		d := out[code]
		d.Boxes++
		d.Registered += g.Registered
		out[code] = d
	}
	return out
}

func TestIstanbulRealFigures(t *testing.T) {
	reg, err := Istanbul(Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := Districts()
	got := districtFigures(t, reg)
	for _, d := range ds {
		code := sandik.AreaCode("34-" + d.YSKID)
		a, ok := reg.Area(code)
		if !ok || a.Name != d.Name || a.YSKID != d.YSKID || a.Parent != "34" || a.Level != sandik.LevelIlce {
			t.Errorf("district %s: %+v", code, a)
		}
		g := got[code]
		if g.Boxes != d.Boxes || g.Mahalle != d.Mahalle || g.Registered != d.Registered {
			t.Errorf("%s: boxes %d mahalle %d registered %d, want %d %d %d", d.Name, g.Boxes, g.Mahalle, g.Registered, d.Boxes, d.Mahalle, d.Registered)
		}
	}
	for _, race := range []sandik.RaceCode{RaceMayor, RaceCouncil} {
		if n := len(reg.RaceBoxes(race)); n != 32164 {
			t.Errorf("race %s has %d boxes", race, n)
		}
	}
	e, _ := reg.Election(ElectionCode)
	if e.Quorum != 2 || e.Date.Format("2006-01-02") != "2019-03-31" {
		t.Errorf("election %+v", e)
	}
	mayor, _ := reg.Race(RaceMayor)
	if mayor.ChoiceIndex("CHP") < 0 || mayor.ChoiceIndex("AKP") < 0 || mayor.Scope != "34" {
		t.Errorf("mayor race %+v", mayor)
	}
	// Boxes are plausible and numbered from 1001 within each district.
	for _, g := range reg.Registrations {
		if g.Registered < 20 || g.Registered > 700 {
			t.Fatalf("box %s has %d voters", g.Box, g.Registered)
		}
	}
	if _, ok := reg.Area("34-963-01-1-1001"); !ok {
		t.Error("no box 1001 in the first building of Arnavutköy's first mahalle")
	}
	schools := 0
	for _, a := range reg.Areas {
		if a.Level == sandik.LevelBuilding {
			schools++
			if n := len(reg.Children(a.Code)); n < 1 || n > 20 {
				t.Fatalf("school %s has %d boxes", a.Code, n)
			}
		}
	}
	if schools < 2000 {
		t.Errorf("only %d schools", schools)
	}
}

func TestIstanbulScaled(t *testing.T) {
	reg, err := Istanbul(Options{Scale: 0.001, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := Districts()
	got := districtFigures(t, reg)
	for _, d := range ds {
		g := got[sandik.AreaCode("34-"+d.YSKID)]
		// Boxes keep their real average size when there are fewer of them.
		realMean, mean := float64(d.Registered)/float64(d.Boxes), float64(g.Registered)/float64(g.Boxes)
		if g.Boxes < 1 || g.Mahalle > g.Boxes || mean < 0.9*realMean || mean > 1.1*realMean {
			t.Errorf("%s scaled: %+v (mean box %.0f voters, real %.0f)", d.Name, g, mean, realMean)
		}
	}
	for _, bad := range []float64{-0.1, 1.5} {
		if _, err := Istanbul(Options{Scale: bad}); err == nil || !strings.Contains(err.Error(), "scale") {
			t.Errorf("scale %v: %v", bad, err)
		}
	}
}

func TestIstanbulDeterministic(t *testing.T) {
	a, _ := Istanbul(Options{Scale: 0.05, Seed: 3})
	b, _ := Istanbul(Options{Scale: 0.05, Seed: 3})
	c, _ := Istanbul(Options{Scale: 0.05, Seed: 4})
	if diff := cmp.Diff(a.Areas, b.Areas); diff != "" {
		t.Errorf("same seed, different areas:\n%s", diff)
	}
	if !slices.Equal(a.Registrations, b.Registrations) {
		t.Error("same seed, different registrations")
	}
	if slices.Equal(a.Registrations, c.Registrations) {
		t.Error("another seed gives the same split of voters")
	}
}

func TestApportion(t *testing.T) {
	for _, tt := range []struct {
		total int64
		w     []float64
		least int64
	}{
		{10, []float64{1, 1, 1}, 0}, {10, []float64{1, 1, 1}, 3}, {7, []float64{0.1, 5, 2.5}, 1},
		{518576, []float64{1, 1e-9, 3}, 0}, {0, []float64{1}, 0}, {5, nil, 0},
	} {
		got := apportion(tt.total, tt.w, tt.least)
		var sum int64
		for _, v := range got {
			sum += v
			if v < tt.least {
				t.Errorf("apportion(%d, %v, %d) = %v: a part below the least", tt.total, tt.w, tt.least, got)
			}
		}
		if len(tt.w) > 0 && sum != tt.total {
			t.Errorf("apportion(%d, %v, %d) = %v: sum %d", tt.total, tt.w, tt.least, got, sum)
		}
	}
}

// TestIstanbulThroughCSV writes the full demo registry as registry files
// and reads it back, as `sandik demo --export` and `sandik import` would.
func TestIstanbulThroughCSV(t *testing.T) {
	want, err := Istanbul(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := registrycsv.WriteDir(dir, want); err != nil {
		t.Fatal(err)
	}
	got, err := registrycsv.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Areas, got.Areas); diff != "" {
		t.Errorf("areas differ:\n%s", diff)
	}
	if !slices.Equal(want.Registrations, got.Registrations) || len(got.Races) != 2 || !got.Elections[0].Date.Equal(want.Elections[0].Date) {
		t.Error("elections, races or registrations differ")
	}
}
