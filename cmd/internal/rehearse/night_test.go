package rehearse

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// The national night has the real provinces and districts and about
// 200,000 boxes whose registered voters come from the real sample.
func TestNationalShape(t *testing.T) {
	n, err := NewNight(1, 1, 0.02)
	if err != nil {
		t.Fatal(err)
	}
	if n.Provinces != 81 || n.Districts != 973 {
		t.Errorf("%d il and %d ilçe, want 81 and 973", n.Provinces, n.Districts)
	}
	if len(n.Boxes) != NationalBoxes {
		t.Errorf("%d boxes, want %d", len(n.Boxes), NationalBoxes)
	}
	sample, err := readBoxes()
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := int64(math.MaxInt64), int64(0)
	for _, f := range sample {
		lo, hi = min(lo, f.registered), max(hi, f.registered)
	}
	var sum int64
	for _, b := range n.Boxes {
		r, ok := n.Registry.Registered(Election, b)
		if !ok || r < lo || r > hi {
			t.Fatalf("box %s: %d registered, outside the real sample's %d–%d", b, r, lo, hi)
		}
		sum += r
	}
	// About 60 million voters, as in Türkiye.
	if sum < 40_000_000 || sum > 80_000_000 {
		t.Errorf("%d registered voters in all", sum)
	}
	// Districts differ in size as real ones do: the largest holds many
	// times the median.
	per := map[sandik.AreaCode]int{}
	for _, a := range n.Registry.Areas {
		if a.Level == sandik.LevelSandik {
			for p := a.Parent; ; {
				pa, _ := n.Registry.Area(p)
				if pa.Level == sandik.LevelIlce {
					per[p]++
					break
				}
				p = pa.Parent
			}
		}
	}
	sizes := make([]int, 0, len(per))
	for _, v := range per {
		sizes = append(sizes, v)
	}
	slices.Sort(sizes)
	if med, top := sizes[len(sizes)/2], sizes[len(sizes)-1]; top < 8*med {
		t.Errorf("district sizes: median %d, largest %d; want a real spread", med, top)
	}
}

// Every entry is a valid sheet that the server accepts; the second entry
// of a disagreeing sheet differs from the first, the others equal it, and
// about the asked share disagrees.
func TestEntries(t *testing.T) {
	n, err := NewNight(0.01, 7, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	differ := 0
	for p := range n.Pairs() {
		rc, _ := n.pair(p)
		a, b := n.Entry(p, 0), n.Entry(p, 1)
		for k, s := range []sandik.Tutanak{a, b} {
			if ps := s.Check("", rc.Choices); len(ps) > 0 {
				t.Fatalf("pair %d entry %d: %v", p, k, ps)
			}
		}
		same := a.Voted == b.Voted && a.Invalid == b.Invalid && slices.Equal(a.Votes, b.Votes)
		if same == n.Disagrees(p) {
			t.Fatalf("pair %d: entries equal %t, disagrees %t", p, same, n.Disagrees(p))
		}
		if !same {
			differ++
		}
		if typistOf(p, 0, Typists) == typistOf(p, 1, Typists) {
			t.Fatalf("pair %d typed twice by typist %d", p, typistOf(p, 0, Typists))
		}
	}
	if share := float64(differ) / float64(n.Pairs()); share < 0.04 || share > 0.06 {
		t.Errorf("%.3f of sheets disagree, want about 0.05", share)
	}
	// The hand-written body decodes to the same entry.
	var buf bytes.Buffer
	n.JSON(&buf, 3, 1)
	var in sandik.SheetInput
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		t.Fatal(err)
	}
	if p, k, ok := ParseEntryID(in.ID); !ok || p != 3 || k != 1 {
		t.Errorf("id %q reads as %d, %d, %t", in.ID, p, k, ok)
	}
	if want := n.Entry(3, 1); *in.Voted != want.Voted || *in.Votes["P01"] != want.Votes[0] {
		t.Errorf("body %+v, want %+v", in, want)
	}
}

// The schedule holds every entry once, in time order, with the poll-close
// burst well above the average rate.
func TestSchedule(t *testing.T) {
	n, err := NewNight(0.01, 3, 0.02)
	if err != nil {
		t.Fatal(err)
	}
	s := n.Schedule(1000)
	if len(s) != 2*n.Pairs() {
		t.Fatalf("%d slots, want %d", len(s), 2*n.Pairs())
	}
	seen := make([]bool, len(s))
	for i, sl := range s {
		if i > 0 && sl.at < s[i-1].at {
			t.Fatal("schedule not in time order")
		}
		e := 2*int(sl.p) + int(sl.k)
		if seen[e] {
			t.Fatalf("entry %d scheduled twice", e)
		}
		seen[e] = true
	}
	if night := s[len(s)-1].at; night < 15*time.Second || night > 21*time.Second {
		t.Errorf("the night lasts %s, want about 20 s at 1,000/s", night)
	}
	if peak := peakRate(s); peak < 2500 {
		t.Errorf("busiest second %d entries, want the poll-close burst above 2.5× the average", peak)
	}
}

// The check finds an acknowledged entry missing from the log, and totals
// that do not add up.
func TestCheckFindsLoss(t *testing.T) {
	n, err := NewNight(0.001, 1, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	acked := make([]bool, 2*n.Pairs())
	lc := &logCheck{present: make([]bool, len(acked)), contentRead: true}
	for e := range acked {
		acked[e], lc.present[e] = true, true
	}
	lc.present[5] = false
	lc.countLost(acked)
	final := [][]nationalTotals{make([]nationalTotals, len(n.Races))}
	for r, e := range n.Expect() {
		final[0][r].Totals.BoxesVerified, final[0][r].Totals.BoxesConflict = e.Verified, e.Conflict
		final[0][r].Totals.Verified.Votes = e.Votes
	}
	rep := &Report{}
	rep.check(n, lc, final)
	if rep.OK || rep.Verification.Lost != 1 {
		t.Fatalf("one lost entry not found: %+v", rep)
	}
	// Nothing lost, and the totals the generator expects: ok.
	lc.present[5] = true
	lc.lost = 0
	lc.countLost(acked)
	rep = &Report{}
	rep.check(n, lc, final)
	if !rep.OK {
		t.Fatalf("a sound night failed: %v", rep.Problems)
	}
	// A server counting one verified box too many fails it.
	final[0][0].Totals.BoxesVerified++
	rep = &Report{}
	rep.check(n, lc, final)
	if rep.OK {
		t.Fatal("a wrong verified count passed")
	}
}
