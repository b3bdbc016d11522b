// Package pages is Sandık's HTML side for people at the centre and in the
// field: sign-in with sessions kept in the store, the overview with its
// map, the box and conflict pages with one-click adjudication, the entry
// form, the comparison with official results and the objections board,
// live updates over server-sent events, and exports to CSV and Excel.
// Templates and assets are embedded; texts are in Turkish and English.
// Handling, errors and metrics are the shared base's (web/handler); what
// a user may read comes from the Center's view for that user. The route
// table is routes.go.
package pages

import (
	"cmp"
	"html/template"
	"net/http"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/broker"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/geo"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/pages/mapdraw"
)

// Config holds what the pages need beside the Center.
type Config struct {
	// MaxBodyBytes bounds a sheet sent from the entry form; required (web.New
	// sets it, as for the API).
	MaxBodyBytes int64
	// LiveInterval is the shortest time between two live updates of the
	// pages; broker.DefaultInterval when zero.
	LiveInterval time.Duration
	// Now is the clock of the pages; the Center's when nil.
	Now func() time.Time

	// keepAlive is how often idle live streams ping; keepAlive (sse.go)
	// when zero. Tests shorten it.
	keepAlive time.Duration
}

// Pages serves the HTML routes of one Center.
type Pages struct {
	c         *center.Center
	b         *handler.Base
	cfg       Config
	pages     map[string]*template.Template
	sessions  *sessions
	cop       *http.CrossOriginProtection
	broker    *broker.Broker
	live      *liveCache
	surveys   *surveyCache // the projectors' payloads (projector.go)
	provinces *geo.Map
	istanbul  *geo.Map          // İstanbul's districts
	mapImages map[string]string // the locators' backgrounds, by file name
	loc       *time.Location
	now       func() time.Time
	keepAlive time.Duration
}

// Mount registers the pages' routes on b. Close ends their live streams.
func Mount(b *handler.Base, c *center.Center, cfg Config) *Pages {
	p := &Pages{c: c, b: b, cfg: cfg, now: cfg.Now}
	if p.now == nil {
		p.now = c.Now // the centre's clock, which deadlines are computed by
	}
	pages, err := parsePages()
	if err != nil {
		panic("pages: " + err.Error()) // the templates are part of the binary
	}
	p.pages = pages
	if p.provinces, err = geo.Provinces(800); err != nil {
		panic("pages: " + err.Error())
	}
	if p.istanbul, err = geo.IstanbulDistricts(800); err != nil {
		panic("pages: " + err.Error())
	}
	p.mapImages = map[string]string{"tr.svg": mapdraw.Background(p.provinces), "istanbul.svg": mapdraw.Background(p.istanbul)}
	p.loc = sandik.Istanbul()
	p.sessions = newSessions(c.Sessions(), b.Log(), p.now, b.Secure)
	p.sessions.effective = c.EffectiveUser
	p.sessions.generation = c.UserGeneration
	p.cop = http.NewCrossOriginProtection()
	// The API takes the session cookie too, so that the pages' scripts
	// (the keying page, the observer form's queued photos) call it.
	b.SessionUser(p.sessions.user, p.cop.Check)
	p.broker = broker.New(c, cfg.LiveInterval, p.now)
	p.surveys = newSurveyCache()
	p.live = newLiveCache()
	p.keepAlive = cmp.Or(cfg.keepAlive, keepAlive)
	p.routes()
	return p
}

// Close ends the live streams; the pages keep answering other requests.
func (p *Pages) Close() { p.broker.Close() }

// DroppedSubscribers counts live pages dropped for being too slow to take
// their events (they reconnect by themselves).
func (p *Pages) DroppedSubscribers() int64 { return p.broker.Dropped() }

// Streams counts the live streams open now.
func (p *Pages) Streams() int { return p.broker.Subscribers() }
