package feed

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik"
)

// SignatureHeader carries a webhook body's signature:
// "t=UNIX,v1=HEX", HEX being HMAC-SHA256 under the shared secret of
// "UNIX.BODY". The receiver recomputes it and refuses an old timestamp,
// so a body captured once cannot be replayed later.
const SignatureHeader = "X-Sandik-Signature"

// AlertHeader carries the alert's id: the same alert retried has the same
// id, so a receiver can tell a retry from a new alert.
const AlertHeader = "X-Sandik-Alert"

// Poster sends a webhook's body (web/feedhttp.Poster over HTTP) and
// returns the receiver's status.
type Poster interface {
	Post(ctx context.Context, url string, body []byte, header map[string]string) (int, error)
}

// Sign returns the signature header's value of body at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header's value against body: the MAC must
// match and its time lie within tolerance of now.
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, mac string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			mac = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || mac == "" {
		return fmt.Errorf("signature %q is not t=UNIX,v1=HEX", header)
	}
	at := time.Unix(sec, 0)
	if d := now.Sub(at); d > tolerance || d < -tolerance {
		return fmt.Errorf("signature time %s is more than %s from now", at.UTC().Format(time.RFC3339), tolerance)
	}
	want := Sign(secret, at, body)
	if !hmac.Equal([]byte(want), []byte("t="+ts+",v1="+mac)) {
		return fmt.Errorf("signature does not match the body")
	}
	return nil
}

// Progress keeps, across restarts, how far a webhook has got: the N of
// the last alert it is done with (posted, or given up after MaxTries),
// and reads the alerts stored after it (center.Center implements it).
type Progress interface {
	WebhookDone(ctx context.Context, url string) (n int64, known bool, err error)
	SetWebhookDone(ctx context.Context, url string, n int64) error
	AlertsAfter(ctx context.Context, n int64, limit int) ([]sandik.FeedAlert, error)
}

// Webhook posts each alert a follower raises, as JSON with a signed body,
// to one URL. Notify only queues: the follower never waits for the
// receiver. A failed post is retried with a doubling, jittered wait; an
// alert is given up after MaxTries, with a logged error (the alerts stay
// in the store and on the dashboard).
//
// With Progress, no alert is lost to a stop or a full queue: the alerts
// stored after the last one done are posted, in order, when Run starts
// and whenever the queue has dropped some. A URL never posted to before
// starts from the newest alert, not from the first of the night.
type Webhook struct {
	URL      string
	Secret   []byte
	Post     Poster
	Progress Progress // nil: alerts queued at a stop are not posted again
	Log      *slog.Logger
	Now      func() time.Time
	// MaxTries per alert (8 when 0); the first retry waits Backoff (1 s
	// when 0), doubling up to MaxBackoff (5 minutes when 0).
	MaxTries   int
	Backoff    time.Duration
	MaxBackoff time.Duration
	QueueSize  int                                  // 1,024 when 0
	After      func(time.Duration) <-chan time.Time // tests replace it
	Rand       *rand.Rand

	once    sync.Once
	queue   chan sandik.FeedAlert
	dropped atomic.Bool
	done    int64 // N of the last alert done; Run's alone
	resumed bool
}

// backlogPage is how many stored alerts a catch-up reads at a time.
const backlogPage = 256

func (w *Webhook) init() {
	w.once.Do(func() {
		n := w.QueueSize
		if n <= 0 {
			n = 1024
		}
		w.queue = make(chan sandik.FeedAlert, n)
		if w.Log == nil {
			w.Log = slog.Default()
		}
		if w.Now == nil {
			w.Now = time.Now
		}
		if w.After == nil {
			w.After = time.After
		}
		if w.Rand == nil {
			w.Rand = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 4))
		}
	})
}

// Notify queues alerts to be posted; it never blocks.
func (w *Webhook) Notify(alerts []sandik.FeedAlert) {
	w.init()
	for _, a := range alerts {
		select {
		case w.queue <- a:
		default:
			w.dropped.Store(true)
			if w.Progress != nil {
				w.Log.Warn("official feed webhook: queue full, the alert will be read back from the store", "alert", a.ID, "url", w.URL)
			} else {
				w.Log.Error("official feed webhook: queue full, alert not posted", "alert", a.ID, "url", w.URL)
			}
		}
	}
}

// Run posts queued alerts, one at a time in order, until ctx ends.
func (w *Webhook) Run(ctx context.Context) {
	w.init()
	if w.Progress != nil {
		if err := w.Resume(ctx); err != nil {
			w.Log.Error("official feed webhook: read how far it had got; alerts stored while it was stopped are not posted", "url", w.URL, "err", err)
		} else {
			w.catchUp(ctx)
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case a := <-w.queue:
			w.handle(ctx, a)
		}
		if w.Progress != nil && len(w.queue) == 0 && w.dropped.Swap(false) {
			w.catchUp(ctx)
		}
	}
}

// Resume reads how far the webhook had got; a URL never posted to starts
// from the newest alert stored. Run calls it; called before the follower
// starts, it places that start before the follower's first alert, which
// is then posted rather than taken for an old one. Calls after the first
// do nothing.
func (w *Webhook) Resume(ctx context.Context) error {
	w.init()
	if w.Progress == nil || w.resumed {
		return nil
	}
	n, known, err := w.Progress.WebhookDone(ctx, w.URL)
	if err != nil {
		return err
	}
	if known {
		w.done, w.resumed = n, true
		return nil
	}
	for {
		as, err := w.Progress.AlertsAfter(ctx, n, backlogPage)
		if err != nil {
			return err
		}
		if len(as) > 0 {
			n = as[len(as)-1].N
		}
		if len(as) < backlogPage {
			break
		}
	}
	if err := w.Progress.SetWebhookDone(ctx, w.URL, n); err != nil {
		return err
	}
	w.done, w.resumed = n, true
	return nil
}

// catchUp posts, in order, the stored alerts after the last one done.
func (w *Webhook) catchUp(ctx context.Context) {
	for ctx.Err() == nil {
		as, err := w.Progress.AlertsAfter(ctx, w.done, backlogPage)
		if err != nil {
			w.Log.Error("official feed webhook: read the alerts not yet posted", "url", w.URL, "after", w.done, "err", err)
			return
		}
		for _, a := range as {
			if !w.handle(ctx, a) {
				return
			}
		}
		if len(as) < backlogPage {
			return
		}
	}
}

// handle posts a once, unless it is already done, and records it done; it
// reports false when ctx ended first.
func (w *Webhook) handle(ctx context.Context, a sandik.FeedAlert) bool {
	if w.Progress != nil && a.N != 0 && a.N <= w.done {
		return true
	}
	if !w.deliver(ctx, a) {
		return false
	}
	if w.Progress != nil && a.N > w.done {
		w.done = a.N
		if err := w.Progress.SetWebhookDone(ctx, w.URL, a.N); err != nil {
			w.Log.Error("official feed webhook: record the alert done; it may be posted again after a restart", "alert", a.ID, "err", err)
		}
	}
	return true
}

// deliver posts a until the receiver takes it or MaxTries are spent; it
// reports false when ctx ended first, the alert neither taken nor given up.
func (w *Webhook) deliver(ctx context.Context, a sandik.FeedAlert) bool {
	body, err := json.Marshal(a)
	if err != nil {
		w.Log.Error("official feed webhook: encode alert", "alert", a.ID, "err", err)
		return true
	}
	tries, wait, maxWait := w.MaxTries, w.Backoff, w.MaxBackoff
	if tries <= 0 {
		tries = 8
	}
	if wait <= 0 {
		wait = time.Second
	}
	if maxWait <= 0 {
		maxWait = 5 * time.Minute
	}
	for try := 1; ; try++ {
		header := map[string]string{"Content-Type": "application/json", SignatureHeader: Sign(w.Secret, w.Now(), body), AlertHeader: a.ID}
		status, err := w.Post.Post(ctx, w.URL, body, header)
		if err == nil && status >= 200 && status < 300 {
			return true
		}
		if err == nil {
			err = fmt.Errorf("the receiver answered %d", status)
		}
		if ctx.Err() != nil {
			return false
		}
		if try >= tries {
			w.Log.Error("official feed webhook: alert not delivered", "alert", a.ID, "url", w.URL, "tries", try, "err", err)
			return true
		}
		w.Log.Warn("official feed webhook: post failed, retrying", "alert", a.ID, "try", try, "err", err)
		d := Backoff(wait, maxWait, try, w.Rand)
		select {
		case <-ctx.Done():
			return false
		case <-w.After(d):
		}
	}
}
