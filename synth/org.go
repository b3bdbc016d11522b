package synth

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sandik-dev/sandik"
)

// OrgShape says how large a synthetic organisation is.
type OrgShape struct {
	Il, Ilce, Mahalle, People, Positions int
	// Assignments are observers at boxes of OrgElection: a box of each
	// mahalle unit in turn (coded under the unit's code), each a person
	// of their own while there are people enough.
	Assignments int
}

// OrgElection is the election of a synthetic organisation's assignments.
const OrgElection sandik.ElectionCode = "sentetik-secim"

// NationalOrg is the national organisation: 81 il, 973 ilçe,
// 32,000 mahalle units, a million people, two million terms over time,
// a quarter of a million observers at boxes.
var NationalOrg = OrgShape{Il: 81, Ilce: 973, Mahalle: 32000, People: 1_000_000, Positions: 2_000_000, Assignments: 250_000}

// Org makes an organisation of shape, the same for the same
// seed: a genel merkez, il, ilçe and mahalle units (names marked
// synthetic), people living in mahalles, and terms. Each unit's chair is
// held in four terms one after another, the last open; the other terms
// are board members and delegates of many holders, some ended. Units
// come parents first and every reference is to a record given before it.
func Org(shape OrgShape, seed uint64) sandik.OrgChange {
	rng := rand.New(rand.NewPCG(seed, 17))
	c := sandik.OrgChange{Units: make([]sandik.Unit, 0, 1+shape.Il+shape.Ilce+shape.Mahalle)}
	c.Units = append(c.Units, sandik.Unit{Code: "gm", Kind: sandik.UnitHQ, Name: "Sentetik Genel Merkez", Area: "TR"})
	for i := range shape.Il {
		code := sandik.UnitCode(fmt.Sprintf("%02d", i+1))
		c.Units = append(c.Units, sandik.Unit{Code: code, Kind: sandik.UnitIl, Name: fmt.Sprintf("Sentetik İl %d", i+1), Parent: "gm", Area: sandik.AreaCode(code)})
	}
	for i := range shape.Ilce {
		il := c.Units[1+i%shape.Il]
		code := sandik.UnitCode(fmt.Sprintf("%s.%04d", il.Code, i+1))
		c.Units = append(c.Units, sandik.Unit{Code: code, Kind: sandik.UnitIlce, Name: fmt.Sprintf("Sentetik İlçe %d", i+1), Parent: il.Code, Area: sandik.AreaCode(code)})
	}
	for i := range shape.Mahalle {
		ilce := c.Units[1+shape.Il+i%shape.Ilce]
		code := sandik.UnitCode(fmt.Sprintf("%s.%06d", ilce.Code, i+1))
		c.Units = append(c.Units, sandik.Unit{Code: code, Kind: sandik.UnitMahalle, Name: fmt.Sprintf("Sentetik Mahalle %d", i+1), Parent: ilce.Code, Area: sandik.AreaCode(code)})
	}
	places := c.Units[1+shape.Il+shape.Ilce:]
	if len(places) == 0 {
		places = c.Units
	}
	c.People = make([]sandik.Person, shape.People)
	for i := range c.People {
		c.People[i] = sandik.Person{ID: sandik.PersonID(fmt.Sprintf("k%07d", i)), Name: fmt.Sprintf("Sentetik Kişi %d", i),
			Phones: []string{fmt.Sprintf("+90532%07d", i)}, Home: places[i%len(places)].Code, Purpose: "örgüt üyeliği (sentetik)", Consent: "2024-01-01"}
	}
	chairs := map[sandik.UnitKind]sandik.KindCode{sandik.UnitHQ: "genel_baskan", sandik.UnitIl: "il_baskani", sandik.UnitIlce: "ilce_baskani", sandik.UnitMahalle: "mahalle_baskani"}
	starts := []sandik.Date{"2012-01-01", "2016-01-01", "2020-01-01", "2024-01-01"}
	c.Positions = make([]sandik.Position, 0, shape.Positions)
	person := func() sandik.PersonID { return c.People[rng.IntN(len(c.People))].ID }
	for _, u := range c.Units {
		for j, start := range starts {
			if len(c.Positions) == shape.Positions || shape.People == 0 {
				break
			}
			p := sandik.Position{ID: sandik.PositionID(fmt.Sprintf("g%08d", len(c.Positions))), Kind: chairs[u.Kind], Unit: u.Code, Person: person(), Start: start, Source: sandik.SourceCongress}
			if j+1 < len(starts) {
				end, _ := time.Parse(time.DateOnly, string(starts[j+1]))
				p.End, p.EndReason = sandik.Date(end.AddDate(0, 0, -1).Format(time.DateOnly)), "kongre"
			}
			c.Positions = append(c.Positions, p)
		}
	}
	for len(c.Positions) < shape.Positions && shape.People > 0 {
		u := c.Units[rng.IntN(len(c.Units))]
		year, monthDay := 2010+rng.IntN(15), fmt.Sprintf("-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28))
		p := sandik.Position{ID: sandik.PositionID(fmt.Sprintf("g%08d", len(c.Positions))), Kind: "delege", Unit: u.Code, Person: person(),
			Start: sandik.Date(fmt.Sprintf("%04d%s", year, monthDay)), Source: sandik.SourceCongress}
		if rng.IntN(2) == 0 {
			p.Kind = "yonetim_kurulu_uyesi"
		}
		if rng.IntN(3) > 0 {
			p.End, p.EndReason = sandik.Date(fmt.Sprintf("%04d%s", year+1+rng.IntN(4), monthDay)), "istifa"
		}
		c.Positions = append(c.Positions, p)
	}
	if shape.Assignments > 0 && shape.People > 0 {
		c.Assignments = make([]sandik.Assignment, shape.Assignments)
		at := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
		for i := range c.Assignments {
			u := places[i%len(places)]
			c.Assignments[i] = sandik.Assignment{Election: OrgElection, Box: sandik.AreaCode(fmt.Sprintf("%s.%04d", u.Code, 1+i/len(places))),
				Person: c.People[i%len(c.People)].ID, AssignedAt: at, AssignedBy: "sentetik"}
		}
	}
	return c
}
