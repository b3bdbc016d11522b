package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

var instanceTests = []test{
	{"FollowersMissNothing", testFollowersMissNothing},
	{"UserChangesSeenEverywhere", testUserGenerationAcrossInstances},
}

// testUserGenerationAcrossInstances: a change of a user on one instance,
// or the end of a session, moves the user generation every instance reads, promptly (at once on
// SQLite, where it is read from the file; at the notification on
// PostgreSQL), so that no instance keeps trusting a revoked token.
func testUserGenerationAcrossInstances(t *testing.T, o Opener) {
	ctx := context.Background()
	a := o.Open(t)
	b := o.Reopen(t, a)
	if err := a.CreateUser(ctx, sandik.User{ID: "tek", Name: "Tek", Role: sandik.RoleObserver}, [32]byte{1}); err != nil {
		t.Fatal(err)
	}
	for i, change := range []func() error{
		func() error { return b.SetToken(ctx, "tek", [32]byte{2}) },
		func() error { return b.SetUserAreas(ctx, "tek", []sandik.AreaCode{Box1}) },
		func() error { return a.SetToken(ctx, "tek", [32]byte{3}) },
		// Ending a session moves it too: live streams holding a session
		// read earlier watch the generation instead of reading it again.
		func() error {
			ss := sandik.Session{ID: SessionID("tek"), TokenHash: [32]byte{3}, User: "tek", Created: sessionAt(), Seen: sessionAt()}
			if err := a.CreateSession(ctx, ss); err != nil {
				return err
			}
			return b.DeleteSession(ctx, ss.ID)
		},
	} {
		before := [2]int64{}
		for k, s := range []sandik.Store{a, b} {
			g, err := s.UserGeneration(ctx)
			if err != nil {
				t.Fatal(err)
			}
			before[k] = g
		}
		if err := change(); err != nil {
			t.Fatal(err)
		}
		for k, s := range []sandik.Store{a, b} {
			start := time.Now()
			tick := time.NewTicker(time.Millisecond)
			for {
				g, err := s.UserGeneration(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if g > before[k] {
					break
				}
				if time.Since(start) > 2*time.Second {
					t.Fatalf("change %d: instance %d still reads generation %d after 2 s", i, k, g)
				}
				<-tick.C
			}
			tick.Stop()
		}
	}
}

// testFollowersMissNothing runs two instances over the same storage, the
// way several `sandik serve` share one database. Both append at once, and
// a follower on each reads the log by sequence the way the tally does,
// waiting with WaitFor in between. A backend that let a higher sequence
// number become visible before a lower one would make a follower step past
// the lower one for good: each follower must end up with exactly the log,
// and the log with exactly what was acknowledged.
func testFollowersMissNothing(t *testing.T, o Opener) {
	a := o.Open(t)
	b := o.Reopen(t, a)
	stores := []sandik.Store{a, b}
	const writersPer, calls = 4, 25
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		receipts = map[sandik.SubmissionID]int64{}
	)
	for i, s := range stores {
		for w := range writersPer {
			wg.Go(func() {
				for c := range calls {
					subs := Subs(fmt.Sprintf("i%d-w%d-c%d", i, w, c), 1+c%3)
					rs, err := s.Append(context.Background(), subs)
					if err != nil {
						t.Errorf("instance %d: Append: %v", i, err)
						return
					}
					mu.Lock()
					for _, r := range rs {
						receipts[r.ID] = r.Seq
					}
					mu.Unlock()
				}
			})
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	seen := make([][]sandik.Submission, len(stores))
	var fg sync.WaitGroup
	for i, s := range stores {
		fg.Go(func() { seen[i] = follow(t, s, done) })
	}
	fg.Wait()
	want := All(t, a)
	if len(want) != len(receipts) {
		t.Fatalf("log holds %d submissions, %d were acknowledged", len(want), len(receipts))
	}
	for _, sub := range want {
		if receipts[sub.ID] != sub.Seq {
			t.Fatalf("log has %q at seq %d, its receipt said %d", sub.ID, sub.Seq, receipts[sub.ID])
		}
	}
	for i := range stores {
		if d := sameSubs(want, seen[i]); d != "" {
			t.Fatalf("the follower on instance %d saw something other than the log (-want +got):\n%s", i, d)
		}
	}
	if d := sameSubs(want, All(t, b)); d != "" {
		t.Fatalf("the instances read different logs (-a +b):\n%s", d)
	}
}

// follow reads s by sequence, as the tally does, until done is closed
// and one more read finds nothing new.
func follow(t *testing.T, s sandik.LogReader, done <-chan struct{}) []sandik.Submission {
	ctx := context.Background()
	var seen []sandik.Submission
	for finished := false; ; {
		select {
		case <-done:
			finished = true
		default:
		}
		after := int64(0)
		if len(seen) > 0 {
			after = seen[len(seen)-1].Seq
		}
		page, err := s.Since(ctx, after, 7)
		if err != nil {
			t.Errorf("Since(%d): %v", after, err)
			return seen
		}
		seen = append(seen, page...)
		if len(page) > 0 {
			continue
		}
		if finished {
			return seen
		}
		if err := s.WaitFor(ctx, after, 5*time.Millisecond); err != nil {
			t.Errorf("WaitFor: %v", err)
			return seen
		}
	}
}
