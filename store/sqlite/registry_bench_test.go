package sqlite

import (
	"fmt"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
)

// bigRegistry is Türkiye's size: 81 il, ~970 ilçe, ~32,000 mahalle and
// about 200,000 boxes, one election with a race per il and per ilçe.
func bigRegistry(tb testing.TB) *sandik.Registry {
	tb.Helper()
	areas := []sandik.Area{{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"}}
	var races []sandik.Race
	var regs []sandik.Registration
	choices := make([]sandik.Choice, 8)
	for i := range choices {
		choices[i] = sandik.Choice{Code: sandik.ChoiceCode(fmt.Sprintf("P%d", i)), Name: fmt.Sprintf("Parti %d", i)}
	}
	box := 0
	for il := 1; il <= 81; il++ {
		ilCode := sandik.AreaCode(fmt.Sprintf("%02d", il))
		areas = append(areas, sandik.Area{Code: ilCode, Parent: "TR", Level: sandik.LevelIl, Name: "İl " + string(ilCode)})
		races = append(races, sandik.Race{Code: sandik.RaceCode("e." + string(ilCode)), Election: "e", Name: "Büyükşehir", Scope: ilCode, Choices: choices})
		for ilce := range 12 {
			ilceCode := sandik.AreaCode(fmt.Sprintf("%s.%04d", ilCode, ilce))
			areas = append(areas, sandik.Area{Code: ilceCode, Parent: ilCode, Level: sandik.LevelIlce, Name: "İlçe"})
			races = append(races, sandik.Race{Code: sandik.RaceCode("e." + string(ilceCode)), Election: "e", Name: "İlçe", Scope: ilceCode, Choices: choices})
			for mah := range 33 {
				mahCode := sandik.AreaCode(fmt.Sprintf("%s.%06d", ilceCode, mah))
				areas = append(areas, sandik.Area{Code: mahCode, Parent: ilceCode, Level: sandik.LevelMahalle, Name: "Mahalle", YSKID: fmt.Sprint(mah)})
				for range 6 {
					box++
					b := sandik.AreaCode(fmt.Sprintf("%s.%d", mahCode, 1000+box))
					areas = append(areas, sandik.Area{Code: b, Parent: mahCode, Level: sandik.LevelSandik, Name: fmt.Sprintf("Sandık %d", 1000+box)})
					regs = append(regs, sandik.Registration{Election: "e", Box: b, Registered: int64(300 + box%100)})
				}
			}
		}
	}
	reg, err := sandik.NewRegistry(areas, []sandik.Election{{Code: "e", Name: "Seçim", Date: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), Quorum: 2}}, races, regs)
	if err != nil {
		tb.Fatal(err)
	}
	return reg
}

// BenchmarkSaveRegistry is an import of the whole country: the first save,
// a save of the same registry again, and loading it back.
func BenchmarkSaveRegistry(b *testing.B) {
	storetest.SaveRegistry(b, bigRegistry(b), func(tb testing.TB) sandik.RegistryStore { return benchStore(tb) })
}
