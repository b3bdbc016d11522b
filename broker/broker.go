// Package broker fans the tally's changes out to live pages. However fast
// submissions arrive, it publishes at most one event per interval, and
// every event carries only the new version (the log sequence) of the
// totals: subscribers look up what they show, so 1,000 open dashboards
// cost 1,000 small channel sends per interval, not one per submission.
//
// A subscriber first receives a snapshot (the version now), then changes
// with rising versions. A subscriber that has not taken its previous
// event when the next one is ready is dropped, never waited for: its page
// reconnects and starts again from a fresh snapshot.
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

// Buffer is how many events a subscriber may leave untaken before it is
// dropped: two seconds of slack at the default interval.
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
	dropped int64
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
// subscriber is dropped, unsubscribed or the broker closes.
type Sub struct {
	C       <-chan Event
	c       chan Event
	b       *Broker
	dropped bool // guarded by b.mu
}

// Dropped reports, once C is closed, whether the subscriber was dropped
// for being slow (rather than unsubscribed or closed).
func (s *Sub) Dropped() bool {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	return s.dropped
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

// Dropped returns how many subscribers were dropped for being slow.
func (b *Broker) Dropped() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dropped
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

// publish sends the current version to every subscriber that is keeping
// up and drops the rest. It reports false when the broker is closed.
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
		default:
			delete(b.subs, s)
			s.dropped = true
			b.dropped++
			close(s.c)
		}
	}
	return true
}
