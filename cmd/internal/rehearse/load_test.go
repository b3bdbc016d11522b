package rehearse

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// A server that refuses some entries once with 503 and Retry-After, and
// one entry always with 422: the refused ones are sent again with the
// same body and acknowledged, the 422 is final and counted as failed, and
// the acknowledgements' log positions are followed.
func TestReplayRetries(t *testing.T) {
	n, err := NewNight(0.0005, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var seq atomic.Int64
	var mu sync.Mutex
	tries := map[string]int{}
	bodies := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var in sandik.SheetInput
		if err := json.Unmarshal(b, &in); err != nil || r.URL.Path != "/api/v1/submissions" || !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer typist") {
			http.Error(w, "bad request", 400)
			return
		}
		id := string(in.ID)
		mu.Lock()
		tries[id]++
		k := tries[id]
		if prev, ok := bodies[id]; ok && prev != string(b) {
			t.Errorf("%s sent again with another body", id)
		}
		bodies[id] = string(b)
		mu.Unlock()
		switch {
		case id == string(EntryID(0, 1)):
			http.Error(w, "unprocessable", http.StatusUnprocessableEntity)
		case strings.HasSuffix(id, "-0") && k == 1:
			w.Header().Set("Retry-After", "0")
			http.Error(w, "busy", http.StatusServiceUnavailable)
		default:
			w.WriteHeader(201)
			fmt.Fprintf(w, `{"seq":%d,"id":%q}`, seq.Add(1), id)
		}
	}))
	defer srv.Close()
	typists := []string{"typist1", "typist2", "typist3"}
	sched := n.Schedule(5000)
	var st loadStats
	res := replay(context.Background(), n, sched, time.Now(), []string{strings.TrimPrefix(srv.URL, "http://")}, typists, 32, &st)
	entries := 2 * n.Pairs()
	if got := st.sent.Load(); got != int64(entries) {
		t.Errorf("sent %d, want %d", got, entries)
	}
	if st.acked.Load() != int64(entries-1) || st.failed.Load() != 1 || len(res.lat) != entries-1 {
		t.Errorf("acknowledged %d, failed %d, latencies %d; want %d, 1, %d", st.acked.Load(), st.failed.Load(), len(res.lat), entries-1, entries-1)
	}
	// Every first entry but the pair-0 one was refused once; pair 0's
	// first entry too; its second entry's 422 is not retried.
	if st.retried.Load() != int64(n.Pairs()) || res.errors[503] != int64(n.Pairs()) || res.errors[422] != 1 {
		t.Errorf("retried %d, errors %v; want %d retries", st.retried.Load(), res.errors, n.Pairs())
	}
	if res.acked[1] || !res.acked[0] {
		t.Error("the refused entry counted as acknowledged, or the retried one not")
	}
	if st.maxSeq.Load() != seq.Load() {
		t.Errorf("highest log position %d, the server gave %d", st.maxSeq.Load(), seq.Load())
	}
	if tries[string(EntryID(0, 1))] != 1 {
		t.Errorf("the 422 was sent %d times", tries[string(EntryID(0, 1))])
	}
}

// A live stream the server ends is opened again, as a browser does.
func TestWatchLiveReopens(t *testing.T) {
	n, err := NewNight(0.0005, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var opens atomic.Int64
	second := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Cookie") != "s=1" {
			http.Error(w, "no session", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "id: 1\nevent: totals\ndata: {}\n\n")
		w.(http.Flusher).Flush()
		if opens.Add(1) == 1 {
			return // the first stream is cut at once
		}
		fmt.Fprint(w, "id: 2\nevent: totals\ndata: {}\n\n")
		w.(http.Flusher).Flush()
		close(second)
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var res sseResult
	done := make(chan struct{})
	go func() {
		res = watchLive(ctx, n, []string{strings.TrimPrefix(srv.URL, "http://")}, "s=1", 1)
		close(done)
	}()
	<-second
	cancel()
	<-done
	if res.opened != 1 || res.failed != 0 || res.cut != 1 || res.reopenFailed != 0 || res.events < 1 || opens.Load() != 2 {
		t.Errorf("%+v after %d openings; want opened 1, cut 1 and opened again", res, opens.Load())
	}
	// A stream refused at the start fails, and is not retried for ever.
	res = watchLive(context.Background(), n, []string{strings.TrimPrefix(srv.URL, "http://")}, "s=other", 2)
	if res.failed != 2 || res.firstErr == nil || !strings.Contains(res.firstErr.Error(), "401") {
		t.Errorf("%+v; want both failed with the 401", res)
	}
}

// Dashboards read areas down to the districts with the coordinator's
// token, and count what the server refuses.
func TestReadDashboards(t *testing.T) {
	n, err := NewNight(0.0005, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var reads atomic.Int64
	enough := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(r.URL.Path, "/") // /api/v1/races/{race}/totals/{area}
		if len(parts) != 7 || parts[5] != "totals" || r.Header.Get("Authorization") != "Bearer coord" {
			http.Error(w, "bad", 400)
			return
		}
		a, ok := n.Registry.Area(sandik.AreaCode(parts[6]))
		if !ok || a.Level > sandik.LevelIlce {
			http.Error(w, "not an area a dashboard reads", 404)
			return
		}
		if reads.Add(1) == 40 {
			once.Do(func() { close(enough) })
		}
		if reads.Load()%10 == 0 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "{}")
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var res readResult
	done := make(chan struct{})
	go func() {
		res = readDashboards(ctx, n, []string{strings.TrimPrefix(srv.URL, "http://")}, "coord", 4, 5*time.Millisecond)
		close(done)
	}()
	<-enough
	cancel()
	<-done
	if len(res.lat) == 0 || res.errors[503] == 0 || res.errors[400] != 0 || res.errors[404] != 0 {
		t.Errorf("%d answered, errors %v", len(res.lat), res.errors)
	}
}

// A plan is written for its owner only and read back whole; an
// incomplete one is refused.
func TestPlan(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.json")
	p := &Plan{Scale: 0.5, Seed: 9, Disagree: 0.03, Typists: []string{"a", "b"}, Coordinator: "c"}
	if err := WritePlan(path, p); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v; want 0600 (it holds tokens)", fi.Mode(), err)
	}
	got, err := ReadPlan(path)
	if err != nil || got.Seed != 9 || got.Scale != 0.5 || got.Disagree != 0.03 || len(got.Typists) != 2 || got.Coordinator != "c" {
		t.Fatalf("%+v %v", got, err)
	}
	os.WriteFile(path, []byte(`{"typists":["a"],"coordinator":"c"}`), 0o600)
	if _, err := ReadPlan(path); err == nil {
		t.Error("a plan with one typist was accepted: no sheet could be entered twice")
	}
}

// The text report names every figure and, when the night failed, each
// problem.
func TestWriteText(t *testing.T) {
	r := &Report{Boxes: 300, Entries: 3000, ServerRSSPeakMiB: []float64{70}, ServerCPUSeconds: []float64{2},
		Feed: &Feed{Boxes: 300, Seen: []int{300}}}
	r.problem("3 acknowledged entries are missing from the log")
	var b strings.Builder
	r.WriteText(&b)
	for _, want := range []string{"submit latency from the intended send time", "dashboards:", "live pages:", "official feed: 300",
		"server peak RSS: 70 MiB", "full verification", "read back (figures compared)", "result: FAILED", "3 acknowledged entries are missing"} {
		if !strings.Contains(b.String(), want) && !(want == "read back (figures compared)" && strings.Contains(b.String(), "read back (presence only")) {
			t.Errorf("the report lacks %q:\n%s", want, b.String())
		}
	}
	r = &Report{OK: true}
	b.Reset()
	r.WriteText(&b)
	if !strings.Contains(b.String(), "result: ok") {
		t.Errorf("a sound night's report:\n%s", b.String())
	}
}

// apportion gives out exactly the total, each share within one of its
// exact part.
func TestApportion(t *testing.T) {
	w := []float64{5, 1, 1, 0.5, 2.5}
	for _, total := range []int{0, 1, 7, 100, 2001} {
		c := apportion(w, 10, total)
		sum := 0
		for i, v := range c {
			sum += v
			if exact := w[i] / 10 * float64(total); float64(v) < exact-1 || float64(v) > exact+1 {
				t.Errorf("total %d: share %d is %d, exact %.2f", total, i, v, exact)
			}
		}
		if sum != total {
			t.Errorf("total %d: gave out %d", total, sum)
		}
	}
}

func TestSeqOf(t *testing.T) {
	for body, want := range map[string]int64{`{"seq":42,"id":"x"}`: 42, `{"id":"x","seq":7}`: 7, `{"id":"x"}`: 0, `{"seq":`: 0} {
		if got := seqOf([]byte(body)); got != want {
			t.Errorf("seqOf(%s) = %d, want %d", body, got, want)
		}
	}
}

// A night stopped half-way (Ctrl-C) sends nothing more.
func TestReplayStops(t *testing.T) {
	n, err := NewNight(0.0005, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if got.Add(1) == 20 {
			cancel()
		}
		w.WriteHeader(201)
		io.WriteString(w, `{"seq":1}`)
	}))
	defer srv.Close()
	// A night that began an hour ago: every entry is due, all are queued
	// at once, as when the server has fallen far behind.
	var st loadStats
	replay(ctx, n, n.Schedule(100), time.Now().Add(-time.Hour), []string{strings.TrimPrefix(srv.URL, "http://")}, []string{"a", "b"}, 8, &st)
	if got.Load() > 100 {
		t.Errorf("after the stop at 20, %d of %d entries reached the server", got.Load(), 2*n.Pairs())
	}
}
