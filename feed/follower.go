package feed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
)

// Sink is where readings go: the centre.
type Sink interface {
	Registry() *sandik.Registry
	RecordOfficial(ctx context.Context, b center.FeedBatch) (center.FeedResult, error)
	FeedState(ctx context.Context, feed string) (sandik.FeedState, error)
	// SameOfficial reports whether t equals the box's official figures:
	// such a row is checked and counted but not held or handed on.
	SameOfficial(race sandik.RaceCode, box sandik.AreaCode, t *sandik.Tutanak) bool
}

// Defaults of a follower.
const (
	DefaultInterval   = 30 * time.Second
	DefaultMaxBackoff = 5 * time.Minute
	DefaultMaxBody    = 512 << 20 // a national JSON page is ~100 MB
)

// Follower polls one feed.
type Follower struct {
	Name    string // the feed's name in the store; the URL when empty
	URL     string
	Mapping Mapping
	Sink    Sink
	// Notify, when set, is given each reading's new alerts; it must not
	// block (Webhook.Notify queues).
	Notify func([]sandik.FeedAlert)
	// Fetch reads the page (web/feedhttp.Fetcher over HTTP).
	Fetch Fetcher
	Log   *slog.Logger
	// Interval between readings; after a failure the wait doubles from
	// it up to MaxBackoff, with jitter, so that many followers do not
	// return to a failing publisher at the same instant.
	Interval   time.Duration
	MaxBackoff time.Duration
	MaxBody    int64
	Now        func() time.Time
	// After waits; tests replace it to step through the loop.
	After func(time.Duration) <-chan time.Time
	Rand  *rand.Rand

	state  sandik.FeedState
	loaded bool
	dec    *Decoder
	decReg *sandik.Registry
}

func (f *Follower) name() string {
	if f.Name != "" {
		return f.Name
	}
	return f.URL
}

func (f *Follower) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// Outcome of one reading.
type Outcome struct {
	Status      int  // the publisher's HTTP status
	NotModified bool // 304: the conditional request saved the body
	SameBody    bool // 200 with the body already stored
	center.FeedResult
}

// Poll reads the feed once, conditionally on what it read last, and
// stores what changed. A refused body changes nothing, not even the
// validators, so the next reading tries it again.
func (f *Follower) Poll(ctx context.Context) (Outcome, error) {
	if !f.loaded {
		st, err := f.Sink.FeedState(ctx, f.name())
		switch {
		case err == nil:
			f.state = st
		case sandik.CodeOf(err) == sandik.ENotFound:
			f.state = sandik.FeedState{Feed: f.name()}
		default:
			return Outcome{}, fmt.Errorf("feed %s: read its state: %w", f.name(), err)
		}
		f.loaded = true
	}
	if f.Fetch == nil {
		return Outcome{}, fmt.Errorf("feed %s: no fetcher", f.name())
	}
	limit := f.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	resp, err := f.Fetch.Fetch(ctx, Request{URL: f.URL, ETag: f.state.ETag, LastModified: f.state.LastModified, MaxBody: limit, Stream: true})
	if resp.Stream != nil {
		defer resp.Stream.Close()
	}
	if err != nil {
		// A body cut off in transit is an error here (its length was
		// announced), never a shorter page.
		return Outcome{}, fmt.Errorf("feed %s: %w (nothing was stored)", f.name(), err)
	}
	out := Outcome{Status: resp.Status}
	if resp.Status == StatusNotModified {
		out.NotModified = true
		return out, nil
	}
	if resp.Status != StatusOK {
		return out, fmt.Errorf("feed %s: the publisher answered %s", f.name(), resp.StatusText)
	}
	overLimit := fmt.Errorf("feed %s: the body is over %d bytes (nothing was stored)", f.name(), limit)
	var body io.Reader = bytes.NewReader(resp.Body)
	if resp.Stream != nil {
		if resp.Length > limit {
			return out, overLimit
		}
		body = resp.Stream
	}
	// The body is hashed and decoded in one reading as it arrives, never
	// held whole (a national page is 50-100 MB): its hash is known only
	// at its end, so a page already stored is decoded again and then
	// left, as a refused one is when it turns out to be the page stored.
	page := &pageReader{r: body, limit: limit, hash: sha256.New()}
	reg := f.Sink.Registry()
	var (
		sheets []sandik.ImportedSheet
		same   int
		derr   error
	)
	if f.dec == nil || f.decReg != reg {
		f.dec, f.decReg = nil, nil
		if dec, err := NewDecoder(reg, f.Mapping); err != nil {
			derr = fmt.Errorf("feed %s: %w", f.name(), err)
		} else {
			f.dec, f.decReg = dec, reg
		}
	}
	if f.dec != nil {
		// Rows equal to their box's official figures are only counted:
		// most of a republished page.
		sheets, same, err = f.dec.DecodeFrom(page, 0, func(s *sandik.ImportedSheet) bool { return f.Sink.SameOfficial(s.Race, s.Box, &s.Sheet) })
		if err != nil {
			derr = fmt.Errorf("feed %s: %w", f.name(), err)
		}
	}
	if _, err := io.Copy(io.Discard, page); err != nil && page.err == nil {
		page.err = err
	}
	switch {
	case page.over:
		return out, overLimit
	case page.err != nil:
		return out, fmt.Errorf("feed %s: read the body: %w (nothing was stored)", f.name(), page.err)
	}
	hash := hex.EncodeToString(page.hash.Sum(nil))
	next := sandik.FeedState{Feed: f.name(), ETag: resp.ETag, LastModified: resp.LastModified,
		BodyHash: hash, PolledAt: f.now().UTC(), Versions: f.state.Versions}
	if hash == f.state.BodyHash {
		// The same page again under new validators: keep them, store
		// nothing else.
		out.SameBody = true
		if _, err := f.Sink.RecordOfficial(ctx, center.FeedBatch{SourceURL: f.URL, SeenAt: next.PolledAt, State: next}); err != nil {
			return out, err
		}
		f.state = next
		return out, nil
	}
	if derr != nil {
		return out, derr
	}
	// A version is dated by the publisher's Last-Modified when it gives
	// one, else by the reading: a box changed back to earlier figures is
	// then a new version (its id differs), while the same page read again
	// after a restart keeps its ids.
	published := next.PolledAt
	if t, err := httpDate(next.LastModified); err == nil {
		published = t
	}
	for i := range sheets {
		sheets[i].CapturedAt = published
	}
	res, err := f.Sink.RecordOfficial(ctx, center.FeedBatch{SourceURL: f.URL, SeenAt: next.PolledAt, Sheets: sheets, Unchanged: same, State: next})
	out.FeedResult = res
	if err != nil {
		return out, fmt.Errorf("feed %s: %w", f.name(), err)
	}
	next.Versions += int64(res.Written)
	f.state = next
	if f.Notify != nil && len(res.Alerts) > 0 {
		f.Notify(res.Alerts)
	}
	return out, nil
}

// pageReader is a body read once for its hash and its decoder: what it
// reads is hashed, and a body over limit is an error of the reading.
type pageReader struct {
	r     io.Reader
	limit int64
	n     int64
	hash  hash.Hash
	over  bool
	err   error
}

func (p *pageReader) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.r.Read(b)
	p.hash.Write(b[:n])
	if p.n += int64(n); p.n > p.limit {
		p.over = true
		p.err = errOverLimit
		return n, p.err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		p.err = err
	}
	return n, err
}

var errOverLimit = errors.New("the body is over the limit")

// Backoff is the wait after failures consecutive failed readings: the
// interval doubled per failure up to max, then a random part of up to half
// of it taken off ("equal jitter").
func Backoff(interval, maxWait time.Duration, failures int, r *rand.Rand) time.Duration {
	d := interval
	for i := 0; i < failures && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	if failures == 0 {
		// A healthy follower spreads its readings by a tenth.
		return d - time.Duration(r.Int64N(int64(d)/10+1))
	}
	return d/2 + time.Duration(r.Int64N(int64(d)/2+1))
}

// Run polls until ctx ends, logging each reading and each refusal.
func (f *Follower) Run(ctx context.Context) error {
	log := f.Log
	if log == nil {
		log = slog.Default()
	}
	interval, maxWait := f.Interval, f.MaxBackoff
	if interval <= 0 {
		interval = DefaultInterval
	}
	if maxWait < interval {
		maxWait = max(DefaultMaxBackoff, interval)
	}
	r := f.Rand
	if r == nil {
		r = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 22))
	}
	after := f.After
	if after == nil {
		after = time.After
	}
	failures := 0
	for {
		out, err := f.Poll(ctx)
		switch {
		case errors.Is(err, context.Canceled) && ctx.Err() != nil:
			return nil
		case err != nil:
			failures++
			log.Error("official feed refused or unreachable; nothing was stored", "feed", f.name(), "failures", failures, "err", err,
				"problems", sandik.ProblemsOf(err))
		default:
			failures = 0
			log.Info("official feed read", "feed", f.name(), "status", out.Status, "not_modified", out.NotModified, "same_body", out.SameBody,
				"rows", out.Rows, "changed", out.Changed, "written", out.Written, "alerts", len(out.Alerts))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-after(Backoff(interval, maxWait, failures, r)):
		}
	}
}
