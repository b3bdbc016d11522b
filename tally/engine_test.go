package tally

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/sandik-dev/sandik"
)

var t0 = time.Date(2019, 3, 31, 17, 0, 0, 0, time.UTC)

// genLog draws a random log: entries by a handful of users (so corrections
// by the same user happen), from a few candidate sheets per box (so
// agreement and disagreement both happen), and some adjudications.
func genLog(t *rapid.T, reg *sandik.Registry, n int) []sandik.Submission {
	users := []sandik.UserID{"ayse", "mehmet", "zeynep", "ali"}
	var log []sandik.Submission
	for i := 0; i < n; i++ {
		rc := &reg.Races[rapid.IntRange(0, len(reg.Races)-1).Draw(t, "race")]
		boxes := reg.RaceBoxes(rc.Code)
		box := boxes[rapid.IntRange(0, min(len(boxes)-1, 5)).Draw(t, "box")]
		variant := int64(rapid.IntRange(0, 2).Draw(t, "variant"))
		kind, source := sandik.KindEntry, sandik.SourceObserver
		switch rapid.IntRange(0, 19).Draw(t, "kind") {
		case 0:
			kind = sandik.KindAdjudication
		case 1, 2: // official figures, sometimes corrected later
			source = sandik.SourceOfficial
		case 3, 4: // a recount, entered twice (or adjudicated) like any sheet
			source = sandik.SourceRecount
		case 5:
			kind, source = sandik.KindAdjudication, sandik.SourceRecount
		}
		votes := []int64{100 + variant, 50, 20 * variant}[:len(rc.Choices)]
		if rapid.IntRange(0, 14).Draw(t, "beyond 16 bits") == 0 {
			// Figures past 65,535: the race's sheets are kept in 32 bits
			// from then on, those kept before included.
			votes[0] += 70_000
		}
		log = append(log, sandik.Submission{
			Seq: int64(i + 1), ID: sandik.SubmissionID(fmt.Sprintf("s%d", i)), Race: rc.Code, Box: box,
			User: users[rapid.IntRange(0, len(users)-1).Draw(t, "user")], Source: source, Kind: kind,
			ReceivedAt: t0.Add(time.Duration(i) * time.Second),
			Sheet:      sheet(300, variant, votes...),
		})
	}
	return log
}

// TestEngineMatchesRecount applies random logs one submission at a time and
// checks after every step that every area's totals equal the naive recount.
func TestEngineMatchesRecount(t *testing.T) {
	reg := testRegistry()
	rapid.Check(t, func(t *rapid.T) {
		log := genLog(t, reg, rapid.IntRange(1, 60).Draw(t, "n"))
		// Every node's figures kept, or only the scope's and the rest
		// summed from the boxes when read (the test tree's nodes are
		// smaller than storedMin).
		e := New(reg)
		if rapid.Bool().Draw(t, "store every node") {
			e = newEngine(reg, 1)
		}
		for i := range log {
			e.Apply(log[i : i+1])
			got, err := engineTotals(e)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(recount(reg, log[:i+1]), got); diff != "" {
				t.Fatalf("after submission %d (%s): totals differ from recount (-want +got):\n%s", i+1, log[i].String(), diff)
			}
		}
	})
}

// TestOrderDoesNotMatter: the same entries, one per user and box, applied in
// any order, give the same statuses and verified totals; provisional
// figures differ only where the first entry of a box in conflict changed.
func TestOrderDoesNotMatter(t *testing.T) {
	reg := testRegistry()
	rapid.Check(t, func(t *rapid.T) {
		var log []sandik.Submission
		seen := map[string]bool{}
		for _, s := range genLog(t, reg, rapid.IntRange(1, 60).Draw(t, "n")) {
			key := string(s.Race) + "|" + string(s.Box) + "|" + string(s.User)
			if s.Kind == sandik.KindAdjudication || seen[key] {
				continue
			}
			seen[key] = true
			log = append(log, s)
		}
		perm := rapid.Permutation(log).Draw(t, "perm")
		for i := range perm {
			perm[i].Seq = int64(i + 1)
		}
		a, b := New(reg), New(reg)
		a.Apply(log)
		b.Apply(perm)
		for _, rc := range reg.Races {
			for _, box := range reg.RaceBoxes(rc.Code) {
				sa, _ := a.Box(rc.Code, box)
				sb, _ := b.Box(rc.Code, box)
				if sa.Status != sb.Status {
					t.Fatalf("%s/%s: status %s in log order, %s permuted", rc.Code, box, sa.Status, sb.Status)
				}
				if !cmp.Equal(sa.Resolved, sb.Resolved) {
					t.Fatalf("%s/%s: resolved figures differ", rc.Code, box)
				}
				if sa.Status != sandik.StatusConflict && !cmp.Equal(sa.Provisional, sb.Provisional) {
					t.Fatalf("%s/%s: provisional figures differ outside a conflict", rc.Code, box)
				}
			}
			ta, _ := a.Totals(rc.Code, rc.Scope)
			tb, _ := b.Totals(rc.Code, rc.Scope)
			if diff := cmp.Diff(ta.Totals.Verified, tb.Totals.Verified); diff != "" {
				t.Fatalf("%s: verified totals depend on order:\n%s", rc.Code, diff)
			}
		}
	})
}

// TestRebuildIsIdentical: applying the log in pages, as a restart does,
// gives the same totals as applying it one by one.
func TestRebuildIsIdentical(t *testing.T) {
	reg := testRegistry()
	rapid.Check(t, func(t *rapid.T) {
		log := genLog(t, reg, rapid.IntRange(1, 80).Draw(t, "n"))
		live := New(reg)
		for i := range log {
			live.Apply(log[i : i+1])
		}
		rebuilt := New(reg)
		page := rapid.IntRange(1, 30).Draw(t, "page")
		for i := 0; i < len(log); i += page {
			// Overlapping pages must be harmless.
			rebuilt.Apply(log[max(0, i-1):min(len(log), i+page)])
		}
		want, _ := engineTotals(live)
		got, _ := engineTotals(rebuilt)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("rebuilt totals differ:\n%s", diff)
		}
		if live.Seq() != rebuilt.Seq() {
			t.Fatalf("seq %d live, %d rebuilt", live.Seq(), rebuilt.Seq())
		}
	})
}

func ent(seq int64, user sandik.UserID, box sandik.AreaCode, s sandik.Tutanak) sandik.Submission {
	return sandik.Submission{Seq: seq, ID: sandik.SubmissionID(fmt.Sprint(seq)), Race: "all", Box: box, User: user,
		Source: sandik.SourceObserver, Kind: sandik.KindEntry, ReceivedAt: t0.Add(time.Duration(seq) * time.Minute), Sheet: s}
}

func TestDoubleEntryTransitions(t *testing.T) {
	reg := testRegistry()
	box := reg.RaceBoxes("all")[0]
	x, y := sheet(300, 2, 100, 50, 20), sheet(300, 2, 100, 50, 21)
	adj := func(seq int64, s sandik.Tutanak) sandik.Submission {
		sub := ent(seq, "coord", box, s)
		sub.Kind, sub.Reason = sandik.KindAdjudication, "photo checked"
		return sub
	}
	tests := []struct {
		name string
		log  []sandik.Submission
		want sandik.BoxStatus
	}{
		{"nothing", nil, sandik.StatusMissing},
		{"one entry", []sandik.Submission{ent(1, "a", box, x)}, sandik.StatusPending},
		{"same person twice is still one", []sandik.Submission{ent(1, "a", box, x), ent(2, "a", box, x)}, sandik.StatusPending},
		{"two people agree", []sandik.Submission{ent(1, "a", box, x), ent(2, "b", box, x)}, sandik.StatusVerified},
		{"two people disagree", []sandik.Submission{ent(1, "a", box, x), ent(2, "b", box, y)}, sandik.StatusConflict},
		{"third entry resolves by majority", []sandik.Submission{ent(1, "a", box, x), ent(2, "b", box, y), ent(3, "c", box, y)}, sandik.StatusVerified},
		{"two against two stays a conflict", []sandik.Submission{ent(1, "a", box, x), ent(2, "b", box, y), ent(3, "c", box, y), ent(4, "d", box, x)}, sandik.StatusConflict},
		{"correction by the same person resolves", []sandik.Submission{ent(1, "a", box, x), ent(2, "b", box, y), ent(3, "b", box, x)}, sandik.StatusVerified},
		{"adjudication wins", []sandik.Submission{ent(1, "a", box, x), ent(2, "b", box, y), adj(3, y)}, sandik.StatusAdjudicated},
		{"entries after an adjudication change nothing", []sandik.Submission{ent(1, "a", box, x), adj(2, y), ent(3, "b", box, x)}, sandik.StatusAdjudicated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New(reg)
			e.Apply(tt.log)
			st, err := e.Box("all", box)
			if err != nil {
				t.Fatal(err)
			}
			if st.Status != tt.want {
				t.Fatalf("status %s, want %s", st.Status, tt.want)
			}
			conflicts, _ := e.Conflicts("all", "", 0)
			if got := len(conflicts) == 1; got != (tt.want == sandik.StatusConflict) {
				t.Fatalf("conflict list has %d boxes with status %s", len(conflicts), st.Status)
			}
		})
	}
}

func TestQuorumThree(t *testing.T) {
	reg := testRegistry()
	reg.Elections[0].Quorum = 3
	e := New(reg)
	box := reg.RaceBoxes("all")[0]
	x := sheet(300, 2, 100, 50, 20)
	e.Apply([]sandik.Submission{ent(1, "a", box, x), ent(2, "b", box, x)})
	if st, _ := e.Box("all", box); st.Status != sandik.StatusPending {
		t.Fatalf("two of three: %s, want pending", st.Status)
	}
	e.Apply([]sandik.Submission{ent(3, "c", box, x)})
	if st, _ := e.Box("all", box); st.Status != sandik.StatusVerified {
		t.Fatalf("three of three: %s, want verified", st.Status)
	}
}

func TestConflictsOldestFirstWithinArea(t *testing.T) {
	reg := testRegistry()
	e := New(reg)
	boxes := reg.RaceBoxes("all")
	x, y := sheet(300, 2, 100, 50, 20), sheet(300, 2, 100, 50, 21)
	last := boxes[len(boxes)-1]
	e.Apply([]sandik.Submission{
		ent(1, "a", last, x), ent(2, "b", last, y),
		ent(3, "a", boxes[0], x), ent(4, "b", boxes[0], y),
	})
	all, _ := e.Conflicts("all", "", 0)
	if len(all) != 2 || all[0].Box != last || all[0].Seq != 2 || all[0].Entries != 2 {
		t.Fatalf("conflicts %+v, want %s first", all, last)
	}
	il1, _ := e.Conflicts("all", "1", 0)
	if len(il1) != 1 || il1[0].Box != boxes[0] {
		t.Fatalf("conflicts within il 1: %+v", il1)
	}
	if one, _ := e.Conflicts("all", "", 1); len(one) != 1 {
		t.Fatalf("limit 1 gave %d", len(one))
	}
	if _, err := e.Conflicts("all", "nowhere", 0); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("unknown area: %v", err)
	}
}

func TestUnknownThingsAreNotFoundOrSkipped(t *testing.T) {
	reg := testRegistry()
	e := New(reg)
	if _, err := e.Totals("nope", "TR"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("unknown race: %v", err)
	}
	if _, err := e.Totals("one", "2"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("area outside scope: %v", err)
	}
	if _, err := e.Box("all", "1.1.1.b.99"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("unregistered box: %v", err)
	}
	e.Apply([]sandik.Submission{ent(1, "a", "1.1.1.b.99", sheet(1, 0, 1, 0, 0))})
	if e.Skipped() != 1 || e.Seq() != 1 {
		t.Fatalf("skipped %d seq %d", e.Skipped(), e.Seq())
	}
	tot, _ := e.Totals("all", "TR")
	if tot.Totals.BoxesReported != 0 {
		t.Fatalf("a skipped submission was counted")
	}
}

func TestWaitFor(t *testing.T) {
	reg := testRegistry()
	e := New(reg)
	box := reg.RaceBoxes("all")[0]
	done := make(chan error)
	go func() { done <- e.WaitFor(context.Background(), 2) }()
	e.Apply([]sandik.Submission{ent(1, "a", box, sheet(300, 0, 1, 1, 1))})
	e.Apply([]sandik.Submission{ent(2, "b", box, sheet(300, 0, 1, 1, 1))})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.WaitFor(ctx, 3); err == nil {
		t.Fatal("WaitFor past the head returned without the context ending")
	}
}

// TestEntryCountsAsBox: what the entry quotas ask of a box (how many
// people entered it, how many times a user did) is what Box's entries
// say, for every user, one who never entered included, at every step of
// random logs with corrections and adjudications.
func TestEntryCountsAsBox(t *testing.T) {
	reg := testRegistry()
	users := []sandik.UserID{"ayse", "mehmet", "zeynep", "ali", "nobody"}
	rapid.Check(t, func(t *rapid.T) {
		log := genLog(t, reg, rapid.IntRange(1, 60).Draw(t, "n"))
		e := New(reg)
		for i := range log {
			e.Apply(log[i : i+1])
			rc, box := log[i].Race, log[i].Box
			st, err := e.Box(rc, box)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range users {
				people, mine := 0, 0
				for _, en := range st.Entries {
					if en.Kind != sandik.KindEntry {
						continue
					}
					people++
					if en.User == u {
						mine = en.Entered
					}
				}
				gotPeople, gotMine, err := e.EntryCounts(rc, box, u)
				if err != nil || gotPeople != people || gotMine != mine {
					t.Fatalf("after %d submissions, %s/%s for %s: EntryCounts %d people, %d mine (%v); Box says %d and %d",
						i+1, rc, box, u, gotPeople, gotMine, err, people, mine)
				}
			}
		}
	})
	if _, _, err := New(reg).EntryCounts(reg.Races[0].Code, "no-such-box", "ayse"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("unknown box: %v", err)
	}
}
