package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
)

// totalsCache keeps the encoded answer of GET …/totals/{area}, so that a
// dashboard polling an area that has not changed since the last reader is
// answered from bytes: encoding the country's 81 provinces is most of the
// handler's time.
//
// It never decides who may read what. Every request still goes through
// View.Totals, which refuses or narrows exactly as before (blind double
// entry: small areas and provisional figures hidden from typists, children
// outside one's areas left out); the kept bytes are written only when the
// totals that request was allowed are equal, field by field, to those
// the bytes were made from, for the same registry and the same kind of
// reader (the notice differs for typists). Readers who see different
// totals thus never share an answer, whatever their rights or the time.
type totalsCache struct {
	mu      sync.Mutex
	entries map[totalsKey]*totalsEntry
	bytes   int64
	max     int64

	hits, misses atomic.Int64
	kept         atomic.Int64 // bytes, for /metrics without taking mu
}

type totalsKey struct {
	race    sandik.RaceCode
	area    sandik.AreaCode
	seesAll bool
}

// totalsEntry is immutable once stored.
type totalsEntry struct {
	reg  *sandik.Registry
	at   tally.AreaTotals
	body []byte
	size int64 // what it holds in memory, as sizeOf reckons it
}

// Fixed costs of a kept answer beside its slices: a tally.Totals, and the
// entry with its key and its slot in the map (an estimate: a map slot
// costs about twice its key and value).
var (
	totalsStructBytes = int64(reflect.TypeFor[tally.Totals]().Size())
	totalsEntryBytes  = int64(reflect.TypeFor[totalsEntry]().Size() + 2*(reflect.TypeFor[totalsKey]().Size()+8))
)

// sizeOf is what e holds in memory: the encoded body, and the copy of the
// totals it was made from, which is as large as the body for an area with
// many children (a Totals is some 450 bytes and four vote arrays). It
// was once reckoned at 64 bytes a child, and the cache held about
// twice its bound.
func (e *totalsEntry) sizeOf() int64 {
	n := totalsEntryBytes + int64(cap(e.body)) + totalsStructBytes*int64(cap(e.at.Children))
	n += totalsVotesBytes(&e.at.Totals)
	for i := range e.at.Children {
		n += totalsVotesBytes(&e.at.Children[i])
	}
	return n
}

func totalsVotesBytes(t *tally.Totals) int64 {
	return 8 * int64(cap(t.Provisional.Votes)+cap(t.Verified.Votes)+cap(t.Official.Votes)+cap(t.Recounted.Votes))
}

// totalsCacheBytes bounds the kept answers: the country's is about 80 KB,
// a district's a few; past it entries are dropped at random.
const totalsCacheBytes = 32 << 20

func newTotalsCache(max int64) *totalsCache {
	return &totalsCache{entries: map[totalsKey]*totalsEntry{}, max: max}
}

// metrics are the cache's counters for /metrics.
func (c *totalsCache) metrics() []prometheus.Collector {
	counter := func(name, help string, v *atomic.Int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(v.Load()) })
	}
	gauge := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f)
	}
	return []prometheus.Collector{
		counter("sandik_totals_cache_hits_total", "Reads of an area's live totals answered from kept bytes.", &c.hits),
		counter("sandik_totals_cache_misses_total", "Reads of an area's live totals encoded anew.", &c.misses),
		gauge("sandik_totals_cache_bytes", "Bytes the kept answers of areas' live totals hold in memory.", func() float64 { return float64(c.kept.Load()) }),
		gauge("sandik_totals_cache_bytes_limit", "The bound of sandik_totals_cache_bytes.", func() float64 { return float64(c.max) }),
	}
}

// body returns the encoded answer of at, as allowed to a reader of kind
// seesAll, from the cache or made by encode.
func (c *totalsCache) body(key totalsKey, reg *sandik.Registry, at *tally.AreaTotals, encode func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	e := c.entries[key]
	c.mu.Unlock()
	if e != nil && e.reg == reg && sameAreaTotals(&e.at, at) {
		c.hits.Add(1)
		return e.body, nil
	}
	c.misses.Add(1)
	body, err := encode()
	if err != nil {
		return nil, err
	}
	e = &totalsEntry{reg: reg, at: cloneAreaTotals(at), body: body}
	e.size = e.sizeOf()
	if e.size > c.max {
		return body, nil // larger than the whole cache: answered, not kept
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[key]; old != nil {
		c.bytes -= old.size
		delete(c.entries, key)
	}
	for k, v := range c.entries {
		if c.bytes+e.size <= c.max {
			break
		}
		c.bytes -= v.size
		delete(c.entries, k)
	}
	c.entries[key] = e
	c.bytes += e.size
	c.kept.Store(c.bytes)
	return body, nil
}

// writeJSONBytes answers with an encoded JSON body, as WriteJSON does.
func writeJSONBytes(w http.ResponseWriter, body []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json; charset=utf-8"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

func encodeJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	return append(b, '\n'), err
}

// sameAreaTotals compares every field (TestSameTotalsSeesEveryField keeps
// it so when tally's types grow).
func sameAreaTotals(a, b *tally.AreaTotals) bool {
	return a.Seq == b.Seq && sameTotals(&a.Totals, &b.Totals) &&
		slices.EqualFunc(a.Children, b.Children, func(x, y tally.Totals) bool { return sameTotals(&x, &y) })
}

func sameTotals(a, b *tally.Totals) bool {
	return a.Race == b.Race && a.Area == b.Area && a.Level == b.Level && a.Name == b.Name &&
		a.BoxesExpected == b.BoxesExpected && a.BoxesReported == b.BoxesReported && a.BoxesPending == b.BoxesPending &&
		a.BoxesVerified == b.BoxesVerified && a.BoxesConflict == b.BoxesConflict && a.BoxesAdjudicated == b.BoxesAdjudicated &&
		a.BoxesOfficial == b.BoxesOfficial && a.BoxesRecounted == b.BoxesRecounted && a.Registered == b.Registered &&
		sameCounts(&a.Provisional, &b.Provisional) && sameCounts(&a.Verified, &b.Verified) &&
		sameCounts(&a.Official, &b.Official) && sameCounts(&a.Recounted, &b.Recounted)
}

func sameCounts(a, b *tally.Counts) bool {
	return a.Registered == b.Registered && a.VotedByLaw == b.VotedByLaw && a.Voted == b.Voted &&
		a.ValidWithoutObjection == b.ValidWithoutObjection && a.ValidUponObjection == b.ValidUponObjection &&
		a.ValidTotal == b.ValidTotal && a.Invalid == b.Invalid && slices.Equal(a.Votes, b.Votes) &&
		(a.Votes == nil) == (b.Votes == nil) // null and [] encode differently
}

// cloneAreaTotals copies at deeply: the kept copy must not share the
// request's slices.
func cloneAreaTotals(at *tally.AreaTotals) tally.AreaTotals {
	out := tally.AreaTotals{Seq: at.Seq, Totals: cloneTotals(at.Totals)}
	if at.Children != nil {
		out.Children = make([]tally.Totals, len(at.Children))
		for i := range at.Children {
			out.Children[i] = cloneTotals(at.Children[i])
		}
	}
	return out
}

func cloneTotals(t tally.Totals) tally.Totals {
	t.Provisional.Votes = slices.Clone(t.Provisional.Votes)
	t.Verified.Votes = slices.Clone(t.Verified.Votes)
	t.Official.Votes = slices.Clone(t.Official.Votes)
	t.Recounted.Votes = slices.Clone(t.Recounted.Votes)
	return t
}
