package sandik

import (
	"fmt"
	"math"
	"slices"
)

// The history of a box: its figures in the previous election of the same
// kind, matched by the same box (same area code, so the same place and
// number) or, where boxes were renumbered, by its neighbourhood (mahalle)
// as a whole. Swings far beyond the neighbourhood's are flagged.

// How a box was matched to the previous election.
const (
	MatchSameBox       = "same_box"      // the same box took part then
	MatchNeighbourhood = "neighbourhood" // renumbered: the neighbourhood's boxes then
	MatchNone          = "none"          // no box of its neighbourhood then
)

// HistoryBox is one box's figures in one election, for matching.
type HistoryBox struct {
	Box    AreaCode
	Parent AreaCode // the neighbourhood
	Sheet  *Tutanak // nil when the box has no figures
}

// HistoryMatch says what a box is compared with and how sure the match is:
// 1 for the same box, 0.5 for its neighbourhood's boxes, 0 for none.
type HistoryMatch struct {
	Box        AreaCode   `json:"box"`
	By         string     `json:"by"`
	Previous   []AreaCode `json:"previous"`
	Confidence float64    `json:"confidence"`
}

// SwingThresholds bound a box's swing beyond its neighbourhood's, in
// percentage points.
type SwingThresholds struct {
	TurnoutPoints float64 `json:"turnout_points"`
	SharePoints   float64 `json:"share_points"`
}

// DefaultSwingThresholds: 15 points either way, beyond what a box's
// neighbourhood moved, is what a coordinator should look at.
var DefaultSwingThresholds = SwingThresholds{TurnoutPoints: 15, SharePoints: 15}

// Kinds of swing flags.
const (
	FlagTurnoutSwing = "turnout_swing"
	FlagShareSwing   = "share_swing"
)

// SwingFlag is a box whose swing from the previous election is far beyond
// its neighbourhood's: Value is the box's swing in points, Neighbourhood
// the neighbourhood's, Threshold the bound |Value − Neighbourhood| broke.
type SwingFlag struct {
	Box           AreaCode     `json:"box"`
	Kind          string       `json:"kind"`
	Field         string       `json:"field"` // "voted" or "votes.CHOICE"
	Value         float64      `json:"value"`
	Neighbourhood float64      `json:"neighbourhood"`
	Threshold     float64      `json:"threshold"`
	Reason        string       `json:"reason"`
	Match         HistoryMatch `json:"match"`
}

type sums struct {
	registered, voted, valid int64
	votes                    map[ChoiceCode]int64
}

func (s *sums) add(t *Tutanak, choices []Choice) {
	s.registered += t.Registered
	s.voted += t.Voted
	s.valid += t.ValidTotal
	for i, c := range choices {
		if i < len(t.Votes) {
			s.votes[c.Code] += t.Votes[i]
		}
	}
}

func (s *sums) turnout() (float64, bool) {
	if s.registered <= 0 {
		return 0, false
	}
	return 100 * float64(s.voted) / float64(s.registered), true
}

func (s *sums) share(c ChoiceCode) (float64, bool) {
	if s.valid <= 0 {
		return 0, false
	}
	return 100 * float64(s.votes[c]) / float64(s.valid), true
}

func newSums() *sums { return &sums{votes: map[ChoiceCode]int64{}} }

// SwingHistory matches every box of cur to prev and flags swings beyond
// the neighbourhood's. Choices are matched by code between the two races;
// shares are of the valid votes. Boxes without figures are skipped;
// matches and flags come in the order of cur.
func SwingHistory(cur, prev []HistoryBox, curChoices, prevChoices []Choice, th SwingThresholds) ([]HistoryMatch, []SwingFlag) {
	prevBox := map[AreaCode]*HistoryBox{}
	prevHood := map[AreaCode][]AreaCode{}
	hoodPrev, hoodCur := map[AreaCode]*sums{}, map[AreaCode]*sums{}
	for i := range prev {
		b := &prev[i]
		if b.Sheet == nil {
			continue
		}
		prevBox[b.Box] = b
		prevHood[b.Parent] = append(prevHood[b.Parent], b.Box)
		if hoodPrev[b.Parent] == nil {
			hoodPrev[b.Parent] = newSums()
		}
		hoodPrev[b.Parent].add(b.Sheet, prevChoices)
	}
	for i := range cur {
		b := &cur[i]
		if b.Sheet == nil {
			continue
		}
		if hoodCur[b.Parent] == nil {
			hoodCur[b.Parent] = newSums()
		}
		hoodCur[b.Parent].add(b.Sheet, curChoices)
	}
	var common []ChoiceCode
	for _, c := range curChoices {
		if slices.ContainsFunc(prevChoices, func(p Choice) bool { return p.Code == c.Code }) {
			common = append(common, c.Code)
		}
	}
	var matches []HistoryMatch
	var flags []SwingFlag
	for i := range cur {
		b := &cur[i]
		if b.Sheet == nil {
			continue
		}
		m := HistoryMatch{Box: b.Box, By: MatchNone, Previous: []AreaCode{}}
		then := newSums()
		switch p, ok := prevBox[b.Box]; {
		case ok:
			m.By, m.Previous, m.Confidence = MatchSameBox, []AreaCode{b.Box}, 1
			then.add(p.Sheet, prevChoices)
		case len(prevHood[b.Parent]) > 0:
			m.By, m.Previous, m.Confidence = MatchNeighbourhood, slices.Clone(prevHood[b.Parent]), 0.5
			*then = *hoodPrev[b.Parent]
		}
		matches = append(matches, m)
		if m.By == MatchNone || hoodPrev[b.Parent] == nil {
			continue
		}
		now := newSums()
		now.add(b.Sheet, curChoices)
		hn, hp := hoodCur[b.Parent], hoodPrev[b.Parent]
		check := func(kind, field, what string, box, boxThen, hood, hoodThen float64, bound float64) {
			swing, hswing := box-boxThen, hood-hoodThen
			if math.Abs(swing-hswing) > bound {
				flags = append(flags, SwingFlag{Box: b.Box, Kind: kind, Field: field, Value: round1(swing), Neighbourhood: round1(hswing), Threshold: bound, Match: m,
					Reason: fmt.Sprintf("%s moved %+.1f points since the previous election (matched by %s), its neighbourhood %+.1f: more than %.0f points apart", what, swing, m.By, hswing, bound)})
			}
		}
		t1, ok1 := now.turnout()
		t0, ok0 := then.turnout()
		h1, okh1 := hn.turnout()
		h0, okh0 := hp.turnout()
		if ok1 && ok0 && okh1 && okh0 {
			check(FlagTurnoutSwing, "voted", "turnout", t1, t0, h1, h0, th.TurnoutPoints)
		}
		for _, c := range common {
			s1, ok1 := now.share(c)
			s0, ok0 := then.share(c)
			g1, okh1 := hn.share(c)
			g0, okh0 := hp.share(c)
			if ok1 && ok0 && okh1 && okh0 {
				check(FlagShareSwing, "votes."+string(c), "the share of "+string(c), s1, s0, g1, g0, th.SharePoints)
			}
		}
	}
	return matches, flags
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
