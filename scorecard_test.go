package sandik

import (
	"fmt"
	"math"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestScorecardBruteForce checks every figure against a count written
// the slow way over random rows.
func TestScorecardBruteForce(t *testing.T) {
	parties := []PartyCode{"A", "B", "C", "D"}
	rapid.Check(t, func(t *rapid.T) {
		now := time.Date(2024, 6, 1, rapid.IntRange(0, 23).Draw(t, "hour"), 0, 0, 0, time.UTC)
		u := Unit{Code: "ilce-x", Kind: UnitIlce, Name: "X", Area: "x"}
		in := ScoreInput{Unit: u, Party: "A", Now: now, Attended: map[MeetingID]int{}, Invited: map[MeetingID]int{},
			BoardKinds: []KindCode{"ilce_baskani", "sekreter", "sayman"}}
		nres := rapid.IntRange(0, 5).Draw(t, "results")
		for i := range nres {
			r := ElectionResult{Election: ElectionCode(fmt.Sprint("e", i)), Day: Date(fmt.Sprintf("20%02d-03-31", 10+i)),
				Kind: rapid.SampledFrom([]string{"ilce", "meclis"}).Draw(t, "kind"), Votes: map[PartyCode]int64{}}
			for _, p := range parties {
				v := rapid.Int64Range(0, 1000).Draw(t, "v")
				r.Votes[p] = v
				r.Valid += v
			}
			in.Results = append(in.Results, r)
		}
		in.Boxes = rapid.IntRange(0, 50).Draw(t, "boxes")
		in.Covered = rapid.IntRange(0, in.Boxes).Draw(t, "covered")
		for i := range rapid.IntRange(0, 6).Draw(t, "meetings") {
			m := Meeting{ID: MeetingID(fmt.Sprint("m", i)), Unit: rapid.SampledFrom([]UnitCode{"ilce-x", "ilce-y"}).Draw(t, "unit"),
				Start: now.Add(time.Duration(rapid.IntRange(-500, 100).Draw(t, "h")) * time.Hour)}
			in.Meetings = append(in.Meetings, m)
			in.Attended[m.ID] = rapid.IntRange(0, 30).Draw(t, "att")
			in.Invited[m.ID] = in.Attended[m.ID] + rapid.IntRange(0, 10).Draw(t, "inv")
		}
		for i := range rapid.IntRange(0, 8).Draw(t, "visits") {
			in.Visits = append(in.Visits, Visit{ID: VisitID(fmt.Sprint("v", i)), Area: rapid.SampledFrom([]AreaCode{"x", "y"}).Draw(t, "area"),
				At: now.Add(time.Duration(rapid.IntRange(-500, 100).Draw(t, "h")) * time.Hour)})
		}
		for i := range rapid.IntRange(0, 10).Draw(t, "commitments") {
			in.Commitments = append(in.Commitments, Commitment{ID: CommitmentID(fmt.Sprint("c", i)),
				Due:    DateOf(now.AddDate(0, 0, rapid.IntRange(-5, 5).Draw(t, "d"))),
				Status: rapid.SampledFrom([]CommitmentStatus{CommitOpen, CommitDone, CommitDropped}).Draw(t, "s")})
		}
		for i := range rapid.IntRange(0, 6).Draw(t, "decisions") {
			in.Decisions = append(in.Decisions, Decision{ID: DecisionID(fmt.Sprint("d", i)),
				Due:    DateOf(now.AddDate(0, 0, rapid.IntRange(-5, 5).Draw(t, "d"))),
				Status: rapid.SampledFrom([]DecisionStatus{DecisionOpen, DecisionDone}).Draw(t, "s")})
		}
		for i := range rapid.IntRange(0, 4).Draw(t, "terms") {
			start := DateOf(now.AddDate(0, 0, rapid.IntRange(-100, 10).Draw(t, "start")))
			p := Position{ID: PositionID(fmt.Sprint("p", i)), Unit: "ilce-x", Kind: rapid.SampledFrom([]KindCode{"ilce_baskani", "sekreter", "sayman"}).Draw(t, "k"), Start: start}
			if rapid.Bool().Draw(t, "ended") {
				p.End = DateOf(now.AddDate(0, 0, rapid.IntRange(-50, 50).Draw(t, "end")))
				if p.End < p.Start {
					p.End = p.Start
				}
			}
			in.Terms = append(in.Terms, p)
		}
		got := ComputeScorecard(in)

		// The brute force: the latest result by day, ranks by counting.
		var last, prev *ElectionResult
		for i := range in.Results {
			r := &in.Results[i]
			if last == nil || r.Day > last.Day {
				last = r
			}
		}
		if last != nil {
			for i := range in.Results {
				r := &in.Results[i]
				if r.Kind == last.Kind && r.Day < last.Day && (prev == nil || r.Day > prev.Day) {
					prev = r
				}
			}
			want := 0.0
			if last.Valid > 0 {
				want = float64(last.Votes["A"]) * 100 / float64(last.Valid)
			}
			if math.Abs(got.Share-want) > 1e-9 || got.Votes != last.Votes["A"] {
				t.Fatalf("share %v want %v", got.Share, want)
			}
			rank := 1
			for _, p := range parties[1:] {
				if last.Votes[p] > last.Votes["A"] {
					rank++
				}
			}
			if last.Valid == 0 {
				rank = 0
			}
			if got.Rank != rank {
				t.Fatalf("rank %d want %d", got.Rank, rank)
			}
			if (prev != nil) != got.HasPrev {
				t.Fatalf("has previous %v", got.HasPrev)
			}
			if prev != nil {
				ps := 0.0
				if prev.Valid > 0 {
					ps = float64(prev.Votes["A"]) * 100 / float64(prev.Valid)
				}
				if math.Abs(got.Change-(want-ps)) > 1e-9 {
					t.Fatalf("change %v want %v", got.Change, want-ps)
				}
			}
		} else if got.Election != "" || got.Share != 0 {
			t.Fatalf("a result out of nothing: %+v", got)
		}
		if in.Boxes > 0 && math.Abs(got.Coverage-float64(in.Covered)*100/float64(in.Boxes)) > 1e-9 {
			t.Fatalf("coverage %v", got.Coverage)
		}
		meetings, attended, visits := 0, 0, 0
		for _, m := range in.Meetings {
			if m.Unit == "ilce-x" && m.Start.Unix() <= now.Unix() {
				meetings++
				attended += in.Attended[m.ID]
			}
		}
		for _, v := range in.Visits {
			if v.Area == "x" && v.At.Unix() <= now.Unix() {
				visits++
			}
		}
		if got.Meetings != meetings || got.Attended != attended || got.Visits != visits {
			t.Fatalf("meetings %d/%d attended %d/%d visits %d/%d", got.Meetings, meetings, got.Attended, attended, got.Visits, visits)
		}
		today := now.In(Istanbul()).Format("2006-01-02")
		open, overdue := 0, 0
		for _, c := range in.Commitments {
			if c.Status == CommitOpen {
				open++
				if string(c.Due) < today {
					overdue++
				}
			}
		}
		dopen, doverdue := 0, 0
		for _, d := range in.Decisions {
			if d.Status == DecisionOpen {
				dopen++
				if string(d.Due) < today {
					doverdue++
				}
			}
		}
		if got.OpenCommitments != open || got.OverdueCommitments != overdue || got.OpenDecisions != dopen || got.OverdueDecisions != doverdue {
			t.Fatalf("commitments %d/%d %d/%d decisions %d/%d %d/%d", got.OpenCommitments, open, got.OverdueCommitments, overdue, got.OpenDecisions, dopen, got.OverdueDecisions, doverdue)
		}
		vacant := 0
		for _, k := range in.BoardKinds {
			held := false
			for _, p := range in.Terms {
				held = held || (p.Kind == k && string(p.Start) <= today && (p.End == "" || today <= string(p.End)))
			}
			if !held {
				vacant++
			}
		}
		if len(got.Vacant) != vacant {
			t.Fatalf("vacant %v want %d", got.Vacant, vacant)
		}
	})
}

func TestSortScorecards(t *testing.T) {
	cards := []Scorecard{{Unit: "b", Name: "B", Share: 30}, {Unit: "a", Name: "A", Share: 30}, {Unit: "c", Name: "C", Share: 50}}
	for _, col := range ScoreColumns() {
		if err := SortScorecards(cards, col, true); err != nil {
			t.Fatalf("%s: %v", col, err)
		}
	}
	if err := SortScorecards(cards, "share", true); err != nil || cards[0].Unit != "c" || cards[1].Unit != "a" {
		t.Errorf("by share desc: %+v", cards)
	}
	if err := SortScorecards(cards, "name", false); err != nil || cards[0].Unit != "a" {
		t.Errorf("by name: %+v", cards)
	}
	if SortScorecards(cards, "shoe", false) == nil {
		t.Error("an unknown column passed")
	}
}
