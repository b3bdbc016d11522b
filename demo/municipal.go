package demo

import (
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/belediye"
)

// The demo's municipalities: İstanbul's metropolitan municipality and its
// 39 district municipalities (real names), each with a term at 31 March
// 2019 — the night the demo replays — and one at 31 March 2024. Who won
// a district, the mayors' names and the margins are SYNTHETIC, marked
// "(sentetik)", and entered by hand with the reason "demo"; only the
// metropolitan 2019 term is computed from the demo's own (synthetic)
// official figures, as `sandik org municipalities fill` would.

// OurParty is the party the demo organisation belongs to.
const OurParty sandik.PartyCode = "CHP"

// Election2024 is the later local election of the demo's terms; the
// registry does not hold it, so its terms carry their day.
const Election2024 sandik.ElectionCode = "2024-03-31"

// HeldDistricts is how many district municipalities our party holds in
// each term (the 2020 workshop had 14 district mayors).
const HeldDistricts = 14

// Municipal returns the municipalities and their terms. votes and valid
// are the metropolitan race's official totals (ballot order of
// RaceMayor); the district winners are drawn by seed, 14 ours in 2019
// and 14 in 2024, of which 10 kept, 4 gained and 4 lost.
func Municipal(reg *sandik.Registry, votes []int64, valid int64, seed int64) (sandik.MunicipalChange, error) {
	rc, ok := reg.Race(RaceMayor)
	if !ok {
		return sandik.MunicipalChange{}, fmt.Errorf("demo: no race %q", RaceMayor)
	}
	bb, err := belediye.Municipality(reg, rc)
	if err != nil {
		return sandik.MunicipalChange{}, err
	}
	ch := sandik.MunicipalChange{Municipalities: []sandik.Municipality{bb}}
	win, err := belediye.Winner(votes, valid)
	if err != nil {
		return ch, fmt.Errorf("demo: the metropolitan race: %w", err)
	}
	mayor, party, err := belediye.Candidate(rc.Choices[win.Choice])
	if err != nil {
		return ch, err
	}
	const day19, day24 = sandik.Date("2019-03-31"), sandik.Date("2024-03-31")
	ch.Terms = append(ch.Terms,
		sandik.MunicipalTerm{Municipality: bb.Code, Election: ElectionCode, Day: day19, Version: 1, Mayor: mayor, Party: party,
			MarginVotes: win.MarginVotes, MarginPoints: win.MarginPoints, Source: sandik.TermOfficial, Race: rc.Code},
		sandik.MunicipalTerm{Municipality: bb.Code, Election: Election2024, Day: day24, Version: 1, Mayor: "Büyükşehir Başkanı (sentetik)",
			Party: OurParty, MarginVotes: 1_000_000, MarginPoints: 11.5, Source: sandik.TermByHand, Reason: "demo"})

	districts := reg.Children("34")
	rng := newRand(seed, "municipal")
	order := rng.Perm(len(districts))
	// order[:10] ours in both terms, [10:14] ours in 2019 only (lost),
	// [14:18] ours in 2024 only (gained).
	ours19 := map[int]bool{}
	ours24 := map[int]bool{}
	for k, i := range order {
		switch {
		case k < 10:
			ours19[i], ours24[i] = true, true
		case k < HeldDistricts:
			ours19[i] = true
		case k < HeldDistricts+4:
			ours24[i] = true
		}
	}
	others := []sandik.PartyCode{"AKP", "AKP", "AKP", "MHP", sandik.PartyIndependent}
	for i, code := range districts {
		a, _ := reg.Area(code)
		m := sandik.Municipality{Code: sandik.MunicipalityCode(code), Kind: sandik.MuniIlce, Name: a.Name + " Belediyesi", Area: code, Province: "34"}
		ch.Municipalities = append(ch.Municipalities, m)
		for _, t := range []struct {
			election sandik.ElectionCode
			day      sandik.Date
			ours     bool
		}{{ElectionCode, day19, ours19[i]}, {Election2024, day24, ours24[i]}} {
			p := OurParty
			if !t.ours {
				p = others[rng.IntN(len(others))]
			}
			margin := 500 + rng.Int64N(40_000)
			ch.Terms = append(ch.Terms, sandik.MunicipalTerm{Municipality: m.Code, Election: t.election, Day: t.day, Version: 1,
				Mayor: fmt.Sprintf("%s Başkanı %s (sentetik)", a.Name, t.day[:4]), Party: p, MarginVotes: margin,
				MarginPoints: float64(1+rng.IntN(3000)) / 100, Source: sandik.TermByHand, Reason: "demo"})
		}
	}
	return ch, nil
}
