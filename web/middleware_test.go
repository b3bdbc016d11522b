package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

func TestAuthRequired(t *testing.T) {
	e := newEnv(t)
	for _, p := range e.srv.patterns {
		method, path, ok := strings.Cut(p, " ")
		if !ok || !strings.HasPrefix(path, "/api/v1/") || path == "/api/v1/openapi.yaml" {
			continue
		}
		path = strings.NewReplacer("{race}", raceIST, "{area}", "34", "{box}", box1, "{code}", "34", "{id}", "x").Replace(path)
		for _, auth := range []string{"", "Bearer", "Bearer ", "Basic b2JzMTpzZWNyZXQ=", "Bearer sdk_not-a-token"} {
			r := e.do(method, path, "", sheet("auth-1", raceIST, box1, 100, 90, 10), "Authorization", auth)
			d := r.apiError(t, http.StatusUnauthorized)
			if d.Code != sandik.EUnauthorized || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s with %q: code %s, WWW-Authenticate %q", p, auth, d.Code, r.header.Get("WWW-Authenticate"))
			}
		}
	}
	if n := e.lastSeq(); n != 0 {
		t.Errorf("unauthenticated requests wrote %d submissions", n)
	}
	// The scheme is case-insensitive (RFC 7235).
	e.do("GET", "/api/v1/races", "", nil, "Authorization", "bearer "+e.tokens[observer1]).decode(t, http.StatusOK, nil)
}

// authMatrix says, for every route, which roles may use it (with a valid
// request). A route missing here fails the test.
var authMatrix = map[string][]sandik.Role{
	"POST /api/v1/submissions":                           submitters,
	"POST /api/v1/submissions/batch":                     submitters,
	"GET /api/v1/submissions/{id}":                       allRoles,
	"GET /api/v1/races":                                  allRoles,
	"GET /api/v1/races/{race}":                           allRoles,
	"GET /api/v1/races/{race}/totals/{area}":             allRoles,
	"GET /api/v1/races/{race}/conflicts":                 allRoles,
	"GET /api/v1/races/{race}/boxes/{box}":               allRoles,
	"POST /api/v1/races/{race}/boxes/{box}/adjudication": {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /api/v1/races/{race}/comparison/{area}":         allRoles, // verified basis; provisional is tested apart
	"GET /api/v1/races/{race}/anomalies/{area}":          allRoles, // official basis; provisional is tested apart
	"GET /api/v1/anomaly-thresholds":                     allRoles,
	"PUT /api/v1/anomaly-thresholds":                     {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /api/v1/races/{race}/margins":                   caseRoles,
	"POST /api/v1/races/{race}/cases/from-discrepancies": caseRoles,
	"GET /api/v1/cases":                                  caseRoles,
	"POST /api/v1/cases":                                 caseRoles,
	"GET /api/v1/cases/{id}":                             caseRoles,
	"POST /api/v1/cases/{id}/changes":                    caseRoles,
	"POST /api/v1/cases/{id}/evidence":                   caseRoles,
	"GET /api/v1/cases/{id}/petition":                    caseRoles,
	"GET /api/v1/evidence/{sha256}":                      caseRoles,
	"GET /api/v1/deadlines":                              caseRoles,
	"GET /api/v1/areas":                                  allRoles,
	"GET /api/v1/areas/{code}":                           allRoles,
	"GET /api/v1/openapi.yaml":                           nil, // public
	"GET /healthz":                                       nil,
	"GET /metrics":                                       nil,
	"/":                                                  nil,
}

var (
	allRoles   = []sandik.Role{sandik.RoleObserver, sandik.RoleVolunteer, sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer}
	submitters = []sandik.Role{sandik.RoleObserver, sandik.RoleVolunteer, sandik.RoleCoordinator, sandik.RoleAdmin}
	caseRoles  = []sandik.Role{sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer}
)

func TestAuthMatrix(t *testing.T) {
	e := newEnv(t)
	users := map[sandik.Role]string{sandik.RoleObserver: observer1, sandik.RoleVolunteer: volunteer, sandik.RoleCoordinator: coordinator,
		sandik.RoleAdmin: admin, sandik.RoleLawyer: lawyer}
	fx := newCaseFixture(e)
	n := 0
	for _, p := range e.srv.patterns {
		if isPageRoute(p) {
			continue // pageAuthMatrix (page_test.go) covers pages
		}
		allowed, ok := authMatrix[p]
		if !ok {
			t.Errorf("route %s has no entry in the authorisation matrix", p)
			continue
		}
		method, path, ok := strings.Cut(p, " ")
		if !ok || allowed == nil {
			continue
		}
		for _, role := range allRoles {
			n++
			user := users[role]
			owner := user
			if role == sandik.RoleLawyer {
				owner = coordinator // lawyers enter no sheets of their own
			}
			path := strings.NewReplacer("{race}", raceIST, "{area}", "34", "{box}", box1, "{code}", "34", "{id}", "m-"+owner).Replace(path)
			var body any
			var header []string
			if strings.Contains(p, "/cases") || strings.Contains(p, "/evidence/") {
				path, body, header = fx.request(p)
			}
			switch {
			case body != nil:
			case p == "PUT /api/v1/anomaly-thresholds":
				body = thresholdsBody(e) // on the version saved so far
			case strings.HasSuffix(path, "/batch"):
				body = map[string]any{"items": []any{sheet("mb-"+user, raceIST, box2, 100, 90, 10)}}
			case strings.HasSuffix(path, "/adjudication"):
				b := sheet("ma-"+user, raceIST, box1, 100, 90, 10)
				b["reason"] = "matrix"
				body = b
			case method == "POST":
				body = sheet("m-"+user, raceIST, box1, 100, 90, 10)
			}
			r := e.do(method, path, user, body, header...)
			want := slicesContains(allowed, role)
			if got := r.status < 300; got != want {
				t.Errorf("%s as %s: status %d, allowed %v: %s", p, role, r.status, want, r.body)
			}
			if !want && r.status != http.StatusForbidden {
				t.Errorf("%s as %s: status %d, want 403", p, role, r.status)
			}
		}
	}
	if n == 0 {
		t.Fatal("no route checked")
	}
}

func slicesContains(rs []sandik.Role, r sandik.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	e := newEnv(t)
	if d := e.do("GET", "/api/v1/nothing", observer1, nil).apiError(t, http.StatusNotFound); d.Code != sandik.ENotFound {
		t.Errorf("code = %s", d.Code)
	}
	r := e.do("DELETE", "/api/v1/submissions", observer1, nil)
	if d := r.apiError(t, http.StatusMethodNotAllowed); d.Code != eMethodNotAllowed || r.header.Get("Allow") != "POST" {
		t.Errorf("code %s, Allow %q", d.Code, r.header.Get("Allow"))
	}
	r = e.do("POST", "/api/v1/races", observer1, "{}")
	if r.apiError(t, http.StatusMethodNotAllowed); r.header.Get("Allow") != "GET, HEAD" {
		t.Errorf("Allow %q", r.header.Get("Allow"))
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	for _, r := range []response{
		e.do("GET", "/api/v1/races", observer1, nil),
		e.do("GET", "/api/v1/races", "", nil),
		e.do("GET", "/nothing", "", nil),
		e.do("GET", "/healthz", "", nil),
	} {
		for _, h := range securityHeaders {
			if h.name == "Cache-Control" {
				continue
			}
			if got := r.header.Get(h.name); got != h.value[0] {
				t.Errorf("status %d: %s = %q, want %q", r.status, h.name, got, h.value[0])
			}
		}
	}
}

// Logs carry the route and the user but never a token.
func TestLogsHoldNoToken(t *testing.T) {
	e := newEnv(t)
	e.submit(observer1, sheet("l-1", raceIST, box1, 100, 90, 10))
	e.do("GET", "/api/v1/races", "", nil, "Authorization", "Bearer sdk_secret-guess")
	logs := e.logs.String()
	if !strings.Contains(logs, `"route":"POST /api/v1/submissions"`) || !strings.Contains(logs, `"user":"obs1"`) || !strings.Contains(logs, `"status":201`) {
		t.Errorf("request log missing fields:\n%s", logs)
	}
	for _, secret := range []string{e.tokens[observer1], "sdk_secret-guess", "Bearer"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}

// An infrastructure failure answers 500 without its details and is logged.
func TestInternalErrorDoesNotLeak(t *testing.T) {
	e := newEnv(t)
	e.store.Close()
	d := e.do("POST", "/api/v1/submissions", observer1, sheet("i-1", raceIST, box1, 100, 90, 10)).apiError(t, http.StatusInternalServerError)
	if d.Code != sandik.EInternal || d.Message != "internal error" || len(d.Problems) != 0 {
		t.Errorf("internal error answered %+v", d)
	}
	if !strings.Contains(e.logs.String(), `"msg":"request failed"`) {
		t.Errorf("internal error not logged")
	}
}

func TestPanicIsRecovered(t *testing.T) {
	e := newEnv(t)
	e.srv.handle("GET /test/panic", func(w http.ResponseWriter, r *http.Request) error { panic("boom") })
	d := e.do("GET", "/test/panic", "", nil).apiError(t, http.StatusInternalServerError)
	if strings.Contains(d.Message, "boom") {
		t.Errorf("panic value leaked: %q", d.Message)
	}
}

// Beyond MaxInFlightWrites the answer is an immediate 503.
func TestWriteSlots(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxInFlightWrites = 1 })
	entered, release := make(chan struct{}), make(chan struct{})
	h := e.srv.write(func(w http.ResponseWriter, r *http.Request, _ sandik.User) error {
		close(entered)
		<-release
		return nil
	})
	done := make(chan error)
	u := sandik.User{ID: "x", Role: sandik.RoleObserver}
	go func() { done <- h(httptest.NewRecorder(), httptest.NewRequest("POST", "/", nil), u) }()
	<-entered
	err := h(httptest.NewRecorder(), httptest.NewRequest("POST", "/", nil), u)
	if sandik.CodeOf(err) != sandik.EUnavailable {
		t.Errorf("second write while the slot is taken: %v", err)
	}
	rec := httptest.NewRecorder()
	e.srv.writeError(rec, httptest.NewRequest("POST", "/", nil), err)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("answer %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	body := sheet("mt-1", raceIST, box1, 100, 90, 10)
	rec := e.submit(observer1, body)
	e.do("POST", "/api/v1/submissions", observer1, body).decode(t, http.StatusOK, nil)
	body["voted"] = 1
	body["id"] = "mt-2"
	e.do("POST", "/api/v1/submissions", observer1, body).apiError(t, http.StatusUnprocessableEntity)
	e.settle(rec.Seq)
	r := e.do("GET", "/metrics", "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("metrics: %d", r.status)
	}
	text := string(r.body)
	for _, want := range []string{
		`sandik_submissions_total{kind="entry",result="accepted"} 1`,
		`sandik_submissions_total{kind="entry",result="replayed"} 1`,
		`sandik_submissions_total{kind="entry",result="rejected"} 1`,
		`sandik_http_request_duration_seconds_count{code="201",route="POST /api/v1/submissions"} 1`,
		`sandik_http_request_duration_seconds_count{code="422",route="POST /api/v1/submissions"} 1`,
		`sandik_tally_seq 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// With a token configured, /metrics needs it.
	e = newEnv(t, func(c *Config) { c.MetricsToken = "scrape-secret" })
	e.do("GET", "/metrics", "", nil).apiError(t, http.StatusUnauthorized)
	if r := e.do("GET", "/metrics", "", nil, "Authorization", "Bearer scrape-secret"); r.status != http.StatusOK {
		t.Errorf("metrics with token: %d", r.status)
	}
}

func TestHTTPServerHardened(t *testing.T) {
	e := newEnv(t)
	hs := e.srv.HTTPServer(":0")
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.WriteTimeout <= 0 || hs.IdleTimeout <= 0 || hs.MaxHeaderBytes <= 0 || hs.Handler == nil || hs.ErrorLog == nil {
		t.Errorf("http.Server = %+v", hs)
	}
	if hs.WriteTimeout <= DefaultWaitTimeout {
		t.Errorf("write timeout %s does not leave room for ?wait", hs.WriteTimeout)
	}
}
