package sandik

import "strings"

// RaceKind returns the kind of a race as the import coded it
// (ELECTION.KIND.CONSTITUENCY: "meclis", "baskan", "il-genel-meclisi"),
// or "" for a race not coded that way. A roll-up adds up every race of one
// kind: a local election has one council race per district, but the
// night's headline is the party's total across all of them.
func RaceKind(rc *Race) string {
	rest, ok := strings.CutPrefix(string(rc.Code), string(rc.Election)+".")
	if !ok || rest == "" {
		return ""
	}
	kind, _, _ := strings.Cut(rest, ".")
	return kind
}

// RollupPart is what one race contributes to a roll-up over an area: the
// race's totals over the part of the area it covers.
type RollupPart struct {
	Race          RaceCode
	Choices       []Choice // the race's, in ballot order
	BoxesExpected int
	BoxesVerified int
	BoxesOfficial int
	Registered    int64 // registry's registered voters of the boxes
	Provisional   RollupCounts
	Verified      RollupCounts
	Official      RollupCounts
}

// RollupCounts are figures summed over boxes; Votes follow the choices
// they belong to (a part's ballot order, or a roll-up's choices).
type RollupCounts struct {
	Voted      int64   `json:"voted"`
	ValidTotal int64   `json:"valid_total"`
	Invalid    int64   `json:"invalid_total"`
	Votes      []int64 `json:"votes"`
	// Shares are Votes over ValidTotal (0 when nothing is valid).
	Shares []float64 `json:"shares"`
}

// RollupChoice is a choice of a roll-up: a party (the same choice code in
// several races is the same party) and in how many races it stood.
type RollupChoice struct {
	Code  ChoiceCode `json:"code"`
	Name  string     `json:"name"`
	Races int        `json:"races"`
}

// Rollup is the sum, per choice, of every race of one kind over one area.
type Rollup struct {
	Kind string   `json:"kind"`
	Area AreaCode `json:"area,omitempty"` // empty: the whole election
	Name string   `json:"name"`
	// Races counts the races summed; RacesHidden those left out because
	// the reader may not read their part of the area.
	Races         int            `json:"races"`
	RacesHidden   int            `json:"races_hidden"`
	BoxesExpected int            `json:"boxes_expected"`
	BoxesVerified int            `json:"boxes_verified"`
	BoxesOfficial int            `json:"boxes_official"`
	Registered    int64          `json:"registered"`
	Choices       []RollupChoice `json:"choices"`
	Provisional   RollupCounts   `json:"provisional"`
	Verified      RollupCounts   `json:"verified"`
	Official      RollupCounts   `json:"official"`
}

// SumRollup adds parts up by choice code. Choices come in the order they
// are first met, parts taken in the order given, so the same parts give
// the same roll-up.
func SumRollup(kind string, area AreaCode, name string, parts []RollupPart) Rollup {
	r := Rollup{Kind: kind, Area: area, Name: name, Choices: []RollupChoice{}}
	ix := map[ChoiceCode]int{}
	for i := range parts {
		for _, c := range parts[i].Choices {
			j, ok := ix[c.Code]
			if !ok {
				j = len(r.Choices)
				ix[c.Code] = j
				r.Choices = append(r.Choices, RollupChoice{Code: c.Code, Name: c.Name})
			}
			r.Choices[j].Races++
		}
	}
	n := len(r.Choices)
	r.Provisional.Votes, r.Verified.Votes, r.Official.Votes = make([]int64, n), make([]int64, n), make([]int64, n)
	for i := range parts {
		p := &parts[i]
		r.Races++
		r.BoxesExpected += p.BoxesExpected
		r.BoxesVerified += p.BoxesVerified
		r.BoxesOfficial += p.BoxesOfficial
		r.Registered += p.Registered
		for _, v := range []struct{ to, from *RollupCounts }{{&r.Provisional, &p.Provisional}, {&r.Verified, &p.Verified}, {&r.Official, &p.Official}} {
			v.to.Voted += v.from.Voted
			v.to.ValidTotal += v.from.ValidTotal
			v.to.Invalid += v.from.Invalid
			for k, c := range p.Choices {
				if k < len(v.from.Votes) {
					v.to.Votes[ix[c.Code]] += v.from.Votes[k]
				}
			}
		}
	}
	for _, v := range []*RollupCounts{&r.Provisional, &r.Verified, &r.Official} {
		v.Shares = make([]float64, n)
		if v.ValidTotal > 0 {
			for k, x := range v.Votes {
				v.Shares[k] = float64(x) / float64(v.ValidTotal)
			}
		}
	}
	return r
}
