package web

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

// The tests here drive the whole server — the API and the pages on one
// mux — over a real Center over a real SQLite store (webtest): what is
// the assembly's own, and what crosses from one room to the other.

// Names of the fixture (webtest), as the tests write them.
const (
	raceIST     = webtest.RaceIST
	box1        = webtest.Box1
	box2        = webtest.Box2
	box3        = webtest.Box3
	observer1   = webtest.Observer1
	observer2   = webtest.Observer2
	volunteer   = webtest.Volunteer
	coordinator = webtest.Coordinator
	lawyer      = webtest.Lawyer
	coordAdal   = webtest.CoordAdal
	lawyerAdal  = webtest.LawyerAdal
)

var sheet = webtest.Sheet

// env is one running Server.
type env struct {
	*webtest.Env
	srv *Server
}

// newEnv serves the fixture registry; adjust changes the Config.
func newEnv(t testing.TB, adjust ...func(*Config)) *env {
	t.Helper()
	e := &env{}
	e.Env = webtest.Start(t, webtest.Registry(t), openStore, func(w *webtest.Env) (http.Handler, func()) {
		cfg := Config{Center: w.Center, Logger: w.Logger}
		for _, f := range adjust {
			f(&cfg)
		}
		e.srv = New(cfg)
		return e.srv.Handler(), e.srv.Close // end live streams first, or Close waits for them
	})
	return e
}

// newScopedEnv is newEnv with the fixture's scoped users.
func newScopedEnv(t testing.TB, adjust ...func(*Config)) *env {
	t.Helper()
	e := newEnv(t, adjust...)
	e.AddScoped()
	return e
}

// submit sends one sheet as user to the API and returns its receipt.
func (e *env) submit(user string, body map[string]any) handler.Receipt {
	e.T.Helper()
	var rec handler.Receipt
	e.Do("POST", "/api/v1/submissions", user, body).Decode(e.T, http.StatusCreated, &rec)
	return rec
}

// next returns the version of the next totals event of s.
func next(t testing.TB, s *webtest.Stream) struct{ Seq int64 } {
	t.Helper()
	var p struct{ Seq int64 }
	s.Next(t, &p)
	return p
}

// openStore opens the SQLite store the tests run on.
func openStore(ctx context.Context, path string, log *slog.Logger) (sandik.Store, error) {
	return sqlite.Open(ctx, sqlite.Options{Path: path, Logger: log})
}
