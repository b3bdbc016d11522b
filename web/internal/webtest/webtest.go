// Package webtest is the harness the web packages' tests share: a real
// Center over a real SQLite store in a temporary directory, a fixture
// registry (İstanbul with two districts and three boxes) with a user of
// every role, and clients that speak to what a test mounts over it, by
// bearer token (Env.Do) or as a signed-in browser (Env.Browser). Set-up
// that is not under test goes through the Center, so that the API's tests
// need no pages and the pages' tests no API.
package webtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/handler"
)

// Env is one running server over one Center.
type Env struct {
	T      testing.TB
	Center *center.Center
	Store  sandik.Store
	Path   string // the store's database file
	Logger *slog.Logger
	Logs   *SyncBuffer       // what Logger wrote, as JSON lines
	Tokens map[string]string // user id → API token
	HTTP   *httptest.Server
	open   Opener
}

// Opener opens the store an Env runs on, in the file at path. The tests
// pass SQLite's, so that this package depends on no concrete store.
type Opener func(ctx context.Context, path string, log *slog.Logger) (sandik.Store, error)

// Mount builds the handler an Env serves over e.Center, and what to close
// before the server closes (live streams), if anything.
type Mount func(e *Env) (http.Handler, func())

// Start opens a store and a Center over reg with a user of every role,
// then serves what mount builds.
func Start(t testing.TB, reg *sandik.Registry, open Opener, mount Mount) *Env {
	t.Helper()
	ctx := t.Context()
	e := start(t, open, filepath.Join(t.TempDir(), "sandik.db"), map[string]string{})
	if err := e.Center.ImportRegistry(ctx, reg); err != nil {
		t.Fatal(err)
	}
	for id, role := range map[string]sandik.Role{
		Observer1: sandik.RoleObserver, Observer2: sandik.RoleObserver, Volunteer: sandik.RoleVolunteer,
		Coordinator: sandik.RoleCoordinator, Admin: sandik.RoleAdmin, Lawyer: sandik.RoleLawyer,
	} {
		u := sandik.User{ID: sandik.UserID(id), Name: id, Role: role}
		if role == sandik.RoleObserver {
			u.Areas = reg.Roots() // observers of every box; scope tests narrow them
		}
		e.AddUser(u)
	}
	e.serve(mount)
	return e
}

// Second starts another instance over e's database file, with the same
// users and tokens: the way several `sandik serve` share one database.
func (e *Env) Second(t testing.TB, mount Mount) *Env {
	t.Helper()
	f := start(t, e.open, e.Path, e.Tokens)
	f.serve(mount)
	return f
}

func start(t testing.TB, open Opener, path string, tokens map[string]string) *Env {
	t.Helper()
	logs := &SyncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := open(t.Context(), path, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// Every answer carries a ledger receipt, as a server's does; a second
	// instance over the same database shares the key.
	c, err := center.Open(t.Context(), center.Config{Store: st, Logger: log, Now: func() time.Time { return Now },
		LedgerKey: path + ".ledger.key", LedgerOrigin: "sandik.test/ledger"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &Env{T: t, Center: c, Store: st, Path: path, Logger: log, Logs: logs, Tokens: tokens, open: open}
}

func (e *Env) serve(mount Mount) {
	h, closeFirst := mount(e)
	e.HTTP = httptest.NewServer(h)
	e.T.Cleanup(e.HTTP.Close)
	if closeFirst != nil {
		e.T.Cleanup(closeFirst) // cleanups run last first: streams end, then the server
	}
}

// AddUser creates u and keeps their token under their id.
func (e *Env) AddUser(u sandik.User) {
	e.T.Helper()
	tok, err := e.Center.CreateUser(e.T.Context(), u)
	if err != nil {
		e.T.Fatal(err)
	}
	e.Tokens[string(u.ID)] = tok
}

// User returns the user holding id's token, as the server sees them.
func (e *Env) User(id string) sandik.User {
	e.T.Helper()
	u, err := e.Center.Authenticate(e.T.Context(), e.Tokens[id])
	if err != nil {
		e.T.Fatal(err)
	}
	return u
}

// Response is an answer read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends a request as user ("" for none); body is JSON-encoded unless it
// is a string or []byte. header holds name, value pairs.
func (e *Env) Do(method, path, user string, body any, header ...string) Response {
	e.T.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(e.T.Context(), method, e.HTTP.URL+path, r)
	if err != nil {
		e.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.Tokens[user])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return send(e.T, e.HTTP.Client(), req)
}

func send(t testing.TB, c *http.Client, req *http.Request) Response {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// Decode reads the JSON answer into v, failing on a status other than
// want.
func (r Response) Decode(t testing.TB, want int, v any) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d; body: %s", r.Status, want, r.Body)
	}
	if v == nil {
		return
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// APIError reads an error answer with the wanted status.
func (r Response) APIError(t testing.TB, want int) handler.ErrorDetail {
	t.Helper()
	var b handler.ErrorBody
	r.Decode(t, want, &b)
	if b.Error.Code == "" || b.Error.Message == "" {
		t.Fatalf("error body without code or message: %s", r.Body)
	}
	return b.Error
}

// HasProblem fails unless d names field with rule ("" for any rule).
func HasProblem(t testing.TB, d handler.ErrorDetail, field, rule string) {
	t.Helper()
	for _, p := range d.Problems {
		if p.Field == field && (rule == "" || p.Rule == rule) {
			return
		}
	}
	t.Fatalf("no problem %s/%s among %+v", field, rule, d.Problems)
}

// Settle waits until the tally reflects seq.
func (e *Env) Settle(seq int64) {
	e.T.Helper()
	ctx, cancel := context.WithTimeout(e.T.Context(), 10*time.Second)
	defer cancel()
	if err := e.Center.WaitFor(ctx, seq); err != nil {
		e.T.Fatalf("tally did not reach seq %d: %v", seq, err)
	}
}

// LastSeq returns the position of the log's last submission.
func (e *Env) LastSeq() int64 {
	e.T.Helper()
	n, err := e.Store.LastSeq(e.T.Context())
	if err != nil {
		e.T.Fatal(err)
	}
	return n
}

// SyncBuffer collects log output from concurrent handlers.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
