package feed_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/feed"
	"github.com/sandik-dev/sandik/web/feedhttp"
)

// An alert raised while the webhook could not post it — the process
// stopped with it queued, or the queue was full — is posted when the
// webhook next runs, in order and once; a URL new to the store starts
// from the newest alert, not the night's first.
func TestWebhookPostsWhatAStopLeft(t *testing.T) {
	e := newEnv(t)
	_, url := fakeFeed(t, e, night)
	secret := []byte("sır-32-bayt-rastgele-bir-anahtar")
	posted := make(chan string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := feed.Verify(secret, r.Header.Get(feed.SignatureHeader), body, time.Now(), time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var a sandik.FeedAlert
		if err := json.Unmarshal(body, &a); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		posted <- a.ID
	}))
	defer srv.Close()
	hook := func(u string, queue int) *feed.Webhook {
		return &feed.Webhook{URL: u, Secret: secret, Post: feedhttp.Poster{Client: srv.Client()}, Progress: e.c, QueueSize: queue}
	}
	poll := func(f *feed.Follower, step time.Duration) []sandik.FeedAlert {
		t.Helper()
		e.clock.Set(at(step))
		out, err := f.Poll(t.Context())
		if err != nil {
			t.Fatalf("at %s: %v", step, err)
		}
		return out.Alerts
	}

	// The first process: its webhook resumes before the follower starts
	// (nothing posted yet: it starts from the newest alert, none), the
	// follower raises the night's first change, and the process stops
	// before the webhook posts it.
	first := hook(srv.URL, 0)
	if err := first.Resume(t.Context()); err != nil {
		t.Fatal(err)
	}
	f := follower(e, url)
	f.Notify = first.Notify
	poll(f, 3*time.Hour)
	a := poll(f, 5*time.Hour+12*time.Minute)
	if len(a) != 1 {
		t.Fatalf("first change: %d alerts, want 1", len(a))
	}

	// The second process raises the next change before its webhook runs,
	// into a queue of one, and hears of the first again (a full queue
	// drops it): the webhook posts both, the older first, each once.
	second := hook(srv.URL, 1)
	if err := second.Resume(t.Context()); err != nil {
		t.Fatal(err)
	}
	f2 := follower(e, url)
	f2.Notify = second.Notify
	b := poll(f2, 6*time.Hour+10*time.Minute)
	if len(b) != 1 {
		t.Fatalf("second change: %d alerts, want 1", len(b))
	}
	second.Notify(a)
	ctx, cancel := context.WithCancel(t.Context())
	ran := make(chan struct{})
	go func() { second.Run(ctx); close(ran) }()
	for i, want := range []string{a[0].ID, b[0].ID} {
		select {
		case got := <-posted:
			if got != want {
				t.Fatalf("post %d: %s, want %s", i+1, got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("post %d (%s) never came", i+1, want)
		}
	}
	waitDone(t, e, srv.URL, b[0].N)
	cancel()
	<-ran
	// The receiver's address, which may carry its token, is kept in no
	// setting (settings are ledger records auditors read).
	settings, err := e.st.Settings(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range settings {
		if strings.Contains(st.Key+string(st.Value), srv.URL) || strings.Contains(st.Key+string(st.Value), strings.TrimPrefix(srv.URL, "http://")) {
			t.Errorf("setting %s holds the webhook's address: %s", st.Key, st.Value)
		}
	}
	select {
	case extra := <-posted:
		t.Fatalf("%s posted twice", extra)
	default:
	}

	// A third start finds nothing left; a receiver new to the store
	// starts from the newest alert and is sent none of the night's past.
	for _, u := range []string{srv.URL, srv.URL + "/yeni"} {
		h := hook(u, 0)
		if err := h.Resume(t.Context()); err != nil {
			t.Fatal(err)
		}
		if n, known, err := e.c.WebhookDone(t.Context(), u); err != nil || !known || n != b[0].N {
			t.Errorf("%s: done %d (recorded %v, %v), want %d", u, n, known, err, b[0].N)
		}
	}
}

// waitDone waits for the webhook's progress to reach n: it is recorded
// just after the receiver answers.
func waitDone(t *testing.T, e *env, url string, n int64) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for {
		if done, _, err := e.c.WebhookDone(t.Context(), url); err == nil && done == n {
			return
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("the webhook's progress never reached %d within 10 s", n)
		}
	}
}
