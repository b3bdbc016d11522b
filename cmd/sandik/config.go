package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/sandik-dev/sandik/web"
	"github.com/sandik-dev/sandik/web/handler"
)

// newFlags returns a flag set whose output goes to stderr.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("sandik "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: sandik %s\n\nFlags (each also as SANDIK_<NAME>, for example SANDIK_DB):\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse fills a flag set from SANDIK_* variables first and the command
// line second, so a flag given on the command line wins.
func parse(e *env, fs *flag.FlagSet, args []string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := "SANDIK_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := e.getenv(name); v != "" && err == nil {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = fmt.Errorf("%s=%q: %v", name, v, serr)
			}
		}
	})
	if err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	return nil
}

// storeFlags are the settings every command that opens the database shares.
type storeFlags struct {
	db        string
	unsafe    bool
	logLevel  string
	logFormat string
	// rules is a JSON file of objection deadline rules (serve only).
	rules string
}

func (s *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.db, "db", "sandik.db", "SQLite database file, or a postgres:// URL for a database several instances share")
	fs.BoolVar(&s.unsafe, "unsafe-durability", false, "start even if the database's durability settings are unsafe (logged)")
	fs.StringVar(&s.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&s.logFormat, "log-format", "text", "log format: text or json")
}

func (s *storeFlags) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s.logLevel)); err != nil {
		return nil, fmt.Errorf("-log-level %q: want debug, info, warn or error", s.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch s.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("-log-format %q: want text or json", s.logFormat)
}

// serveFlags are the settings of `sandik serve` beyond the database: the
// transport, and the bounds one client is held to.
type serveFlags struct {
	tlsCert, tlsKey string
	trustedProxies  string
	metricsToken    string
	maxConns        int
	maxWrites       int
	limits          handler.Limits
	userBodyMiB     int64
	totalBodyMiB    int64
}

func (s *serveFlags) register(fs *flag.FlagSet) {
	s.limits = handler.DefaultLimits()
	l := &s.limits
	fs.StringVar(&s.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate (chain) file; needs -tls-key")
	fs.StringVar(&s.tlsKey, "tls-key", "", "PEM private key of -tls-cert")
	fs.StringVar(&s.trustedProxies, "trusted-proxies", "", "comma-separated CIDR prefixes of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed; none by default")
	fs.StringVar(&s.metricsToken, "metrics-token", "", "bearer token /metrics requires; open when empty")
	fs.IntVar(&s.maxConns, "max-conns", 20000, "connections open at once; more wait to be accepted (0: no cap)")
	fs.IntVar(&s.maxWrites, "max-writes", web.DefaultMaxInFlightWrites, "write requests served at once by everyone, past which 503 (-1: no cap)")
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
	fs.IntVar(&l.StreamsPerUser, "user-streams", l.StreamsPerUser, "live streams one user may hold open; more get 429")
}

// config checks the flags and builds the web server's settings from them.
func (s *serveFlags) config() (web.Config, error) {
	var cfg web.Config
	if (s.tlsCert == "") != (s.tlsKey == "") {
		return cfg, fmt.Errorf("-tls-cert and -tls-key go together")
	}
	if s.tlsCert != "" {
		// Read now, so that a bad pair stops the start with its reason.
		if _, err := tls.LoadX509KeyPair(s.tlsCert, s.tlsKey); err != nil {
			return cfg, fmt.Errorf("-tls-cert, -tls-key: %w", err)
		}
	}
	proxies, err := handler.ParseProxies(s.trustedProxies)
	if err != nil {
		return cfg, fmt.Errorf("-trusted-proxies: %w", err)
	}
	if s.userBodyMiB < 1 || s.totalBodyMiB < s.userBodyMiB {
		return cfg, fmt.Errorf("-user-body-mib must be at least 1 and -body-mib at least -user-body-mib")
	}
	l := s.limits
	l.BodyBytesPerUser, l.BodyBytesTotal = s.userBodyMiB<<20, s.totalBodyMiB<<20
	cfg.Limits, cfg.TrustedProxies, cfg.MetricsToken, cfg.MaxInFlightWrites = &l, proxies, s.metricsToken, s.maxWrites
	return cfg, nil
}
