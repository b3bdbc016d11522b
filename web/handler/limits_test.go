package handler

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/limits"
)

// writeServer serves POST /w, a write that reads its body and answers 201,
// for users "a", "b", "c" and "d" (their tokens are their ids). Requests
// marked X-Test-Slow tell reading when the server first reads their body.
type writeServer struct {
	*httptest.Server
	base    *Base
	reading chan struct{}
}

func newWriteServer(t *testing.T, cfg Config) *writeServer {
	t.Helper()
	cfg.Authenticate = func(_ context.Context, token string) (sandik.User, error) {
		switch token {
		case "a", "b", "c", "d":
			return sandik.User{ID: sandik.UserID(token), Role: sandik.RoleObserver}, nil
		}
		return sandik.User{}, sandik.Errorf(sandik.EUnauthorized, "the API token is not valid")
	}
	b := New(cfg)
	b.Handle("POST /w", b.User(b.Write(func(w http.ResponseWriter, r *http.Request, _ sandik.User) error {
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			return sandik.Errorf(EBadRequest, "%v", err)
		}
		b.WriteJSON(w, http.StatusCreated, n)
		return nil
	})))
	b.Handle("GET /r", b.User(func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
		b.WriteJSON(w, http.StatusOK, u.ID)
		return nil
	}))
	ws := &writeServer{base: b, reading: make(chan struct{}, 1024)}
	ws.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Test-Slow") != "" {
			r.Body = &signalBody{ReadCloser: r.Body, c: ws.reading}
		}
		b.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(ws.Close)
	return ws
}

// signalBody says when the server first reads a body.
type signalBody struct {
	io.ReadCloser
	once sync.Once
	c    chan struct{}
}

func (s *signalBody) Read(p []byte) (int, error) {
	s.once.Do(func() { s.c <- struct{}{} })
	return s.ReadCloser.Read(p)
}

// post sends a small body as user and returns the answer.
func (ws *writeServer) post(t *testing.T, user string, header ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", ws.URL+"/w", strings.NewReader(`{"x":1}`))
	req.Header.Set("Authorization", "Bearer "+user)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// slow starts n requests from user, each declaring a body of size bytes
// and sending none of it, one after another: each is either being read by
// the server or answered before the next starts. It returns how many are
// being read and the answers of the others. The bodies end (and those
// requests fail) when the test does.
func (ws *writeServer) slow(t *testing.T, user string, n int, size int64) (reading int, answers []*http.Response) {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	for range n {
		pr, pw := io.Pipe()
		t.Cleanup(func() { pw.CloseWithError(io.ErrUnexpectedEOF) })
		req, _ := http.NewRequestWithContext(t.Context(), "POST", ws.URL+"/w", pr)
		req.ContentLength = size
		req.Header.Set("Authorization", "Bearer "+user)
		req.Header.Set("X-Test-Slow", "1")
		answered := make(chan *http.Response, 1)
		go func() {
			resp, err := tr.RoundTrip(req)
			if err != nil {
				answered <- nil
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			answered <- resp
		}()
		select {
		case <-ws.reading:
			reading++
		case resp := <-answered:
			if resp == nil {
				t.Fatal("a slow request failed before it was answered")
			}
			answers = append(answers, resp)
		case <-time.After(20 * time.Second):
			// Not a timing: a refusal that waits for the body it refuses
			// never comes while the body trickles.
			t.Fatal("a slow request was neither read nor answered")
		}
	}
	return reading, answers
}

func checkTooMany(t *testing.T, what string, resps []*http.Response, status int) {
	t.Helper()
	for _, resp := range resps {
		if resp.StatusCode != status {
			t.Errorf("%s: answered %d, want %d", what, resp.StatusCode, status)
		}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 {
			t.Errorf("%s: Retry-After %q", what, resp.Header.Get("Retry-After"))
		}
	}
}

// The attack: one user's connections trickle their bodies, which used to
// hold every global write slot (taken before the body was read) so that
// everyone else's submissions failed with 503. Now a body is read before
// a slot is taken, and one user may have only WritesPerUser writes in
// flight: their extra requests are refused with 429 at once, and another
// user's submission goes through.
func TestSlowBodiesHoldOnlyTheirUsersShare(t *testing.T) {
	ws := newWriteServer(t, Config{MaxInFlightWrites: 4, Limits: Limits{WritesPerUser: 8}})
	reading, refused := ws.slow(t, "a", 20, 100)
	if reading != 8 {
		t.Errorf("%d slow bodies read at once, want the per-user cap 8", reading)
	}
	checkTooMany(t, "a slow body over the cap", refused, http.StatusTooManyRequests)
	if resp := ws.post(t, "b"); resp.StatusCode != http.StatusCreated {
		t.Fatalf("another user's submission answered %d while a's bodies trickle", resp.StatusCode)
	}
}

// The attack: one observer sent hundreds of 8 MiB batches at once, and
// every one was read into memory (6 GB). Now each body's bytes are
// reserved before it is read: a user's beyond BodyBytesPerUser get 429,
// everyone's beyond BodyBytesTotal get 503, at once, with Retry-After.
// Bodies read at once therefore hold at most BodyBytesTotal (256 MiB by
// default) plus what their handlers decode from them; with the defaults
// and ×3 for decoding, peak RSS from bodies stays near 1 GiB whatever the
// number of connections.
func TestBodyBudget(t *testing.T) {
	const mib = 1 << 20
	ws := newWriteServer(t, Config{Limits: Limits{WritesPerUser: 64, BodyBytesPerUser: 16 * mib, BodyBytesTotal: 32 * mib}})
	reading, refused := ws.slow(t, "a", 10, 8*mib)
	if reading != 2 {
		t.Errorf("%d bodies of 8 MiB read at once from one user, want 2 (16 MiB)", reading)
	}
	checkTooMany(t, "a body over the user's budget", refused, http.StatusTooManyRequests)
	if reading, _ := ws.slow(t, "c", 1, 8*mib); reading != 1 {
		t.Fatal("another user's big body is refused")
	}
	if resp := ws.post(t, "b"); resp.StatusCode != http.StatusCreated {
		t.Fatalf("another user's small submission answered %d", resp.StatusCode)
	}
	reading, refused = ws.slow(t, "d", 1, 9*mib)
	if reading != 0 {
		t.Fatal("a body over the total budget is read")
	}
	checkTooMany(t, "a body over the total budget", refused, http.StatusServiceUnavailable)
	// A body larger than a user's whole budget can never be taken.
	_, refused = ws.slow(t, "d", 1, 17*mib)
	if len(refused) != 1 || refused[0].StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a body over the per-user budget: %v", refused)
	}
}

// Bodies of unknown length are reserved chunk by chunk as they are read,
// and the unused rest of the last chunk is given back.
func TestBodyBudgetChunked(t *testing.T) {
	ws := newWriteServer(t, Config{Limits: Limits{BodyBytesPerUser: 256 << 10}})
	req, _ := http.NewRequestWithContext(t.Context(), "POST", ws.URL+"/w", io.MultiReader(strings.NewReader(strings.Repeat("x", 100<<10))))
	req.Header.Set("Authorization", "Bearer a")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || resp.ContentLength < 0 {
		t.Fatalf("chunked body answered %d", resp.StatusCode)
	}
	req, _ = http.NewRequestWithContext(t.Context(), "POST", ws.URL+"/w", io.MultiReader(strings.NewReader(strings.Repeat("x", 300<<10))))
	req.Header.Set("Authorization", "Bearer a")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked body over the budget answered %d", resp.StatusCode)
	}
	if mine, all := ws.base.guards.bodies.Used("a"); mine != 0 || all != 0 {
		t.Fatalf("bytes still reserved after the requests: %d, %d", mine, all)
	}
}

// Writes are rated per user and per address, refused with 429 and the
// time until the next token.
func TestWriteRates(t *testing.T) {
	perMinute := func(n, burst int) limits.Rate { return limits.Rate{PerSecond: float64(n) / 60, Burst: burst} }
	ws := newWriteServer(t, Config{Limits: Limits{UserWrites: perMinute(1, 3), AddrWrites: perMinute(1, 5)}})
	for i := range 3 {
		if resp := ws.post(t, "a"); resp.StatusCode != http.StatusCreated {
			t.Fatalf("write %d of a answered %d", i, resp.StatusCode)
		}
	}
	resp := ws.post(t, "a")
	checkTooMany(t, "a user over their rate", []*http.Response{resp}, http.StatusTooManyRequests)
	if s, _ := strconv.Atoi(resp.Header.Get("Retry-After")); s < 30 || s > 60 {
		t.Errorf("Retry-After %d, want the time until the next token (about 60 s)", s)
	}
	for i := range 2 {
		if resp := ws.post(t, "b"); resp.StatusCode != http.StatusCreated {
			t.Fatalf("write %d of b answered %d", i, resp.StatusCode)
		}
	}
	// a's 3 and b's 2 spent the address's 5 (a's refused one spent none).
	checkTooMany(t, "an address over its rate", []*http.Response{ws.post(t, "c")}, http.StatusTooManyRequests)
}

// Bad bearer tokens spend the address's bucket of failures; while it is
// empty even a good token from there is refused before it is looked up.
// X-Forwarded-For names the client only when a trusted proxy sends it.
func TestBadTokensThrottled(t *testing.T) {
	for _, c := range []struct {
		name    string
		proxies string
		// whether a client named by X-Forwarded-For has a bucket of its own
		believed bool
	}{{"untrusted peer", "", false}, {"trusted proxy", "127.0.0.1/32", true}} {
		t.Run(c.name, func(t *testing.T) {
			proxies, err := ParseProxies(c.proxies)
			if err != nil {
				t.Fatal(err)
			}
			ws := newWriteServer(t, Config{TrustedProxies: proxies,
				Limits: Limits{LoginFailures: limits.Rate{PerSecond: 1.0 / 60, Burst: 3}}})
			get := func(token, forwarded string) *http.Response {
				req, _ := http.NewRequestWithContext(t.Context(), "GET", ws.URL+"/r", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("X-Forwarded-For", forwarded)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp
			}
			for range 3 {
				if resp := get("guess", "198.51.100.7"); resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("bad token answered %d", resp.StatusCode)
				}
			}
			checkTooMany(t, "a good token after three failures", []*http.Response{get("a", "198.51.100.7")}, http.StatusTooManyRequests)
			other := get("a", "203.0.113.9")
			if c.believed && other.StatusCode != http.StatusOK {
				t.Errorf("another client behind the proxy answered %d", other.StatusCode)
			}
			if !c.believed && other.StatusCode != http.StatusTooManyRequests {
				t.Errorf("a forged X-Forwarded-For escaped the limit: %d", other.StatusCode)
			}
		})
	}
}

// Every request's log line names its client: the peer, or the address a
// trusted proxy forwarded.
func TestClientAddrInLog(t *testing.T) {
	var logs strings.Builder
	var mu sync.Mutex
	proxies, _ := ParseProxies("127.0.0.0/8, ::1")
	_, ts := serve(t, Config{TrustedProxies: proxies, Logger: slog.New(slog.NewJSONHandler(lockedWriter{&mu, &logs}, nil))}, nil)
	req, _ := http.NewRequestWithContext(t.Context(), "GET", ts.URL+"/healthz", nil)
	req.Header.Set("X-Forwarded-For", "192.0.2.1, 198.51.100.4, 127.0.0.2")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ts.Close() // the log line is written when the handler returns
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), `"client":"198.51.100.4"`) {
		t.Fatalf("log %s does not name the client behind the proxy", logs.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// A body that stops arriving is given up after BodyTimeout with 408, the
// user's write slot and body bytes given back: the same user's next write
// goes through.
func TestStalledBodyTimesOut(t *testing.T) {
	ws := newWriteServer(t, Config{Limits: Limits{WritesPerUser: 1, BodyTimeout: 300 * time.Millisecond}})
	pr, pw := io.Pipe()
	defer pw.Close()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", ws.URL+"/w", pr)
	req.ContentLength = 1 << 20
	req.Header.Set("Authorization", "Bearer a")
	answered := make(chan *http.Response, 1)
	go func() {
		resp, err := (&http.Transport{}).RoundTrip(req)
		if err != nil {
			answered <- nil
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		answered <- resp
	}()
	go pw.Write([]byte(`{"x":`)) // a few bytes, then nothing
	start := time.Now()
	var resp *http.Response
	select {
	case resp = <-answered:
	case <-time.After(10 * time.Second):
		t.Fatal("a stalled body was never given up")
	}
	if resp == nil || resp.StatusCode != http.StatusRequestTimeout {
		t.Fatalf("a stalled body: %+v, want 408", resp)
	}
	if took := time.Since(start); took < 250*time.Millisecond {
		t.Errorf("given up after %v, before the timeout", took)
	}
	if resp := ws.post(t, "a"); resp.StatusCode != http.StatusCreated {
		t.Fatalf("the same user's next write: %d; the slot was not given back", resp.StatusCode)
	}
}

// Work admits WriteWork writes at once: another waits for a release, or
// ends with its request; a write with a large body, and every write with
// no bound, goes on at once.
func TestWorkBoundsWritesAtOnce(t *testing.T) {
	b := New(Config{WriteWork: 1})
	sheet := func(ctx context.Context, size int) *http.Request {
		return httptest.NewRequestWithContext(ctx, "POST", "/api/v1/submissions", strings.NewReader(strings.Repeat(" ", size)))
	}
	release, err := b.Work(sheet(t.Context(), 1000))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := b.Work(sheet(ctx, 1000)); sandik.CodeOf(err) != sandik.EUnavailable {
		t.Errorf("a request that ended while it waited: %v, want unavailable", err)
	}
	// A large body does not take turns, even with the slot held: one
	// account's batches would otherwise hold everyone's turn.
	if _, err := b.Work(sheet(ctx, WorkMaxBody+1)); err != nil {
		t.Errorf("a body over WorkMaxBody waited: %v", err)
	}
	admitted := make(chan error, 1)
	go func() {
		r, err := b.Work(sheet(t.Context(), WorkMaxBody))
		if err == nil {
			r()
		}
		admitted <- err
	}()
	release()
	if err := <-admitted; err != nil {
		t.Errorf("the write waiting when the slot was released: %v", err)
	}
	rec := httptest.NewRecorder()
	b.metrics.handler.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(rec.Body.String(), "sandik_http_write_work_slots 1\n") ||
		!strings.Contains(rec.Body.String(), "sandik_http_write_work_waits_total ") {
		t.Errorf("/metrics has no work slots or waits:\n%s", rec.Body.String())
	}

	free := New(Config{})
	for range 100 {
		if _, err := free.Work(sheet(ctx, 1000)); err != nil {
			t.Fatalf("no bound, an ended request: %v", err)
		}
	}
}
