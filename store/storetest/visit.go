package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

var visitTests = []test{
	{"SaveAndRead", testVisitSaveAndRead},
	{"RefusedWritesNothing", testVisitRefused},
	{"FollowUps", testVisitFollowUps},
	{"Tours", testVisitTours},
	{"SisterPairs", testSisterPairs},
	{"CountsEqualRows", testVisitCounts},
	{"Blobs", testBlobs},
	{"CountsKeptAsWritten", testVisitCountsKept},
	{"ErasureScrubsTexts", testVisitErasure},
}

// VisitAt is 1 May 2024 at 10:00 in İstanbul, with nanoseconds so that a
// backend rounding times is caught.
func VisitAt() time.Time { return time.Date(2024, 5, 1, 7, 0, 0, 123456789, time.UTC) }

// VisitFixture is a visit of the province (unit 34) to Kadıköy (34.0135)
// by k-2, with k-3 attending.
func VisitFixture(id sandik.VisitID) sandik.Visit {
	return sandik.Visit{ID: id, FromUnit: "34", Visitors: []sandik.PersonID{"k-2"}, Target: sandik.VisitTarget{Unit: "34.0135"},
		Kind: sandik.VisitEvaluation, At: VisitAt(), Place: "İlçe başkanlığı", Attendees: []sandik.PersonID{"k-3"},
		Notes: "Yeni dönemin yol haritası.", Photos: []string{hex.EncodeToString(make([]byte, 32))}, By: "ayse"}
}

// CommitmentFixture is an open commitment of visit v owned by unit
// 34.0135, due on day.
func CommitmentFixture(id sandik.CommitmentID, v sandik.VisitID, day sandik.Date) sandik.Commitment {
	return sandik.Commitment{ID: id, Visit: v, Text: "Mahalle temsilcileri atanacak", OwnerUnit: "34.0135", Due: day, Status: sandik.CommitOpen}
}

func testVisitSaveAndRead(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	v := VisitFixture("v-1")
	got, err := s.SaveVisit(ctx, v, []sandik.Commitment{CommitmentFixture("c-1", "", "2024-05-10"), CommitmentFixture("c-2", "", "2024-05-03")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Area != "34.0135" {
		t.Errorf("area %q, want the target unit's 34.0135", got.Area)
	}
	read, err := s.Visit(ctx, "v-1")
	if err != nil || !read.At.Equal(v.At) || read.Area != "34.0135" || !slices.Equal(read.Attendees, v.Attendees) || !slices.Equal(read.Photos, v.Photos) || read.Notes != v.Notes || read.By != "ayse" {
		t.Errorf("Visit(v-1) = %+v, %v", read, err)
	}
	cs, err := s.Commitments(ctx, sandik.CommitmentFilter{Visit: "v-1"})
	if err != nil || len(cs) != 2 || cs[0].ID != "c-2" || cs[0].Area != "34.0135" || cs[0].Visit != "v-1" {
		t.Errorf("Commitments(v-1) = %+v, %v", cs, err)
	}
	if err := s.SetCommitmentStatus(ctx, "c-2", sandik.CommitDone); err != nil {
		t.Fatal(err)
	}
	open, _ := s.Commitments(ctx, sandik.CommitmentFilter{Open: true})
	if len(open) != 1 || open[0].ID != "c-1" {
		t.Errorf("open commitments %+v", open)
	}
	wantCode(t, s.SetCommitmentStatus(ctx, "c-9", sandik.CommitDone), sandik.ENotFound, "status of a missing commitment")
	wantCode(t, s.SetCommitmentStatus(ctx, "c-1", "late"), sandik.EInvalid, "an unknown status")
	// To a person: the area is their home unit's.
	vp := VisitFixture("v-2")
	vp.Target = sandik.VisitTarget{Person: "k-4"}
	if got, err := s.SaveVisit(ctx, vp, nil); err != nil || got.Area != "34.0135" {
		t.Errorf("visit to a person: area %q, %v", got.Area, err)
	}
	list, err := s.Visits(ctx, sandik.VisitFilter{After: "v-1"})
	if err != nil || len(list) != 1 || list[0].ID != "v-2" {
		t.Errorf("Visits(after v-1) = %v, %v", list, err)
	}
	if _, err := s.Visit(ctx, "v-9"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("Visit(v-9): %v", err)
	}
	if got, err := s.Visits(ctx, sandik.VisitFilter{Photo: v.Photos[0]}); err != nil || len(got) != 2 {
		t.Errorf("Visits(photo) = %d visits, %v", len(got), err)
	}
	if got, err := s.Visits(ctx, sandik.VisitFilter{Photo: strings.Repeat("ab", 32)}); err != nil || len(got) != 0 {
		t.Errorf("Visits(another photo) = %d visits, %v", len(got), err)
	}
}

func visitRows(t *testing.T, s sandik.Store) (int, int) {
	t.Helper()
	vs, err := s.Visits(context.Background(), sandik.VisitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.Commitments(context.Background(), sandik.CommitmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(vs), len(cs)
}

// testVisitRefused: a bad reference anywhere — the visit's or one of its
// commitments' — refuses the whole visit, naming the field.
func testVisitRefused(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	if _, err := s.SaveVisit(ctx, VisitFixture("v-1"), nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		edit  func(*sandik.Visit, *[]sandik.Commitment)
		code  sandik.ErrorCode
		field string
	}{
		{"taken id", func(v *sandik.Visit, _ *[]sandik.Commitment) { v.ID = "v-1" }, sandik.EConflict, "id"},
		{"no such visitor", func(v *sandik.Visit, _ *[]sandik.Commitment) { v.Visitors = []sandik.PersonID{"k-9"} }, sandik.EInvalid, "visitors[0]"},
		{"no such unit", func(v *sandik.Visit, _ *[]sandik.Commitment) { v.Target.Unit = "35.0101" }, sandik.EInvalid, "target.unit"},
		{"no such tour", func(v *sandik.Visit, _ *[]sandik.Commitment) { v.Tour = "t-9" }, sandik.EInvalid, "tour"},
		{"bad commitment owner", func(_ *sandik.Visit, cs *[]sandik.Commitment) { (*cs)[1].OwnerUnit = "yok" }, sandik.EInvalid, "commitments[1].owner_unit"},
		{"follows nothing", func(_ *sandik.Visit, cs *[]sandik.Commitment) { (*cs)[0].Follows = "c-9" }, sandik.EInvalid, "commitments[0].follows"},
		{"commitment id twice", func(_ *sandik.Visit, cs *[]sandik.Commitment) { (*cs)[1].ID = "c-a" }, sandik.EConflict, "commitments[1].id"},
	}
	for _, c := range cases {
		v := VisitFixture("v-new")
		cs := []sandik.Commitment{CommitmentFixture("c-a", "", "2024-05-10"), CommitmentFixture("c-b", "", "2024-05-11")}
		c.edit(&v, &cs)
		_, err := s.SaveVisit(ctx, v, cs)
		if sandik.CodeOf(err) != c.code || !slices.ContainsFunc(sandik.ProblemsOf(err), func(p sandik.Problem) bool { return p.Field == c.field }) {
			t.Errorf("%s: %v, want %s naming %s", c.name, err, c.code, c.field)
		}
		if nv, nc := visitRows(t, s); nv != 1 || nc != 0 {
			t.Errorf("%s: %d visits and %d commitments after a refused visit, want 1 and 0", c.name, nv, nc)
		}
	}
}

func testVisitFollowUps(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	if _, err := s.SaveVisit(ctx, VisitFixture("v-1"), []sandik.Commitment{CommitmentFixture("c-1", "", "2024-05-10")}); err != nil {
		t.Fatal(err)
	}
	v2 := VisitFixture("v-2")
	v2.At = VisitAt().AddDate(0, 0, 14)
	f := CommitmentFixture("c-2", "", "2024-06-01")
	f.Follows = "c-1"
	f.OwnerUnit, f.OwnerPerson = "", "k-3"
	if _, err := s.SaveVisit(ctx, v2, []sandik.Commitment{f}); err != nil {
		t.Fatal(err)
	}
	f3 := CommitmentFixture("c-3", "v-2", "2024-06-15")
	f3.Follows = "c-2"
	if _, err := s.SaveCommitment(ctx, f3); err != nil {
		t.Fatal(err)
	}
	all, _ := s.Commitments(ctx, sandik.CommitmentFilter{})
	chain := sandik.Chain(all, "c-3")
	if len(chain) != 3 || chain[0].ID != "c-1" || chain[1].Visit != "v-2" {
		t.Errorf("chain %+v", chain)
	}
	byPerson, _ := s.Commitments(ctx, sandik.CommitmentFilter{Person: "k-3"})
	if len(byPerson) != 1 || byPerson[0].ID != "c-2" {
		t.Errorf("owned by k-3: %+v", byPerson)
	}
	_, err := s.SaveCommitment(ctx, CommitmentFixture("c-4", "v-9", "2024-06-15"))
	wantCode(t, err, sandik.EInvalid, "a commitment of a missing visit")
}

func testVisitTours(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	tour := sandik.Tour{ID: "t-1", Title: "İlçe turu", Unit: "34", By: "ayse", Stops: []sandik.TourStop{
		{Unit: "34.0135", Planned: "2024-05-01", Status: sandik.StopPending},
		{Unit: "34.0135.144920", Planned: "2024-05-02", Status: sandik.StopPending},
	}}
	if err := s.SaveTour(ctx, tour); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.SaveTour(ctx, tour), sandik.EConflict, "a tour saved twice")
	bad := tour
	bad.ID = "t-2"
	bad.Stops = []sandik.TourStop{{Unit: "35", Planned: "2024-05-01", Status: sandik.StopPending}}
	wantCode(t, s.SaveTour(ctx, bad), sandik.EInvalid, "a tour to a missing unit")
	v := VisitFixture("v-1")
	v.Tour = "t-1"
	if _, err := s.SaveVisit(ctx, v, nil); err != nil {
		t.Fatal(err)
	}
	off := VisitFixture("v-2")
	off.Tour = "t-1"
	off.Target.Unit = "34"
	_, err := s.SaveVisit(ctx, off, nil)
	wantCode(t, err, sandik.EInvalid, "a visit of a tour to a unit it does not plan")
	if err := s.SetStopStatus(ctx, "t-1", "34.0135.144920", sandik.StopPostponed, "2024-06-01"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.SetStopStatus(ctx, "t-1", "34", sandik.StopPostponed, "2024-06-01"), sandik.ENotFound, "a stop not planned")
	wantCode(t, s.SetStopStatus(ctx, "t-1", "34.0135", sandik.StopVisited, "2024-06-01"), sandik.EInvalid, "visited set by hand")
	got, err := s.Tour(ctx, "t-1")
	if err != nil || len(got.Stops) != 2 || got.Stops[0].Unit != "34.0135" || got.Stops[1].Status != sandik.StopPostponed || got.Stops[1].Planned != "2024-06-01" {
		t.Fatalf("Tour(t-1) = %+v, %v", got, err)
	}
	visits, _ := s.Visits(ctx, sandik.VisitFilter{Tour: "t-1"})
	p := got.Progress(visits)
	if p.Visited != 1 || p.Postponed != 1 || p.Pending != 0 {
		t.Errorf("progress %+v", p)
	}
	all, err := s.Tours(ctx)
	if err != nil || len(all) != 1 || len(all[0].Stops) != 2 {
		t.Errorf("Tours() = %+v, %v", all, err)
	}
}

func testSisterPairs(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	ch := OrgFixture()
	ch.Units = append(ch.Units, sandik.Unit{Code: "34.0402", Kind: sandik.UnitIlce, Name: "Kartal", Parent: "34", Area: "34.0402"})
	saveOrg(t, s, ch)
	p := sandik.SisterPair{ID: "k-1", Units: []sandik.UnitCode{"34.0135", "34.0402"}, Start: "2020-06-20",
		Goals: []sandik.SisterGoal{{Metric: sandik.MetricCoverage, Unit: "34.0135", From: 61, Target: 95, By: "2023-05-14"}}}
	if err := s.SaveSisterPair(ctx, p); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.SaveSisterPair(ctx, p), sandik.EConflict, "a pair saved twice")
	bad := p
	bad.ID = "k-2"
	bad.Units = []sandik.UnitCode{"34.0135", "34"}
	wantCode(t, s.SaveSisterPair(ctx, bad), sandik.EInvalid, "a province in a pair of districts")
	bad.Units = []sandik.UnitCode{"34.0135", "34.0135"}
	wantCode(t, s.SaveSisterPair(ctx, bad), sandik.EInvalid, "a district paired with itself")
	bad.Units, bad.Meeting = p.Units, "m-9"
	wantCode(t, s.SaveSisterPair(ctx, bad), sandik.EInvalid, "a pair from a missing meeting")
	got, err := s.SisterPairs(ctx)
	if err != nil || len(got) != 1 || fmt.Sprint(got[0]) != fmt.Sprint(p) {
		t.Errorf("SisterPairs() = %+v, %v", got, err)
	}
}

// testVisitCounts: the store's counts by area equal a count of the rows
// read back, across the day's midnight in İstanbul.
func testVisitCounts(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	targets := []sandik.UnitCode{"34.0135", "34.0135.144920", "34"}
	n := 0
	for i := range 9 {
		v := VisitFixture(sandik.VisitID(fmt.Sprintf("v-%d", i)))
		v.Target.Unit = targets[i%3]
		v.At = VisitAt().Add(time.Duration(i) * 12 * time.Hour)
		var cs []sandik.Commitment
		for j := range i % 4 {
			c := CommitmentFixture(sandik.CommitmentID(fmt.Sprintf("c-%d-%d", i, j)), "", sandik.DateOf(VisitAt().AddDate(0, 0, i-j*2)))
			if (i+j)%5 == 0 {
				c.Status = sandik.CommitDropped
			}
			cs = append(cs, c)
			n++
		}
		if _, err := s.SaveVisit(ctx, v, cs); err != nil {
			t.Fatal(err)
		}
	}
	for _, at := range []time.Time{VisitAt(), VisitAt().Add(60 * time.Hour), time.Date(2024, 5, 3, 20, 59, 59, 0, time.UTC), time.Date(2024, 5, 3, 21, 0, 0, 0, time.UTC)} {
		got, err := s.VisitCounts(ctx, at, nil)
		if err != nil {
			t.Fatal(err)
		}
		vs, _ := s.Visits(ctx, sandik.VisitFilter{})
		cs, _ := s.Commitments(ctx, sandik.CommitmentFilter{})
		want := map[sandik.AreaCode]sandik.AreaVisitCounts{}
		for _, v := range vs {
			if !v.At.After(at) {
				w := want[v.Area]
				w.Area, w.Visits = v.Area, w.Visits+1
				want[v.Area] = w
			}
		}
		for _, c := range cs {
			w := want[c.Area]
			w.Area = c.Area
			switch c.DueState(at) {
			case sandik.DueOverdue:
				w.OverdueCommitments++
				w.OpenCommitments++
			case sandik.DueToday, sandik.DueLater:
				w.OpenCommitments++
			}
			want[c.Area] = w
		}
		for _, g := range got {
			if want[g.Area] != g {
				t.Errorf("at %s: %+v, want %+v", at, g, want[g.Area])
			}
			delete(want, g.Area)
		}
		for _, w := range want {
			if w.Visits+w.OpenCommitments > 0 {
				t.Errorf("at %s: missing %+v", at, w)
			}
		}
		only, err := s.VisitCounts(ctx, at, []sandik.AreaCode{"34.0135.144920"})
		if err != nil || len(only) > 1 || len(only) == 1 && only[0].Area != "34.0135.144920" {
			t.Errorf("at %s, of one area: %+v, %v", at, only, err)
		}
	}
}

func testBlobs(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	data := []byte("\xff\xd8\xff fotoğraf")
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	if err := s.PutBlob(ctx, h, data); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBlob(ctx, h, data); err != nil {
		t.Errorf("the same bytes again: %v", err)
	}
	wantCode(t, s.PutBlob(ctx, h, []byte("başka")), sandik.EInvalid, "bytes under another's sum")
	got, err := s.Blob(ctx, h)
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("Blob = %q, %v", got, err)
	}
	s2 := o.Reopen(t, s)
	if got, err := s2.Blob(ctx, h); err != nil || !bytes.Equal(got, data) {
		t.Errorf("after reopening: %q, %v", got, err)
	}
	_, err = s.Blob(ctx, hex.EncodeToString(make([]byte, 32)))
	wantCode(t, err, sandik.ENotFound, "a blob never kept")
}
