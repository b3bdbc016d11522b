package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/store/sqlite"
)

// Sessions live in the store: these tests run two instances — each its
// own store, Center and Server — over one SQLite file, the way several
// `sandik serve` share a PostgreSQL database behind a load balancer. (The
// store conformance suite runs the same sharing against PostgreSQL.)

// secondInstance starts another server over e's database file, with the
// same users and tokens.
func (e *env) secondInstance(t *testing.T) *env {
	t.Helper()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: e.store.Path()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c, err := center.Open(ctx, center.Config{Store: st, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	f := &env{t: t, center: c, store: st, logs: &syncBuffer{}, tokens: e.tokens}
	f.srv = New(Config{Center: c})
	f.http = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.http.Close)
	t.Cleanup(f.srv.Close)
	return f
}

// on returns b as seen by another instance: the same browser, cookies and
// all (a cookie jar tells hosts apart, not ports), talking to f.
func (b *browser) on(f *env) *browser {
	return &browser{t: b.t, e: f, c: b.c, user: b.user}
}

// sessionCookie returns the session cookie b holds for e ("" if none).
func (b *browser) sessionCookie() string {
	for _, c := range b.c.Jar.Cookies(mustURL(b.t, b.e.http.URL)) {
		if c.Name == "sandik_session" {
			return c.Value
		}
	}
	return ""
}

// withCookie returns a fresh browser for e that holds only the session
// cookie value.
func (e *env) withCookie(value string) *browser {
	e.t.Helper()
	b := e.browser("")
	b.c.Jar.SetCookies(mustURL(e.t, e.http.URL), []*http.Cookie{{Name: "sandik_session", Value: value, Path: "/"}})
	return b
}

// signedIn reports whether b's session lets it open the entry page.
func (b *browser) signedIn() bool {
	b.t.Helper()
	switch r := b.get("/entry"); {
	case r.status == http.StatusOK:
		return true
	case r.status == http.StatusSeeOther && strings.HasPrefix(r.header.Get("Location"), "/login"):
		return false
	default:
		b.t.Fatalf("GET /entry: %d %.200s", r.status, r.body)
		return false
	}
}

// clock is a settable time shared by both instances' sessions.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func (c *clock) use(envs ...*env) {
	for _, e := range envs {
		e.srv.sessions.now = c.Now
	}
}

func TestSessionSharedByInstances(t *testing.T) {
	a := newEnv(t)
	b := a.secondInstance(t)
	onA := a.browser(coordinator)
	onB := onA.on(b)
	if !onB.signedIn() {
		t.Fatal("a session opened on instance A is unknown to instance B")
	}
	mustContain(t, onB.page("/races/"+raceIST+"/areas/34", http.StatusOK), "("+coordinator+")")
	// Logout on B ends the session on A too, even for a copy of the cookie.
	id := onA.sessionCookie()
	if r := onB.post("/logout", nil); r.status != http.StatusSeeOther {
		t.Fatalf("logout on B: %d", r.status)
	}
	if a.withCookie(id).signedIn() {
		t.Fatal("instance A still accepts a session ended on instance B")
	}
	if n := a.srv.sessions.count(); n != 0 {
		t.Fatalf("%d sessions stored after the only one ended", n)
	}
}

func TestSessionIDRotatedAtLogin(t *testing.T) {
	a := newEnv(t)
	b := a.secondInstance(t)
	br := a.browser(observer1)
	first := br.sessionCookie()
	if r := br.post("/login", url.Values{"token": {a.tokens[observer1]}}); r.status != http.StatusSeeOther {
		t.Fatalf("second login: %d", r.status)
	}
	second := br.sessionCookie()
	if first == "" || second == "" || first == second {
		t.Fatalf("session ids %q then %q: a login must issue a fresh one", first, second)
	}
	if !br.signedIn() || !br.on(b).signedIn() {
		t.Fatal("the new session does not work")
	}
	for _, e := range []*env{a, b} {
		if e.withCookie(first).signedIn() {
			t.Fatal("the id from before the login still works")
		}
	}
	if n := a.srv.sessions.count(); n != 1 {
		t.Fatalf("%d sessions stored, want 1: the login must end the one it replaced", n)
	}
}

// A token reset ends the sessions it opened on every instance at once, not
// after the Center's token cache expires.
func TestTokenResetEndsSessionsOnEveryInstance(t *testing.T) {
	a := newEnv(t)
	b := a.secondInstance(t)
	obs := a.browser(observer1)
	vol := a.browser(volunteer)
	coord := a.browser(coordinator)
	for _, br := range []*browser{obs, vol, coord} {
		if !br.on(b).signedIn() {
			t.Fatalf("%s not signed in on instance B", br.user)
		}
	}
	// Through a Center, as the admin API does…
	if _, err := a.center.ResetToken(t.Context(), observer1); err != nil {
		t.Fatal(err)
	}
	// …and straight in the store, as `sandik user token` in another
	// process does.
	if err := b.store.SetToken(t.Context(), volunteer, center.HashToken(center.NewToken())); err != nil {
		t.Fatal(err)
	}
	for _, br := range []*browser{obs, vol} {
		if br.signedIn() || br.on(b).signedIn() {
			t.Fatalf("%s's session outlived the token reset", br.user)
		}
	}
	if !coord.signedIn() || !coord.on(b).signedIn() {
		t.Fatal("another user's session ended with the reset")
	}
}

func TestSessionExpiryAcrossInstances(t *testing.T) {
	a := newEnv(t)
	b := a.secondInstance(t)
	clk := &clock{now: testNow}
	clk.use(a, b)
	br := a.browser(observer1)
	key := sha256.Sum256([]byte(br.sessionCookie()))
	seen := func() time.Time {
		t.Helper()
		s, _, err := a.store.SessionUser(t.Context(), key)
		if err != nil {
			t.Fatalf("the session is gone from the store: %v", err)
		}
		return s.Seen
	}
	// Last seen is written only once it is a minute stale.
	clk.advance(30 * time.Second)
	if !br.on(b).signedIn() {
		t.Fatal("signed out after 30 s")
	}
	if got := seen(); !got.Equal(testNow) {
		t.Fatalf("last seen %v after a use 30 s in: written too soon", got)
	}
	clk.advance(31 * time.Second)
	if !br.on(b).signedIn() {
		t.Fatal("signed out after 61 s")
	}
	if got, want := seen(), testNow.Add(61*time.Second); !got.Equal(want) {
		t.Fatalf("last seen %v, want %v", got, want)
	}
	// Use on one instance keeps the session alive on the other.
	for i := range 3 {
		clk.advance(11 * time.Hour)
		who := []*browser{br, br.on(b)}[i%2]
		if !who.signedIn() {
			t.Fatalf("signed out after %d busy stretches of 11 h", i+1)
		}
	}
	// Absolute expiry: 36 hours after sign-in it ends however busy.
	clk.advance(3 * time.Hour)
	if br.on(b).signedIn() || br.signedIn() {
		t.Fatal("a session lived past 36 hours")
	}
	if n := a.srv.sessions.count(); n != 0 {
		t.Fatalf("%d sessions stored after the only one expired", n)
	}
	// Idle expiry: 12 hours unused ends it, on both instances.
	br = a.browser(observer1)
	clk.advance(sessionIdle + time.Second)
	if br.on(b).signedIn() || br.signedIn() {
		t.Fatal("a session lived past 12 idle hours")
	}
}

// Expired sessions are refused even while the store still holds them,
// and the next sign-in deletes them.
func TestExpiredSessionsRefusedThenSwept(t *testing.T) {
	a := newEnv(t)
	b := a.secondInstance(t)
	clk := &clock{now: testNow}
	clk.use(a, b)
	old := []*browser{a.browser(observer1), a.browser(observer2), b.browser(volunteer)}
	clk.advance(sessionIdle + time.Minute)
	fresh := b.browser(coordinator) // sweeps the three expired ones
	if n := b.srv.sessions.count(); n != 1 {
		t.Fatalf("%d sessions stored after the sweep, want 1", n)
	}
	for _, br := range old {
		if br.signedIn() {
			t.Fatalf("%s's expired session accepted", br.user)
		}
	}
	if !fresh.on(a).signedIn() {
		t.Fatal("the fresh session is refused")
	}
}

func TestForgedSessionCookiesRefused(t *testing.T) {
	a := newEnv(t)
	b := a.secondInstance(t)
	genuine := a.browser(coordinator)
	stored := sha256.Sum256([]byte(genuine.sessionCookie()))
	random := make([]byte, 32)
	rand.Read(random)
	for name, value := range map[string]string{
		"random id of the right shape": base64.RawURLEncoding.EncodeToString(random),
		// A copy of the database gives the hash, which is no cookie.
		"the stored hash":         base64.RawURLEncoding.EncodeToString(stored[:]),
		"the API token":           a.tokens[coordinator],
		"a real id with a suffix": genuine.sessionCookie() + "A",
		"a real id cut short":     genuine.sessionCookie()[:sessionIDLen-1],
		"not base64":              strings.Repeat("!", sessionIDLen),
	} {
		for _, e := range []*env{a, b} {
			if e.withCookie(value).signedIn() {
				t.Errorf("%s accepted as a session", name)
			}
		}
	}
	if !genuine.on(b).signedIn() {
		t.Fatal("the real session stopped working")
	}
}

// The database holds only hashes: neither a session id nor the token
// that opened it appears in the file or its WAL.
func TestDatabaseHoldsNoRawSessionID(t *testing.T) {
	a := newEnv(t)
	b := a.secondInstance(t)
	var ids []string
	for _, u := range []string{observer1, coordinator, admin} {
		ids = append(ids, a.browser(u).sessionCookie(), b.browser(u).sessionCookie())
	}
	var data []byte
	for _, p := range []string{a.store.Path(), a.store.Path() + "-wal"} {
		d, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		data = append(data, d...)
	}
	for _, id := range ids {
		raw, err := base64.RawURLEncoding.DecodeString(id)
		if err != nil || len(raw) != 32 {
			t.Fatalf("session id %q is not 32 bytes of base64url", id)
		}
		if bytes.Contains(data, []byte(id)) || bytes.Contains(data, raw) {
			t.Fatal("the database holds a raw session id")
		}
		// The search finds what is there: the hash is stored.
		h := sha256.Sum256([]byte(id))
		if !bytes.Contains(data, h[:]) {
			t.Fatal("the session's hash is not in the files searched; the search proves nothing")
		}
	}
	for _, tok := range a.tokens {
		if bytes.Contains(data, []byte(tok)) {
			t.Fatal("the database holds an API token")
		}
	}
}

// A wall screen's live stream on one instance ends when its session is
// ended on another.
func TestStreamEndsWhenSessionEndsElsewhere(t *testing.T) {
	a := newEnv(t, func(c *Config) { c.keepAlive = 20 * time.Millisecond })
	b := a.secondInstance(t)
	wall := a.browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := wall.stream(ctx, "/races/"+raceIST+"/areas/34/live")
	s.next(t)
	if r := wall.on(b).post("/logout", nil); r.status != http.StatusSeeOther {
		t.Fatalf("logout on B: %d", r.status)
	}
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return
			}
		case <-deadline.C:
			t.Fatal("the stream on A is still open 10 s after logout on B")
		}
	}
}

// When the store cannot be written, logout says so and keeps the cookie
// rather than pretending the session ended; nothing signs in.
func TestLogoutFailureKeepsTheCookie(t *testing.T) {
	a := newEnv(t)
	br := a.browser(coordinator)
	if err := a.store.Close(); err != nil {
		t.Fatal(err)
	}
	r := br.post("/logout", nil)
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("logout with the store closed: %d, want 503", r.status)
	}
	if ck := r.header.Get("Set-Cookie"); ck != "" {
		t.Fatalf("logout that failed cleared the cookie: %q", ck)
	}
	if br.signedIn() {
		t.Fatal("signed in with no store to read the session from")
	}
	if r := br.post("/login", url.Values{"token": {a.tokens[coordinator]}}); r.status < 500 || br.sessionCookie() == "" {
		t.Fatalf("login with the store closed: %d, cookie %q; want a failure that leaves the cookie", r.status, br.sessionCookie())
	}
}

// The cookie keeps its rules now that the session lives in the store.
func TestSessionCookieRules(t *testing.T) {
	a := newEnv(t)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(a.http.URL+"/login", url.Values{"token": {a.tokens[observer1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cks := resp.Cookies()
	if len(cks) != 1 {
		t.Fatalf("login set %d cookies", len(cks))
	}
	ck := cks[0]
	if ck.Name != "sandik_session" || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" ||
		ck.Secure || ck.Domain != "" || ck.MaxAge != int(sessionAbsolute/time.Second) || len(ck.Value) != sessionIDLen {
		t.Fatalf("session cookie %+v", ck)
	}
}
