package webtest

import (
	"fmt"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// The blind fixture: İstanbul of 64 boxes, enough for those who type
// sheets to read some totals (sandik.DefaultBlindMinBoxes is 20).
//
//	34 İstanbul                     64 boxes
//	  34.01 Büyükilçe               43
//	    34.01.01 Mahalle A          22
//	    34.01.02 Mahalle B          21
//	  34.02 Küçükilçe               21
//	    34.02.01 Mahalle C          20
//	    34.02.02 Mahalle D           1 (BlindLoneBox)
const (
	BlindRace    = "IST-BB"
	BlindBigBox  = "34.01.01.01" // one of Mahalle A's
	BlindLoneBox = "34.02.02.01" // the only box of Mahalle D
)

// BlindAreas are the areas of the blind fixture above its boxes.
var BlindAreas = []sandik.AreaCode{"TR", "34", "34.01", "34.01.01", "34.01.02", "34.02", "34.02.01", "34.02.02"}

// BlindRegistry is the blind fixture's registry: every box has 20,000
// registered voters, so that figures of four digits stand out in a page.
func BlindRegistry(t testing.TB) *sandik.Registry {
	t.Helper()
	areas := []sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34.01", Parent: "34", Level: sandik.LevelIlce, Name: "Büyükilçe"},
		{Code: "34.02", Parent: "34", Level: sandik.LevelIlce, Name: "Küçükilçe"},
	}
	var regs []sandik.Registration
	for _, m := range []struct {
		code, parent, name string
		boxes              int
	}{{"34.01.01", "34.01", "Mahalle A", 22}, {"34.01.02", "34.01", "Mahalle B", 21}, {"34.02.01", "34.02", "Mahalle C", 20}, {"34.02.02", "34.02", "Mahalle D", 1}} {
		areas = append(areas, sandik.Area{Code: sandik.AreaCode(m.code), Parent: sandik.AreaCode(m.parent), Level: sandik.LevelMahalle, Name: m.name})
		for i := 1; i <= m.boxes; i++ {
			b := sandik.AreaCode(fmt.Sprintf("%s.%02d", m.code, i))
			areas = append(areas, sandik.Area{Code: b, Parent: sandik.AreaCode(m.code), Level: sandik.LevelSandik, Name: fmt.Sprintf("Sandık %s", b)})
			regs = append(regs, sandik.Registration{Election: Election, Box: b, Registered: 20000})
		}
	}
	elections := []sandik.Election{{Code: Election, Name: "Yerel seçimler 2019", Date: Now.Add(-23 * time.Hour), Quorum: 2}}
	choices := []sandik.Choice{{Code: "CHP", Name: "Ekrem İmamoğlu"}, {Code: "AKP", Name: "Binali Yıldırım"}, {Code: "SP", Name: "Necdet Gökçınar"}}
	races := []sandik.Race{{Code: BlindRace, Election: Election, Name: "İstanbul Büyükşehir Belediye Başkanı", Scope: "34", Choices: choices}}
	reg, err := sandik.NewRegistry(areas, elections, races, regs)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// BlindSheet is a valid sheet of the blind fixture with votes as given.
func BlindSheet(id, box string, chp, akp, sp int64) map[string]any {
	s := Sheet(id, BlindRace, box, chp, akp, sp)
	s["registered"] = 20000
	return s
}
