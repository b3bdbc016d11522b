// Package limits holds the bounds one client can be held to: token
// buckets by key (a user, an address), counts of things held at once by
// key with a cap, and a byte budget by key and in total. It knows nothing
// of HTTP, so that its rules are tested alone; web/handler applies them.
package limits

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Rate is a token bucket's refill rate and size. The zero Rate is no
// limit.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Off reports whether r limits nothing.
func (r Rate) Off() bool { return r.PerSecond <= 0 || r.Burst <= 0 }

// String writes r as Set reads it: "10/s,50", "10/m,30", or "off".
func (r Rate) String() string {
	if r.Off() {
		return "off"
	}
	if n := r.PerSecond * 60; n < 60 && n == math.Trunc(n) {
		return fmt.Sprintf("%g/m,%d", n, r.Burst)
	}
	return fmt.Sprintf("%g/s,%d", r.PerSecond, r.Burst)
}

// Set reads "N/s,BURST" or "N/m,BURST" (per second or per minute), or
// "off"; it makes Rate a flag.Value.
func (r *Rate) Set(s string) error {
	if s == "off" || s == "0" {
		*r = Rate{}
		return nil
	}
	per, burst, ok := strings.Cut(s, ",")
	n, unit, ok2 := strings.Cut(per, "/")
	if !ok || !ok2 {
		return fmt.Errorf("want N/s,BURST or N/m,BURST (for example 10/s,50), or off")
	}
	v, err := strconv.ParseFloat(n, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) {
		return fmt.Errorf("rate %q: want a positive number", n)
	}
	switch unit {
	case "s":
	case "m":
		v /= 60
	default:
		return fmt.Errorf("unit %q: want s or m", unit)
	}
	b, err := strconv.Atoi(burst)
	if err != nil || b < 1 {
		return fmt.Errorf("burst %q: want a whole number of at least 1", burst)
	}
	*r = Rate{PerSecond: v, Burst: b}
	return nil
}

// Buckets are token buckets by key, all of one Rate. A key not seen is a
// full bucket, so a bucket that has refilled is forgotten: the map holds
// only keys that spent something lately.
type Buckets struct {
	rate Rate
	now  func() time.Time

	mu        sync.Mutex
	m         map[string]*bucket
	sweepSize int // sweep the map when it grows past this
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewBuckets returns buckets of rate r; now is the clock (time.Now when
// nil).
func NewBuckets(r Rate, now func() time.Time) *Buckets {
	if now == nil {
		now = time.Now
	}
	return &Buckets{rate: r, now: now, m: map[string]*bucket{}, sweepSize: 1024}
}

// Allow takes a token from key's bucket. If there is none it takes
// nothing and says how long until there is one.
func (b *Buckets) Allow(key string) (bool, time.Duration) {
	return b.take(key, true)
}

// Check is Allow without taking: whether key has a token now.
func (b *Buckets) Check(key string) (bool, time.Duration) {
	return b.take(key, false)
}

func (b *Buckets) take(key string, spend bool) (bool, time.Duration) {
	if b == nil || b.rate.Off() {
		return true, 0
	}
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	k, ok := b.m[key]
	tokens := float64(b.rate.Burst)
	if ok {
		tokens = min(tokens, k.tokens+now.Sub(k.at).Seconds()*b.rate.PerSecond)
	}
	if tokens < 1 {
		wait := time.Duration((1 - tokens) / b.rate.PerSecond * float64(time.Second))
		return false, max(wait, time.Millisecond)
	}
	if !spend {
		return true, 0
	}
	if !ok {
		k = &bucket{}
		b.m[key] = k
		b.sweep(now)
	}
	k.tokens, k.at = tokens-1, now
	return true, 0
}

// sweep forgets the buckets that have refilled, when the map has doubled
// since the last sweep, so that keys from many addresses cannot grow it
// without bound while the work stays linear in what was added.
func (b *Buckets) sweep(now time.Time) {
	if len(b.m) < b.sweepSize {
		return
	}
	full := float64(b.rate.Burst)
	for key, k := range b.m {
		if k.tokens+now.Sub(k.at).Seconds()*b.rate.PerSecond >= full {
			delete(b.m, key)
		}
	}
	b.sweepSize = max(1024, 2*len(b.m))
}

// Len returns the number of keys remembered, for tests.
func (b *Buckets) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.m)
}
