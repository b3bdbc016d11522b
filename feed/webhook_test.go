package feed_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/feed"
	"github.com/sandik-dev/sandik/web/feedhttp"
)

// receiver is a webhook endpoint that checks each body's signature,
// refuses the first post of every alert (so each is retried once) and
// counts what it accepted.
type receiver struct {
	secret []byte
	now    func() time.Time

	mu       sync.Mutex
	tries    map[string]int
	accepted map[string]int
	bad      int
	got      chan sandik.FeedAlert
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := feed.Verify(rc.secret, r.Header.Get(feed.SignatureHeader), body, rc.now(), 5*time.Minute); err != nil {
		rc.mu.Lock()
		rc.bad++
		rc.mu.Unlock()
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var a sandik.FeedAlert
	if err := json.Unmarshal(body, &a); err != nil || a.ID != r.Header.Get(feed.AlertHeader) {
		http.Error(w, "bad alert", http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	rc.tries[a.ID]++
	first := rc.tries[a.ID] == 1
	if !first {
		rc.accepted[a.ID]++
	}
	rc.mu.Unlock()
	if first {
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	rc.got <- a
}

// Each alert the follower raises is posted once, signed, retried after a
// refusal, and never again however often the feed is read; the follower
// does not wait for the receiver.
func TestWebhookPostsEachAlertOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := newEnv(t)
	_, url := fakeFeed(t, e, night)
	secret := []byte("sır-32-bayt-rastgele-bir-anahtar")
	// The webhook signs with the wall clock, as the receiver checks it:
	// the test's clock moves the night on while alerts are posted.
	rc := &receiver{secret: secret, now: time.Now, tries: map[string]int{}, accepted: map[string]int{}, got: make(chan sandik.FeedAlert, 16)}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	retries := make(chan time.Duration, 16)
	hook := &feed.Webhook{URL: srv.URL, Secret: secret, Post: feedhttp.Poster{Client: srv.Client()}, Now: time.Now,
		After: func(d time.Duration) <-chan time.Time {
			retries <- d
			ch := make(chan time.Time, 1)
			ch <- time.Time{}
			return ch
		}}
	go hook.Run(ctx)
	f := follower(e, url)
	f.Notify = hook.Notify

	var raised []string
	for _, step := range []time.Duration{3 * time.Hour, 5*time.Hour + 12*time.Minute, 5*time.Hour + 20*time.Minute, 6*time.Hour + 10*time.Minute, 6*time.Hour + 20*time.Minute} {
		e.clock.Set(at(step))
		out, err := f.Poll(ctx)
		if err != nil {
			t.Fatalf("at %s: %v", step, err)
		}
		for _, a := range out.Alerts {
			raised = append(raised, a.ID)
		}
	}
	if len(raised) != 2 {
		t.Fatalf("alerts raised %v, want the two changes", raised)
	}
	deadline := time.After(10 * time.Second)
	for range raised {
		select {
		case <-rc.got:
		case <-deadline:
			t.Fatalf("the webhook delivered %v of %v", rc.accepted, raised)
		}
	}
	// A restart reads the night again: nothing new to post.
	e.clock.Set(at(7 * time.Hour))
	f2 := follower(e, url)
	f2.Notify = hook.Notify
	if out, err := f2.Poll(ctx); err != nil || len(out.Alerts) != 0 {
		t.Fatalf("after a restart: %+v %v", out, err)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, id := range raised {
		if rc.accepted[id] != 1 || rc.tries[id] != 2 {
			t.Errorf("alert %s: accepted %d times in %d tries, want once in 2", id, rc.accepted[id], rc.tries[id])
		}
	}
	if len(rc.accepted) != len(raised) || rc.bad != 0 {
		t.Errorf("accepted %v, %d badly signed", rc.accepted, rc.bad)
	}
	if len(retries) != 2 {
		t.Errorf("%d retries, want one per alert", len(retries))
	}
}

// A signature is refused for another body, another secret or an old time.
func TestVerifyRefusesForgeries(t *testing.T) {
	secret, now := []byte("k"), time.Date(2024, 3, 31, 23, 12, 0, 0, time.UTC)
	body := []byte(`{"id":"changed:x"}`)
	sig := feed.Sign(secret, now, body)
	if err := feed.Verify(secret, sig, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatalf("a good signature: %v", err)
	}
	for name, err := range map[string]error{
		"another body":   feed.Verify(secret, sig, []byte(`{"id":"changed:y"}`), now, 5*time.Minute),
		"another secret": feed.Verify([]byte("j"), sig, body, now, 5*time.Minute),
		"an old time":    feed.Verify(secret, sig, body, now.Add(time.Hour), 5*time.Minute),
		"no signature":   feed.Verify(secret, "", body, now, 5*time.Minute),
	} {
		if err == nil {
			t.Errorf("%s was accepted", name)
		}
	}
}
