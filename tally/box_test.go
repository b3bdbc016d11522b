package tally

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sandik-dev/sandik"
)

// flood is a box flooded by a few accounts in batches of 1,000 sheets, as an
// attacker with observer accounts can send: n entries cycling through users,
// each a different sheet from a thousand, after one honest entry by "a".
func flood(box sandik.AreaCode, n int, users ...sandik.UserID) []sandik.Submission {
	log := []sandik.Submission{ent(1, "a", box, sheet(300, 2, 100, 50, 20))}
	for i := range n {
		s := ent(int64(i+2), users[i%len(users)], box, sheet(300, 2, 100, 50, int64(i%1000)))
		s.ID = sandik.SubmissionID(fmt.Sprintf("f%d", i))
		log = append(log, s)
	}
	return log
}

// TestFloodKeepsOneEntryPerPerson: 100,000 entries of one box by three
// people leave the engine holding three entries and the honest one, and
// the same totals as a recount that keeps each person's latest entry.
func TestFloodKeepsOneEntryPerPerson(t *testing.T) {
	reg := testRegistry()
	box := reg.RaceBoxes("all")[0]
	log := flood(box, 100_000, "m1", "m2", "m3")
	e := New(reg)
	for i := 0; i < len(log); i += 1000 {
		e.Apply(log[i:min(len(log), i+1000)])
	}
	st, err := e.Box("all", box)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Entries) != 4 {
		t.Fatalf("box lists %d entries after a flood by 3 people and 1 other, want 4", len(st.Entries))
	}
	for i, want := range []sandik.UserID{"a", "m2", "m3", "m1"} { // by their latest entry
		if st.Entries[i].User != want {
			t.Fatalf("entry %d is %s's, want %s's: %+v", i, st.Entries[i].User, want, st.Entries)
		}
	}
	entered := map[sandik.UserID]int{}
	for _, en := range st.Entries {
		entered[en.User] = en.Entered
	}
	if want := map[sandik.UserID]int{"a": 1, "m1": 33_334, "m2": 33_333, "m3": 33_333}; !cmp.Equal(entered, want) {
		t.Fatalf("entries per person %v, want %v (what quotas count)", entered, want)
	}
	rt := e.races["all"]
	b := &rt.boxes[rt.boxIdx[box]]
	if _, _, _, groups := b.groups(); len(b.entries) != 4 || cap(b.entries) > 8 || groups > 4 {
		t.Fatalf("box holds %d entries (capacity %d) in %d groups, want 4 in at most 4", len(b.entries), cap(b.entries), groups)
	}
	if conflicts, _ := e.Conflicts("all", "", 0); len(conflicts) != 1 || conflicts[0].Entries != 4 {
		t.Fatalf("conflicts %+v, want the flooded box with 4 counted entries", conflicts)
	}
	got, err := engineTotals(e)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(recount(reg, log), got); diff != "" {
		t.Fatalf("totals differ from recount (-want +got):\n%s", diff)
	}
}

// TestBoxListsCountedEntries: a box lists each person's latest entry and
// the latest adjudication, in log order; what it no longer lists is what
// Superseded reports.
func TestBoxListsCountedEntries(t *testing.T) {
	reg := testRegistry()
	box := reg.RaceBoxes("all")[0]
	x, y := sheet(300, 2, 100, 50, 20), sheet(300, 2, 100, 50, 21)
	adj := func(seq int64, s sandik.Tutanak) sandik.Submission {
		sub := ent(seq, "coord", box, s)
		sub.Kind, sub.Reason = sandik.KindAdjudication, "photo checked"
		return sub
	}
	official := ent(7, "ysk", box, y)
	official.Source = sandik.SourceOfficial
	log := []sandik.Submission{ent(1, "a", box, x), ent(2, "b", box, y), ent(3, "a", box, y), adj(4, x), adj(5, y), ent(6, "b", box, x), official}
	e := New(reg)
	e.Apply(log)
	st, err := e.Box("all", box)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []int64
	for _, en := range st.Entries {
		seqs = append(seqs, en.Seq)
	}
	if !cmp.Equal(seqs, []int64{3, 5, 6}) || st.Status != sandik.StatusAdjudicated {
		t.Fatalf("box lists seqs %v with status %s, want [3 5 6] adjudicated", seqs, st.Status)
	}
	if st.Entries[0].Sheet.Votes[2] != 21 || st.Entries[1].Kind != sandik.KindAdjudication || st.Entries[1].ReceivedAt != t0.Add(5*time.Minute) {
		t.Fatalf("entries %+v", st.Entries)
	}
	for i, want := range []bool{true, true, false, false, false, false, false} {
		if got := st.Superseded(&log[i]); got != want {
			t.Errorf("Superseded(seq %d) = %v, want %v", log[i].Seq, got, want)
		}
	}
	// An entry the engine has not seen yet is not superseded.
	if later := ent(8, "a", box, x); st.Superseded(&later) {
		t.Errorf("a later entry is superseded")
	}
}
