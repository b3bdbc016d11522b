package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/registrycsv"
	"github.com/sandik-dev/sandik/synth"
	"pgregory.net/rapid"
)

// registryFor is a registry holding the area of every unit of c, each a
// child of its parent unit's area, so that the units pass its checks.
func registryFor(t *rapid.T, c sandik.OrgChange) *sandik.Registry {
	levels := map[sandik.UnitKind]sandik.AreaLevel{sandik.UnitHQ: sandik.LevelCountry, sandik.UnitIl: sandik.LevelIl,
		sandik.UnitIlce: sandik.LevelIlce, sandik.UnitMahalle: sandik.LevelMahalle}
	areaOf := map[sandik.UnitCode]sandik.AreaCode{}
	var areas []sandik.Area
	for _, u := range c.Units {
		areaOf[u.Code] = u.Area
		areas = append(areas, sandik.Area{Code: u.Area, Parent: areaOf[u.Parent], Level: levels[u.Kind], Name: "Sentetik " + string(u.Area)})
	}
	reg, err := sandik.NewRegistry(areas, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestOrgImportExportRoundTrip: an organisation imported with `sandik
// org import` and exported with `sandik org export` gives files that,
// imported into an empty database and exported again, are the same
// bytes; and the export holds what was imported.
func TestOrgImportExportRoundTrip(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(rt *rapid.T) {
		shape := synth.OrgShape{Il: rapid.IntRange(1, 3).Draw(rt, "il"), Ilce: rapid.IntRange(0, 4).Draw(rt, "ilce"),
			Mahalle: rapid.IntRange(0, 6).Draw(rt, "mahalle"), People: rapid.IntRange(0, 12).Draw(rt, "people"), Positions: rapid.IntRange(0, 40).Draw(rt, "positions")}
		if shape.Ilce == 0 {
			shape.Mahalle = 0
		}
		c := synth.Org(shape, rapid.Uint64().Draw(rt, "seed"))
		c.Kinds = []sandik.PositionKind{{Code: "sozcu", Name: "Sözcü", OneHolder: rapid.Bool().Draw(rt, "one")}}
		dir := t.TempDir()
		if err := registrycsv.WriteDir(filepath.Join(dir, "reg"), registryFor(rt, c)); err != nil {
			rt.Fatal(err)
		}
		if err := registrycsv.WriteOrgDir(filepath.Join(dir, "in"), c); err != nil {
			rt.Fatal(err)
		}
		sh := func(args ...string) string {
			code, out, errs := runSandik(t, args...)
			if code != 0 {
				rt.Fatalf("sandik %v: exit %d\n%s%s", args, code, out, errs)
			}
			return out
		}
		for _, db := range []string{"a.db", "b.db"} {
			sh("import", "registry", "-db", filepath.Join(dir, db), filepath.Join(dir, "reg"))
		}
		sh("org", "import", "-db", filepath.Join(dir, "a.db"), filepath.Join(dir, "in"))
		sh("org", "export", "-db", filepath.Join(dir, "a.db"), filepath.Join(dir, "out-a"))
		sh("org", "import", "-db", filepath.Join(dir, "b.db"), filepath.Join(dir, "out-a"))
		sh("org", "export", "-db", filepath.Join(dir, "b.db"), filepath.Join(dir, "out-b"))
		for _, name := range registrycsv.OrgFileNames() {
			a, errA := os.ReadFile(filepath.Join(dir, "out-a", name))
			b, errB := os.ReadFile(filepath.Join(dir, "out-b", name))
			if errA != nil || errB != nil || string(a) != string(b) {
				rt.Fatalf("%s differs after a round trip (%v, %v):\n%s\n---\n%s", name, errA, errB, a, b)
			}
		}
		got, _, err := registrycsv.ReadOrgDir(filepath.Join(dir, "out-a"))
		if err != nil {
			rt.Fatal(err)
		}
		want := c
		slices.SortFunc(want.Units, func(a, b sandik.Unit) int { return strings.Compare(string(a.Code), string(b.Code)) })
		slices.SortFunc(want.People, func(a, b sandik.Person) int { return strings.Compare(string(a.ID), string(b.ID)) })
		slices.SortFunc(want.Positions, func(a, b sandik.Position) int { return strings.Compare(string(a.ID), string(b.ID)) })
		if !reflect.DeepEqual(nilEmpty(got), nilEmpty(want)) {
			rt.Fatalf("exported\n%+v\nimported\n%+v", got, want)
		}
	})
}

// nilEmpty makes empty lists nil, so that "none read" and "none given"
// compare equal.
func nilEmpty(c sandik.OrgChange) sandik.OrgChange {
	if len(c.Kinds) == 0 {
		c.Kinds = nil
	}
	if len(c.Units) == 0 {
		c.Units = nil
	}
	if len(c.People) == 0 {
		c.People = nil
	}
	if len(c.Positions) == 0 {
		c.Positions = nil
	}
	return c
}
