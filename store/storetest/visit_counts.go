package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// The counts of visits and commitments by area are kept as they are
// written (migration 0018). These tests hold them to a count of the rows
// read back, after every kind of write.

// CheckVisitCounts fails t unless s's VisitCounts at instant at, of
// every area and of each area alone, equal a count of the visits and
// commitments s returns.
func CheckVisitCounts(t testing.TB, s sandik.VisitStore, at time.Time, step string) {
	t.Helper()
	ctx := context.Background()
	vs, err := s.Visits(ctx, sandik.VisitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.Commitments(ctx, sandik.CommitmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
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
		switch c.DueState(at) {
		case sandik.DueOverdue:
			w.OverdueCommitments++
			w.OpenCommitments++
		case sandik.DueToday, sandik.DueLater:
			w.OpenCommitments++
		default:
			continue
		}
		w.Area = c.Area
		want[c.Area] = w
	}
	got, err := s.VisitCounts(ctx, at, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wantAll []sandik.AreaVisitCounts
	for _, w := range want {
		wantAll = append(wantAll, w)
	}
	slices.SortFunc(wantAll, func(a, b sandik.AreaVisitCounts) int { return strings.Compare(string(a.Area), string(b.Area)) })
	if fmt.Sprint(got) != fmt.Sprint(wantAll) {
		t.Fatalf("%s, at %s: counts %+v, rows counted %+v", step, at, got, wantAll)
	}
	for _, w := range wantAll {
		one, err := s.VisitCounts(ctx, at, []sandik.AreaCode{w.Area})
		if err != nil || len(one) != 1 || one[0] != w {
			t.Fatalf("%s, at %s, of %s alone: %+v, %v; want %+v", step, at, w.Area, one, err, w)
		}
	}
}

// countInstants are the instants the counts are checked at around now:
// the edges of İstanbul's days either side, and far off.
func countInstants(now time.Time) []time.Time {
	ist := now.In(sandik.Istanbul())
	midnight := time.Date(ist.Year(), ist.Month(), ist.Day(), 0, 0, 0, 0, sandik.Istanbul())
	return []time.Time{now, midnight.Add(-time.Nanosecond), midnight, midnight.AddDate(0, 0, 1), midnight.AddDate(0, 0, -2),
		now.Add(50 * time.Hour), time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), now.AddDate(3, 0, 0)}
}

// visitWriter makes random writes of visits and commitments over the
// organisation fixture.
type visitWriter struct {
	rng     *rand.Rand
	n       int
	visits  []sandik.VisitID
	commits []sandik.CommitmentID
}

var countTargets = []sandik.VisitTarget{{Unit: "34.0135"}, {Unit: "34.0135.144920"}, {Unit: "34"}, {Person: "k-4"}, {Institution: "Kaymakamlık"}}

// write makes one random write at now and names it.
func (w *visitWriter) write(t *testing.T, s sandik.VisitStore, now time.Time) string {
	t.Helper()
	ctx := context.Background()
	w.n++
	due := func() sandik.Date { return sandik.DateOf(now.AddDate(0, 0, w.rng.IntN(7)-3)) }
	status := func() sandik.CommitmentStatus {
		return []sandik.CommitmentStatus{sandik.CommitOpen, sandik.CommitOpen, sandik.CommitDone, sandik.CommitDropped}[w.rng.IntN(4)]
	}
	switch op := w.rng.IntN(10); {
	case op < 5 || len(w.commits) == 0:
		v := VisitFixture(sandik.VisitID(fmt.Sprintf("v-%d", w.n)))
		v.Target = countTargets[w.rng.IntN(len(countTargets))]
		if v.Target.Institution != "" {
			v.Area = "34.0135"
		}
		v.At = now.Add(time.Duration(w.rng.IntN(120)-96) * time.Hour)
		var cs []sandik.Commitment
		for j := range w.rng.IntN(4) {
			c := CommitmentFixture(sandik.CommitmentID(fmt.Sprintf("c-%d-%d", w.n, j)), "", due())
			c.Status = status()
			cs = append(cs, c)
		}
		if _, err := s.SaveVisit(ctx, v, cs); err != nil {
			t.Fatal(err)
		}
		w.visits = append(w.visits, v.ID)
		for _, c := range cs {
			w.commits = append(w.commits, c.ID)
		}
		return fmt.Sprintf("visit %s to %+v with %d commitments", v.ID, v.Target, len(cs))
	case op < 7:
		c := CommitmentFixture(sandik.CommitmentID(fmt.Sprintf("c-%d", w.n)), w.visits[w.rng.IntN(len(w.visits))], due())
		c.Follows = w.commits[w.rng.IntN(len(w.commits))]
		c.Status = status()
		if _, err := s.SaveCommitment(ctx, c); err != nil {
			t.Fatal(err)
		}
		w.commits = append(w.commits, c.ID)
		return fmt.Sprintf("follow-up %s of %s (%s, due %s)", c.ID, c.Follows, c.Status, c.Due)
	default:
		id, st := w.commits[w.rng.IntN(len(w.commits))], status()
		if err := s.SetCommitmentStatus(ctx, id, st); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("commitment %s set %s", id, st)
	}
}

// testVisitCountsKept: after each random write of visits, follow-ups and
// statuses, and after erasures, the counts equal the rows counted, at
// instants either side of İstanbul's midnight.
func testVisitCountsKept(t *testing.T, o Opener) {
	s := o.Open(t)
	saveOrg(t, s, OrgFixture())
	w := &visitWriter{rng: rand.New(rand.NewPCG(19, 18))}
	for i := range 60 {
		now := time.Now()
		step := w.write(t, s, now)
		if i%20 == 19 {
			id := sandik.PersonID(fmt.Sprintf("k-%d", i/20+1))
			if err := s.ErasePerson(context.Background(), id, sandik.DateOf(now), "KVKK m.7 talebi"); err != nil {
				t.Fatal(err)
			}
			step += ", then " + string(id) + " erased"
		}
		for _, at := range countInstants(now) {
			CheckVisitCounts(t, s, at, fmt.Sprintf("step %d (%s)", i, step))
		}
	}
}

// VisitCountsAcrossDays holds a backend's counts to the rows as its
// clock moves day by day, forward and back, with writes between that
// move the day the overdue are counted at; and after rows are changed
// or deleted by a statement of raw SQL, which the counts must follow
// too. open opens an empty store whose clock is now; raw runs a
// statement on its database.
func VisitCountsAcrossDays(t *testing.T, open func(t *testing.T, now func() time.Time) sandik.Store, raw func(t *testing.T, s sandik.Store, stmt string)) {
	clock := time.Date(2025, 3, 30, 20, 30, 0, 0, time.UTC) // 23:30 in İstanbul
	s := open(t, func() time.Time { return clock })
	saveOrg(t, s, OrgFixture())
	w := &visitWriter{rng: rand.New(rand.NewPCG(20, 25))}
	for i, hours := range []int{0, 1, 1, 24, 5, 48, -26, 3, -72, 200, 1, -1, 24} {
		clock = clock.Add(time.Duration(hours) * time.Hour)
		for j := range 3 {
			step := fmt.Sprintf("day %d, write %d: %s", i, j, w.write(t, s, clock))
			for _, at := range countInstants(clock) {
				CheckVisitCounts(t, s, at, step)
			}
		}
	}
	cs, err := s.Commitments(context.Background(), sandik.CommitmentFilter{Open: true})
	if err != nil || len(cs) < 3 {
		t.Fatalf("%d open commitments, %v; want three to change", len(cs), err)
	}
	for _, stmt := range []string{
		fmt.Sprintf(`UPDATE commitments SET due = '2020-01-01' WHERE id = '%s'`, cs[0].ID),
		fmt.Sprintf(`UPDATE commitments SET area = 'TR' WHERE id = '%s'`, cs[1].ID),
		fmt.Sprintf(`DELETE FROM commitments WHERE id = '%s' AND follows = ''`, cs[2].ID),
		fmt.Sprintf(`UPDATE visits SET area = 'TR' WHERE id = '%s'`, w.visits[0]),
		fmt.Sprintf(`DELETE FROM commitments WHERE visit_id = '%s' AND id NOT IN (SELECT follows FROM commitments)`, w.visits[1]),
		fmt.Sprintf(`DELETE FROM visits WHERE id = '%s' AND id NOT IN (SELECT visit_id FROM commitments)`, w.visits[1]),
	} {
		raw(t, s, stmt)
		for _, at := range countInstants(clock) {
			CheckVisitCounts(t, s, at, stmt)
		}
	}
}
