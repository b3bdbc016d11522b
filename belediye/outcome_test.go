package belediye

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/sandik-dev/sandik"
)

func term(m sandik.MunicipalityCode, e sandik.ElectionCode, day sandik.Date, party sandik.PartyCode, margin int64) sandik.MunicipalTerm {
	return sandik.MunicipalTerm{Municipality: m, Election: e, Day: day, Version: 1, Mayor: "Ad Soyad (sentetik)", Party: party,
		MarginVotes: margin, Source: sandik.TermByHand, Reason: "test"}
}

func TestCompareOutcomes(t *testing.T) {
	munis := []sandik.Municipality{
		{Code: "kept", Province: "34"}, {Code: "gained", Province: "34"}, {Code: "lost", Province: "34"},
		{Code: "new", Province: "34"}, {Code: "indep", Province: "35"}, {Code: "indeplost", Province: "35"},
		{Code: "other", Province: "35"}, {Code: "tie", Province: "35"}, {Code: "notnow", Province: "35"},
		{Code: "older", Province: "35"},
	}
	const p19, p24 = "2019", "2024"
	d19, d24, d14 := sandik.Date("2019-03-31"), sandik.Date("2024-03-31"), sandik.Date("2014-03-30")
	terms := []sandik.MunicipalTerm{
		term("kept", p19, d19, "CHP", 10), term("kept", p24, d24, "CHP", 10),
		term("gained", p19, d19, "AKP", 10), term("gained", p24, d24, "CHP", 10),
		term("lost", p19, d19, "CHP", 10), term("lost", p24, d24, "AKP", 10),
		term("new", p24, d24, "CHP", 10), // no earlier term known
		term("indep", p19, d19, "AKP", 10), term("indep", p24, d24, sandik.PartyIndependent, 10),
		term("indeplost", p19, d19, "CHP", 10), term("indeplost", p24, d24, sandik.PartyIndependent, 10),
		term("other", p19, d19, "AKP", 10), term("other", p24, d24, "MHP", 10),
		term("tie", p19, d19, "AKP", 10), term("tie", p24, d24, "CHP", 0), // decided by lot
		term("notnow", p19, d19, "CHP", 10),
		// The term before is the latest before, not the first.
		term("older", "2014", d14, "AKP", 1), term("older", p24, d24, "CHP", 1), term("older", p19, d19, "CHP", 1),
	}
	got := map[sandik.MunicipalityCode]Outcome{}
	for _, r := range Compare("CHP", p24, munis, terms) {
		got[r.Municipality.Code] = r.Outcome
	}
	want := map[sandik.MunicipalityCode]Outcome{
		"kept": Kept, "gained": Gained, "lost": Lost, "new": Won, "indep": Other, "indeplost": Lost,
		"other": Other, "tie": Gained, "older": Kept,
	}
	if len(got) != len(want) {
		t.Errorf("got %d results, want %d: %v", len(got), len(want), got)
	}
	for m, o := range want {
		if got[m] != o {
			t.Errorf("%s: got %q, want %q", m, got[m], o)
		}
	}
	sums := Summarize(Compare("CHP", p24, munis, terms))
	wantSums := []Summary{
		{Province: "34", Municipalities: 4, Won: 3, Kept: 1, Gained: 1, Lost: 1, Before: 2},
		{Province: "35", Municipalities: 5, Won: 2, Kept: 1, Gained: 1, Lost: 1, Before: 2},
	}
	if len(sums) != len(wantSums) {
		t.Fatalf("summaries: got %+v", sums)
	}
	for i := range sums {
		if sums[i] != wantSums[i] {
			t.Errorf("summary %d: got %+v, want %+v", i, sums[i], wantSums[i])
		}
	}
}

func TestCompareWithoutOurParty(t *testing.T) {
	terms := []sandik.MunicipalTerm{term("a", "2024", "2024-03-31", "CHP", 1)}
	for _, r := range Compare("", "2024", []sandik.Municipality{{Code: "a"}}, terms) {
		if r.Outcome != Other {
			t.Errorf("with no party set, %s is %q", r.Municipality.Code, r.Outcome)
		}
	}
	if rs := Compare(sandik.PartyIndependent, "2024", []sandik.Municipality{{Code: "a"}}, []sandik.MunicipalTerm{term("a", "2024", "2024-03-31", sandik.PartyIndependent, 1)}); rs[0].Outcome != Other {
		t.Errorf("independents are no party: got %q", rs[0].Outcome)
	}
}

// Over random terms, the summary agrees with counts made another way:
// held now, held before, held both times, each counted directly.
func TestSummaryAgreesWithDirectCounts(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 17))
		parties := []sandik.PartyCode{"CHP", "AKP", "MHP", sandik.PartyIndependent}
		days := []sandik.Date{"2014-03-30", "2019-03-31", "2024-03-31"}
		var munis []sandik.Municipality
		var terms []sandik.MunicipalTerm
		for i := range 30 {
			m := sandik.Municipality{Code: sandik.MunicipalityCode(fmt.Sprint(i)), Province: sandik.AreaCode(fmt.Sprint(i % 3))}
			munis = append(munis, m)
			for _, d := range days {
				if rng.IntN(4) > 0 {
					terms = append(terms, term(m.Code, sandik.ElectionCode(d), d, parties[rng.IntN(len(parties))], 1))
				}
			}
		}
		rng.Shuffle(len(terms), func(i, j int) { terms[i], terms[j] = terms[j], terms[i] })
		for _, e := range days {
			want := map[sandik.AreaCode]*Summary{}
			for _, m := range munis {
				var cur, prev *sandik.MunicipalTerm
				for k := range terms {
					tm := &terms[k]
					switch {
					case tm.Municipality != m.Code:
					case tm.Day == e:
						cur = tm
					case tm.Day < e && (prev == nil || tm.Day > prev.Day):
						prev = tm
					}
				}
				if cur == nil {
					continue
				}
				s := want[m.Province]
				if s == nil {
					s = &Summary{Province: m.Province}
					want[m.Province] = s
				}
				s.Municipalities++
				now, before := cur.Party == "CHP", prev != nil && prev.Party == "CHP"
				if now {
					s.Won++
				}
				if before {
					s.Before++
				}
				if now && before {
					s.Kept++
				}
				if now && prev != nil && !before {
					s.Gained++
				}
				if before && !now {
					s.Lost++
				}
			}
			got := Summarize(Compare("CHP", sandik.ElectionCode(e), munis, terms))
			if len(got) != len(want) {
				t.Fatalf("seed %d, %s: %d provinces, want %d", seed, e, len(got), len(want))
			}
			for _, s := range got {
				if *want[s.Province] != s {
					t.Fatalf("seed %d, %s: got %+v, want %+v", seed, e, s, *want[s.Province])
				}
			}
		}
	}
}
