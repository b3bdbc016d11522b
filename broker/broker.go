// Package broker fans the tally's changes out to live pages. However fast
// submissions arrive, it publishes at most one event per interval, and
// every event carries only the new version (the log sequence) of the
// totals: subscribers look up what they show, so 1,000 open dashboards
// cost 1,000 small channel sends per interval, not one per submission.
//
// A subscriber first receives a snapshot (the version now), then changes
// with rising versions; the snapshot of one that leaves its buffer full
// is skipped like any other event. A subscriber is never waited for: one whose
// buffer is full when the next event is ready loses its oldest waiting
// event to the new one, since an event only names the version to show
// and the newest makes the older ones moot. Dropping such a subscriber
// instead, as this package once did, sent its page back for a fresh
// snapshot; on a machine short of CPU every page fell behind at once and
// the reconnections cost more than the events (`sandik rehearse`).
package broker

import (
	"sync"
	"time"
)

// Source is what the broker watches: the centre's version of the totals
// and a signal of its next change. Moved returns two channels, either of
// which closes when the version may have moved (the second covers a
// replaced tally engine, whose own signal would never fire again).
type Source interface {
	Seq() int64
	Moved() (changed, replaced <-chan struct{})
}

// Event says that the totals reached version Seq at time At.
type Event struct {
	Seq int64
	At  time.Time
	// Snapshot marks the first event of a subscription.
	Snapshot bool
}

// Buffer is how many events a subscriber may leave untaken before its
// oldest ones are skipped: two seconds at the default interval.
const Buffer = 8

// DefaultInterval is the shortest time between two published events.
const DefaultInterval = 250 * time.Millisecond

// Broker publishes coalesced changes of a Source. Its one goroutine runs
// only while someone is subscribed.
type Broker struct {
	src      Source
	interval time.Duration
	now      func() time.Time

	mu      sync.Mutex
	subs    map[*Sub]struct{}
	running bool
	stop    chan struct{} // closed by Close
	closed  bool
	last    Event // the last published event, the snapshot of new subscribers
	skipped int64
}

// New returns a broker over src publishing at most once per interval
// (DefaultInterval when zero). now is the clock (time.Now when nil).
func New(src Source, interval time.Duration, now func() time.Time) *Broker {
	if interval <= 0 {
		interval = DefaultInterval
	}
	if now == nil {
		now = time.Now
	}
	return &Broker{src: src, interval: interval, now: now, subs: map[*Sub]struct{}{}, stop: make(chan struct{})}
}

// Sub is one subscription. C delivers events; it is closed when the
// subscriber unsubscribes or the broker closes.
type Sub struct {
	C <-chan Event
	c chan Event
	b *Broker
}

// Subscribe starts a subscription whose first event, already waiting in
// C, is a snapshot of the version now. It returns nil when the broker is
// closed.
func (b *Broker) Subscribe() *Sub {
	c := make(chan Event, Buffer)
	s := &Sub{C: c, c: c, b: b}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	snap := Event{Seq: b.src.Seq(), At: b.now(), Snapshot: true}
	if b.last.Seq == snap.Seq && !b.last.At.IsZero() {
		snap.At = b.last.At // the version's time is when it was published
	}
	c <- snap
	b.subs[s] = struct{}{}
	if !b.running {
		b.running = true
		if b.last.At.IsZero() || b.last.Seq != snap.Seq {
			b.last = Event{Seq: snap.Seq, At: snap.At}
		}
		go b.loop()
	}
	return s
}

// Unsubscribe ends s; its channel closes. Calling it twice is harmless.
func (b *Broker) Unsubscribe(s *Sub) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[s]; ok {
		delete(b.subs, s)
		close(s.c)
	}
}

// Subscribers returns the number of live subscriptions.
func (b *Broker) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// Skipped returns how many events slow subscribers lost to newer ones.
func (b *Broker) Skipped() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.skipped
}

// Close ends every subscription (their streams end, so that a server
// shutting down is not held open by live pages) and refuses new ones.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	close(b.stop)
	for s := range b.subs {
		delete(b.subs, s)
		close(s.c)
	}
}

// loop waits for a change, publishes it, then rests for the interval so
// that everything arriving meanwhile goes out as one event. It returns
// when nobody is subscribed.
func (b *Broker) loop() {
	// Since Go 1.23 Reset discards a stale expiry: no draining needed.
	timer := time.NewTimer(idleCheck)
	defer timer.Stop()
	for {
		changed, replaced := b.src.Moved()
		b.mu.Lock()
		idle := len(b.subs) == 0 || b.closed
		if idle {
			b.running = false
		}
		seq := b.last.Seq
		b.mu.Unlock()
		if idle {
			return
		}
		// The version may have moved between the last publish and asking
		// for the signal: look before waiting.
		if b.src.Seq() == seq {
			timer.Reset(idleCheck)
			select {
			case <-changed:
			case <-replaced:
			case <-b.stop:
				return
			case <-timer.C:
				continue // look whether everyone left
			}
		}
		if !b.publish() {
			return
		}
		timer.Reset(b.interval)
		select {
		case <-timer.C:
		case <-b.stop:
			return
		}
	}
}

// idleCheck is how often a waiting loop looks whether everyone left.
const idleCheck = time.Second

// publish sends the current version to every subscriber, a slow one's
// oldest waiting event making room. It reports false when the broker is
// closed.
func (b *Broker) publish() bool {
	seq := b.src.Seq()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	if seq == b.last.Seq {
		return true
	}
	ev := Event{Seq: seq, At: b.now()}
	b.last = ev
	for s := range b.subs {
		select {
		case s.c <- ev:
			continue
		default:
		}
		// Full: only this goroutine sends, under b.mu, so once one event
		// is taken out (by the subscriber meanwhile, or here) the send
		// cannot block.
		select {
		case <-s.c:
			b.skipped++
		default:
		}
		s.c <- ev
	}
	return true
}
