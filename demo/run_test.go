package demo

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/apiclient"
)

// nightSetup builds a small registry, its users with tokens and a fake
// server holding them.
func nightSetup(t *testing.T, scale float64, volunteers int) (*sandik.Registry, *fakeServer, *httptest.Server, Tokens) {
	t.Helper()
	reg, err := Istanbul(Options{Scale: scale, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]sandik.User{}
	tokens := Tokens{Observer: func(box sandik.AreaCode) string { return "tok-" + string(ObserverID(box)) }}
	for _, u := range Users(reg, volunteers) {
		users["tok-"+string(u.ID)] = u
		switch u.Role {
		case sandik.RoleVolunteer:
			tokens.Volunteers = append(tokens.Volunteers, "tok-"+string(u.ID))
		case sandik.RoleCoordinator:
			tokens.Coordinator = "tok-" + string(u.ID)
		}
	}
	fake := newFakeServer(reg, users)
	srv := httptest.NewServer(fake.handler())
	t.Cleanup(srv.Close)
	return reg, fake, srv, tokens
}

func noSleep(ctx context.Context, d time.Duration) error { return ctx.Err() }

func TestRunAgainstServer(t *testing.T) {
	reg, fake, srv, tokens := nightSetup(t, 0.02, 8)
	// Every 40th request meets an overloaded server first.
	fake.overload = func(n int) bool { return n%40 == 0 }
	params := Params{Seed: 11, Disagree: 0.1, Never: 0.01, DropResponse: 0.05}
	var progress []Stats
	stats, err := Run(context.Background(), Config{
		API: apiclient.New(srv.URL, 4), Registry: reg, Params: params, Tokens: tokens, IDPrefix: "t1",
		Workers: 8, Sleep: noSleep, ProgressEvery: -1,
		Progress: func(s Stats) { progress = append(progress, s) },
	})
	if err != nil {
		t.Fatal(err)
	}
	night := NewNight(reg, TrueResults(reg, 11), Params{Seed: 11, Disagree: 0.1, Never: 0.01, DropResponse: 0.05, Volunteers: 8, Coordinator: true})
	c := night.Counts
	t.Logf("plan %+v; stats %v", c, stats)

	if stats.Events != len(night.Events) || stats.Done != stats.Events {
		t.Errorf("done %d of %d, plan has %d", stats.Done, stats.Events, len(night.Events))
	}
	if stats.Accepted+stats.Replayed != len(night.Events) || stats.Invalid+stats.Conflicts+stats.Denied+stats.Failed+stats.Skipped != 0 {
		t.Errorf("not every request was accepted: %+v (%s)", stats, stats.LastError)
	}
	// A lost answer makes the second sending a repeat, unless the first
	// met the overloaded server and never counted.
	if stats.Replayed > c.Drops || stats.Replayed < c.Drops*9/10 || stats.Retries == 0 {
		t.Errorf("replayed %d, planned drops %d, retries %d", stats.Replayed, c.Drops, stats.Retries)
	}
	if len(progress) != stats.Events+1 || progress[len(progress)-1] != stats {
		t.Errorf("%d progress reports for %d events", len(progress), stats.Events)
	}

	// Nothing counted twice: each id accepted once, repeats reused the id.
	if len(fake.accepted) != len(fake.hashes) || len(fake.accepted) != len(night.Events) {
		t.Errorf("%d accepted, %d ids, %d planned", len(fake.accepted), len(fake.hashes), len(night.Events))
	}
	repeated := 0
	for _, n := range fake.seen {
		if n > 1 {
			repeated++
		}
	}
	if repeated != stats.Replayed {
		t.Errorf("%d ids sent more than once, %d recognised as repeats", repeated, stats.Replayed)
	}

	// Every sheet that reports got an entry; the others none.
	never := map[BoxRace]bool{}
	for _, k := range night.Never {
		never[k] = true
	}
	users := map[BoxRace]map[sandik.UserID]bool{}
	for _, s := range fake.accepted {
		k := BoxRace{s.Race, s.Box}
		if never[k] {
			t.Fatalf("%v was planned never to report", k)
		}
		if users[k] == nil {
			users[k] = map[sandik.UserID]bool{}
		}
		if s.Kind == sandik.KindEntry && users[k][s.User] {
			t.Fatalf("%s entered %v twice", s.User, k)
		}
		users[k][s.User] = true
		if s.Kind == sandik.KindAdjudication && (s.Reason == "" || s.User != CoordinatorID) {
			t.Fatalf("adjudication %v", s.String())
		}
	}
	for _, rc := range reg.Races {
		for _, box := range reg.RaceBoxes(rc.Code) {
			if k := (BoxRace{rc.Code, box}); !never[k] && len(users[k]) == 0 {
				t.Fatalf("%v got no entry", k)
			}
		}
	}

	// The night ends as planned: conflicts left only where planned.
	got := map[sandik.BoxStatus]int{}
	for _, st := range fake.status() {
		got[st]++
	}
	want := map[sandik.BoxStatus]int{
		sandik.StatusPending: c.SingleEntry, sandik.StatusConflict: c.Unresolved, sandik.StatusAdjudicated: c.Adjudications,
		sandik.StatusVerified: c.Sheets - c.SingleEntry - c.Unresolved - c.Adjudications,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
}

func TestRunRetriesWhenOverloaded(t *testing.T) {
	reg, fake, srv, tokens := nightSetup(t, 0.005, 2)
	overloaded := 0
	fake.overload = func(n int) bool {
		if n%3 == 0 {
			overloaded++
			return true
		}
		return false
	}
	var waits []time.Duration
	stats, err := Run(context.Background(), Config{
		API: apiclient.New(srv.URL, 4), Registry: reg, Tokens: tokens, Workers: 1, Params: Params{Seed: 4, DropResponse: -1},
		Sleep: func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Accepted != stats.Events || stats.Retries != overloaded || len(waits) != overloaded {
		t.Errorf("accepted %d of %d, retries %d, 503s %d, waits %d", stats.Accepted, stats.Events, stats.Retries, overloaded, len(waits))
	}
	for _, w := range waits {
		if w < time.Second {
			t.Fatalf("waited %v despite Retry-After: 1", w)
		}
	}
	// A server that never recovers: each request gives up after MaxAttempts.
	fake.overload = func(int) bool { return true }
	stats, _ = Run(context.Background(), Config{API: apiclient.New(srv.URL, 4), Registry: reg, Tokens: tokens, Sleep: noSleep, MaxAttempts: 3, Params: Params{Seed: 4, DropResponse: -1}})
	if stats.Failed != stats.Events || stats.Sent != 3*stats.Events || stats.LastError == "" {
		t.Errorf("unrecoverable server: %+v", stats)
	}
}

func TestRunLatePhoneWarned(t *testing.T) {
	reg, _, srv, tokens := nightSetup(t, 0.005, 2)
	stats, err := Run(context.Background(), Config{
		API: apiclient.New(srv.URL, 4), Registry: reg, Tokens: tokens, Sleep: noSleep,
		Params: Params{Seed: 2, LatePhone: 1, DropResponse: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	observers := 0
	for _, ev := range NewNight(reg, TrueResults(reg, 2), Params{Seed: 2, LatePhone: 1, DropResponse: -1, Volunteers: 2, Coordinator: true}).Events {
		if ev.Actor.Role == sandik.RoleObserver {
			observers++
		}
	}
	if stats.Warnings < observers {
		t.Errorf("%d sheets warned, %d observer sheets captured long before sending", stats.Warnings, observers)
	}
}

func TestRunDeniedAndCancelled(t *testing.T) {
	reg, _, srv, tokens := nightSetup(t, 0.005, 2)
	tokens.Observer = func(box sandik.AreaCode) string { return "tok-" + string(ObserverID("34-3-1-1-1001")) }
	stats, err := Run(context.Background(), Config{API: apiclient.New(srv.URL, 4), Registry: reg, Tokens: tokens, Sleep: noSleep, Params: Params{Seed: 1}})
	if err != nil || stats.Denied == 0 || stats.LastError == "" {
		t.Errorf("observer of another box: denied %d, last error %q, err %v", stats.Denied, stats.LastError, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, Config{API: apiclient.New(srv.URL, 4), Registry: reg, Tokens: tokens, Sleep: noSleep}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
	if _, err := Run(context.Background(), Config{Registry: reg}); err == nil {
		t.Error("no base URL accepted")
	}
}

// fakeClock is a wall clock that moves only when the simulator sleeps.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept += d
	return ctx.Err()
}

func TestRunKeepsTime(t *testing.T) {
	reg, _, srv, tokens := nightSetup(t, 0.005, 2)
	clock := &fakeClock{now: time.Date(2026, 5, 1, 17, 0, 0, 0, time.UTC)}
	night := NewNight(reg, TrueResults(reg, 3), Params{Seed: 3, Volunteers: 2, Coordinator: true, DropResponse: -1})
	const speed = 120.0
	stats, err := Run(context.Background(), Config{
		API: apiclient.New(srv.URL, 4), Registry: reg, Tokens: tokens, Night: night, Speed: speed, Workers: 1,
		Now: clock.Now, Sleep: clock.Sleep,
	})
	if err != nil {
		t.Fatal(err)
	}
	span := night.Events[len(night.Events)-1].At - night.Events[0].At
	if want := time.Duration(float64(span) / speed); clock.slept != want {
		t.Errorf("slept %v, want %v (the night's %v at ×%v)", clock.slept, want, span, speed)
	}
	if !stats.NightTime.Equal(night.Start.Add(night.Events[len(night.Events)-1].At)) {
		t.Errorf("night time %v", stats.NightTime)
	}
	if stats.Elapsed != clock.slept {
		t.Errorf("elapsed %v, slept %v", stats.Elapsed, clock.slept)
	}
}
