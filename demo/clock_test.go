package demo

import (
	"slices"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
)

// Whenever the demo starts, its election's polls have closed within the
// day, its night plans from that close, and the district boards'
// deadline is still ahead, inside the deadline board's 48-hour window:
// the countdown runs while the demo plays.
func TestLiveDayKeepsTheDeadlinesRunning(t *testing.T) {
	ist := sandik.Istanbul()
	rule, ok := itiraz.RuleFor(itiraz.DefaultRules(), itiraz.BoardIlce)
	if !ok {
		t.Fatal("no ilçe board rule")
	}
	for _, now := range []time.Time{
		time.Date(2026, 12, 6, 7, 14, 0, 0, time.UTC),  // a morning
		time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC),  // 17:00 in İstanbul: the polls close now
		time.Date(2026, 12, 6, 13, 59, 0, 0, time.UTC), // a minute before
		time.Date(2027, 1, 1, 0, 30, 0, 0, ist),        // past midnight, new year
		time.Date(2026, 3, 29, 23, 0, 0, 0, ist),
	} {
		day := LiveDay(now)
		reg, err := Istanbul(Options{Scale: 0.01, Seed: 7, Day: day})
		if err != nil {
			t.Fatal(err)
		}
		el, _ := reg.Election(ElectionCode)
		night := NewNight(reg, TrueResults(reg, 7), Params{Seed: 7, Volunteers: 4})
		since := now.Sub(night.Start)
		if since < 0 || since >= 24*time.Hour {
			t.Errorf("%v: polls closed at %v, %v before", now, night.Start, since)
		}
		if got, want := night.Start.In(ist).Format("2006-01-02 15:04"), el.Date.In(ist).Format("2006-01-02")+" 17:00"; got != want {
			t.Errorf("%v: polls close at %v on an election of %v", now, night.Start, el.Date)
		}
		y, mo, d := el.Date.In(ist).Date()
		deadline := rule.Deadline(time.Date(y, mo, d, 0, 0, 0, 0, ist), ist)
		left := deadline.Sub(now)
		if left < 22*time.Hour || left > 46*time.Hour {
			t.Errorf("%v: the ilçe deadline %v is %v away, want 22–46 h", now, deadline, left)
		}
		c := &itiraz.Case{Status: itiraz.StatusDraft, Deadline: deadline}
		if soon, expired := itiraz.DeadlineBoard([]*itiraz.Case{c}, now, 48*time.Hour); len(soon) != 1 || len(expired) != 0 {
			t.Errorf("%v: a draft is not on the board's soon list", now)
		}
	}
}

// Only the date moves: the live demo's boxes, voters and true sheets are
// those of the 2019 one.
func TestLiveDayMovesOnlyTheDate(t *testing.T) {
	old, err := Istanbul(Options{Scale: 0.02, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	live, err := Istanbul(Options{Scale: 0.02, Seed: 3, Day: LiveDay(time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(old.Areas, live.Areas) || !slices.Equal(old.Registrations, live.Registrations) {
		t.Fatal("the live registry's areas or voters differ")
	}
	oe, _ := old.Election(ElectionCode)
	le, _ := live.Election(ElectionCode)
	if oe.Name != "31 Mart 2019 Mahalli İdareler Seçimi" || le.Name != "5 Aralık 2026 Mahalli İdareler Seçimi (deneme)" {
		t.Errorf("names %q, %q", oe.Name, le.Name)
	}
	truthOld, truthLive := TrueResults(old, 3), TrueResults(live, 3)
	for k, v := range truthOld {
		if w, ok := truthLive[k]; !ok || !slices.Equal(v.Votes, w.Votes) {
			t.Fatalf("true sheet of %v differs", k)
		}
	}
	if len(truthOld) != len(truthLive) {
		t.Fatal("true sheets differ in number")
	}
}
