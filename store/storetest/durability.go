package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
)

var durabilityTests = []test{
	{"ReopenKeepsEverything", testReopen},
}

// testReopen closes a store holding a registry, users and a log, opens it
// again, and expects all of it back; the log then continues where it was
// and retries of old ids are still recognised.
func testReopen(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	reg := Registry(t)
	save(t, s, reg)
	ali := sandik.User{ID: "ali", Name: "Ali", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{Box1, Box2}}
	create(t, s, ali, "ali-token")
	subs := append(Subs("before", 4), Full("full", Box2))
	rs := mustAppend(t, s, subs...)
	want := withSeq(subs, rs)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = o.Reopen(t, s)
	if d := SameRegistry(reg, load(t, s)); d != "" {
		t.Errorf("registry after reopen differs (-want +got):\n%s", d)
	}
	if u, err := s.UserByToken(ctx, Token("ali-token")); err != nil || !cmp.Equal(u, ali) {
		t.Errorf("UserByToken after reopen = %+v, %v", u, err)
	}
	if d := sameSubs(want, All(t, s)); d != "" {
		t.Errorf("log after reopen differs (-want +got):\n%s", d)
	}
	last := rs[len(rs)-1].Seq
	if seq, err := s.LastSeq(ctx); err != nil || seq != last {
		t.Errorf("LastSeq after reopen = %d, %v; want %d", seq, err, last)
	}
	woke := make(chan error, 1)
	go func() { woke <- s.WaitFor(ctx, last-1, time.Hour) }()
	select {
	case err := <-woke:
		if err != nil {
			t.Errorf("WaitFor below the head after reopen: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("WaitFor below the head after reopen does not return: the head was not restored")
	}
	again := mustAppend(t, s, subs[0], Sub("after", Box1, 9))
	if !again[0].Replayed || again[0].Seq != rs[0].Seq || !again[0].ReceivedAt.Equal(rs[0].ReceivedAt) {
		t.Errorf("retry after reopen got %+v, want a replay of %+v", again[0], rs[0])
	}
	if again[1].Seq <= last {
		t.Errorf("first seq after reopen is %d, not above %d", again[1].Seq, last)
	}
	if d := sameSubs(append(want, withSeq([]sandik.Submission{Sub("after", Box1, 9)}, again[1:])...), All(t, s)); d != "" {
		t.Errorf("log after reopen and append differs (-want +got):\n%s", d)
	}
}
