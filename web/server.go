// Package web is Sandık's HTTP layer put together: the JSON API
// (web/api) and the HTML pages (web/pages) over one shared base for
// handling, errors and metrics (web/handler), on one mux, with /metrics
// and one answer for every path no route matches. The strict JSON decoder
// is web/strict; the documents of an objection case, served by both, are
// web/casefile.
package web

import (
	"cmp"
	_ "embed"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/api"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/pages"
	"github.com/sandik-dev/sandik/web/snapshot"
)

// Defaults of Config.
const (
	DefaultMaxBodyBytes      = 1 << 20 // one sheet, an adjudication
	DefaultMaxBatchBytes     = 8 << 20 // a batch of up to center.MaxBatch sheets
	DefaultWaitTimeout       = 2 * time.Second
	DefaultMaxInFlightWrites = 4096
	DefaultMaxWriteWait      = time.Second
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
	// MaxInFlightWrites caps concurrent write requests, API and pages
	// together; beyond it the server answers 503 with Retry-After at once
	// instead of queueing without bound. DefaultMaxInFlightWrites; negative
	// means no cap.
	MaxInFlightWrites int
	// MaxWriteWait is the longest even the fastest recent append of a
	// single sheet may take, queueing included, before writes are refused
	// at once with 503 and Retry-After, batches first (a queue that does
	// not drain, package overload). DefaultMaxWriteWait; negative means
	// never.
	MaxWriteWait time.Duration
	// WriteWork bounds the writes of sheets decoding their body or
	// making their answer at once, so that a burst of writes leaves cores
	// for reads (handler.Base.Work); 0 means no bound.
	WriteWork int
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
	// Limits bound what one user, session or address may hold or do;
	// handler.DefaultLimits when nil.
	Limits *handler.Limits
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto are believed (the client's address for the limits
	// and the logs, and https for cookies and HSTS); none by default.
	TrustedProxies []netip.Prefix

	// Timeouts and limits of the http.Server HTTPServer builds.
	ReadHeaderTimeout time.Duration // 5 s
	ReadTimeout       time.Duration // 30 s
	WriteTimeout      time.Duration // 30 s
	IdleTimeout       time.Duration // 120 s
	MaxHeaderBytes    int           // 64 KiB

	// PublicSnapshots publishes every area's totals, without an account,
	// as versioned immutable JSON for caches to serve (docs/readers.md);
	// Snapshots bound what is kept of them.
	PublicSnapshots bool
	Snapshots       snapshot.Options

	// LiveInterval is the shortest time between two live updates of the
	// pages; broker.DefaultInterval when zero.
	LiveInterval time.Duration
	// Now is the clock of the pages and of deadlines (the Center's when
	// nil).
	Now func() time.Time
}

//go:embed openapi.yaml
var openAPISpec []byte

// favicon is the 32×32 icon browsers ask for at /favicon.ico whatever a
// page says (a ballot box taking a ticked sheet, in the pages' blue); a
// 404 there is an error in every page's console.
//
//go:embed favicon.ico
var favicon []byte

// Server serves the API and the pages of one Center.
type Server struct {
	log   *slog.Logger
	cfg   Config
	base  *handler.Base
	pages *pages.Pages
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
	cfg.MaxWriteWait = cmp.Or(cfg.MaxWriteWait, DefaultMaxWriteWait)
	cfg.ReadHeaderTimeout = cmp.Or(cfg.ReadHeaderTimeout, 5*time.Second)
	cfg.ReadTimeout = cmp.Or(cfg.ReadTimeout, 30*time.Second)
	cfg.WriteTimeout = cmp.Or(cfg.WriteTimeout, 30*time.Second)
	cfg.IdleTimeout = cmp.Or(cfg.IdleTimeout, 120*time.Second)
	cfg.MaxHeaderBytes = cmp.Or(cfg.MaxHeaderBytes, 64<<10)
	if cfg.Limits == nil {
		l := handler.DefaultLimits()
		cfg.Limits = &l
	}
	c := cfg.Center
	c.SetMaxWriteWait(cfg.MaxWriteWait)
	b := handler.New(handler.Config{Logger: cfg.Logger, Authenticate: c.Authenticate, Seq: c.Seq,
		MaxInFlightWrites: cfg.MaxInFlightWrites, MetricsToken: cfg.MetricsToken,
		WriteTime: c.WriteTime, MaxWriteWait: cfg.MaxWriteWait, WriteWork: cfg.WriteWork,
		Limits: *cfg.Limits, TrustedProxies: cfg.TrustedProxies})
	b.RegisterMetrics(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "sandik_ledger_hash_cache_bytes",
		Help: "Bytes the ledger's hashes kept for receipts' proofs hold in memory (bounded)."},
		func() float64 { return float64(c.LedgerCacheBytes()) }))
	api.Mount(b, c, api.Config{MaxBodyBytes: cfg.MaxBodyBytes, MaxBatchBytes: cfg.MaxBatchBytes,
		WaitTimeout: cfg.WaitTimeout, Now: cfg.Now, OpenAPI: openAPISpec,
		PublicSnapshots: cfg.PublicSnapshots, Snapshots: cfg.Snapshots})
	p := pages.Mount(b, c, pages.Config{MaxBodyBytes: cfg.MaxBodyBytes, LiveInterval: cfg.LiveInterval, Now: cfg.Now})
	b.Handle("GET /metrics", b.ServeMetrics, http.StatusOK)
	b.Handle("GET /favicon.ico", serveFavicon, http.StatusOK)
	b.Handle("/", b.NotFound)
	return &Server{log: cfg.Logger, cfg: cfg, base: b, pages: p}
}

// serveFavicon answers /favicon.ico; it changes only with the binary.
func serveFavicon(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "image/vnd.microsoft.icon")
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("Content-Length", strconv.Itoa(len(favicon)))
	w.Write(favicon)
	return nil
}

// Handler returns the handler of every route.
func (s *Server) Handler() http.Handler { return s.base.Handler() }

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
	srv.RegisterOnShutdown(s.pages.Close)
	return srv
}

// Close ends the live streams; the server keeps answering other requests.
func (s *Server) Close() { s.pages.Close() }

// DroppedSubscribers counts live pages dropped for being too slow to take
// their events (they reconnect by themselves).
func (s *Server) DroppedSubscribers() int64 { return s.pages.DroppedSubscribers() }
