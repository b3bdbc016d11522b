package pages

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/broker"
)

// livePayload is what a live page receives: new texts by data-k key,
// meter values by data-m key, map colours by area, and a signature of
// what the page lists (when it changes, the page offers to refresh).
type livePayload struct {
	Seq  int64              `json:"seq"`
	K    map[string]string  `json:"k"`
	M    map[string]float64 `json:"m,omitempty"`
	F    map[string]string  `json:"f,omitempty"`
	Sig  string             `json:"sig,omitempty"`
	Time string             `json:"time"`
}

// liveCache shares one rendering of a live payload among every
// subscriber of the same view at the same version: a thousand dashboards
// of İstanbul cost one lookup of the totals per event, not a thousand.
type liveCache struct {
	mu      sync.Mutex
	entries map[string]*liveEntry
}

type liveEntry struct {
	mu   sync.Mutex
	seq  int64
	at   time.Time
	body []byte
	err  error
}

// maxLiveViews bounds the cache; past it, it starts afresh (views are
// cheap to rebuild, and an attacker must not grow it without bound).
const maxLiveViews = 4096

func newLiveCache() *liveCache { return &liveCache{entries: map[string]*liveEntry{}} }

// get returns the payload of view key at event ev, building it once.
func (c *liveCache) get(key string, ev broker.Event, build func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok {
		if len(c.entries) >= maxLiveViews {
			clear(c.entries)
		}
		e = &liveEntry{seq: -1}
		c.entries[key] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.seq != ev.Seq || !e.at.Equal(ev.At) {
		e.body, e.err = build()
		e.seq, e.at = ev.Seq, ev.At
	}
	return e.body, e.err
}

// keepAlive is how often an idle stream sends a ping, so that proxies
// keep it open and the page can tell a quiet night from a lost link.
const keepAlive = 15 * time.Second

// startEventStream answers r with the headers of a live stream and its
// retry field, and returns the controller that flushes its events.
//
// Over HTTP/1.1 the stream is sent as it is, not chunked
// (Transfer-Encoding: identity, the setup the Server-Sent Events
// recommendation suggests; the connection then ends with the stream, as
// it would anyway). Chunked, an event of the country's overview (about
// 20 KB) left the server in three writes to the socket — the first 4 KB
// through the connection's buffer, the rest, and the chunk's closing two
// bytes at the flush — each waking the reader, where one write does.
// HTTP/2 has no chunks: the header is for HTTP/1 only.
func startEventStream(w http.ResponseWriter, r *http.Request) *http.ResponseController {
	rc := http.NewResponseController(w)
	// A stream outlives the server's read and write timeouts by design.
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	if r.ProtoMajor == 1 {
		h.Set("Transfer-Encoding", "identity")
	}
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	rc.Flush()
	return rc
}

// stream serves server-sent events for one view: a snapshot first (its id
// is the tally version), then one event per coalesced change. A client
// reconnecting with Last-Event-ID simply gets a fresh snapshot. A client
// too slow to take its events is dropped by the broker; its browser
// reconnects by itself.
//
// u is the user the stream was opened for, its key and checks chosen for
// them. The stream ends when that user changes: a new role or new areas
// may make the rendering it shares wrong for them, and the browser's
// reconnection goes through the route's checks again.
func (p *Pages) stream(w http.ResponseWriter, r *http.Request, u sandik.User, key string, build func(ev broker.Event) (*livePayload, error)) error {
	// Each stream holds a connection, and so a file descriptor, for hours:
	// one session or one user may hold only a few.
	session, _ := p.sessions.key(r)
	release, err := p.b.OpenStream(u.ID, string(session[:]))
	if err != nil {
		return err
	}
	defer release()
	sub := p.broker.Subscribe()
	if sub == nil {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return nil
	}
	defer p.broker.Unsubscribe(sub)
	rc := startEventStream(w, r)
	ping := time.NewTicker(p.keepAlive)
	defer ping.Stop()
	// still re-reads the user: on every ping, and before an event when this
	// process changed a user since, or the last check is older than the
	// keep-alive interval or a second (a change made by another process).
	// The session itself is read again only when it may have changed
	// (sessionWatch).
	watch := p.sessions.watch(r)
	checked, gen := time.Now(), p.c.UsersChanged()
	still := func() bool {
		moved := p.c.UsersChanged() != gen
		checked, gen = time.Now(), p.c.UsersChanged()
		cur, ok, err := watch.user(moved)
		if err != nil {
			// The store cannot be read for now: the stream goes on with
			// the rights it was opened with until it can be.
			return true
		}
		return ok && cur.ID == u.ID && cur.Role == u.Role && slices.Equal(cur.Areas, u.Areas)
	}
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-ping.C:
			// A stream is checked against its session now and then: a
			// logout or token reset ends it, and a wall screen that only
			// watches keeps its session from idling out.
			if !still() {
				return nil
			}
			if _, err := fmt.Fprintf(w, "event: ping\ndata: %d\n\n", time.Now().Unix()); err != nil {
				return nil
			}
			rc.Flush()
		case ev, ok := <-sub.C:
			if !ok {
				return nil // dropped or shutting down: the browser reconnects
			}
			if (p.c.UsersChanged() != gen || time.Since(checked) >= min(p.keepAlive, time.Second)) && !still() {
				return nil
			}
			// The whole event is made once for every stream of the view:
			// formatting a country's overview into each of hundreds of
			// streams was a third of their CPU.
			frame, err := p.live.get(key, ev, func() ([]byte, error) {
				p, err := build(ev)
				if err != nil {
					return nil, err
				}
				body, err := json.Marshal(p)
				if err != nil {
					return nil, err
				}
				frame := make([]byte, 0, len(body)+64)
				frame = append(strconv.AppendInt(append(frame, "id: "...), ev.Seq, 10), "\nevent: totals\ndata: "...)
				return append(append(frame, body...), "\n\n"...), nil
			})
			if err != nil {
				p.b.Log().Warn("live view failed", "view", key, "err", err)
				return nil
			}
			if _, err := w.Write(frame); err != nil {
				return nil
			}
			rc.Flush()
			ping.Reset(p.keepAlive)
		}
	}
}

// liveOverview streams the overview of one area.
func (p *Pages) liveOverview(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, area := r.PathValue("race"), r.PathValue("area")
	if err := p.c.Registry().AllowTotals(u, sandik.AreaCode(area)); err != nil {
		return err
	}
	m := metricOf(r.URL.Query().Get("m")).Key
	l := p.langOf(r)
	key := "o|" + race + "|" + area + "|" + m + "|" + l.Code
	if u.Scoped() {
		key += "|" + string(u.ID) // their children only
	}
	return p.stream(w, r, u, key, func(ev broker.Event) (*livePayload, error) {
		v, err := p.overviewOf(l, u, sandik.RaceCode(race), sandik.AreaCode(area), m, true)
		if err != nil {
			return nil, err
		}
		v.K["fresh"] = l.F("overview.updated", l.Clock(ev.At))
		return &livePayload{Seq: v.Seq, K: v.K, M: v.Meter, F: v.Fill, Time: l.Clock(ev.At)}, nil
	})
}
