package center

import (
	"testing"

	"github.com/sandik-dev/sandik"
)

// TestIlceFinder: the district found for each area, asked in any order
// and more than once, is the first ilçe at or above it, walked the slow
// way; none above a province or an area the registry lacks.
func TestIlceFinder(t *testing.T) {
	reg, err := sandik.NewRegistry([]sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34.1", Parent: "34", Level: sandik.LevelIlce, Name: "Kadıköy"},
		{Code: "34.1.1", Parent: "34.1", Level: sandik.LevelMahalle, Name: "Caferağa"},
		{Code: "34.1.2", Parent: "34.1", Level: sandik.LevelMahalle, Name: "Moda"},
		{Code: "34.1.1.b", Parent: "34.1.1", Level: sandik.LevelBuilding, Name: "Okul"},
		{Code: "34.1.1.b.1", Parent: "34.1.1.b", Level: sandik.LevelSandik, Name: "1001"},
		{Code: "34.2", Parent: "34", Level: sandik.LevelIlce, Name: "Üsküdar"},
	}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	slow := func(a sandik.AreaCode) sandik.AreaCode {
		for _, x := range append([]sandik.AreaCode{a}, reg.Ancestors(a)...) {
			if ar, ok := reg.Area(x); ok && ar.Level == sandik.LevelIlce {
				return x
			}
		}
		return ""
	}
	find := ilceFinder(reg)
	for _, a := range []sandik.AreaCode{"34.1.1.b.1", "34.1.1", "34.1.2", "34.1.1.b.1", "34.1", "34.2", "34", "TR", "yok", "34.1.1.b"} {
		got := find(a)
		if got != slow(a) {
			t.Errorf("district of %s = %q, want %q", a, got, slow(a))
		}
	}
	if find("34.1.1") != "34.1" || find("34") != "" {
		t.Errorf("the fixture itself: %q, %q", find("34.1.1"), find("34"))
	}
}
