package pages

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// The tests drive the real stack: the pages alone on the shared base,
// over a real Center over a real SQLite store in a temporary directory
// (webtest). What a test needs beside the page under test goes through
// the Center.

// Names of the fixture (webtest), as the tests write them.
const (
	raceIST     = webtest.RaceIST
	raceIlce    = webtest.RaceIlce
	box1        = webtest.Box1
	box2        = webtest.Box2
	box3        = webtest.Box3
	observer1   = webtest.Observer1
	observer2   = webtest.Observer2
	volunteer   = webtest.Volunteer
	coordinator = webtest.Coordinator
	admin       = webtest.Admin
	lawyer      = webtest.Lawyer
	obsBox1     = webtest.ObsBox1
	coordAdal   = webtest.CoordAdal
	lawyerAdal  = webtest.LawyerAdal
)

var (
	testNow    = webtest.Now
	operator   = webtest.Operator
	sheet      = webtest.Sheet
	allRoles   = webtest.AllRoles
	submitters = webtest.Submitters
	caseRoles  = webtest.CaseRoles
)

// env is the pages over one Center.
type env struct {
	*webtest.Env
	base  *handler.Base
	pages *Pages
	// baseConfig adjusts the base's Config, if set.
	baseConfig func(*handler.Config)
}

// newEnv serves the fixture registry; adjust changes the pages' Config.
func newEnv(t testing.TB, adjust ...func(*Config)) *env {
	t.Helper()
	return newEnvWith(t, webtest.Registry(t), adjust...)
}

// newScopedEnv is newEnv with the fixture's scoped users.
func newScopedEnv(t testing.TB, adjust ...func(*Config)) *env {
	t.Helper()
	e := newEnv(t, adjust...)
	e.AddScoped()
	return e
}

func newEnvWith(t testing.TB, reg *sandik.Registry, adjust ...func(*Config)) *env {
	t.Helper()
	e := &env{}
	e.Env = webtest.Start(t, reg, openStore, e.mount(adjust...))
	return e
}

// newBaseEnv is newEnv with the shared base's Config adjusted (limits,
// trusted proxies).
func newBaseEnv(t testing.TB, base func(*handler.Config), adjust ...func(*Config)) *env {
	t.Helper()
	e := &env{baseConfig: base}
	e.Env = webtest.Start(t, webtest.Registry(t), openStore, e.mount(adjust...))
	return e
}

// mount serves the pages on a base of their own, as web.New does beside
// the API.
func (e *env) mount(adjust ...func(*Config)) webtest.Mount {
	return func(w *webtest.Env) (http.Handler, func()) {
		cfg := Config{MaxBodyBytes: 1 << 20}
		for _, f := range adjust {
			f(&cfg)
		}
		hc := handler.Config{Logger: w.Logger, Authenticate: w.Center.Authenticate, Seq: w.Center.Seq, MaxInFlightWrites: 4096}
		if e.baseConfig != nil {
			e.baseConfig(&hc)
		}
		e.base = handler.New(hc)
		e.pages = Mount(e.base, w.Center, cfg)
		e.base.Handle("/", e.base.NotFound)
		return e.base.Handler(), e.pages.Close
	}
}

// next returns the next totals event of s.
func next(t testing.TB, s *webtest.Stream) livePayload {
	t.Helper()
	var p livePayload
	s.Next(t, &p)
	return p
}

// openStore opens the SQLite store the tests run on.
func openStore(ctx context.Context, path string, log *slog.Logger) (sandik.Store, error) {
	return sqlite.Open(ctx, sqlite.Options{Path: path, Logger: log})
}
