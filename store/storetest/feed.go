package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sandik-dev/sandik"
)

var feedTests = []test{
	{"ProvenanceKeepsTheFirstSeen", testProvenanceFirstSeen},
	{"AlertsAreStoredOnce", testAlertsOnce},
	{"FeedStateRoundTrips", testFeedState},
	{"BadProvenanceStoresNothing", testBadProvenance},
}

func testProvenanceFirstSeen(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	at := time.Date(2024, 3, 31, 23, 12, 0, 0, time.UTC)
	p := sandik.Provenance{Submission: "off:r:b1:1", Race: "r", Box: "b1", SourceURL: "https://ysk.example/il/34.json", FirstSeen: at}
	if _, err := s.SaveFeed(ctx, []sandik.Provenance{p}, nil, sandik.FeedState{}); err != nil {
		t.Fatal(err)
	}
	later := p
	later.FirstSeen, later.SourceURL = at.Add(time.Hour), "https://mirror.example/34.json"
	if _, err := s.SaveFeed(ctx, []sandik.Provenance{later}, nil, sandik.FeedState{}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Provenances(ctx, []sandik.SubmissionID{p.Submission, "off:none"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[sandik.SubmissionID]sandik.Provenance{p.Submission: p}, got); diff != "" {
		t.Errorf("provenance (-want +got):\n%s", diff)
	}
	// Reopened, it is still there.
	s2 := o.Reopen(t, s)
	if got, err := s2.Provenances(ctx, []sandik.SubmissionID{p.Submission}); err != nil || !got[p.Submission].FirstSeen.Equal(at) {
		t.Errorf("after reopening: %v %v", got, err)
	}
}

func testAlertsOnce(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	at := time.Date(2024, 3, 31, 23, 12, 0, 0, time.UTC)
	a := sandik.FeedAlert{ID: sandik.AlertID(sandik.AlertChanged, "off:2"), Kind: sandik.AlertChanged, Race: "r", Box: "b1", At: at, From: "off:1", To: "off:2",
		Changes:   []sandik.FieldChange{{Field: "votes.chp", Name: "CHP", From: 120, To: 100}, {Field: "votes.akp", Name: "AK PARTİ", From: 80, To: 100}},
		SourceURL: "https://ysk.example/34.json", Summary: "CHP −20, AK PARTİ +20"}
	b := a
	b.ID, b.Box, b.To = sandik.AlertID(sandik.AlertChanged, "off:3"), "b2", "off:3"
	added, err := s.SaveFeed(ctx, nil, []sandik.FeedAlert{a, b}, sandik.FeedState{})
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 2 || added[0].N <= 0 || added[1].N <= added[0].N {
		t.Fatalf("added %+v", added)
	}
	again, err := s.SaveFeed(ctx, nil, []sandik.FeedAlert{b, a}, sandik.FeedState{})
	if err != nil || len(again) != 0 {
		t.Fatalf("the same alerts again: %+v %v, want none added", again, err)
	}
	all, err := s.Alerts(ctx, 0, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	a.N, b.N = added[0].N, added[1].N
	if diff := cmp.Diff([]sandik.FeedAlert{a, b}, all); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	if got, err := s.Alerts(ctx, a.N, "", 10); err != nil || len(got) != 1 || got[0].ID != b.ID {
		t.Errorf("after %d: %+v %v", a.N, got, err)
	}
	if got, err := s.Alerts(ctx, 0, "b1", 10); err != nil || len(got) != 1 || got[0].ID != a.ID {
		t.Errorf("of b1: %+v %v", got, err)
	}
}

func testFeedState(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	if _, err := s.FeedState(ctx, "ysk"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("unsaved state: %v, want not found", err)
	}
	st := sandik.FeedState{Feed: "ysk", ETag: `"v1"`, LastModified: "Sun, 31 Mar 2024 20:00:00 GMT", BodyHash: "abc", PolledAt: time.Date(2024, 3, 31, 20, 0, 0, 0, time.UTC), Versions: 3}
	for range 2 {
		if _, err := s.SaveFeed(ctx, nil, nil, st); err != nil {
			t.Fatal(err)
		}
		got, err := s.FeedState(ctx, "ysk")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(st, got); diff != "" {
			t.Errorf("state (-want +got):\n%s", diff)
		}
		st.ETag, st.Versions = `"v2"`, 5
	}
	other := sandik.FeedState{Feed: "il-34", ETag: `"x"`, PolledAt: time.Date(2024, 3, 31, 21, 0, 0, 0, time.UTC)}
	if _, err := s.SaveFeed(ctx, nil, nil, other); err != nil {
		t.Fatal(err)
	}
	st.ETag, st.Versions = `"v2"`, 5
	all, err := s.FeedStates(ctx)
	if diff := cmp.Diff([]sandik.FeedState{other, st}, all); err != nil || diff != "" {
		t.Errorf("FeedStates (-want +got), %v:\n%s", err, diff)
	}
}

func testBadProvenance(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	good := sandik.Provenance{Submission: "off:1", Race: "r", Box: "b", SourceURL: "https://ysk.example/", FirstSeen: time.Now()}
	bad := good
	bad.Submission, bad.SourceURL = "off:2", ""
	a := sandik.FeedAlert{ID: "changed:off:2", Kind: sandik.AlertChanged, Race: "r", Box: "b", At: time.Now(), To: "off:2"}
	_, err := s.SaveFeed(ctx, []sandik.Provenance{good, bad}, []sandik.FeedAlert{a}, sandik.FeedState{Feed: "ysk"})
	if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Field != "provenance[1].source_url" {
		t.Fatalf("bad provenance: %v, want one problem naming provenance[1].source_url", err)
	}
	got, _ := s.Provenances(ctx, []sandik.SubmissionID{"off:1"})
	alerts, _ := s.Alerts(ctx, 0, "", 10)
	if _, err := s.FeedState(ctx, "ysk"); len(got) != 0 || len(alerts) != 0 || sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("a refused save stored %v, %v, state %v", got, alerts, err)
	}
}
