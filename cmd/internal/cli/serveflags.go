package cli

import (
	"crypto/tls"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/sandik-dev/sandik/cmd/internal/memlimit"
	"github.com/sandik-dev/sandik/web"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/limits"
	"github.com/sandik-dev/sandik/web/snapshot"
)

// ServeFlags are the settings of `sandik serve` beyond the database: the
// transport, and the bounds one client is held to.
type ServeFlags struct {
	TLSCert, TLSKey string
	trustedProxies  string
	metricsToken    string
	MaxConns        int
	PprofAddr       string
	maxWrites       int
	maxWriteWait    time.Duration
	writeWork       int
	limits          handler.Limits
	userBodyMiB     int64
	totalBodyMiB    int64
	snapshots       bool
	snapVersions    int
	snapMiB         int64
	memoryLimit     string
}

// DefaultMemoryLimit is -memory-limit's default: a national night served
// at about 800 MiB of resident memory, leaving room under 1 GiB for the
// official feed's pages, which raise the live heap while one is recorded
// (issue 23). The bound is on the process's own memory (RssAnon); its
// mapped binary adds about 30 MiB of resident file pages.
const DefaultMemoryLimit = "800MiB"

// DefaultWriteWork is serve's -write-work: all cores but one for the
// writes' own work, at least one. On the 2-core VM's national night it
// took the origin's totals at the poll-close peak from p99 7.0 ms to
// 4.3 ms and the submissions' p99 from 169 s to 124 s behind their
// intended time (docs/rehearse.md, "Leaving a core for reads").
func DefaultWriteWork() int { return max(1, runtime.GOMAXPROCS(0)-1) }

func (s *ServeFlags) Register(fs *flag.FlagSet) {
	s.limits = handler.DefaultLimits()
	l := &s.limits
	fs.StringVar(&s.TLSCert, "tls-cert", "", "serve HTTPS with this PEM certificate (chain) file; needs -tls-key")
	fs.StringVar(&s.TLSKey, "tls-key", "", "PEM private key of -tls-cert")
	fs.StringVar(&s.trustedProxies, "trusted-proxies", "", "comma-separated CIDR prefixes of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed; none by default")
	fs.StringVar(&s.PprofAddr, "pprof-addr", "", "loopback address (127.0.0.1:PORT) to serve the runtime's profiles on, /debug/pprof/; off when empty")
	fs.StringVar(&s.metricsToken, "metrics-token", "", "bearer token /metrics requires; open when empty")
	fs.IntVar(&s.MaxConns, "max-conns", 20000, "connections open at once; more wait to be accepted (0: no cap)")
	fs.IntVar(&s.maxWrites, "max-writes", web.DefaultMaxInFlightWrites, "write requests served at once by everyone, past which 503 (-1: no cap)")
	fs.DurationVar(&s.maxWriteWait, "max-write-wait", web.DefaultMaxWriteWait, "refuse writes at once (503, Retry-After) while even the fastest append of a single sheet in the last second took longer than this, queueing included; batches are refused first (0: never)")
	fs.IntVar(&s.writeWork, "write-work", DefaultWriteWork(), "writes of sheets that may decode their body or make their answer at once, so that a burst leaves a core for reads (the wait for the commit is outside it; 0: no bound); the default is the cores less one, at least 1 (docs/rehearse.md)")
	fs.IntVar(&l.WritesPerUser, "user-writes", l.WritesPerUser, "write requests one user may have in flight, bodies being read included; more get 429")
	s.userBodyMiB, s.totalBodyMiB = l.BodyBytesPerUser>>20, l.BodyBytesTotal>>20
	fs.Int64Var(&s.userBodyMiB, "user-body-mib", s.userBodyMiB, "MiB of request bodies one user may have in memory at once; more get 429")
	fs.Int64Var(&s.totalBodyMiB, "body-mib", s.totalBodyMiB, "MiB of request bodies everyone may have in memory at once; more get 503")
	fs.DurationVar(&l.BodyTimeout, "body-timeout", l.BodyTimeout, "time to receive a write's body")
	fs.Var(&l.UserWrites, "user-write-rate", "writes per user: RATE/s or RATE/m, then the burst (or off)")
	fs.Var(&l.AddrWrites, "addr-write-rate", "writes per client address: RATE/s or RATE/m, then the burst (or off)")
	fs.Var(&l.LoginFailures, "login-fail-rate", "failed sign-ins and bad API tokens per client address before it must wait (or off)")
	fs.Var(&l.SignIns, "sign-in-rate", "sign-ins (new sessions) per account (or off)")
	fs.IntVar(&l.StreamsPerSession, "session-streams", l.StreamsPerSession, "live streams one browser session may hold open; more get 429")
	fs.BoolVar(&s.snapshots, "public-snapshots", false, "publish every area's verified totals without an account, as cacheable versioned JSON (docs/readers.md)")
	fs.IntVar(&s.snapVersions, "snapshot-versions", snapshot.DefaultKeep, "versions of each area's public snapshot kept; older ones answer 410")
	fs.Int64Var(&s.snapMiB, "snapshot-mib", snapshot.DefaultMaxBytes>>20, "MiB of public snapshots kept in memory in all; the least recently read areas go first")
	fs.IntVar(&l.StreamsPerUser, "user-streams", l.StreamsPerUser, "live streams one user may hold open; more get 429")
	fs.StringVar(&s.memoryLimit, "memory-limit", DefaultMemoryLimit, "resident memory the process aims to stay under (e.g. 1GiB, 700MiB; off for none); the collector works harder near it but always keeps half the live heap as headroom, so it never collects back to back; GOMEMLIMIT, when set, is used instead")
}

// Config checks the flags and builds the web server's settings from them.
func (s *ServeFlags) Config() (web.Config, error) {
	var cfg web.Config
	if (s.TLSCert == "") != (s.TLSKey == "") {
		return cfg, fmt.Errorf("-tls-cert and -tls-key go together")
	}
	if s.TLSCert != "" {
		// Read now, so that a bad pair stops the start with its reason.
		if _, err := tls.LoadX509KeyPair(s.TLSCert, s.TLSKey); err != nil {
			return cfg, fmt.Errorf("-tls-cert, -tls-key: %w", err)
		}
	}
	if err := checkPprofAddr(s.PprofAddr); err != nil {
		return cfg, err
	}
	proxies, err := handler.ParseProxies(s.trustedProxies)
	if err != nil {
		return cfg, fmt.Errorf("-trusted-proxies: %w", err)
	}
	if s.userBodyMiB < 1 || s.totalBodyMiB < s.userBodyMiB {
		return cfg, fmt.Errorf("-user-body-mib must be at least 1 and -body-mib at least -user-body-mib")
	}
	if s.maxWriteWait < 0 {
		return cfg, fmt.Errorf("-max-write-wait must not be negative (0 turns it off)")
	}
	if s.writeWork < 0 {
		return cfg, fmt.Errorf("-write-work must not be negative (0: no bound)")
	}
	cfg.WriteWork = s.writeWork
	cfg.MaxWriteWait = s.maxWriteWait
	if s.maxWriteWait == 0 {
		cfg.MaxWriteWait = -1
	}
	if s.snapVersions < 1 || s.snapMiB < 1 {
		return cfg, fmt.Errorf("-snapshot-versions and -snapshot-mib must be at least 1")
	}
	if _, err := memlimit.ParseSize(s.memoryLimit); err != nil {
		return cfg, fmt.Errorf("-memory-limit: %w", err)
	}
	cfg.PublicSnapshots = s.snapshots
	cfg.Snapshots = snapshot.Options{Keep: s.snapVersions, MaxBytes: s.snapMiB << 20}
	l := s.limits
	l.BodyBytesPerUser, l.BodyBytesTotal = s.userBodyMiB<<20, s.totalBodyMiB<<20
	cfg.Limits, cfg.TrustedProxies, cfg.MetricsToken, cfg.MaxInFlightWrites = &l, proxies, s.metricsToken, s.maxWrites
	return cfg, nil
}

// BoundMemory starts holding the process to -memory-limit, unless it is
// off or the operator set GOMEMLIMIT, whose fixed limit is then kept. The
// returned stop ends it. Call it before the store opens, so that the
// start-up rebuild is held to it too.
func (s *ServeFlags) BoundMemory(log *slog.Logger) (stop func(), err error) {
	total, err := memlimit.ParseSize(s.memoryLimit)
	if err != nil {
		return nil, fmt.Errorf("-memory-limit: %w", err)
	}
	if total == 0 {
		return func() {}, nil
	}
	if prev := debug.SetMemoryLimit(-1); prev != math.MaxInt64 {
		log.Info("memory: GOMEMLIMIT is set; -memory-limit is not applied", "go_limit_mib", prev>>20)
		return func() {}, nil
	}
	g := memlimit.Start(total, log)
	log.Info("memory: bounded", "memory_limit_mib", total>>20, "go_limit_mib", g.Limit()>>20)
	return g.Stop, nil
}

// RaiseOpenFiles lifts the open-files limit as far as it goes: every
// connection and live stream holds a file descriptor.
func RaiseOpenFiles(log *slog.Logger, maxConns int) {
	soft, hard, err := limits.RaiseOpenFiles()
	if err != nil {
		log.Warn("could not raise the open-files limit", "soft", soft, "hard", hard, "err", err)
		return
	}
	log.Info("open-files limit", "soft", soft, "hard", hard)
	if maxConns > 0 && soft < uint64(maxConns)+256 {
		log.Warn("the open-files limit is below -max-conns; connections past it will fail to be accepted", "limit", soft, "max_conns", maxConns)
	}
}
