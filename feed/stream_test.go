package feed_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/feed"
)

// pageFetcher answers every reading with its page, held whole or, for a
// Request with Stream, as a stream: cut short after cut bytes when cut
// is at least 0, announcing length (-1 unknown).
type pageFetcher struct {
	page         []byte
	lastModified string
	stream       bool
	cut          int
	length       int64
}

func (p *pageFetcher) Fetch(_ context.Context, r feed.Request) (feed.Response, error) {
	resp := feed.Response{Status: feed.StatusOK, StatusText: "200 OK", ETag: `"` + p.lastModified + `"`, LastModified: p.lastModified}
	if !p.stream || !r.Stream {
		resp.Body = p.page
		return resp, nil
	}
	var body io.Reader = bytes.NewReader(p.page)
	if p.cut >= 0 {
		body = io.MultiReader(bytes.NewReader(p.page[:p.cut]), iotest.ErrReader(io.ErrUnexpectedEOF))
	}
	resp.Stream, resp.Length = io.NopCloser(body), p.length
	return resp, nil
}

func box(code sandik.AreaCode, chp, akp int64) feed.FakeBox {
	return feed.FakeBox{Box: string(code), Registered: 300, Voted: chp + akp + 10, ValidWithoutObjection: chp + akp, ValidTotal: chp + akp, Invalid: 10,
		Votes: map[string]int64{"CHP": chp, "AK PARTİ": akp}}
}

func page(t *testing.T, boxes ...feed.FakeBox) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"count": len(boxes), "boxes": boxes})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pageFollower follows fetch as follower does a fake feed.
func pageFollower(e *env, fetch feed.Fetcher) *feed.Follower {
	f := follower(e, "https://ysk.example/il/34.json")
	f.Fetch = fetch
	return f
}

// stored is what a reading left in the store: the log's end, the feed's
// state and every official version's id.
type stored struct {
	seq   int64
	state sandik.FeedState
	ids   []sandik.SubmissionID
}

func storedOf(t *testing.T, e *env) stored {
	t.Helper()
	ctx := context.Background()
	s := stored{seq: e.c.Seq()}
	st, err := e.c.FeedState(ctx, "ysk")
	if err == nil {
		s.state = st
	} else if sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatal(err)
	}
	for _, b := range []struct {
		race sandik.RaceCode
		box  sandik.AreaCode
	}{{raceA, boxA1}, {raceA, boxA2}, {raceB, boxB1}} {
		vs, err := e.c.View(coord).OfficialVersions(ctx, b.race, b.box)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			s.ids = append(s.ids, v.Submission)
		}
	}
	return s
}

// A page read as it arrives stores what the same page held whole
// stores: the same rows counted, the same versions under the same ids,
// the same state.
func TestStreamedPageStoresAsThePageHeldWhole(t *testing.T) {
	ctx := context.Background()
	pages := [][]byte{
		page(t, box(boxA1, 140, 100), box(boxA2, 95, 100), box(boxB1, 60, 150)),
		page(t, box(boxA1, 120, 120), box(boxA2, 95, 100), box(boxB1, 60, 150)),
	}
	var got [2]stored
	var outs [2][]feed.Outcome
	for i, stream := range []bool{false, true} {
		e := newEnv(t)
		fetch := &pageFetcher{stream: stream, cut: -1, length: -1}
		f := pageFollower(e, fetch)
		for j, p := range pages {
			fetch.page, fetch.lastModified = p, []string{"Sun, 31 Mar 2024 21:00:00 GMT", "Sun, 31 Mar 2024 23:12:00 GMT"}[j]
			out, err := f.Poll(ctx)
			if err != nil {
				t.Fatalf("stream %v, page %d: %v", stream, j, err)
			}
			outs[i] = append(outs[i], out)
		}
		got[i] = storedOf(t, e)
	}
	for j := range pages {
		w, g := outs[0][j], outs[1][j]
		if g.Rows != w.Rows || g.Changed != w.Changed || g.Written != w.Written || g.Unchanged != w.Unchanged || len(g.Alerts) != len(w.Alerts) {
			t.Errorf("page %d read as it arrives: %+v; held whole: %+v", j, g.FeedResult, w.FeedResult)
		}
	}
	if outs[1][1].Rows != 3 || outs[1][1].Unchanged != 2 || outs[1][1].Written != 1 {
		t.Errorf("second page: %+v, want 3 rows, 2 unchanged, 1 written", outs[1][1].FeedResult)
	}
	w, g := got[0], got[1]
	if len(g.ids) != 4 || strings.Join(idStrings(g.ids), ",") != strings.Join(idStrings(w.ids), ",") || g.state.BodyHash != w.state.BodyHash ||
		g.state.Versions != w.state.Versions || g.state.Versions != 4 || g.seq != w.seq {
		t.Errorf("read as it arrives: %+v\nheld whole: %+v", g, w)
	}
}

func idStrings(ids []sandik.SubmissionID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

// A page refused for any reason, at any point of its reading, leaves
// the store as it was: no version, no alert, not even the validators.
func TestRefusedStreamChangesNothing(t *testing.T) {
	ctx := context.Background()
	first := page(t, box(boxA1, 140, 100), box(boxA2, 95, 100), box(boxB1, 60, 150))
	changed := page(t, box(boxA1, 120, 120), box(boxA2, 96, 99), box(boxB1, 70, 140))
	badLast := bytes.Replace(changed, []byte(`"voted":220`), []byte(`"voted":"iki yüz"`), 1)
	if bytes.Equal(badLast, changed) || bytes.LastIndex(badLast, []byte("iki yüz")) < len(badLast)*2/3 {
		t.Fatalf("the bad figure is not in the last row: %s", badLast)
	}
	twice := page(t, box(boxA1, 140, 100), box(boxA2, 95, 100), box(boxB1, 60, 150), box(boxA1, 140, 100))
	for _, c := range []struct {
		name    string
		fetch   pageFetcher
		maxBody int64
		want    string
	}{
		{"cut short", pageFetcher{page: changed, stream: true, cut: len(changed) - 5, length: int64(len(changed))}, 0, "read the body: unexpected EOF (nothing was stored)"},
		{"cut short at its first byte", pageFetcher{page: changed, stream: true, cut: 0, length: -1}, 0, "read the body"},
		{"announced over the limit", pageFetcher{page: changed, stream: true, cut: -1, length: int64(len(changed))}, int64(len(changed)) - 1, "over"},
		{"over the limit, unannounced", pageFetcher{page: changed, stream: true, cut: -1, length: -1}, int64(len(changed)) - 1, "over"},
		{"over the limit, held whole", pageFetcher{page: changed, cut: -1, length: -1}, int64(len(changed)) - 1, "over"},
		{"a bad figure in the last row", pageFetcher{page: badLast, stream: true, cut: -1, length: -1}, 0, `boxes[2].voted`},
		{"a bad figure in the last row, held whole", pageFetcher{page: badLast, cut: -1, length: -1}, 0, `boxes[2].voted`},
		{"a box twice, once unchanged", pageFetcher{page: twice, stream: true, cut: -1, length: -1}, 0, "is also row 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			fetch := &pageFetcher{page: first, lastModified: "Sun, 31 Mar 2024 21:00:00 GMT", stream: true, cut: -1, length: -1}
			f := pageFollower(e, fetch)
			if _, err := f.Poll(ctx); err != nil {
				t.Fatal(err)
			}
			before := storedOf(t, e)
			*fetch = c.fetch
			fetch.lastModified = "Sun, 31 Mar 2024 23:12:00 GMT"
			f.MaxBody = c.maxBody
			_, err := f.Poll(ctx)
			msg := ""
			if err != nil {
				msg = err.Error() + " " + strings.Join(problemFields(err), " ")
			}
			if err == nil || !strings.Contains(msg, c.want) {
				t.Fatalf("refusal %q, want one naming %q", msg, c.want)
			}
			after := storedOf(t, e)
			if after.seq != before.seq || after.state != before.state || len(after.ids) != len(before.ids) {
				t.Errorf("the refused page changed the store: %+v → %+v", before, after)
			}
			// The page served whole and right is then read as if the
			// refused one had never come.
			*fetch = pageFetcher{page: changed, lastModified: "Sun, 31 Mar 2024 23:12:00 GMT", stream: true, cut: -1, length: -1}
			f.MaxBody = 0
			if out, err := f.Poll(ctx); err != nil || out.Written != 3 {
				t.Fatalf("the right page after the refused one: %+v %v", out, err)
			}
		})
	}
}

func problemFields(err error) []string {
	var out []string
	for _, p := range sandik.ProblemsOf(err) {
		out = append(out, p.Field+": "+p.Message)
	}
	return out
}

// A republished page's unchanged rows are checked and counted, not held:
// what decoding a page of which nothing changed leaves alive is a small
// part of the sheets that decoding it whole keeps (about 240 bytes a box
// of 5 choices).
func TestUnchangedRowsAreNotHeld(t *testing.T) {
	rows, body, d := councilPage(t)
	asked := 0
	same := func(*sandik.ImportedSheet) bool { asked++; return true }
	kept := func(same func(*sandik.ImportedSheet) bool) ([]sandik.ImportedSheet, int, float64) {
		t.Helper()
		live := func() uint64 {
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			return ms.HeapAlloc
		}
		before := live()
		sheets, left, err := d.DecodeFrom(bytes.NewReader(body), 0, same)
		if err != nil {
			t.Fatal(err)
		}
		after := live()
		runtime.KeepAlive(sheets)
		return sheets, left, (float64(after) - float64(before)) / float64(len(rows))
	}
	kept(same) // warm: nothing lazy counted below
	asked = 0
	sheets, left, per := kept(same)
	if len(sheets) != 0 || left != len(rows) || asked != len(rows) {
		t.Fatalf("%d sheets, %d left, %d asked; want 0, %d, %d", len(sheets), left, asked, len(rows), len(rows))
	}
	all, _, whole := kept(nil)
	if len(all) != len(rows) {
		t.Fatalf("%d sheets without the filter, want %d", len(all), len(rows))
	}
	t.Logf("%d boxes: %.0f bytes a box left alive, %.0f when every sheet is kept", len(rows), per, whole)
	if per > 50 {
		t.Errorf("decoding an unchanged page left %.0f bytes a box alive, want at most 50", per)
	}
	runtime.KeepAlive(body) // alive throughout, not counted as freed
	runtime.KeepAlive(rows)
}
