package web

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
	"github.com/sandik-dev/sandik/store/sqlite"
)

// The tests drive the real stack: a Server over a real Center over a real
// SQLite store in a temporary directory.

// testNow is the centre's clock: election night, 23:00 in İstanbul.
var testNow = time.Date(2019, 3, 31, 20, 0, 0, 0, time.UTC)

// Fixture registry: İstanbul with two districts and three boxes.
const (
	raceIST  = "IST-BB"      // metropolitan mayor, scope İstanbul
	raceIlce = "ADALAR-BLD"  // district mayor of Adalar only
	box1     = "34.01.01.01" // Adalar, Burgazada
	box2     = "34.01.01.02"
	box3     = "34.02.01.01" // Beşiktaş, Levent
)

func testRegistry(t testing.TB) *sandik.Registry {
	t.Helper()
	areas := []sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34.01", Parent: "34", Level: sandik.LevelIlce, Name: "Adalar"},
		{Code: "34.01.01", Parent: "34.01", Level: sandik.LevelMahalle, Name: "Burgazada"},
		{Code: box1, Parent: "34.01.01", Level: sandik.LevelSandik, Name: "Sandık 1001"},
		{Code: box2, Parent: "34.01.01", Level: sandik.LevelSandik, Name: "Sandık 1002"},
		{Code: "34.02", Parent: "34", Level: sandik.LevelIlce, Name: "Beşiktaş"},
		{Code: "34.02.01", Parent: "34.02", Level: sandik.LevelMahalle, Name: "Levent"},
		{Code: box3, Parent: "34.02.01", Level: sandik.LevelSandik, Name: "Sandık 2001"},
	}
	elections := []sandik.Election{{Code: "2019-YEREL", Name: "Yerel seçimler 2019", Date: time.Date(2019, 3, 30, 21, 0, 0, 0, time.UTC), Quorum: 2}}
	choices := []sandik.Choice{{Code: "CHP", Name: "Ekrem İmamoğlu"}, {Code: "AKP", Name: "Binali Yıldırım"}, {Code: "SP", Name: "Necdet Gökçınar"}}
	races := []sandik.Race{
		{Code: raceIST, Election: "2019-YEREL", Name: "İstanbul Büyükşehir Belediye Başkanı", Scope: "34", Choices: choices},
		{Code: raceIlce, Election: "2019-YEREL", Name: "Adalar Belediye Başkanı", Scope: "34.01", Choices: choices},
	}
	var regs []sandik.Registration
	for _, b := range []sandik.AreaCode{box1, box2, box3} {
		regs = append(regs, sandik.Registration{Election: "2019-YEREL", Box: b, Registered: 300})
	}
	reg, err := sandik.NewRegistry(areas, elections, races, regs)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// env is one running server with a user per role.
type env struct {
	t      testing.TB
	srv    *Server
	http   *httptest.Server
	center *center.Center
	store  *sqlite.Store
	logs   *syncBuffer
	tokens map[string]string // user id → token
}

// Users of the fixture, by role.
const (
	observer1   = "obs1"
	observer2   = "obs2"
	volunteer   = "vol1"
	coordinator = "coord"
	admin       = "admin"
	lawyer      = "lawyer1"
)

// operator reads the centre whole in checks made beside the HTTP answers.
var operator = sandik.User{ID: admin, Name: admin, Role: sandik.RoleAdmin}

func newEnv(t testing.TB, adjust ...func(*Config)) *env {
	t.Helper()
	return newEnvWith(t, testRegistry(t), adjust...)
}

// newEnvWith starts a server over reg.
func newEnvWith(t testing.TB, reg *sandik.Registry, adjust ...func(*Config)) *env {
	t.Helper()
	ctx := t.Context()
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "sandik.db"), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c, err := center.Open(ctx, center.Config{Store: st, Logger: log, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.ImportRegistry(ctx, reg); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, center: c, store: st, logs: logs, tokens: map[string]string{}}
	for id, role := range map[string]sandik.Role{
		observer1: sandik.RoleObserver, observer2: sandik.RoleObserver, volunteer: sandik.RoleVolunteer,
		coordinator: sandik.RoleCoordinator, admin: sandik.RoleAdmin, lawyer: sandik.RoleLawyer,
	} {
		u := sandik.User{ID: sandik.UserID(id), Name: id, Role: role}
		if role == sandik.RoleObserver {
			u.Areas = reg.Roots() // observers of every box; scope_test.go narrows them
		}
		tok, err := c.CreateUser(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[id] = tok
	}
	cfg := Config{Center: c, Logger: log}
	for _, f := range adjust {
		f(&cfg)
	}
	e.srv = New(cfg)
	e.http = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.http.Close)
	t.Cleanup(e.srv.Close) // end live streams first, or Close waits for them
	return e
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request as user ("" for none); body is JSON-encoded unless it
// is a string or []byte.
func (e *env) do(method, path, user string, body any, header ...string) response {
	e.t.Helper()
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
			e.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.http.URL+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// decode reads the JSON answer into v, failing on a status other than want.
func (r response) decode(t testing.TB, want int, v any) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body: %s", r.status, want, r.body)
	}
	if v == nil {
		return
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// apiError reads an error answer with the wanted status.
func (r response) apiError(t testing.TB, want int) errorDetail {
	t.Helper()
	var b errorBody
	r.decode(t, want, &b)
	if b.Error.Code == "" || b.Error.Message == "" {
		t.Fatalf("error body without code or message: %s", r.body)
	}
	return b.Error
}

// hasProblem fails unless d names field with rule.
func hasProblem(t testing.TB, d errorDetail, field, rule string) {
	t.Helper()
	for _, p := range d.Problems {
		if p.Field == field && (rule == "" || p.Rule == rule) {
			return
		}
	}
	t.Fatalf("no problem %s/%s among %+v", field, rule, d.Problems)
}

// sheet is a valid result sheet for the fixture's races: 300 registered,
// 3 invalid, votes as given.
func sheet(id, raceCode, box string, chp, akp, sp int64) map[string]any {
	valid := chp + akp + sp
	return map[string]any{
		"id": id, "race": raceCode, "box": box,
		"registered": 300, "voted": valid + 3,
		"valid_without_objection": valid, "valid_upon_objection": 0,
		"valid_total": valid, "invalid_total": 3,
		"votes": map[string]int64{"CHP": chp, "AKP": akp, "SP": sp},
	}
}

// receipt submits one sheet as user and returns its receipt.
func (e *env) submit(user string, body map[string]any) receiptJSON {
	e.t.Helper()
	var rec receiptJSON
	e.do("POST", "/api/v1/submissions", user, body).decode(e.t, http.StatusCreated, &rec)
	return rec
}

// settle waits until the tally reflects seq.
func (e *env) settle(seq int64) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.t.Context(), 10*time.Second)
	defer cancel()
	if err := e.center.WaitFor(ctx, seq); err != nil {
		e.t.Fatalf("tally did not reach seq %d: %v", seq, err)
	}
}

func (e *env) lastSeq() int64 {
	e.t.Helper()
	n, err := e.store.LastSeq(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Views of the answers as a client reads them: sandik.BoxStatus and
// sandik.Kind have no UnmarshalText, so they are read as strings.
type (
	receiptView struct {
		receiptJSON
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
