package belediye

import (
	"cmp"
	"slices"

	"github.com/sandik-dev/sandik"
)

// Outcome is what an election did to a party in one municipality,
// against the term before it.
type Outcome string

// The outcomes. Won is a win with no earlier term known to compare with.
const (
	Won    Outcome = "kazanildi" // ours, no earlier term known
	Kept   Outcome = "korundu"   // ours before and now
	Gained Outcome = "alindi"    // another's before, ours now
	Lost   Outcome = "kaybedildi"
	Other  Outcome = "diger" // not ours, and not ours before
)

// Result is one municipality's term at an election beside the term
// before it (nil when none is known).
type Result struct {
	Municipality sandik.Municipality   `json:"municipality"`
	Term         sandik.MunicipalTerm  `json:"term"`
	Previous     *sandik.MunicipalTerm `json:"previous,omitempty"`
	Outcome      Outcome               `json:"outcome"`
}

// Compare judges every municipality with a term at election for party:
// terms holds the terms as they stand (the latest version of each) of any
// elections; the term before is the one of the latest day before the
// election's. Municipalities without a term at election are left out.
// An independent winner is no party's; a win decided by lot (margin 0)
// counts like any other. The results are in the order of munis.
func Compare(party sandik.PartyCode, election sandik.ElectionCode, munis []sandik.Municipality, terms []sandik.MunicipalTerm) []Result {
	by := map[sandik.MunicipalityCode][]sandik.MunicipalTerm{}
	for _, t := range terms {
		by[t.Municipality] = append(by[t.Municipality], t)
	}
	var out []Result
	for _, m := range munis {
		ts := by[m.Code]
		i := slices.IndexFunc(ts, func(t sandik.MunicipalTerm) bool { return t.Election == election })
		if i < 0 {
			continue
		}
		cur := ts[i]
		var prev *sandik.MunicipalTerm
		for j := range ts {
			if ts[j].Day < cur.Day && (prev == nil || ts[j].Day > prev.Day) {
				prev = &ts[j]
			}
		}
		out = append(out, Result{Municipality: m, Term: cur, Previous: prev, Outcome: judge(party, cur, prev)})
	}
	return out
}

func judge(party sandik.PartyCode, cur sandik.MunicipalTerm, prev *sandik.MunicipalTerm) Outcome {
	ours := func(p sandik.PartyCode) bool { return party != "" && p == party && p != sandik.PartyIndependent }
	switch {
	case ours(cur.Party) && prev == nil:
		return Won
	case ours(cur.Party) && ours(prev.Party):
		return Kept
	case ours(cur.Party):
		return Gained
	case prev != nil && ours(prev.Party):
		return Lost
	}
	return Other
}

// Summary counts the outcomes of one province. Won counts every
// municipality held after the election (Kept and Gained included);
// Before those held by the terms before.
type Summary struct {
	Province       sandik.AreaCode `json:"province"`
	Municipalities int             `json:"municipalities"`
	Won            int             `json:"won"`
	Kept           int             `json:"kept"`
	Gained         int             `json:"gained"`
	Lost           int             `json:"lost"`
	Before         int             `json:"before"`
}

// Summarize counts results per province, by province code.
func Summarize(results []Result) []Summary {
	by := map[sandik.AreaCode]*Summary{}
	var out []*Summary
	for _, r := range results {
		s := by[r.Municipality.Province]
		if s == nil {
			s = &Summary{Province: r.Municipality.Province}
			by[s.Province] = s
			out = append(out, s)
		}
		s.Municipalities++
		switch r.Outcome {
		case Won:
			s.Won++
		case Kept:
			s.Won++
			s.Kept++
			s.Before++
		case Gained:
			s.Won++
			s.Gained++
		case Lost:
			s.Lost++
			s.Before++
		}
	}
	slices.SortFunc(out, func(a, b *Summary) int { return cmp.Compare(a.Province, b.Province) })
	sums := make([]Summary, len(out))
	for i, s := range out {
		sums[i] = *s
	}
	return sums
}
