package feed_test

import (
	"encoding/json"
	"runtime"
	"testing"

	"github.com/sandik-dev/sandik/feed"
)

// Decoding a page allocates about its sheets and little else: each row
// becomes its sheet as it is read. Holding the page's rows first cost
// about 1.6 KB a box in maps, 300 MB at once for a national page: the
// serving process's peak on a national night (BENCHMARKS.md).
func TestDecodeAllocatesAboutTheSheets(t *testing.T) {
	rows, body, d := councilPage(t)
	if _, err := d.Decode(body); err != nil { // warm: nothing lazy counted below
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	sheets, err := d.Decode(body)
	runtime.ReadMemStats(&after)
	if err != nil || len(sheets) != len(rows) {
		t.Fatalf("%d sheets (%v), want %d", len(sheets), err, len(rows))
	}
	for i, s := range sheets {
		if string(s.Box) != rows[i].Box || s.Sheet.Votes[0] != rows[i].Votes["CHP"] || s.Sheet.ValidTotal != 290 {
			t.Fatalf("sheet %d: %+v, want the figures of %+v", i, s, rows[i])
		}
	}
	// A sheet is 192 bytes and its 5 votes 48; the box's code, the row's
	// name and the interned keys are the rest.
	per := float64(after.TotalAlloc-before.TotalAlloc) / float64(len(rows))
	t.Logf("%d boxes, %.0f bytes allocated a box", len(rows), per)
	if per > 500 {
		t.Errorf("decoding allocated %.0f bytes a box, want at most 500", per)
	}
}

// councilPage is a council race's page of 4,000 boxes of 5 choices, its
// rows, and a decoder of the default mapping for it.
func councilPage(t *testing.T) ([]feed.FakeBox, []byte, *feed.Decoder) {
	t.Helper()
	reg, rows := councilFeed(t, 20)
	body, err := json.Marshal(map[string]any{"count": len(rows), "boxes": rows})
	if err != nil {
		t.Fatal(err)
	}
	m := feed.DefaultMapping()
	m.Election, m.Kind = election, "meclis"
	d, err := feed.NewDecoder(reg, m)
	if err != nil {
		t.Fatal(err)
	}
	return rows, body, d
}
