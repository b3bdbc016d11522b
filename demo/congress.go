package demo

import (
	"fmt"

	"github.com/sandik-dev/sandik"
)

// A district congress (ilçe kongresi) of the demo's organisation, ready
// to check in and count: the first district of İstanbul, its chair and
// board ex officio, forty delegates elected at four neighbourhood
// elections with their substitutes (one delegate resigned, so the first
// substitute of that neighbourhood sits for them), and two camps' lists
// for the chair and a five-seat çarşaf board. Every name is synthetic.

// CongressID names the demo's congress.
const CongressID sandik.CongressID = "demo-kongre"

// The demo's camps.
const (
	CampA = "Değişim (sentetik)"
	CampB = "Birlik (sentetik)"
)

// CongressSeed is the demo congress and what it needs besides
// Organisation: the delegates as people, their mandates, the congress
// and its contests and lists.
type CongressSeed struct {
	Org      sandik.OrgChange
	Mandates []sandik.Mandate
	Resigned sandik.MandateID // ended the day before the congress
	Congress sandik.Congress
	Contests []sandik.Contest
	Lists    []sandik.CandidateList
}

// Congress lays out the demo congress of day in reg's first district;
// ok is false when reg has no district of il 34.
func Congress(reg *sandik.Registry, day sandik.Date) (CongressSeed, bool) {
	ds := districtsOf(reg)
	if len(ds) == 0 {
		return CongressSeed{}, false
	}
	unit := sandik.UnitCode(ds[0])
	a, _ := reg.Area(ds[0])
	var s CongressSeed
	var delegates []sandik.PersonID
	for g := range 4 {
		group := sandik.UnitCode(fmt.Sprintf("%s-mahalle-%d", unit, g+1))
		for r := range 12 {
			id := sandik.PersonID(fmt.Sprintf("demo-delege-%d-%02d", g+1, r+1))
			s.Org.People = append(s.Org.People, sandik.Person{ID: id, Name: syntheticName(500 + g*12 + r), Home: unit,
				Purpose: "örgüt üyeliği (sentetik demo)", Consent: "2023-01-15"})
			m := sandik.Mandate{ID: sandik.MandateID(fmt.Sprintf("demo-yetki-%d-%02d", g+1, r+1)), Person: id, Level: sandik.LevelIlceCongress,
				Unit: unit, Group: group, Camp: []string{CampA, CampB}[(g+r)%2], Start: "2025-10-01"}
			if r < 10 {
				m.Rank = r + 1
				delegates = append(delegates, id)
			} else {
				m.Substitute = r - 9
			}
			s.Mandates = append(s.Mandates, m)
		}
	}
	s.Resigned = s.Mandates[1].ID
	s.Congress = sandik.Congress{ID: CongressID, Level: sandik.LevelIlceCongress, Unit: unit, Title: a.Name + " İlçe Kongresi (sentetik)",
		Date: day, Place: a.Name + " Kültür Merkezi", Boxes: 2}.WithDefaults()
	s.Contests = []sandik.Contest{
		{Congress: CongressID, Code: "baskan", Title: "İlçe Başkanı", Kind: sandik.ContestChair, Ballot: sandik.BallotSingle, Seats: 1, Tie: sandik.TieLot, Position: "ilce_baskani"},
		{Congress: CongressID, Code: "yonetim", Title: "İlçe Yönetim Kurulu", Kind: sandik.ContestBoard, Ballot: sandik.BallotCarsaf, Seats: 5, Substitutes: 2, Tie: sandik.TieListOrder, Position: "yonetim_kurulu_uyesi"},
	}
	list := func(contest, code, name, camp string, people []sandik.PersonID) sandik.CandidateList {
		l := sandik.CandidateList{Congress: CongressID, Contest: contest, Code: code, Name: name, Camp: camp, SubmittedBy: people[0]}
		for _, p := range people {
			l.Candidates = append(l.Candidates, sandik.ListCandidate{Person: p, Name: nameOf(s.Org.People, p)})
		}
		return l
	}
	s.Lists = []sandik.CandidateList{
		list("baskan", "a", "Aday: "+nameOf(s.Org.People, delegates[0]), CampA, delegates[:1]),
		list("baskan", "b", "Aday: "+nameOf(s.Org.People, delegates[11]), CampB, delegates[11:12]),
		list("yonetim", "a", CampA, CampA, []sandik.PersonID{delegates[2], delegates[4], delegates[6], delegates[8], delegates[10], delegates[12], delegates[14]}),
		list("yonetim", "b", CampB, CampB, []sandik.PersonID{delegates[3], delegates[5], delegates[7], delegates[9], delegates[13], delegates[15], delegates[17]}),
	}
	return s, true
}

func nameOf(people []sandik.Person, id sandik.PersonID) string {
	for _, p := range people {
		if p.ID == id {
			return p.Name
		}
	}
	return string(id)
}
