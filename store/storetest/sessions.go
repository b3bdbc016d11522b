package storetest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
)

var sessionTests = []test{
	{"CreateAndFind", testSessionCreateAndFind},
	{"IDTaken", testSessionIDTaken},
	{"NotFound", testSessionNotFound},
	{"TokenReplacedEndsIt", testSessionTokenReplaced},
	{"TouchOnlyForward", testSessionTouch},
	{"Delete", testSessionDelete},
	{"DeleteStale", testSessionDeleteStale},
	{"DeleteStaleBounded", testSessionDeleteStaleBounded},
	{"SurvivesRestart", testSessionSurvivesRestart},
	{"SharedByInstances", testSessionSharedByInstances},
}

// SessionID returns the hash of a test session id.
func SessionID(s string) [32]byte { return sha256.Sum256([]byte("session:" + s)) }

// sessionAt is when the fixture sessions open: nanoseconds included, so
// that a backend rounding times is caught.
func sessionAt() time.Time { return time.Date(2024, 3, 31, 19, 5, 7, 987654321, time.UTC) }

// openSession stores a session of user opened with token at created.
func openSession(t *testing.T, s sandik.SessionStore, id string, user sandik.UserID, token string, created time.Time) sandik.Session {
	t.Helper()
	ss := sandik.Session{ID: SessionID(id), TokenHash: Token(token), User: user, Created: created, Seen: created}
	if err := s.CreateSession(context.Background(), ss); err != nil {
		t.Fatalf("CreateSession(%s): %v", id, err)
	}
	return ss
}

// wantSession fails unless id is a live session of want.
func wantSession(t *testing.T, s sandik.SessionStore, id [32]byte, want sandik.Session, user sandik.User, what string) {
	t.Helper()
	got, u, err := s.SessionUser(context.Background(), id)
	if err != nil {
		t.Fatalf("%s: SessionUser: %v", what, err)
	}
	if got.ID != want.ID || got.TokenHash != want.TokenHash || got.User != want.User ||
		!got.Created.Equal(want.Created) || !got.Seen.Equal(want.Seen) {
		t.Fatalf("%s: SessionUser gave %+v, want %+v", what, got, want)
	}
	if !cmp.Equal(u, user) {
		t.Fatalf("%s: SessionUser's user is %+v, want %+v", what, u, user)
	}
}

func wantNoSession(t *testing.T, s sandik.SessionStore, id [32]byte, what string) {
	t.Helper()
	_, _, err := s.SessionUser(context.Background(), id)
	wantCode(t, err, sandik.ENotFound, what)
}

func sessionCount(t *testing.T, s sandik.SessionStore) int {
	t.Helper()
	n, err := s.SessionCount(context.Background())
	if err != nil {
		t.Fatalf("SessionCount: %v", err)
	}
	return n
}

var (
	sessionAyse = sandik.User{ID: "ayse", Name: "Ayşe Yılmaz", Role: sandik.RoleCoordinator}
	sessionAli  = sandik.User{ID: "ali", Name: "Ali Şahin", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{Box1, Box2}} // a session carries the areas
)

func testSessionCreateAndFind(t *testing.T, o Opener) {
	s := o.Open(t)
	create(t, s, sessionAyse, "t-ayse")
	create(t, s, sessionAli, "t-ali")
	a := openSession(t, s, "a", sessionAyse.ID, "t-ayse", sessionAt())
	b := openSession(t, s, "b", sessionAli.ID, "t-ali", sessionAt().Add(time.Nanosecond))
	wantSession(t, s, a.ID, a, sessionAyse, "Ayşe's session")
	wantSession(t, s, b.ID, b, sessionAli, "Ali's session")
	if n := sessionCount(t, s); n != 2 {
		t.Fatalf("SessionCount = %d, want 2", n)
	}
}

func testSessionIDTaken(t *testing.T, o Opener) {
	s := o.Open(t)
	create(t, s, sessionAyse, "t-ayse")
	create(t, s, sessionAli, "t-ali")
	a := openSession(t, s, "a", sessionAyse.ID, "t-ayse", sessionAt())
	err := s.CreateSession(context.Background(), sandik.Session{ID: a.ID, TokenHash: Token("t-ali"), User: sessionAli.ID,
		Created: sessionAt().Add(time.Hour), Seen: sessionAt().Add(time.Hour)})
	wantCode(t, err, sandik.EConflict, "CreateSession(taken id)")
	wantSession(t, s, a.ID, a, sessionAyse, "the first session after a refused duplicate")
	if n := sessionCount(t, s); n != 1 {
		t.Fatalf("SessionCount = %d after a refused duplicate, want 1", n)
	}
}

func testSessionNotFound(t *testing.T, o Opener) {
	s := o.Open(t)
	create(t, s, sessionAyse, "t-ayse")
	openSession(t, s, "a", sessionAyse.ID, "t-ayse", sessionAt())
	wantNoSession(t, s, SessionID("forged"), "SessionUser(unknown id)")
	// A session naming a user who does not exist is no session.
	openSession(t, s, "ghost", "nobody", "t-ayse", sessionAt())
	wantNoSession(t, s, SessionID("ghost"), "SessionUser(session of no user)")
	// Nor one whose token belongs to someone else.
	create(t, s, sessionAli, "t-ali")
	openSession(t, s, "swapped", sessionAli.ID, "t-ayse", sessionAt())
	wantNoSession(t, s, SessionID("swapped"), "SessionUser(session with another user's token)")
	// Touching or deleting what is not there is not an error.
	if err := s.TouchSession(context.Background(), SessionID("forged"), sessionAt()); err != nil {
		t.Errorf("TouchSession(unknown): %v", err)
	}
	if err := s.DeleteSession(context.Background(), SessionID("forged")); err != nil {
		t.Errorf("DeleteSession(unknown): %v", err)
	}
}

func testSessionTokenReplaced(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	create(t, s, sessionAyse, "t-ayse")
	create(t, s, sessionAli, "t-ali")
	a1 := openSession(t, s, "a1", sessionAyse.ID, "t-ayse", sessionAt())
	a2 := openSession(t, s, "a2", sessionAyse.ID, "t-ayse", sessionAt().Add(time.Minute))
	b := openSession(t, s, "b", sessionAli.ID, "t-ali", sessionAt())
	if err := s.SetToken(ctx, sessionAyse.ID, Token("t-ayse-2")); err != nil {
		t.Fatal(err)
	}
	wantNoSession(t, s, a1.ID, "a session opened with a replaced token")
	wantNoSession(t, s, a2.ID, "another session opened with a replaced token")
	wantSession(t, s, b.ID, b, sessionAli, "another user's session after Ayşe's token reset")
	a3 := openSession(t, s, "a3", sessionAyse.ID, "t-ayse-2", sessionAt().Add(time.Hour))
	wantSession(t, s, a3.ID, a3, sessionAyse, "a session opened with the new token")
}

func testSessionTouch(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	create(t, s, sessionAyse, "t-ayse")
	a := openSession(t, s, "a", sessionAyse.ID, "t-ayse", sessionAt())
	later := sessionAt().Add(90*time.Second + 1)
	if err := s.TouchSession(ctx, a.ID, later); err != nil {
		t.Fatal(err)
	}
	a.Seen = later
	wantSession(t, s, a.ID, a, sessionAyse, "after a touch")
	// Another instance whose clock is a little behind does not move it back.
	if err := s.TouchSession(ctx, a.ID, later.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	wantSession(t, s, a.ID, a, sessionAyse, "after a touch with an earlier time")
}

func testSessionDelete(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	create(t, s, sessionAyse, "t-ayse")
	a := openSession(t, s, "a", sessionAyse.ID, "t-ayse", sessionAt())
	b := openSession(t, s, "b", sessionAyse.ID, "t-ayse", sessionAt())
	if err := s.DeleteSession(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	wantNoSession(t, s, a.ID, "a deleted session")
	wantSession(t, s, b.ID, b, sessionAyse, "the same user's other session")
	if err := s.DeleteSession(ctx, a.ID); err != nil {
		t.Errorf("DeleteSession again: %v", err)
	}
	// A touch must not bring a deleted session back.
	if err := s.TouchSession(ctx, a.ID, sessionAt().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	wantNoSession(t, s, a.ID, "a deleted session after a touch")
	if n := sessionCount(t, s); n != 1 {
		t.Fatalf("SessionCount = %d, want 1", n)
	}
}

// testSessionDeleteStale deletes sessions by either time, strictly
// before the cut-offs, and leaves the rest.
func testSessionDeleteStale(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	create(t, s, sessionAyse, "t-ayse")
	now := sessionAt().Add(48 * time.Hour)
	seenCut, createdCut := now.Add(-12*time.Hour), now.Add(-36*time.Hour)
	type fixture struct {
		name          string
		created, seen time.Time
		stale         bool
	}
	fixtures := []fixture{
		{"fresh", now.Add(-time.Hour), now, false},
		{"idle", now.Add(-20 * time.Hour), seenCut.Add(-time.Nanosecond), true},
		{"idle to the nanosecond", now.Add(-20 * time.Hour), seenCut, false},
		{"old but busy", createdCut.Add(-time.Nanosecond), now, true},
		{"old to the nanosecond", createdCut, now, false},
		{"both", createdCut.Add(-time.Hour), seenCut.Add(-time.Hour), true},
	}
	for _, f := range fixtures {
		ss := sandik.Session{ID: SessionID(f.name), TokenHash: Token("t-ayse"), User: sessionAyse.ID, Created: f.created, Seen: f.seen}
		if err := s.CreateSession(ctx, ss); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.DeleteStaleSessions(ctx, seenCut, createdCut, 100)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("DeleteStaleSessions deleted %d, want 3", n)
	}
	for _, f := range fixtures {
		_, _, err := s.SessionUser(ctx, SessionID(f.name))
		switch {
		case f.stale && sandik.CodeOf(err) != sandik.ENotFound:
			t.Errorf("stale session %q: %v, want it deleted", f.name, err)
		case !f.stale && err != nil:
			t.Errorf("live session %q: %v", f.name, err)
		}
	}
	if n := sessionCount(t, s); n != 3 {
		t.Errorf("SessionCount = %d after the sweep, want 3", n)
	}
}

// testSessionDeleteStaleBounded: one sweep deletes at most limit
// sessions, so a sign-in never waits for a large backlog; repeated sweeps
// clear it.
func testSessionDeleteStaleBounded(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	create(t, s, sessionAyse, "t-ayse")
	for i := range 7 {
		openSession(t, s, fmt.Sprintf("old-%d", i), sessionAyse.ID, "t-ayse", sessionAt())
	}
	live := openSession(t, s, "live", sessionAyse.ID, "t-ayse", sessionAt().Add(24*time.Hour))
	cut := sessionAt().Add(time.Hour)
	var got []int
	for range 5 {
		n, err := s.DeleteStaleSessions(ctx, cut, cut, 3)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	if want := []int{3, 3, 1, 0, 0}; !slices.Equal(got, want) {
		t.Errorf("sweeps of at most 3 deleted %v, want %v", got, want)
	}
	if n, err := s.DeleteStaleSessions(ctx, cut, cut, 0); err != nil || n != 0 {
		t.Errorf("DeleteStaleSessions(limit 0) = %d, %v", n, err)
	}
	wantSession(t, s, live.ID, live, sessionAyse, "the live session after the sweeps")
}

func testSessionSurvivesRestart(t *testing.T, o Opener) {
	s := o.Open(t)
	create(t, s, sessionAyse, "t-ayse")
	a := openSession(t, s, "a", sessionAyse.ID, "t-ayse", sessionAt())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r := o.Reopen(t, s)
	wantSession(t, r, a.ID, a, sessionAyse, "a session after a restart")
}

// testSessionSharedByInstances runs two instances over the same storage,
// as several `sandik serve` behind a load balancer: a session opened,
// touched or ended on one is so on the other at once.
func testSessionSharedByInstances(t *testing.T, o Opener) {
	ctx := context.Background()
	a := o.Open(t)
	b := o.Reopen(t, a)
	create(t, a, sessionAyse, "t-ayse")
	ss := openSession(t, a, "s", sessionAyse.ID, "t-ayse", sessionAt())
	wantSession(t, b, ss.ID, ss, sessionAyse, "instance B reading A's session")
	ss.Seen = sessionAt().Add(5 * time.Minute)
	if err := b.TouchSession(ctx, ss.ID, ss.Seen); err != nil {
		t.Fatal(err)
	}
	wantSession(t, a, ss.ID, ss, sessionAyse, "instance A after B touched it")
	if err := b.DeleteSession(ctx, ss.ID); err != nil {
		t.Fatal(err)
	}
	wantNoSession(t, a, ss.ID, "instance A after B ended it")
	// A token reset through one instance ends the sessions the other opened.
	s2 := openSession(t, b, "s2", sessionAyse.ID, "t-ayse", sessionAt())
	wantSession(t, a, s2.ID, s2, sessionAyse, "instance A reading B's session")
	if err := a.SetToken(ctx, sessionAyse.ID, Token("t-ayse-2")); err != nil {
		t.Fatal(err)
	}
	wantNoSession(t, b, s2.ID, "instance B after a token reset on A")
}
