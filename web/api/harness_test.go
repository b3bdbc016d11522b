package api

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// The tests drive the real stack: the API alone on the shared base, over
// a real Center over a real SQLite store in a temporary directory
// (webtest).

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

// env is the API over one Center.
type env struct {
	*webtest.Env
	base *handler.Base
}

// newEnv serves the fixture registry; adjust changes the API's Config.
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
	spec, err := os.ReadFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{}
	e.Env = webtest.Start(t, reg, openStore, func(w *webtest.Env) (http.Handler, func()) {
		cfg := Config{MaxBodyBytes: 1 << 20, MaxBatchBytes: 8 << 20, WaitTimeout: 2 * time.Second, OpenAPI: spec}
		for _, f := range adjust {
			f(&cfg)
		}
		e.base = handler.New(handler.Config{Logger: w.Logger, Authenticate: w.Center.Authenticate, Seq: w.Center.Seq, MaxInFlightWrites: 4096})
		Mount(e.base, w.Center, cfg)
		e.base.Handle("/", e.base.NotFound)
		return e.base.Handler(), nil
	})
	return e
}

// submit sends one sheet as user to the API and returns its receipt.
func (e *env) submit(user string, body map[string]any) handler.Receipt {
	e.T.Helper()
	var rec handler.Receipt
	e.Do("POST", "/api/v1/submissions", user, body).Decode(e.T, http.StatusCreated, &rec)
	return rec
}

// Views of the answers as a client reads them: sandik.BoxStatus and
// sandik.Kind have no UnmarshalText, so they are read as strings.
type (
	receiptView struct {
		handler.Receipt
		Status *string `json:"status"`
	}
	boxView struct {
		boxJSON
		Status  string      `json:"status"`
		Entries []entryView `json:"entries"`
	}
	entryView struct {
		entryJSON
		Kind string `json:"kind"`
	}
)

// openStore opens the SQLite store the tests run on.
func openStore(ctx context.Context, path string, log *slog.Logger) (sandik.Store, error) {
	return sqlite.Open(ctx, sqlite.Options{Path: path, Logger: log})
}
