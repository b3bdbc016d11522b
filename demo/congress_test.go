package demo

import (
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// The demo congress is valid as laid out: its people, mandates, contests
// and lists pass their checks, each camp has a list in each contest, and
// the board's çarşaf has more candidates than seats.
func TestCongressSeedIsValid(t *testing.T) {
	reg, err := Istanbul(Options{Scale: 0.01, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	s, ok := Congress(reg, "2026-03-01")
	if !ok {
		t.Fatal("no district for the congress")
	}
	if err := s.Org.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, m := range s.Mandates {
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Congress.Validate(); err != nil {
		t.Fatal(err)
	}
	camps := map[string]map[string]bool{}
	for _, l := range s.Lists {
		// The centre numbers the version and stamps the time.
		l.Version, l.SubmittedAt = 1, time.Now()
		if err := l.Validate(); err != nil {
			t.Fatal(err)
		}
		if camps[l.Contest] == nil {
			camps[l.Contest] = map[string]bool{}
		}
		camps[l.Contest][l.Camp] = true
	}
	for _, k := range s.Contests {
		if err := k.Validate(); err != nil {
			t.Fatal(err)
		}
		if !camps[k.Code][CampA] || !camps[k.Code][CampB] {
			t.Errorf("contest %s lacks a camp's list: %v", k.Code, camps[k.Code])
		}
		var lists []sandik.CandidateList
		for _, l := range s.Lists {
			if l.Contest == k.Code {
				lists = append(lists, l)
			}
		}
		b, err := sandik.BallotOf(k, lists)
		if err != nil {
			t.Fatal(err)
		}
		if k.Ballot == sandik.BallotCarsaf && len(b.Choices) <= k.Seats {
			t.Errorf("the çarşaf has %d candidates for %d seats", len(b.Choices), k.Seats)
		}
	}
	states := sandik.MandateStates(s.Mandates, s.Congress.Date)
	sitting := 0
	for _, st := range states {
		if st.Sitting() {
			sitting++
		}
	}
	if sitting != 40 {
		t.Errorf("%d delegates sit, want 40", sitting)
	}
}
