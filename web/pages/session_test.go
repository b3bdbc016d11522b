package pages

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
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// Sessions live in the store: these tests run two instances — each its
// own store, Center and pages — over one SQLite file, the way several
// `sandik serve` share a PostgreSQL database behind a load balancer. (The
// store conformance suite runs the same sharing against PostgreSQL.)

// secondInstance starts another server over e's database file, with the
// same users and tokens.
func (e *env) secondInstance(t *testing.T) *env {
	t.Helper()
	f := &env{}
	f.Env = e.Second(t, f.mount())
	return f
}

// sessionCookie returns the session cookie b holds for e ("" if none).
func sessionCookie(b *webtest.Browser) string {
	for _, c := range b.Client.Jar.Cookies(webtest.MustURL(b.T, b.Env.HTTP.URL)) {
		if c.Name == "sandik_session" {
			return c.Value
		}
	}
	return ""
}

// withCookie returns a fresh browser for e that holds only the session
// cookie value.
func (e *env) withCookie(value string) *webtest.Browser {
	e.T.Helper()
	b := e.Browser("")
	b.Client.Jar.SetCookies(webtest.MustURL(e.T, e.HTTP.URL), []*http.Cookie{{Name: "sandik_session", Value: value, Path: "/"}})
	return b
}

// signedIn reports whether b's session lets it open the entry page.
func signedIn(b *webtest.Browser) bool {
	b.T.Helper()
	switch r := b.Get("/entry"); {
	case r.Status == http.StatusOK:
		return true
	case r.Status == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/login"):
		return false
	default:
		b.T.Fatalf("GET /entry: %d %.200s", r.Status, r.Body)
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
		e.pages.sessions.now = c.Now
	}
}

func TestSessionSharedByInstances(t *testing.T) {
	a := newEnv(t)
	b := a.secondInstance(t)
	onA := a.Browser(coordinator)
	onB := onA.On(b.Env)
	if !signedIn(onB) {
		t.Fatal("a session opened on instance A is unknown to instance B")
	}
	webtest.MustContain(t, onB.Page("/races/"+raceIST+"/areas/34", http.StatusOK), "("+coordinator+")")
	// Logout on B ends the session on A too, even for a copy of the cookie.
	id := sessionCookie(onA)
	if r := onB.Post("/logout", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("logout on B: %d", r.Status)
	}
	if signedIn(a.withCookie(id)) {
		t.Fatal("instance A still accepts a session ended on instance B")
	}
	if n := a.pages.sessions.count(); n != 0 {
		t.Fatalf("%d sessions stored after the only one ended", n)
	}
}

func TestSessionIDRotatedAtLogin(t *testing.T) {
	a := newEnv(t)
	b := a.secondInstance(t)
	br := a.Browser(observer1)
	first := sessionCookie(br)
	if r := br.Post("/login", url.Values{"token": {a.Tokens[observer1]}}); r.Status != http.StatusSeeOther {
		t.Fatalf("second login: %d", r.Status)
	}
	second := sessionCookie(br)
	if first == "" || second == "" || first == second {
		t.Fatalf("session ids %q then %q: a login must issue a fresh one", first, second)
	}
	if !signedIn(br) || !signedIn(br.On(b.Env)) {
		t.Fatal("the new session does not work")
	}
	for _, e := range []*env{a, b} {
		if signedIn(e.withCookie(first)) {
			t.Fatal("the id from before the login still works")
		}
	}
	if n := a.pages.sessions.count(); n != 1 {
		t.Fatalf("%d sessions stored, want 1: the login must end the one it replaced", n)
	}
}

// A token reset ends the sessions it opened on every instance at once, not
// after the Center's token cache expires.
func TestTokenResetEndsSessionsOnEveryInstance(t *testing.T) {
	a := newEnv(t)
	b := a.secondInstance(t)
	obs := a.Browser(observer1)
	vol := a.Browser(volunteer)
	coord := a.Browser(coordinator)
	for _, br := range []*webtest.Browser{obs, vol, coord} {
		if !signedIn(br.On(b.Env)) {
			t.Fatalf("%s not signed in on instance B", br.User)
		}
	}
	// Through a Center, as the admin API does…
	if _, err := a.Center.ResetToken(t.Context(), observer1); err != nil {
		t.Fatal(err)
	}
	// …and straight in the store, as `sandik user token` in another
	// process does.
	if err := b.Store.SetToken(t.Context(), volunteer, center.HashToken(center.NewToken())); err != nil {
		t.Fatal(err)
	}
	for _, br := range []*webtest.Browser{obs, vol} {
		if signedIn(br) || signedIn(br.On(b.Env)) {
			t.Fatalf("%s's session outlived the token reset", br.User)
		}
	}
	if !signedIn(coord) || !signedIn(coord.On(b.Env)) {
		t.Fatal("another user's session ended with the reset")
	}
}

func TestSessionExpiryAcrossInstances(t *testing.T) {
	a := newEnv(t)
	b := a.secondInstance(t)
	clk := &clock{now: testNow}
	clk.use(a, b)
	br := a.Browser(observer1)
	key := sha256.Sum256([]byte(sessionCookie(br)))
	seen := func() time.Time {
		t.Helper()
		s, _, err := a.Store.SessionUser(t.Context(), key)
		if err != nil {
			t.Fatalf("the session is gone from the store: %v", err)
		}
		return s.Seen
	}
	// Last seen is written only once it is a minute stale.
	clk.advance(30 * time.Second)
	if !signedIn(br.On(b.Env)) {
		t.Fatal("signed out after 30 s")
	}
	if got := seen(); !got.Equal(testNow) {
		t.Fatalf("last seen %v after a use 30 s in: written too soon", got)
	}
	clk.advance(31 * time.Second)
	if !signedIn(br.On(b.Env)) {
		t.Fatal("signed out after 61 s")
	}
	if got, want := seen(), testNow.Add(61*time.Second); !got.Equal(want) {
		t.Fatalf("last seen %v, want %v", got, want)
	}
	// Use on one instance keeps the session alive on the other.
	for i := range 3 {
		clk.advance(11 * time.Hour)
		who := []*webtest.Browser{br, br.On(b.Env)}[i%2]
		if !signedIn(who) {
			t.Fatalf("signed out after %d busy stretches of 11 h", i+1)
		}
	}
	// Absolute expiry: 36 hours after sign-in it ends however busy.
	clk.advance(3 * time.Hour)
	if signedIn(br.On(b.Env)) || signedIn(br) {
		t.Fatal("a session lived past 36 hours")
	}
	if n := a.pages.sessions.count(); n != 0 {
		t.Fatalf("%d sessions stored after the only one expired", n)
	}
	// Idle expiry: 12 hours unused ends it, on both instances.
	br = a.Browser(observer1)
	clk.advance(sessionIdle + time.Second)
	if signedIn(br.On(b.Env)) || signedIn(br) {
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
	old := []*webtest.Browser{a.Browser(observer1), a.Browser(observer2), b.Browser(volunteer)}
	clk.advance(sessionIdle + time.Minute)
	fresh := b.Browser(coordinator) // sweeps the three expired ones
	if n := b.pages.sessions.count(); n != 1 {
		t.Fatalf("%d sessions stored after the sweep, want 1", n)
	}
	for _, br := range old {
		if signedIn(br) {
			t.Fatalf("%s's expired session accepted", br.User)
		}
	}
	if !signedIn(fresh.On(a.Env)) {
		t.Fatal("the fresh session is refused")
	}
}

func TestForgedSessionCookiesRefused(t *testing.T) {
	a := newEnv(t)
	b := a.secondInstance(t)
	genuine := a.Browser(coordinator)
	stored := sha256.Sum256([]byte(sessionCookie(genuine)))
	random := make([]byte, 32)
	rand.Read(random)
	for name, value := range map[string]string{
		"random id of the right shape": base64.RawURLEncoding.EncodeToString(random),
		// A copy of the database gives the hash, which is no cookie.
		"the stored hash":         base64.RawURLEncoding.EncodeToString(stored[:]),
		"the API token":           a.Tokens[coordinator],
		"a real id with a suffix": sessionCookie(genuine) + "A",
		"a real id cut short":     sessionCookie(genuine)[:sessionIDLen-1],
		"not base64":              strings.Repeat("!", sessionIDLen),
	} {
		for _, e := range []*env{a, b} {
			if signedIn(e.withCookie(value)) {
				t.Errorf("%s accepted as a session", name)
			}
		}
	}
	if !signedIn(genuine.On(b.Env)) {
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
		ids = append(ids, sessionCookie(a.Browser(u)), sessionCookie(b.Browser(u)))
	}
	var data []byte
	for _, p := range []string{a.Path, a.Path + "-wal"} {
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
	for _, tok := range a.Tokens {
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
	wall := a.Browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := wall.Stream(ctx, "/races/"+raceIST+"/areas/34/live")
	next(t, s)
	if r := wall.On(b.Env).Post("/logout", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("logout on B: %d", r.Status)
	}
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case _, ok := <-s.Events:
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
	br := a.Browser(coordinator)
	if err := a.Store.Close(); err != nil {
		t.Fatal(err)
	}
	r := br.Post("/logout", nil)
	if r.Status != http.StatusServiceUnavailable {
		t.Fatalf("logout with the store closed: %d, want 503", r.Status)
	}
	if ck := r.Header.Get("Set-Cookie"); ck != "" {
		t.Fatalf("logout that failed cleared the cookie: %q", ck)
	}
	// With no store to read the session from, a page is neither shown nor
	// a reason to sign in again: the session may be live, so "retry".
	if r := br.Get("/entry"); r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("GET /entry with the store closed: %d (Retry-After %q), want 503 with Retry-After", r.Status, r.Header.Get("Retry-After"))
	}
	if r := br.Post("/login", url.Values{"token": {a.Tokens[coordinator]}}); r.Status < 500 || sessionCookie(br) == "" {
		t.Fatalf("login with the store closed: %d, cookie %q; want a failure that leaves the cookie", r.Status, sessionCookie(br))
	}
}

// The cookie keeps its rules now that the session lives in the store.
func TestSessionCookieRules(t *testing.T) {
	a := newEnv(t)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(a.HTTP.URL+"/login", url.Values{"token": {a.Tokens[observer1]}})
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

// countingSessions counts the sessions read from the store.
type countingSessions struct {
	sandik.SessionStore
	reads atomic.Int64
}

func (c *countingSessions) SessionUser(ctx context.Context, id [32]byte) (sandik.Session, sandik.User, error) {
	c.reads.Add(1)
	return c.SessionStore.SessionUser(ctx, id)
}

// A live stream's watch on its session reads the session from the store
// only when it may have changed — the user generation moved, a minute
// passed (its use is recorded), the caller asks — and still sees every
// way a session ends or changes, on either instance.
func TestSessionWatchReadsOnlyWhenItMayHaveChanged(t *testing.T) {
	a := newEnv(t)
	b := a.secondInstance(t)
	clk := &clock{now: testNow}
	clk.use(a, b)
	store := &countingSessions{SessionStore: a.Center.Sessions()}
	ss := newSessions(store, a.pages.sessions.log, clk.Now, func(*http.Request) bool { return false })
	ss.effective, ss.generation = a.Center.EffectiveUser, a.Center.UserGeneration
	watchOf := func(br *webtest.Browser) (*sessionWatch, [32]byte) {
		cookie := sessionCookie(br)
		r := httptest.NewRequestWithContext(t.Context(), "GET", "/", nil)
		r.AddCookie(&http.Cookie{Name: "sandik_session", Value: cookie})
		return ss.watch(r), sha256.Sum256([]byte(cookie))
	}
	ask := func(w *sessionWatch, fresh bool) (sandik.User, bool) {
		t.Helper()
		u, ok, err := w.user(fresh)
		if err != nil {
			t.Fatal(err)
		}
		return u, ok
	}
	// until asks w until done says yes, for at most 5 s: another
	// instance's change reaches this one at its next read of the user
	// generation (every 20 ms on SQLite).
	until := func(w *sessionWatch, what string, done func(u sandik.User, ok bool) bool) {
		t.Helper()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		deadline := time.Now().Add(5 * time.Second)
		for !done(ask(w, false)) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not seen after 5 s", what)
			}
			<-tick.C
		}
	}

	obs := a.Browser(observer1)
	w, key := watchOf(obs)
	for i := range 50 {
		clk.advance(time.Second / 2)
		if u, ok := ask(w, false); !ok || u.ID != observer1 {
			t.Fatalf("asking %d: %v %v", i, u.ID, ok)
		}
	}
	if n := store.reads.Load(); n != 1 {
		t.Fatalf("50 askings over 25 s read the session %d times, want 1", n)
	}
	// A minute after its last use the session is read again and its use
	// recorded, as every request does: an open stream keeps it alive.
	clk.advance(36 * time.Second)
	ask(w, false)
	if n := store.reads.Load(); n != 2 {
		t.Fatalf("a minute on, %d reads, want 2", n)
	}
	if s, _, err := a.Store.SessionUser(t.Context(), key); err != nil || !s.Seen.Equal(clk.Now()) {
		t.Fatalf("last seen %v (%v), want %v", s.Seen, err, clk.Now())
	}
	ask(w, false)
	ask(w, true)
	if n := store.reads.Load(); n != 3 {
		t.Fatalf("after a fresh asking, %d reads, want 3", n)
	}

	// A change of the user's areas on the other instance is seen.
	if err := b.Store.SetUserAreas(t.Context(), observer1, []sandik.AreaCode{webtest.Box3}); err != nil {
		t.Fatal(err)
	}
	until(w, "areas changed on B", func(u sandik.User, ok bool) bool {
		return ok && slices.Equal(u.Areas, []sandik.AreaCode{webtest.Box3})
	})
	// So is a logout there.
	if r := obs.On(b.Env).Post("/logout", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("logout on B: %d", r.Status)
	}
	until(w, "logout on B", func(_ sandik.User, ok bool) bool { return !ok })

	// A token reset in the store, as `sandik user token` in another
	// process does, ends the user's session.
	vol := a.Browser(volunteer)
	wv, _ := watchOf(vol)
	if _, ok := ask(wv, false); !ok {
		t.Fatal("the volunteer's session is not held")
	}
	if err := b.Store.SetToken(t.Context(), volunteer, center.HashToken(center.NewToken())); err != nil {
		t.Fatal(err)
	}
	until(wv, "token reset on B", func(_ sandik.User, ok bool) bool { return !ok })

	// The clock ends a session held since, without any change in the store.
	coord := a.Browser(coordinator)
	wc, _ := watchOf(coord)
	if _, ok := ask(wc, false); !ok {
		t.Fatal("the coordinator's session is not held")
	}
	clk.advance(sessionAbsolute)
	if _, ok := ask(wc, false); ok {
		t.Fatal("a held session outlived its 36 hours")
	}
}

// BenchmarkStreamSessionCheck is what a live stream's check of its
// session costs, every second of every open stream: read from the store
// (SQLite) each time, as before the watch, against the watch while
// nothing changed.
func BenchmarkStreamSessionCheck(b *testing.B) {
	e := newEnv(b)
	cookie := sessionCookie(e.Browser(observer1))
	r := httptest.NewRequestWithContext(b.Context(), "GET", "/", nil)
	r.AddCookie(&http.Cookie{Name: "sandik_session", Value: cookie})
	ss := e.pages.sessions
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if _, ok, err := ss.lookup(r); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("watch", func(b *testing.B) {
		w := ss.watch(r)
		for b.Loop() {
			if _, ok, err := w.user(false); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
}
