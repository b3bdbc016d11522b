package sandik_test

import (
	"runtime"
	"slices"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/synth"
)

// A registry of a tenth of a national election (20,412 boxes, each in a
// building of its own, 5 races) adds at most 140 bytes per area to the
// areas read from a store: its indexes, children and registrations. At
// this writing it is about 110; with children kept as a map of slices
// and every parent's code a string of its own, as a store reads them, it
// was about 170.
func TestRegistryMemoryPerArea(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a tenth of a national registry")
	}
	shape := synth.Shape{Provinces: 81, DistrictsPerIl: 12, MahallesPerIlce: 21, BuildingsPerMah: 1, BoxesPerBuilding: 1,
		Races: 5, Choices: 20, Quorum: 2, RegisteredPerBox: 350}
	src, err := synth.Registry(shape)
	if err != nil {
		t.Fatal(err)
	}
	// As a store reads them: every code, parent included, a string of
	// its own.
	own := func(s sandik.AreaCode) sandik.AreaCode { return sandik.AreaCode([]byte(s)) }
	areas := make([]sandik.Area, len(src.Areas))
	for i, a := range src.Areas {
		areas[i] = sandik.Area{Code: own(a.Code), Parent: own(a.Parent), Level: a.Level, Name: string([]byte(a.Name))}
	}
	regs := slices.Clone(src.Registrations)
	for i := range regs {
		regs[i].Box = own(regs[i].Box)
	}
	elections, races := slices.Clone(src.Elections), slices.Clone(src.Races)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	reg, err := sandik.NewRegistry(areas, elections, races, regs)
	if err != nil {
		t.Fatal(err)
	}
	areas, regs = nil, nil
	src = nil
	runtime.GC()
	runtime.ReadMemStats(&ms)
	per := float64(int64(ms.HeapAlloc)-int64(before)) / float64(len(reg.Areas))
	t.Logf("%d areas: %.0f bytes each", len(reg.Areas), per)
	if per > 140 {
		t.Errorf("the registry adds %.0f bytes per area, want at most 140", per)
	}
	runtime.KeepAlive(reg)
}

// Children are the registry's order, nil for a box or an unknown area,
// and a caller appending to one area's children changes no other's.
func TestChildrenInRegistryOrder(t *testing.T) {
	areas := []sandik.Area{
		{Code: "34.1.1", Parent: "34.1", Level: sandik.LevelMahalle, Name: "M1"},
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34.1.1.1002", Parent: "34.1.1", Level: sandik.LevelSandik, Name: "1002"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34.1", Parent: "34", Level: sandik.LevelIlce, Name: "Kadıköy"},
		{Code: "34.1.2", Parent: "34.1", Level: sandik.LevelMahalle, Name: "M2"},
		{Code: "34.1.1.1001", Parent: "34.1.1", Level: sandik.LevelSandik, Name: "1001"},
		{Code: "34.1.2.1003", Parent: "34.1.2", Level: sandik.LevelSandik, Name: "1003"},
	}
	reg, err := sandik.NewRegistry(areas, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[sandik.AreaCode][]sandik.AreaCode{
		"TR": {"34"}, "34": {"34.1"}, "34.1": {"34.1.1", "34.1.2"},
		"34.1.1": {"34.1.1.1002", "34.1.1.1001"}, "34.1.2": {"34.1.2.1003"},
	}
	for _, a := range reg.Areas {
		if got := reg.Children(a.Code); !slices.Equal(got, want[a.Code]) || (got == nil) != (want[a.Code] == nil) {
			t.Errorf("children of %s: %q, want %q", a.Code, got, want[a.Code])
		}
	}
	if got := reg.Children("99"); got != nil {
		t.Errorf("children of an unknown area: %q", got)
	}
	_ = append(reg.Children("34.1.1"), "x")
	if got := reg.Children("34.1.2"); !slices.Equal(got, want["34.1.2"]) {
		t.Errorf("after an append to another area's children: %q", got)
	}
}
