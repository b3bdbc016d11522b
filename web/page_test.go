package web

import (
	"bytes"
	"encoding/json"
	"github.com/sandik-dev/sandik"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// isPageRoute tells the pages' routes from the API's.
func isPageRoute(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	return pattern != "/" && !strings.HasPrefix(path, "/api/") && path != "/healthz" && path != "/metrics"
}

// browser is a client with cookies, signed in as one user.
type browser struct {
	t    testing.TB
	e    *env
	c    *http.Client
	user string
}

func (e *env) browser(user string) *browser {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	b := &browser{t: e.t, e: e, c: c, user: user}
	if user != "" {
		r := b.post("/login", url.Values{"token": {e.tokens[user]}, "next": {"/"}})
		if r.status != http.StatusSeeOther {
			e.t.Fatalf("login as %s: %d %s", user, r.status, r.body)
		}
	}
	return b
}

func (b *browser) send(req *http.Request) response {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

func (b *browser) get(path string, header ...string) response {
	b.t.Helper()
	req, _ := http.NewRequestWithContext(b.t.Context(), "GET", b.e.http.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.send(req)
}

func (b *browser) post(path string, form url.Values, header ...string) response {
	b.t.Helper()
	req, _ := http.NewRequestWithContext(b.t.Context(), "POST", b.e.http.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.send(req)
}

func (b *browser) postJSON(path string, v any, header ...string) response {
	b.t.Helper()
	data, _ := json.Marshal(v)
	req, _ := http.NewRequestWithContext(b.t.Context(), "POST", b.e.http.URL+path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.send(req)
}

// page fetches a page and fails unless it answers want.
func (b *browser) page(path string, want int) string {
	b.t.Helper()
	r := b.get(path)
	if r.status != want {
		b.t.Fatalf("GET %s as %s: %d, want %d: %.300s", path, b.user, r.status, want, r.body)
	}
	return string(r.body)
}

func mustContain(t testing.TB, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Fatalf("page lacks %q:\n%.2000s", p, body)
		}
	}
}

func TestLoginSetsStrictSessionCookie(t *testing.T) {
	e := newEnv(t)
	b := e.browser("")
	r := b.get("/races/" + raceIST + "/areas/34")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous overview: %d to %q", r.status, r.header.Get("Location"))
	}
	mustContain(t, b.page("/login", http.StatusOK), `type="password"`, `<label for="token">API anahtarı</label>`)
	r = b.post("/login", url.Values{"token": {"sdk_wrong"}})
	if r.status != http.StatusUnauthorized {
		t.Fatalf("bad token: %d", r.status)
	}
	mustContain(t, string(r.body), "Anahtar geçerli değil.")
	r = b.post("/login", url.Values{"token": {e.tokens[coordinator]}, "next": {"//evil.example/x"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
		t.Fatalf("login: %d to %q (an off-site next must become /)", r.status, r.header.Get("Location"))
	}
	ck := r.header.Get("Set-Cookie")
	for _, want := range []string{"sandik_session=", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(ck, want) {
			t.Fatalf("cookie %q lacks %s", ck, want)
		}
	}
	if strings.Contains(ck, e.tokens[coordinator]) {
		t.Fatal("the cookie carries the API token")
	}
	if e.srv.sessions.count() != 1 {
		t.Fatalf("%d sessions, want 1", e.srv.sessions.count())
	}
	// Home sends a coordinator to the first race's overview.
	if r := b.get("/"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/races/IST-BB/areas/34" {
		t.Fatalf("home: %d to %q", r.status, r.header.Get("Location"))
	}
	// Logout ends the session on the server: the old cookie no longer works.
	old := b.c.Jar.Cookies(mustURL(t, e.http.URL))
	if r := b.post("/logout", nil); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	if e.srv.sessions.count() != 0 {
		t.Fatal("session kept after logout")
	}
	b.c.Jar.SetCookies(mustURL(t, e.http.URL), old)
	if r := b.get("/entry"); r.status != http.StatusSeeOther {
		t.Fatalf("old cookie after logout: %d", r.status)
	}
}

func mustURL(t testing.TB, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestTokenResetEndsSessions(t *testing.T) {
	e := newEnv(t)
	b := e.browser(observer1)
	b.page("/entry", http.StatusOK)
	if _, err := e.center.ResetToken(t.Context(), observer1); err != nil {
		t.Fatal(err)
	}
	if r := b.get("/entry"); r.status != http.StatusSeeOther {
		t.Fatalf("after token reset: %d, want a redirect to login", r.status)
	}
}

func TestCrossOriginPostsRefused(t *testing.T) {
	e := newEnv(t)
	b := e.browser(coordinator)
	for _, path := range []string{"/login", "/logout", "/entry", "/races/" + raceIST + "/boxes/" + box1 + "/adjudicate"} {
		r := b.post(path, url.Values{"token": {e.tokens[coordinator]}}, "Sec-Fetch-Site", "cross-site")
		if r.status != http.StatusForbidden {
			t.Errorf("cross-site POST %s: %d, want 403", path, r.status)
		}
	}
	if e.srv.sessions.count() != 1 {
		t.Fatal("a cross-site login or logout changed the sessions")
	}
}

// pageAuthMatrix: who may open each page (nil: anyone, signed in or not).
var pageAuthMatrix = map[string][]sandik.Role{
	"GET /login":                          nil,
	"POST /login":                         nil,
	"POST /logout":                        nil,
	"GET /lang/{lang}":                    nil,
	"GET /static/":                        nil,
	"GET /{$}":                            allRoles,
	"GET /races/{race}/areas/{area}":      {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /races/{race}/areas/{area}/live": {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /races/{race}/areas/{area}/export.csv":  {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /races/{race}/areas/{area}/export.xlsx": {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /races/{race}/boxes/{box}":              allRoles,
	"GET /races/{race}/boxes/{box}/live":         allRoles,
	"POST /races/{race}/boxes/{box}/adjudicate":  {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /races/{race}/conflicts":                {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /races/{race}/conflicts/live":           {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /entry":                                 allRoles,
	"GET /entry/boxes":                           allRoles,
	"POST /entry":                                submitters,

	"GET /races/{race}/areas/{area}/comparison":     {sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer},
	"GET /races/{race}/areas/{area}/comparison.csv": {sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer},
	"POST /races/{race}/areas/{area}/cases":         caseRoles,
	"GET /itiraz":                                   caseRoles,
	"GET /itiraz.csv":                               caseRoles,
	"GET /itiraz/{id}":                              caseRoles,
	"POST /itiraz/{id}":                             caseRoles,
	"POST /itiraz/{id}/evidence":                    caseRoles,
	"GET /itiraz/{id}/petition":                     caseRoles,
	"GET /evidence/{sha256}":                        caseRoles,

	"POST /races/{race}/areas/{area}/comparison/thresholds": {sandik.RoleCoordinator, sandik.RoleAdmin},
}

func TestPageAuthMatrix(t *testing.T) {
	e := newEnv(t)
	e.settle(e.submit(observer1, sheet("pm-1", raceIST, box1, 100, 90, 10)).Seq)
	users := map[sandik.Role]string{sandik.RoleObserver: observer2, sandik.RoleVolunteer: volunteer, sandik.RoleCoordinator: coordinator,
		sandik.RoleAdmin: admin, sandik.RoleLawyer: lawyer}
	fx := newCaseFixture(e)
	anon := e.browser("")
	checked := 0
	for _, p := range e.srv.patterns {
		if !isPageRoute(p) {
			continue
		}
		allowed, ok := pageAuthMatrix[p]
		if !ok {
			t.Errorf("page %s has no entry in pageAuthMatrix", p)
			continue
		}
		if allowed == nil {
			continue
		}
		method, path, _ := strings.Cut(p, " ")
		path = strings.NewReplacer("{race}", raceIST, "{area}", "34", "{box}", box1, "{$}", "", "{id}", string(fx.id), "{sha256}", fx.evidence).Replace(path)
		if strings.HasSuffix(path, "/live") {
			continue // streams: TestLiveOverview
		}
		if path == "/entry/boxes" {
			path += "?race=" + raceIST + "&q=1001"
		}
		// Without a session every protected page sends to the login page.
		if r := anonRequest(anon, method, path); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("%s anonymous: %d to %q", p, r.status, r.header.Get("Location"))
		}
		for role, user := range users {
			checked++
			b := e.browser(user)
			var r response
			switch {
			case p == "POST /itiraz/{id}":
				// A fresh draft per user, so that each may file it.
				c := fx.draft()
				r = b.post("/itiraz/"+string(c.ID), url.Values{"version": {"1"}, "kind": {"filed"}})
			case p == "POST /itiraz/{id}/evidence":
				r = b.upload(path, fx.version(), "ek.txt", "text/plain", "matrix")
			case p == "POST /races/{race}/areas/{area}/comparison/thresholds":
				r = b.post(path, thresholdsForm(e)) // on the version saved so far
			case p == "POST /races/{race}/areas/{area}/cases":
				r = b.post(path, url.Values{"box": {box3}, "filer": {"matrix"}})
			case path == "/entry" && method == "POST":
				r = b.postJSON(path, sheet("pm-"+user, raceIST, box2, 100, 90, 10))
			case method == "POST":
				r = b.post(path, url.Values{"entry": {"1"}, "reason": {"matrix"}, "id": {"pm-adj-" + user}, "back": {"/"}})
			default:
				r = b.get(path)
			}
			want := slicesContains(allowed, role)
			if got := r.status < 400; got != want {
				t.Errorf("%s as %s: %d, allowed %v: %.200s", p, role, r.status, want, r.body)
			}
			if !want && r.status != http.StatusForbidden {
				t.Errorf("%s as %s: %d, want 403", p, role, r.status)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no page checked")
	}
}

func anonRequest(b *browser, method, path string) response {
	if method == "POST" {
		return b.post(path, url.Values{})
	}
	return b.get(path)
}

func sandikProblem(rule string, want, got *int64) sandik.Problem {
	return sandik.Problem{Field: "x", Rule: rule, Want: want, Got: got}
}

// upload posts one file as the case page's evidence form does.
func (b *browser) upload(path string, version int, name, mediaType, content string) response {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("version", strconv.Itoa(version))
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", mediaType)
	part, _ := mw.CreatePart(h)
	part.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequestWithContext(b.t.Context(), "POST", b.e.http.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.send(req)
}
