package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sandik-dev/sandik"
)

var registryTests = []test{
	{"EmptyOnNewStore", testRegistryEmpty},
	{"RoundTripKeepsOrder", testRegistryRoundTrip},
	{"SaveAgainChangesNothing", testRegistrySaveAgain},
	{"MergedSupersetAppends", testRegistrySuperset},
	{"ContradictionRefused", testRegistryContradiction},
}

// Registry returns a small valid registry whose records are deliberately
// out of tree order (children before parents, boxes before their
// mahalle) and whose choices are not sorted, so that a backend that
// reorders anything is caught.
func Registry(t testing.TB) *sandik.Registry {
	t.Helper()
	istanbul := time.FixedZone("+03", 3*60*60)
	reg, err := sandik.NewRegistry(
		[]sandik.Area{
			{Code: Box2, Parent: "34.0135.144920", Level: sandik.LevelSandik, Name: "Sandık 1002"},
			{Code: "34.0135.144920", Parent: "34.0135", Level: sandik.LevelMahalle, Name: "Kuzguncuk", YSKID: "144920"},
			{Code: Box1, Parent: "34.0135.144920", Level: sandik.LevelSandik, Name: "Sandık 1001"},
			{Code: "34.0135", Parent: "34", Level: sandik.LevelIlce, Name: "Üsküdar", YSKID: "1135"},
			{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
			{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul", YSKID: "34"},
		},
		[]sandik.Election{
			{Code: "2024-yerel", Name: "31 Mart 2024 Mahalli İdareler", Date: time.Date(2024, 3, 31, 0, 0, 0, 0, istanbul), Quorum: 2},
		},
		[]sandik.Race{
			{Code: Race, Election: "2024-yerel", Name: "Büyükşehir belediye başkanı", Scope: "34",
				Choices: []sandik.Choice{{Code: "ZZ", Name: "Last by code"}, {Code: "CHP", Name: "CHP"}, {Code: "AKP", Name: "AK Parti"}}},
			{Code: "2024-yerel.34.0135.bb", Election: "2024-yerel", Name: "İlçe belediye başkanı", Scope: "34.0135",
				Choices: []sandik.Choice{{Code: "CHP", Name: "CHP"}, {Code: "AKP", Name: "AK Parti"}}},
		},
		[]sandik.Registration{
			{Election: "2024-yerel", Box: Box2, Registered: 341},
			{Election: "2024-yerel", Box: Box1, Registered: 352},
		},
	)
	if err != nil {
		t.Fatalf("fixture registry: %v", err)
	}
	return reg
}

// Extra returns records that extend Registry: a new box, a new election
// with its race and registrations.
func Extra(t testing.TB) *sandik.Registry {
	t.Helper()
	reg, err := sandik.NewRegistry(
		[]sandik.Area{
			{Code: "34.0135.144920.1003", Parent: "34.0135.144920", Level: sandik.LevelSandik, Name: "Sandık 1003"},
			{Code: "34.0135.144920", Parent: "34.0135", Level: sandik.LevelMahalle, Name: "Kuzguncuk", YSKID: "144920"},
			{Code: "34.0135", Parent: "34", Level: sandik.LevelIlce, Name: "Üsküdar", YSKID: "1135"},
			{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul", YSKID: "34"},
			{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		},
		[]sandik.Election{
			{Code: "2028-cb", Name: "Cumhurbaşkanı", Date: time.Date(2028, 5, 14, 21, 0, 0, 0, time.UTC), Quorum: 3},
		},
		[]sandik.Race{
			{Code: "2028-cb.tr", Election: "2028-cb", Name: "Cumhurbaşkanı", Scope: "TR",
				Choices: []sandik.Choice{{Code: "A", Name: "Aday A"}, {Code: "B", Name: "Aday B"}}},
		},
		[]sandik.Registration{
			{Election: "2028-cb", Box: "34.0135.144920.1003", Registered: 300},
		},
	)
	if err != nil {
		t.Fatalf("fixture registry: %v", err)
	}
	return reg
}

// SameRegistry reports the difference between two registries' records,
// order included ("" when equal).
func SameRegistry(want, got *sandik.Registry) string {
	opts := cmp.Options{cmpopts.EquateEmpty()}
	return cmp.Diff(want.Areas, got.Areas, opts) + cmp.Diff(want.Elections, got.Elections, opts) +
		cmp.Diff(want.Races, got.Races, opts) + cmp.Diff(want.Registrations, got.Registrations, opts)
}

func load(t *testing.T, s sandik.RegistryStore) *sandik.Registry {
	t.Helper()
	reg, err := s.LoadRegistry(context.Background())
	if err != nil {
		t.Fatalf("LoadRegistry: %v", err)
	}
	return reg
}

func save(t *testing.T, s sandik.RegistryStore, reg *sandik.Registry) {
	t.Helper()
	if err := s.SaveRegistry(context.Background(), reg); err != nil {
		t.Fatalf("SaveRegistry: %v", err)
	}
}

func testRegistryEmpty(t *testing.T, o Opener) {
	s := o.Open(t)
	if d := SameRegistry(sandik.EmptyRegistry(), load(t, s)); d != "" {
		t.Fatalf("new store has a registry (-want +got):\n%s", d)
	}
}

func testRegistryRoundTrip(t *testing.T, o Opener) {
	s := o.Open(t)
	reg := Registry(t)
	save(t, s, reg)
	got := load(t, s)
	if d := SameRegistry(reg, got); d != "" {
		t.Fatalf("loaded registry differs (-want +got):\n%s", d)
	}
	if n, ok := got.Registered("2024-yerel", Box1); !ok || n != 352 {
		t.Errorf("loaded registry: Registered(Box1) = %d, %v; want 352, true (indexes not rebuilt?)", n, ok)
	}
	if got := got.RaceBoxes(Race); len(got) != 2 {
		t.Errorf("loaded registry: RaceBoxes = %v, want both boxes", got)
	}
}

func testRegistrySaveAgain(t *testing.T, o Opener) {
	s := o.Open(t)
	reg := Registry(t)
	save(t, s, reg)
	save(t, s, reg)
	merged, err := load(t, s).Merge(reg)
	if err != nil {
		t.Fatalf("Merge with itself: %v", err)
	}
	save(t, s, merged)
	if d := SameRegistry(reg, load(t, s)); d != "" {
		t.Fatalf("saving again changed the registry (-want +got):\n%s", d)
	}
}

func testRegistrySuperset(t *testing.T, o Opener) {
	s := o.Open(t)
	save(t, s, Registry(t))
	merged, err := load(t, s).Merge(Extra(t))
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	save(t, s, merged)
	got := load(t, s)
	if d := SameRegistry(merged, got); d != "" {
		t.Fatalf("merged registry differs (-want +got):\n%s", d)
	}
	if d := cmp.Diff(Registry(t).Areas, got.Areas[:len(Registry(t).Areas)]); d != "" {
		t.Errorf("stored records no longer come first (-want +got):\n%s", d)
	}
}

func testRegistryContradiction(t *testing.T, o Opener) {
	s := o.Open(t)
	reg := Registry(t)
	save(t, s, reg)
	areas := append([]sandik.Area(nil), reg.Areas...)
	areas[0].Name = "Renamed"
	areas = append(areas, sandik.Area{Code: "34.0135.144920.1009", Parent: "34.0135.144920", Level: sandik.LevelSandik, Name: "New"})
	bad, err := sandik.NewRegistry(areas, reg.Elections, reg.Races, reg.Registrations)
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	wantCode(t, s.SaveRegistry(context.Background(), bad), sandik.EConflict, "SaveRegistry(contradicting registry)")
	if d := SameRegistry(reg, load(t, s)); d != "" {
		t.Fatalf("a refused registry changed the stored one (-want +got):\n%s", d)
	}
}
