package demo

import (
	"slices"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

func smallNight(t *testing.T, p Params) (*sandik.Registry, Results, *Night) {
	t.Helper()
	reg, err := Istanbul(Options{Scale: 0.03, Seed: p.Seed})
	if err != nil {
		t.Fatal(err)
	}
	truth := TrueResults(reg, p.Seed)
	return reg, truth, NewNight(reg, truth, p)
}

func TestNightPlan(t *testing.T) {
	// Shares raised so that a small registry shows every case.
	p := Params{Seed: 5, Volunteers: 6, Coordinator: true, Disagree: 0.2, Never: 0.02, Late: 0.1, DropResponse: 0.05, SingleEntry: 0.05}
	reg, truth, n := smallNight(t, p)
	if !slices.IsSortedFunc(n.Events, func(a, b Event) int { return int(a.At - b.At) }) {
		t.Error("events are not in time order")
	}
	if n.Start.Format("2006-01-02 15:04 -0700") != "2019-03-31 17:00 +0300" {
		t.Errorf("night starts %v", n.Start)
	}
	never := map[BoxRace]bool{}
	for _, k := range n.Never {
		never[k] = true
	}
	per := map[BoxRace][]Event{}
	ids := map[string]bool{}
	for _, ev := range n.Events {
		k := BoxRace{ev.Race, ev.Box}
		per[k] = append(per[k], ev)
		if ids[ev.ID] {
			t.Fatalf("id %s planned twice", ev.ID)
		}
		ids[ev.ID] = true
		if never[k] {
			t.Fatalf("%v never reports but has an event", k)
		}
		rc, _ := reg.Race(ev.Race)
		if ps := ev.Sheet.Check("", rc.Choices); len(ps) > 0 {
			t.Fatalf("planned sheet breaks the tutanak: %v", ps)
		}
		if ev.Typo == ev.Sheet.Equal(truth[k]) {
			t.Fatalf("event %s: Typo=%v but sheet equal to truth is %v", ev.ID, ev.Typo, !ev.Typo)
		}
		if ev.Kind == sandik.KindAdjudication && (ev.Reason == "" || ev.Actor.Role != sandik.RoleCoordinator || ev.Typo) {
			t.Fatalf("bad adjudication %+v", ev)
		}
		if ev.At < 30*time.Minute || ev.At > 14*time.Hour {
			t.Fatalf("event at %v after the polls close", ev.At)
		}
	}
	boxes, races := boxRaces(reg)
	for _, box := range boxes {
		for _, rc := range races[box] {
			k := BoxRace{rc, box}
			if !never[k] && len(per[k]) == 0 {
				t.Fatalf("%v has no entry", k)
			}
		}
	}
	for k, evs := range per {
		var actors []Actor
		for _, ev := range evs {
			if ev.Kind != sandik.KindEntry {
				continue
			}
			if slices.Contains(actors, ev.Actor) {
				t.Fatalf("%v: %+v enters the same sheet twice", k, ev.Actor)
			}
			actors = append(actors, ev.Actor)
		}
	}
	c := n.Counts
	if c.Typos == 0 || c.ThirdEntries == 0 || c.Adjudications == 0 || c.Unresolved == 0 || c.Drops == 0 || c.SingleEntry == 0 || len(n.Never) == 0 {
		t.Errorf("a case is missing from the plan: %+v never=%d", c, len(n.Never))
	}
	if c.Typos != c.ThirdEntries+c.Adjudications+c.Unresolved {
		t.Errorf("typos %d ≠ third entries + adjudications + unresolved: %+v", c.Typos, c)
	}
	if c.Entries != len(n.Events) {
		t.Errorf("counts %d entries, plan has %d", c.Entries, len(n.Events))
	}
	again := NewNight(reg, truth, p)
	if !slices.EqualFunc(n.Events, again.Events, func(a, b Event) bool { return a.ID == b.ID && a.At == b.At && a.Sheet.Equal(b.Sheet) }) {
		t.Error("the same inputs plan another night")
	}
}

func TestNightDefaults(t *testing.T) {
	_, _, n := smallNight(t, Params{Seed: 1, Volunteers: 10, Coordinator: true})
	c := n.Counts
	if r := float64(c.Typos) / float64(c.Sheets); r < 0.01 || r > 0.06 {
		t.Errorf("%.3f of sheets mistyped, want about 3%%", r)
	}
	// No volunteers: observers alone, one entry each.
	_, _, solo := smallNight(t, Params{Seed: 1})
	for _, ev := range solo.Events {
		if ev.Actor.Role != sandik.RoleObserver {
			t.Fatalf("without volunteers, %+v", ev.Actor)
		}
	}
	// Shares below zero switch a case off.
	_, _, none := smallNight(t, Params{Seed: 1, Volunteers: 3, Never: -1, Disagree: -1, DropResponse: -1})
	if len(none.Never) != 0 || none.Counts.Typos != 0 || none.Counts.Drops != 0 {
		t.Errorf("negative shares still planned: %+v", none.Counts)
	}
}

func TestEventID(t *testing.T) {
	if got := eventID("ibb", "34-963-07-2-1043", "2"); got != "ibb-34-963-07-2-1043-2" {
		t.Errorf("eventID = %q", got)
	}
	got := eventID("başkan", "sandık-1", "a")
	if sandik.ValidateSubmissionID(sandik.SubmissionID("d1-"+got)) != nil {
		t.Errorf("eventID of non-ASCII codes %q is not a valid id", got)
	}
}
