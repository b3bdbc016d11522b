package sandik

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// The district scorecard (ilçe karnesi): one page of figures per ilçe,
// each computed from the rows given, never kept. The province table is
// the scorecards of its districts side by side.

// ElectionResult is the party's figures in one district at one
// election's race, from official or verified figures.
type ElectionResult struct {
	Election ElectionCode        `json:"election"`
	Race     RaceCode            `json:"race"`
	Day      Date                `json:"day"`
	Kind     string              `json:"kind"` // races of the same kind are compared (district mayor with district mayor)
	Votes    map[PartyCode]int64 `json:"votes"`
	Valid    int64               `json:"valid"`
	Basis    string              `json:"basis"` // "official" or "verified"
}

// ScoreInput is what one district's scorecard is computed from: the
// rows, already limited to the district, and the instant of asking.
type ScoreInput struct {
	Unit        Unit
	Party       PartyCode
	Results     []ElectionResult
	Outcome     string // won, kept, gained, lost or other, from the municipal terms (package belediye)
	MarginPts   float64
	Boxes       int // boxes of the district at the last election
	Covered     int // of which with an observer assigned
	Meetings    []Meeting
	Attended    map[MeetingID]int
	Invited     map[MeetingID]int
	Visits      []Visit
	Commitments []Commitment
	Decisions   []Decision
	Terms       []Position // terms of the district's unit
	BoardKinds  []KindCode // the one-holder posts a district board fills
	Now         time.Time
	// Counts, when given, are the district's visit and commitment
	// counts as the store counted them (VisitStore.VisitCounts, rolled
	// up to the district) and stand for Visits and Commitments, which a
	// province table does not read row by row.
	Counts *AreaVisitCounts
}

// Scorecard is one district's figures. Shares are percentages; Change
// is in points against the previous result of the same kind. Links
// names, per figure, the API path it was computed from.
type Scorecard struct {
	Unit               UnitCode          `json:"unit"`
	Name               string            `json:"name"`
	Area               AreaCode          `json:"area"`
	Election           ElectionCode      `json:"election,omitempty"`
	Basis              string            `json:"basis,omitempty"`
	Votes              int64             `json:"votes"`
	Valid              int64             `json:"valid"`
	Share              float64           `json:"share"`
	Rank               int               `json:"rank"`
	HasPrev            bool              `json:"has_previous"`
	PrevShare          float64           `json:"previous_share"`
	Change             float64           `json:"change"`
	Outcome            string            `json:"municipality,omitempty"`
	MarginPts          float64           `json:"margin_points"`
	Boxes              int               `json:"boxes"`
	Covered            int               `json:"covered"`
	Coverage           float64           `json:"coverage"`
	Meetings           int               `json:"meetings"`
	Attended           int               `json:"attended"`
	Invited            int               `json:"invited"`
	Visits             int               `json:"visits"`
	OpenCommitments    int               `json:"open_commitments"`
	OverdueCommitments int               `json:"overdue_commitments"`
	OpenDecisions      int               `json:"open_decisions"`
	OverdueDecisions   int               `json:"overdue_decisions"`
	Vacant             []KindCode        `json:"vacant"`
	Links              map[string]string `json:"links"`
}

// ComputeScorecard computes a district's scorecard from in.
func ComputeScorecard(in ScoreInput) Scorecard {
	u := in.Unit
	sc := Scorecard{Unit: u.Code, Name: u.Name, Area: u.Area, Outcome: in.Outcome, MarginPts: in.MarginPts, Vacant: []KindCode{}}
	rs := slices.Clone(in.Results)
	slices.SortStableFunc(rs, func(a, b ElectionResult) int { return cmp.Compare(a.Day, b.Day) })
	if n := len(rs); n > 0 {
		last := rs[n-1]
		sc.Election, sc.Basis = last.Election, last.Basis
		sc.Votes, sc.Valid = last.Votes[in.Party], last.Valid
		sc.Share = percent(sc.Votes, sc.Valid)
		sc.Rank = 1
		for p, v := range last.Votes {
			if p != in.Party && v > sc.Votes {
				sc.Rank++
			}
		}
		if sc.Votes == 0 && sc.Valid == 0 {
			sc.Rank = 0
		}
		for i := n - 2; i >= 0; i-- {
			if rs[i].Kind == last.Kind && rs[i].Day < last.Day {
				sc.HasPrev = true
				sc.PrevShare = percent(rs[i].Votes[in.Party], rs[i].Valid)
				sc.Change = sc.Share - sc.PrevShare
				break
			}
		}
	}
	sc.Boxes, sc.Covered = in.Boxes, in.Covered
	sc.Coverage = percent(int64(in.Covered), int64(in.Boxes))
	for _, m := range in.Meetings {
		if m.Unit == u.Code && !m.Start.After(in.Now) {
			sc.Meetings++
			sc.Attended += in.Attended[m.ID]
			sc.Invited += in.Invited[m.ID]
		}
	}
	for _, v := range in.Visits {
		if v.Area == u.Area && !v.At.After(in.Now) {
			sc.Visits++
		}
	}
	if in.Counts != nil {
		sc.Visits, sc.OpenCommitments, sc.OverdueCommitments = in.Counts.Visits, in.Counts.OpenCommitments, in.Counts.OverdueCommitments
	}
	for _, c := range in.Commitments {
		switch c.DueState(in.Now) {
		case DueOverdue:
			sc.OverdueCommitments++
			sc.OpenCommitments++
		case DueToday, DueLater:
			sc.OpenCommitments++
		}
	}
	today := DateOf(in.Now)
	for _, d := range in.Decisions {
		if d.Status == DecisionOpen {
			sc.OpenDecisions++
			if d.Overdue(today) {
				sc.OverdueDecisions++
			}
		}
	}
	held := map[KindCode]bool{}
	for _, p := range in.Terms {
		if p.Unit == u.Code && p.HeldOn(today) {
			held[p.Kind] = true
		}
	}
	for _, k := range in.BoardKinds {
		if !held[k] {
			sc.Vacant = append(sc.Vacant, k)
		}
	}
	race := RaceCode("")
	if n := len(rs); n > 0 {
		race = rs[n-1].Race
	}
	sc.Links = scorecardLinks(u, sc.Election, race)
	return sc
}

func scorecardLinks(u Unit, e ElectionCode, race RaceCode) map[string]string {
	l := map[string]string{
		"meetings":     "/api/v1/meetings?unit=" + string(u.Code),
		"visits":       "/api/v1/visits?area=" + string(u.Area),
		"commitments":  "/api/v1/commitments?area=" + string(u.Area),
		"decisions":    "/api/v1/decisions?unit=" + string(u.Code),
		"vacant":       "/api/v1/positions?unit=" + string(u.Code),
		"municipality": "/api/v1/municipalities/" + string(u.Area),
	}
	if race != "" {
		l["result"] = "/api/v1/races/" + string(race) + "/totals/" + string(u.Area)
	}
	if e != "" {
		l["coverage"] = "/api/v1/elections/" + string(e) + "/coverage/" + string(u.Area)
	}
	return l
}

// percent is 100·a/b, 0 when b is 0.
func percent(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// ScoreColumns are the columns the province table sorts by.
func ScoreColumns() []string {
	return []string{"name", "share", "rank", "change", "municipality", "margin", "coverage", "meetings", "attended", "visits", "open_commitments", "overdue_commitments", "open_decisions", "overdue_decisions", "vacant"}
}

// SortScorecards sorts cards by column (ScoreColumns), descending if
// desc; ties go by unit code so the order is the same on every run.
func SortScorecards(cards []Scorecard, column string, desc bool) error {
	key := func(s Scorecard) any {
		switch column {
		case "name":
			return s.Name
		case "share":
			return s.Share
		case "rank":
			return float64(s.Rank)
		case "change":
			return s.Change
		case "municipality":
			return s.Outcome
		case "margin":
			return s.MarginPts
		case "coverage":
			return s.Coverage
		case "meetings":
			return float64(s.Meetings)
		case "attended":
			return float64(s.Attended)
		case "visits":
			return float64(s.Visits)
		case "open_commitments":
			return float64(s.OpenCommitments)
		case "overdue_commitments":
			return float64(s.OverdueCommitments)
		case "open_decisions":
			return float64(s.OpenDecisions)
		case "overdue_decisions":
			return float64(s.OverdueDecisions)
		case "vacant":
			return float64(len(s.Vacant))
		}
		return nil
	}
	if len(cards) > 0 && key(cards[0]) == nil || !slices.Contains(ScoreColumns(), column) {
		return Invalid("invalid sort", []Problem{{Field: "sort", Rule: RuleInvalidValue, Message: fmt.Sprintf("unknown column %q", column)}})
	}
	slices.SortStableFunc(cards, func(a, b Scorecard) int {
		var c int
		switch ka := key(a).(type) {
		case string:
			c = cmp.Compare(ka, key(b).(string))
		case float64:
			c = cmp.Compare(ka, key(b).(float64))
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(a.Unit, b.Unit)
		}
		return c
	})
	return nil
}
