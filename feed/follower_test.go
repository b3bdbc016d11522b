package feed_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sandik-dev/sandik"
)

// A night: three boxes at 21:00; at 23:12 Kadıköy 1043 moves 20 votes
// from CHP to AK PARTİ; at 23:30 a proxy serves an error page; at 23:45
// the page is cut short; at 00:10 Üsküdar 2001 is corrected.
const night = `{"steps": [
 {"at": "3h", "boxes": [
  {"box": "34.1.1.1043", "registered": 300, "voted": 250, "valid_without_objection": 240, "valid_upon_objection": 0, "valid_total": 240, "invalid_total": 10, "votes": {"CHP": 140, "AK PARTİ": 100}},
  {"box": "34.1.1.1044", "registered": 300, "voted": 200, "valid_without_objection": 195, "valid_upon_objection": 0, "valid_total": 195, "invalid_total": 5, "votes": {"CHP": 95, "AK PARTİ": 100}},
  {"box": "34.2.1.2001", "registered": 300, "voted": 220, "valid_without_objection": 210, "valid_upon_objection": 0, "valid_total": 210, "invalid_total": 10, "votes": {"ak-parti": 150, "chp": 60}}]},
 {"at": "5h12m", "boxes": [
  {"box": "34.1.1.1043", "registered": 300, "voted": 250, "valid_without_objection": 240, "valid_upon_objection": 0, "valid_total": 240, "invalid_total": 10, "votes": {"CHP": 120, "AK PARTİ": 120}}]},
 {"at": "5h30m", "garbage": "<html><body>502 Bad Gateway</body></html>"},
 {"at": "5h45m", "partial": true},
 {"at": "6h10m", "boxes": [
  {"box": "34.2.1.2001", "registered": 300, "voted": 220, "valid_without_objection": 210, "valid_upon_objection": 0, "valid_total": 210, "invalid_total": 10, "votes": {"ak-parti": 140, "chp": 70}}]}
]}`

func at(d time.Duration) time.Time { return start.Add(d) }

func TestFollowerDetectsChangesWithExactDiffs(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	fake, url := fakeFeed(t, e, night)
	f := follower(e, url)

	e.clock.Set(at(2 * time.Hour)) // before the first publication: 404, an error, nothing stored
	if _, err := f.Poll(ctx); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("before publication: %v", err)
	}
	e.clock.Set(at(3 * time.Hour))
	out, err := f.Poll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if out.Rows != 3 || out.Changed != 3 || out.Written != 3 || len(out.Alerts) != 0 {
		t.Fatalf("first publication: %+v", out)
	}
	// Unchanged: the conditional request is answered 304.
	if out, err := f.Poll(ctx); err != nil || !out.NotModified {
		t.Fatalf("unchanged feed: %+v %v", out, err)
	}
	e.clock.Set(at(5*time.Hour + 12*time.Minute))
	seq := e.c.Seq()
	out, err = f.Poll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if out.Rows != 3 || out.Changed != 1 || out.Written != 1 || out.Unchanged != 2 || e.c.Seq() != seq+1 {
		t.Fatalf("one box changed: %+v, log %d → %d", out, seq, e.c.Seq())
	}
	want := []sandik.FieldChange{{Field: "votes.chp", Name: "CHP", From: 140, To: 120}, {Field: "votes.ak-parti", Name: "AK PARTİ", From: 100, To: 120}}
	if len(out.Alerts) != 1 || out.Alerts[0].Kind != sandik.AlertChanged || out.Alerts[0].Box != boxA1 || out.Alerts[0].Summary != "CHP −20, AK PARTİ +20" ||
		!out.Alerts[0].At.Equal(at(5*time.Hour+12*time.Minute)) || out.Alerts[0].SourceURL != url {
		t.Fatalf("alerts %+v", out.Alerts)
	}
	if diff := cmp.Diff(want, out.Alerts[0].Changes); diff != "" {
		t.Errorf("diff (-want +got):\n%s", diff)
	}
	vs, err := e.c.View(coord).OfficialVersions(ctx, raceA, boxA1)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || !vs[0].FirstSeen.Equal(at(3*time.Hour)) || !vs[1].FirstSeen.Equal(at(5*time.Hour+12*time.Minute)) ||
		vs[0].SourceURL != url || vs[1].Summary != "CHP −20, AK PARTİ +20" || vs[1].Sheet.Votes[0] != 120 || vs[0].Sheet.Votes[0] != 140 {
		t.Fatalf("versions %+v", vs)
	}
	if diff := cmp.Diff(want, vs[1].Changes); diff != "" {
		t.Errorf("version diff (-want +got):\n%s", diff)
	}
	if out.Alerts[0].From != vs[0].Submission || out.Alerts[0].To != vs[1].Submission {
		t.Errorf("alert %s → %s, versions %s, %s", out.Alerts[0].From, out.Alerts[0].To, vs[0].Submission, vs[1].Submission)
	}
	if fake.Conditional.Load() == 0 || fake.NotModified.Load() != 1 {
		t.Errorf("conditional requests %d, 304s %d", fake.Conditional.Load(), fake.NotModified.Load())
	}
}
