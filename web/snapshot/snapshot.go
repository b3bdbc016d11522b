// Package snapshot keeps versioned, immutable documents of areas' totals
// for readers behind HTTP caches: each key (a race and an area) has a
// current version and a short window of the versions before it, every
// version's bytes fixed once made. A version is made lazily, when someone
// asks for a key whose content has changed since it was last looked at,
// so the write path pays nothing; the memory held is bounded by a number
// of versions per key and a number of bytes in all (the least recently
// read keys are forgotten first). It knows nothing of HTTP or of what the
// content means: web/api builds the content and serves the versions.
package snapshot

import (
	"container/list"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"
)

// Key names one document's series: an area's totals in a race.
type Key struct{ Race, Area string }

// Version is one immutable document of a key.
type Version struct {
	N    int64     // the log position at which the content was first seen
	Made time.Time // when this version was made
	Doc  []byte    // the document, never changed once made
	ETag string    // a strong validator, quoted
}

// Build returns a key's content now.
type Build func() (Built, error)

// Built is a key's content as a Build found it.
type Built struct {
	// Seq is the log position the content reflects.
	Seq int64
	// N numbers the version: the log position of the content's latest
	// change, at most Seq. The content must be the same at every position
	// from N until the next change, so that every instance reading the
	// same log names the same content by the same N, whenever it looks.
	N int64
	// Made is when the version's change happened, so that its document
	// is the same bytes on every instance; zero for the time of the build.
	Made time.Time
	// Content is a JSON object, without the version's number and time.
	Content []byte
}

// Status says what became of a request for one version.
type Status int

const (
	Found   Status = iota // the version is kept
	NotYet                // the version is later than anything seen: not published yet
	Gone                  // older than the versions kept, or the key was forgotten
	Unknown               // within the window, but no version has that number
)

// Options bound a Cache; zero fields take the defaults.
type Options struct {
	// Keep is how many versions of a key are kept, the current one
	// included; DefaultKeep.
	Keep int
	// MaxBytes bounds the documents held in all; DefaultMaxBytes. The
	// least recently read keys are forgotten past it.
	MaxBytes int64
	// MinCheck is the least time between two builds of one key: within
	// it the current version stands even if the log has moved, so that
	// readers asking as fast as they like cost at most one build per key
	// per MinCheck; DefaultMinCheck, negative for none.
	MinCheck time.Duration
	// Now is the clock of Version.Made and MinCheck (time.Now when nil).
	Now func() time.Time
}

// Defaults of Options.
const (
	DefaultKeep     = 16
	DefaultMaxBytes = 64 << 20
	DefaultMinCheck = 250 * time.Millisecond
)

// Cache holds the versions of many keys.
type Cache struct {
	keep     int
	maxBytes int64
	minCheck time.Duration
	now      func() time.Time

	mu    sync.Mutex
	m     map[Key]*entry
	lru   list.List // of *entry, the most recently read in front
	bytes int64
	made  int64 // versions made, for metrics
}

type entry struct {
	key      Key
	elem     *list.Element
	checked  int64     // the log position the current version was last confirmed at
	at       time.Time // when
	versions []Version // oldest first; the last is current
	bytes    int64
}

// New returns an empty cache.
func New(o Options) *Cache {
	if o.Keep <= 0 {
		o.Keep = DefaultKeep
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MinCheck == 0 {
		o.MinCheck = DefaultMinCheck
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Cache{keep: o.Keep, maxBytes: o.MaxBytes, minCheck: o.MinCheck, now: o.Now, m: map[Key]*entry{}}
}

// Current returns key's current version and when it was last confirmed
// as current. seq is the log position the caller's state has reached: if
// the key was confirmed at that position already, or less than MinCheck
// ago, nothing is built; otherwise build runs (outside the cache's lock)
// and a new version is made only if its N is past the current one's.
func (c *Cache) Current(key Key, seq int64, build Build) (Version, time.Time, error) {
	c.mu.Lock()
	if e, ok := c.m[key]; ok && (e.checked >= seq || c.now().Sub(e.at) < c.minCheck) {
		c.lru.MoveToFront(e.elem)
		v, at := e.versions[len(e.versions)-1], e.at
		c.mu.Unlock()
		return v, at, nil
	}
	c.mu.Unlock()

	b, err := build()
	if err != nil {
		return Version{}, time.Time{}, err
	}
	now := c.now()

	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		e = &entry{key: key}
		e.elem = c.lru.PushFront(e)
		c.m[key] = e
	} else {
		c.lru.MoveToFront(e.elem)
	}
	switch {
	case len(e.versions) > 0 && b.Seq <= e.checked:
		// Another request confirmed a later position meanwhile: its answer
		// stands.
	case len(e.versions) > 0 && b.N <= e.versions[len(e.versions)-1].N:
		e.checked, e.at = b.Seq, now
	default:
		made := b.Made
		if made.IsZero() {
			made = now
		}
		doc := document(b.N, made, b.Content)
		// The tag names the bytes, not only the number: a version 0 (nothing
		// public yet) is made at each instance's own time.
		v := Version{N: b.N, Made: made, Doc: doc, ETag: etag(key, b.N, doc)}
		e.versions = append(e.versions, v)
		e.bytes += int64(len(v.Doc))
		c.bytes += int64(len(v.Doc))
		if len(e.versions) > c.keep {
			c.bytes -= e.dropOldest()
		}
		e.checked, e.at = b.Seq, now
		c.made++
		c.evict(e)
	}
	return e.versions[len(e.versions)-1], e.at, nil
}

// evict forgets the least recently read keys, never keep, while the
// documents held are over MaxBytes.
func (c *Cache) evict(keep *entry) {
	for c.bytes > c.maxBytes {
		back := c.lru.Back()
		if back == nil {
			return
		}
		e := back.Value.(*entry)
		if e == keep {
			// The key just read is the least recent: only its older
			// versions may go.
			for len(e.versions) > 1 && c.bytes > c.maxBytes {
				c.bytes -= e.dropOldest()
			}
			return
		}
		c.lru.Remove(back)
		delete(c.m, e.key)
		c.bytes -= e.bytes
	}
}

// dropOldest forgets e's oldest version and returns its size.
func (e *entry) dropOldest() int64 {
	n := int64(len(e.versions[0].Doc))
	copy(e.versions, e.versions[1:])
	e.versions[len(e.versions)-1] = Version{} // not kept alive by the array
	e.versions = e.versions[:len(e.versions)-1]
	e.bytes -= n
	return n
}

// etag is a strong validator of version n's bytes doc.
func etag(key Key, n int64, doc []byte) string {
	sum := sha256.Sum256(doc)
	return fmt.Sprintf(`"%s/%s/%d-%x"`, key.Race, key.Area, n, sum[:8])
}

// document writes content, a JSON object, with the version's number and
// time at its head.
func document(n int64, made time.Time, content []byte) []byte {
	head := fmt.Sprintf(`{"version":%d,"made_at":%q`, n, made.UTC().Format(time.RFC3339Nano))
	doc := make([]byte, 0, len(head)+len(content)+1)
	doc = append(doc, head...)
	if len(content) > 2 {
		doc = append(doc, ',')
	}
	return append(doc, content[1:]...)
}

// Get returns version n of key. Known reports whether the key is held at
// all: when it is not, the caller should make its current version
// (Current) and ask again, for the key may have been forgotten.
func (c *Cache) Get(key Key, n int64) (v Version, st Status, known bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return Version{}, Gone, false
	}
	c.lru.MoveToFront(e.elem)
	if n > e.checked {
		return Version{}, NotYet, true
	}
	if n < e.versions[0].N {
		return Version{}, Gone, true
	}
	for _, v := range e.versions {
		if v.N == n {
			return v, Found, true
		}
	}
	return Version{}, Unknown, true
}

// Stats are what a cache holds and has done.
type Stats struct {
	Keys  int
	Bytes int64
	Made  int64 // versions made since the start
}

// Stats returns the cache's figures now.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{Keys: len(c.m), Bytes: c.bytes, Made: c.made}
}
