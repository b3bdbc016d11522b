package postgres

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
)

// TestFollowSinceAsTheLog has two instances write by turns and checks
// that each one's follower, reading FollowSince page after page from
// every position, gets exactly what the log holds: its own entries from
// memory, in the form the log returns them (times in UTC, no votes as
// nil, …), and every entry of the other instance, read from the log.
func TestFollowSinceAsTheLog(t *testing.T) {
	url := pgtest.Schema(t)
	a, b := openAt(t, url), openAt(t, url)
	ctx := context.Background()
	istanbul := time.FixedZone("TRT", 3*3600)
	for i := range 14 {
		s := a
		if i%3 == 2 {
			s = b
		}
		subs := storetest.Subs(fmt.Sprintf("follow%d", i), 1+i%4)
		for j := range subs {
			sub := &subs[j]
			switch j % 3 {
			case 0:
				sub.CapturedAt = time.Date(2024, 3, 31, 18, 1, 2, 345678901, istanbul)
			case 1:
				sub.Sheet.Votes = []int64{}
				sub.Reason = "yeniden sayım"
				sub.Kind = sandik.KindAdjudication
			}
			sub.ReceivedAt = time.Time{} // stamped by the store
			sub.Warnings = sandik.Warnings(j)
			sub.Hash = sub.ContentHash()
		}
		if _, err := s.Append(ctx, subs); err != nil {
			t.Fatalf("Append: %v", err)
		}
	}
	log, err := a.Since(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := a.writer.recent.since(log[len(log)-1].Seq-1, 10); !ok {
		t.Fatal("the last entry, the first instance's, is not kept: the test would read only the log")
	}
	for name, s := range map[string]*Store{"first": a, "second": b} {
		for after := int64(0); after < int64(len(log)); after++ {
			var got []sandik.Submission
			for at := after; at < int64(len(log)); {
				page, err := s.FollowSince(ctx, at, 3)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					t.Fatalf("%s instance: an empty page after %d, the log's head being %d", name, at, len(log))
				}
				got = append(got, page...)
				at = page[len(page)-1].Seq
			}
			if want := log[after:]; !reflect.DeepEqual(got, want) {
				for i := range min(len(got), len(want)) {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Fatalf("%s instance, after %d: entry %d is\n%+v\nthe log holds\n%+v", name, after, i, got[i], want[i])
					}
				}
				t.Fatalf("%s instance, after %d: %d entries, the log holds %d", name, after, len(got), len(want))
			}
		}
	}
}
