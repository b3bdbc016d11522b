package demo

import (
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
)

// The demo's observers (müşahit): synthetic people, each homed at their
// district's unit, one at about nine boxes in ten of the election and a
// second at a few, so that the coverage page has gaps to fill and the
// silent list has boxes whose observer sent nothing. Names are marked
// "(sentetik)" and phones are in +90 599, a range no operator holds.

// Shares of the demo's coverage.
const (
	coveredShare = 0.9
	doubledShare = 0.04
)

// ObserverPersonID is the person standing at box (second: the second
// observer of a box that has two).
func ObserverPersonID(box sandik.AreaCode, second bool) sandik.PersonID {
	if second {
		return sandik.PersonID("musahit-2-" + string(box))
	}
	return sandik.PersonID("musahit-" + string(box))
}

var (
	observerFirstNames = []string{"Ayşe", "Mehmet", "Fatma", "Mustafa", "Emine", "Ahmet", "Hatice", "Ali", "Zeynep", "Hüseyin",
		"Elif", "Hasan", "Şükriye", "İbrahim", "Gülşen", "Ömer", "Özlem", "Çağlar", "Işıl", "Ümit"}
	observerLastNames = []string{"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
		"Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek"}
)

// CoverageOrg is the demo's organisation of observers for reg: the
// İstanbul unit "34" and a unit per district coded as its area, those
// not in have (created by another part of the demo, or a run before),
// the observers and their assignments. The same seed gives the same
// people at the same boxes.
func CoverageOrg(reg *sandik.Registry, seed int64, have func(sandik.UnitCode) bool) sandik.OrgChange {
	var c sandik.OrgChange
	e, ok := reg.Election(ElectionCode)
	if !ok {
		return c
	}
	consent := sandik.DateOf(e.Date.Add(-30 * 24 * time.Hour))
	if !have("34") {
		c.Units = append(c.Units, sandik.Unit{Code: "34", Kind: sandik.UnitIl, Name: "İstanbul İl Başkanlığı", Area: "34"})
	}
	boxes, _ := boxRaces(reg)
	person := func(box sandik.AreaCode, home sandik.UnitCode, second bool) {
		rng := newRand(seed, "observer", string(box), fmt.Sprint(second))
		c.People = append(c.People, sandik.Person{
			ID:      ObserverPersonID(box, second),
			Name:    observerFirstNames[rng.IntN(len(observerFirstNames))] + " " + observerLastNames[rng.IntN(len(observerLastNames))] + " (sentetik)",
			Phones:  []string{fmt.Sprintf("+90599%07d", rng.IntN(10_000_000))},
			Home:    home,
			Purpose: "sandık müşahitliği (sentetik demo)",
			Consent: consent,
		})
		c.Assignments = append(c.Assignments, sandik.Assignment{Election: ElectionCode, Box: box, Person: ObserverPersonID(box, second)})
	}
	units := map[sandik.AreaCode]bool{}
	for _, box := range boxes {
		district := districtOf(reg, box)
		if !units[district] {
			units[district] = true
			if !have(sandik.UnitCode(district)) {
				d, _ := reg.Area(district)
				c.Units = append(c.Units, sandik.Unit{Code: sandik.UnitCode(district), Kind: sandik.UnitIlce, Name: d.Name + " İlçe Başkanlığı", Parent: "34", Area: district})
			}
		}
		rng := newRand(seed, "coverage", string(box))
		if rng.Float64() >= coveredShare {
			continue
		}
		person(box, sandik.UnitCode(district), false)
		if rng.Float64() < doubledShare {
			person(box, sandik.UnitCode(district), true)
		}
	}
	return c
}
