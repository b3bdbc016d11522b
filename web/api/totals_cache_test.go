package api

import (
	"bytes"
	"reflect"
	"runtime"
	"strconv"
	"testing"

	"github.com/sandik-dev/sandik"

	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// The kept answers of an area's totals never cross readers: each reader,
// reading every area interleaved with everyone else (in one order, then
// the other, then the first again), gets exactly the answer it gets on a
// server where no one else has read — the coordinator's full figures, the
// district coordinator's own children, the typists' blind view (small
// areas refused, provisional figures hidden).
func TestTotalsCacheKeepsEachReadersView(t *testing.T) {
	readers := []string{coordinator, coordAdal, volunteer, observer1, admin}
	setup := func() *env {
		e := newEnvWith(t, webtest.BlindRegistry(t))
		e.AddScoped()
		// A pending box (provisional figures a typist must not read) and
		// the lone box of a mahalle entered once.
		e.submit(observer1, webtest.BlindSheet("c-1", webtest.BlindBigBox, 4000, 3000, 100))
		e.Settle(e.submit(observer2, webtest.BlindSheet("c-2", webtest.BlindLoneBox, 4871, 3659, 1213)).Seq)
		return e
	}
	path := func(area string) string { return "/api/v1/races/" + webtest.BlindRace + "/totals/" + area }
	areas := []string{webtest.BlindBigBox, webtest.BlindLoneBox}
	for _, a := range webtest.BlindAreas {
		areas = append(areas, string(a))
	}
	alone := map[string]webtest.Response{}
	for _, who := range readers {
		e := setup()
		for _, area := range areas {
			alone[who+" "+area] = e.Do("GET", path(area), who, nil)
		}
	}
	e := setup()
	reversed := make([]string, len(readers))
	for i, who := range readers {
		reversed[len(readers)-1-i] = who
	}
	differ := 0
	for _, order := range [][]string{readers, reversed, readers} {
		for _, area := range areas {
			for _, who := range order {
				got, want := e.Do("GET", path(area), who, nil), alone[who+" "+area]
				if got.Status != want.Status || !bytes.Equal(got.Body, want.Body) {
					t.Errorf("%s reading %s among others: %d %s\nalone: %d %s", who, area, got.Status, got.Body, want.Status, want.Body)
				}
			}
			if !bytes.Equal(alone[coordinator+" "+area].Body, alone[volunteer+" "+area].Body) {
				differ++
			}
		}
	}
	// The fixture must make the readers' views differ, or this proves
	// nothing.
	if differ == 0 {
		t.Fatal("every reader saw the same totals: the fixture tests nothing")
	}
}

// The cache's equality sees every field of the totals: a field added to
// tally's types must be compared too, or two readers allowed different
// values of it could share an answer.
func TestSameTotalsSeesEveryField(t *testing.T) {
	for typ, n := range map[reflect.Type]int{
		reflect.TypeFor[tally.AreaTotals](): 3,
		reflect.TypeFor[tally.Totals]():     17,
		reflect.TypeFor[tally.Counts]():     8,
	} {
		if typ.NumField() != n {
			t.Errorf("%s has %d fields, sameAreaTotals compares %d: compare the new ones", typ, typ.NumField(), n)
		}
	}
	a := tally.AreaTotals{Seq: 3, Totals: tally.Totals{Area: "34", Verified: tally.Counts{Votes: []int64{1, 2}}},
		Children: []tally.Totals{{Area: "34.01", Provisional: tally.Counts{Votes: []int64{5}}}}}
	b := cloneAreaTotals(&a)
	if !sameAreaTotals(&a, &b) {
		t.Fatal("a copy differs")
	}
	b.Children[0].Provisional.Votes[0]++
	if sameAreaTotals(&a, &b) || a.Children[0].Provisional.Votes[0] != 5 {
		t.Error("a child's provisional vote changed unseen, or the copy shares its slice")
	}
	b = cloneAreaTotals(&a)
	b.Totals.Verified.Votes = nil
	if sameAreaTotals(&a, &b) {
		t.Error("votes missing compared equal")
	}
}

// The cache holds no more memory than its bound, the copies of the totals
// its answers were made from included. It once reckoned a child at 64
// bytes while its copy takes some 850 (a Totals and four vote arrays of
// 12 choices), and so held about twice its bound: 70 MiB of a serving
// instance's heap for a bound of 32.
func TestTotalsCacheHoldsItsBound(t *testing.T) {
	const max = 4 << 20
	areaTotals := func(i int) tally.AreaTotals {
		votes := func() []int64 { return make([]int64, 12) }
		counts := func() tally.Counts { return tally.Counts{Voted: int64(i), Votes: votes()} }
		tot := func(area string) tally.Totals {
			return tally.Totals{Area: sandik.AreaCode(area), Provisional: counts(), Verified: counts(), Official: counts(), Recounted: counts()}
		}
		at := tally.AreaTotals{Seq: int64(i), Totals: tot("34")}
		for range 40 {
			at.Children = append(at.Children, tot("34.01"))
		}
		return at
	}
	reg := &sandik.Registry{}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	c := newTotalsCache(max)
	for i := range 1000 {
		at := areaTotals(i)
		if _, err := c.body(totalsKey{race: "r", area: sandik.AreaCode(strconv.Itoa(i))}, reg, &at,
			func() ([]byte, error) { return encodeJSON(&at) }); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	held := int64(ms.HeapAlloc) - int64(before)
	runtime.KeepAlive(c)
	t.Logf("%d answers kept, reckoned %d bytes, heap held %d bytes (bound %d)", len(c.entries), c.bytes, held, max)
	if c.bytes > max || c.kept.Load() != c.bytes {
		t.Errorf("reckoned %d bytes (gauge %d), bound %d", c.bytes, c.kept.Load(), max)
	}
	// A tenth over the bound for what the reckoning leaves out (the map's
	// own growth, allocation rounding).
	if held > max*11/10 {
		t.Errorf("the cache holds %d bytes of heap, bound %d", held, max)
	}
	if len(c.entries) < 10 {
		t.Errorf("only %d answers kept: the reckoning overshoots", len(c.entries))
	}
}
