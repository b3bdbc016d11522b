package feed_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
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

// counts is what a refused reading must leave as it was.
type counts struct {
	seq    int64
	alerts int
	state  sandik.FeedState
}

func countsOf(t *testing.T, e *env) counts {
	t.Helper()
	ctx := context.Background()
	as, err := e.st.Alerts(ctx, 0, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := e.c.FeedState(ctx, "ysk")
	return counts{seq: e.c.Seq(), alerts: len(as), state: st}
}

func TestFollowerRefusesGarbageAndPartialPages(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	_, url := fakeFeed(t, e, night)
	f := follower(e, url)
	e.clock.Set(at(5*time.Hour + 12*time.Minute))
	if _, err := f.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	before := countsOf(t, e)
	for _, step := range []struct {
		at   time.Duration
		want string
	}{
		{5*time.Hour + 30*time.Minute, "not a JSON object"},
		{5*time.Hour + 45*time.Minute, `partial page: "count" says 3 boxes, the page holds 2`},
	} {
		e.clock.Set(at(step.at))
		_, err := f.Poll(ctx)
		if sandik.CodeOf(err) != sandik.EInvalid || !strings.Contains(err.Error()+sandik.ProblemsOf(err)[0].Message, step.want) {
			t.Errorf("at %v: %v (%v), want a refusal saying %q", step.at, err, sandik.ProblemsOf(err), step.want)
		}
		if after := countsOf(t, e); after != before {
			t.Errorf("at %v a refused page stored something: %+v → %+v", step.at, before, after)
		}
	}
	// A row the registry cannot hold refuses the whole page too.
	bad := strings.Replace(night, `"34.2.1.2001", "registered": 300, "voted": 220, "valid_without_objection": 210, "valid_upon_objection": 0, "valid_total": 210, "invalid_total": 10, "votes": {"ak-parti": 140`,
		`"34.9.9.9999", "registered": 300, "voted": 220, "valid_without_objection": 210, "valid_upon_objection": 0, "valid_total": 210, "invalid_total": 10, "votes": {"ak-parti": 140`, 1)
	_, badURL := fakeFeed(t, e, bad)
	fb := follower(e, badURL)
	e.clock.Set(at(6*time.Hour + 10*time.Minute))
	_, err := fb.Poll(ctx)
	ps := sandik.ProblemsOf(err)
	if len(ps) != 1 || ps[0].Field != "boxes[3].box" || !strings.Contains(ps[0].Message, `box "34.9.9.9999" is in no meclis race`) {
		t.Errorf("unknown box: %v %+v", err, ps)
	}
	if after := countsOf(t, e); after != before {
		t.Errorf("a page with a bad row stored something: %+v → %+v", before, after)
	}
	// And the follower goes on: the next good page is read whole.
	if out, err := f.Poll(ctx); err != nil || out.Written != 1 || out.Changed != 1 {
		t.Errorf("after refusals: %+v %v", out, err)
	}
}

// A follower restarted — a new process over the same database — asks
// conditionally with what it kept, and a reading stored but not marked
// done (the process died before saving the feed's state) is read again
// without a single duplicate or a second alert.
func TestFollowerRestartResumesWithoutDuplicates(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	fake, url := fakeFeed(t, e, night)
	e.clock.Set(at(5*time.Hour + 12*time.Minute))
	if _, err := follower(e, url).Poll(ctx); err != nil {
		t.Fatal(err)
	}
	before := countsOf(t, e)
	e.close()
	e2 := openCenter(t, e.path, e.clock)
	f2 := follower(e2, url)
	if out, err := f2.Poll(ctx); err != nil || !out.NotModified {
		t.Fatalf("after restart: %+v %v, want 304", out, err)
	}
	if fake.NotModified.Load() != 1 {
		t.Errorf("304s %d", fake.NotModified.Load())
	}
	// The change at 23:12 stored but its state lost: read again whole.
	lost := &forgetful{feedSink: e2.c}
	e.clock.Set(at(6*time.Hour + 10*time.Minute))
	fl := follower(e2, url)
	fl.Sink = lost
	out, err := fl.Poll(ctx)
	if err != nil || out.Written != 1 || len(out.Alerts) != 1 {
		t.Fatalf("the 00:10 change: %+v %v", out, err)
	}
	mid := countsOf(t, e2)
	e2.close()
	e3 := openCenter(t, e.path, e.clock)
	out, err = follower(e3, url).Poll(ctx)
	if err != nil || out.NotModified || out.Written != 0 || out.Changed != 0 || len(out.Alerts) != 0 {
		t.Fatalf("the same page after a lost state: %+v %v, want it read and nothing new", out, err)
	}
	after := countsOf(t, e3)
	if after.seq != mid.seq || after.alerts != mid.alerts || mid.seq != before.seq+1 {
		t.Errorf("log %d → %d → %d, alerts %d → %d", before.seq, mid.seq, after.seq, mid.alerts, after.alerts)
	}
	if after.state.BodyHash == "" || after.state.Versions != before.state.Versions {
		t.Errorf("state after the second reading %+v (before %+v)", after.state, before.state)
	}
}

// forgetful stores readings but drops the feed's state, as a process
// killed just before saving it would.
type forgetful struct{ feedSink }

type feedSink = interface {
	Registry() *sandik.Registry
	RecordOfficial(ctx context.Context, b center.FeedBatch) (center.FeedResult, error)
	FeedState(ctx context.Context, feed string) (sandik.FeedState, error)
	SameOfficial(race sandik.RaceCode, box sandik.AreaCode, t *sandik.Tutanak) bool
}

func (f *forgetful) RecordOfficial(ctx context.Context, b center.FeedBatch) (center.FeedResult, error) {
	b.State = sandik.FeedState{}
	return f.feedSink.RecordOfficial(ctx, b)
}

// Alerts for agreement with the verified sheet: a box whose official
// figures differ from its verified sheet raises "disagrees" once, and a
// correction that matches the sheet raises "changed" and "agrees" once;
// readings again raise nothing.
func TestAlertsAreRaisedOncePerChange(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	_, url := fakeFeed(t, e, night)
	// Üsküdar 2001's verified sheet: AK PARTİ 140, CHP 70 (two people).
	for i, u := range []sandik.User{{ID: "ayse", Role: sandik.RoleVolunteer}, {ID: "mehmet", Role: sandik.RoleVolunteer}} {
		rs, err := e.c.Submit(ctx, u, []sandik.SheetInput{{ID: sandik.SubmissionID([]string{"s1", "s2"}[i]), Race: raceB, Box: boxB1,
			Registered: n(300), Voted: n(220), ValidWithoutObjection: n(210), ValidUponObjection: n(0), ValidTotal: n(210), Invalid: n(10),
			Votes: map[sandik.ChoiceCode]*int64{"ak-parti": n(140), "chp": n(70)}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.c.WaitFor(ctx, rs[0].Seq); err != nil {
			t.Fatal(err)
		}
	}
	kinds := func(as []sandik.FeedAlert) []string {
		var out []string
		for _, a := range as {
			out = append(out, string(a.Kind)+" "+string(a.Box)+" "+a.Summary)
		}
		return out
	}
	var all []string
	for _, step := range []time.Duration{3 * time.Hour, 3 * time.Hour, 5*time.Hour + 12*time.Minute, 6*time.Hour + 10*time.Minute, 6*time.Hour + 10*time.Minute} {
		e.clock.Set(at(step))
		f2 := follower(e, url) // a fresh follower each time: unconditional after a restart is covered elsewhere
		out, err := f2.Poll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, kinds(out.Alerts)...)
	}
	want := []string{
		"disagrees 34.2.1.2001 AK PARTİ +10, CHP −10",
		"changed 34.1.1.1043 CHP −20, AK PARTİ +20",
		"changed 34.2.1.2001 AK PARTİ −10, CHP +10",
		"agrees 34.2.1.2001 ",
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	stored, err := e.c.View(coord).Alerts(ctx, 0, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, kinds(stored)); diff != "" {
		t.Errorf("stored alerts (-want +got):\n%s", diff)
	}
	// Typists do not read them; a district coordinator reads their district's.
	if _, err := e.c.View(sandik.User{ID: "v", Role: sandik.RoleVolunteer}).Alerts(ctx, 0, "", 10); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a volunteer read alerts: %v", err)
	}
	own, err := e.c.View(sandik.User{ID: "k", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.1"}}).Alerts(ctx, 0, "", 10)
	if err != nil || len(own) != 1 || own[0].Box != boxA1 {
		t.Errorf("Kadıköy's coordinator reads %+v %v, want Kadıköy's one alert", own, err)
	}
	if _, err := e.c.View(sandik.User{ID: "k", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.1"}}).OfficialVersions(ctx, raceB, boxB1); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("Kadıköy's coordinator read Üsküdar's versions: %v", err)
	}
}

// A box changed back to figures it had before is a new version, not a
// repeat of the old one: the official figures follow it.
func TestChangeBackIsANewVersion(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	row := func(chp, akp int) string {
		return `{"box": "34.1.1.1043", "registered": 300, "voted": 250, "valid_without_objection": 240, "valid_upon_objection": 0, "valid_total": 240, "invalid_total": 10, "votes": {"CHP": ` +
			itoa(chp) + `, "AK PARTİ": ` + itoa(akp) + `}}`
	}
	script := `{"steps": [{"at": "1h", "boxes": [` + row(140, 100) + `]}, {"at": "2h", "boxes": [` + row(120, 120) + `]}, {"at": "3h", "boxes": [` + row(140, 100) + `]}]}`
	_, url := fakeFeed(t, e, script)
	f := follower(e, url)
	var summaries []string
	for _, h := range []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour} {
		e.clock.Set(at(h))
		out, err := f.Poll(ctx)
		if err != nil || out.Written != 1 {
			t.Fatalf("at %v: %+v %v", h, out, err)
		}
		for _, a := range out.Alerts {
			summaries = append(summaries, a.Summary)
		}
	}
	if diff := cmp.Diff([]string{"CHP −20, AK PARTİ +20", "CHP +20, AK PARTİ −20"}, summaries); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	st, err := e.c.View(coord).Box(ctx, raceA, boxA1)
	if err != nil || st.State.Official == nil || st.State.Official.Votes[0] != 140 {
		t.Errorf("official figures after the change back: %+v %v", st.State.Official, err)
	}
	vs, _ := e.c.View(coord).OfficialVersions(ctx, raceA, boxA1)
	if len(vs) != 3 {
		t.Errorf("%d versions, want 3", len(vs))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
