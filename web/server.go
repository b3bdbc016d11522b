// Package web is Sandık's HTTP layer: the JSON API under /api/v1, health
// and metrics. Handlers return an error; one function turns it into a
// status and a body (errors.go). Everything is rendered into a buffer
// before a byte is written.
package web

import (
	"cmp"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/sandik-dev/sandik/broker"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/geo"
)

// Defaults of Config.
const (
	DefaultMaxBodyBytes      = 1 << 20 // one sheet, an adjudication
	DefaultMaxBatchBytes     = 8 << 20 // a batch of up to center.MaxBatch sheets
	DefaultWaitTimeout       = 2 * time.Second
	DefaultMaxInFlightWrites = 4096
)

// Config holds what a Server needs. Zero values mean the defaults.
type Config struct {
	Center *center.Center
	Logger *slog.Logger

	MaxBodyBytes  int64 // bodies of single sheets; DefaultMaxBodyBytes
	MaxBatchBytes int64 // bodies of batches; DefaultMaxBatchBytes
	// WaitTimeout bounds how long ?wait=1 waits for the tally to reflect a
	// new submission; DefaultWaitTimeout.
	WaitTimeout time.Duration
	// MaxInFlightWrites caps concurrent write requests; beyond it the
	// server answers 503 with Retry-After at once instead of queueing
	// without bound. DefaultMaxInFlightWrites; negative means no cap.
	MaxInFlightWrites int
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string

	// Timeouts and limits of the http.Server HTTPServer builds.
	ReadHeaderTimeout time.Duration // 5 s
	ReadTimeout       time.Duration // 30 s
	WriteTimeout      time.Duration // 30 s
	IdleTimeout       time.Duration // 120 s
	MaxHeaderBytes    int           // 64 KiB

	// LiveInterval is the shortest time between two live updates of the
	// pages; broker.DefaultInterval when zero.
	LiveInterval time.Duration
	// Now is the clock of the pages (time.Now when nil).
	Now func() time.Time

	// keepAlive is how often idle live streams ping; keepAlive (sse.go)
	// when zero. Tests shorten it.
	keepAlive time.Duration
}

// Server serves the API of one Center.
type Server struct {
	c        *center.Center
	log      *slog.Logger
	cfg      Config
	mux      *http.ServeMux
	metrics  *metrics
	writes   chan struct{} // write slots; nil means no cap
	patterns []string      // registered patterns, for tests and docs

	// The pages (page.go, session.go, sse.go).
	pages     map[string]*template.Template
	sessions  *sessions
	cop       *http.CrossOriginProtection
	broker    *broker.Broker
	live      *liveCache
	provinces *geo.Map
	loc       *time.Location
	now       func() time.Time
	keepAlive time.Duration
}

// New builds a Server; cfg.Center is required.
func New(cfg Config) *Server {
	if cfg.Center == nil {
		panic("web: Config.Center is nil")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.MaxBodyBytes = cmp.Or(cfg.MaxBodyBytes, DefaultMaxBodyBytes)
	cfg.MaxBatchBytes = cmp.Or(cfg.MaxBatchBytes, DefaultMaxBatchBytes)
	cfg.WaitTimeout = cmp.Or(cfg.WaitTimeout, DefaultWaitTimeout)
	cfg.MaxInFlightWrites = cmp.Or(cfg.MaxInFlightWrites, DefaultMaxInFlightWrites)
	cfg.ReadHeaderTimeout = cmp.Or(cfg.ReadHeaderTimeout, 5*time.Second)
	cfg.ReadTimeout = cmp.Or(cfg.ReadTimeout, 30*time.Second)
	cfg.WriteTimeout = cmp.Or(cfg.WriteTimeout, 30*time.Second)
	cfg.IdleTimeout = cmp.Or(cfg.IdleTimeout, 120*time.Second)
	cfg.MaxHeaderBytes = cmp.Or(cfg.MaxHeaderBytes, 64<<10)
	s := &Server{c: cfg.Center, log: cfg.Logger, cfg: cfg, mux: http.NewServeMux()}
	if cfg.MaxInFlightWrites > 0 {
		s.writes = make(chan struct{}, cfg.MaxInFlightWrites)
	}
	s.metrics = newMetrics(cfg.Center)
	s.now = cfg.Now
	if s.now == nil {
		s.now = cfg.Center.Now // the centre's clock, which deadlines are computed by
	}
	pages, err := parsePages()
	if err != nil {
		panic("web: " + err.Error()) // the templates are part of the binary
	}
	s.pages = pages
	if s.provinces, err = geo.Provinces(800); err != nil {
		panic("web: " + err.Error())
	}
	s.loc = istanbul()
	s.sessions = newSessions(cfg.Center.Sessions(), s.log, s.now)
	s.cop = http.NewCrossOriginProtection()
	s.broker = broker.New(cfg.Center, cfg.LiveInterval, s.now)
	s.live = newLiveCache()
	s.keepAlive = cmp.Or(cfg.keepAlive, keepAlive)
	s.routes()
	return s
}

// Handler returns the handler of every route.
func (s *Server) Handler() http.Handler { return s.mux }

// HTTPServer returns an *http.Server for addr with every timeout and limit
// set, for the caller to ListenAndServe and Shutdown.
func (s *Server) HTTPServer(addr string) *http.Server {
	srv := &http.Server{
		Addr:              addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	// Live pages hold their streams open: end them when shutting down, or
	// Shutdown would wait for them until its deadline.
	srv.RegisterOnShutdown(s.broker.Close)
	return srv
}

// Close ends the live streams; the server keeps answering other requests.
func (s *Server) Close() { s.broker.Close() }

// DroppedSubscribers counts live pages dropped for being too slow to take
// their events (they reconnect by themselves).
func (s *Server) DroppedSubscribers() int64 { return s.broker.Dropped() }
