package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
)

// Sessions of the pages. A user signs in with the API token the
// administrator issued; the browser then holds a random session id in an
// HttpOnly cookie. The server keeps only the SHA-256 of that id, so a
// leaked memory dump or log cannot be replayed as a cookie, and logout
// ends the session on the server, which a signed cookie could not do.
// Sessions live in memory: a restart signs everyone out, which costs a
// coordinator one paste of their token and keeps the database free of
// session rows. The token itself is kept beside the session so that every
// request re-checks it (cached by the centre for its TTL): a token reset
// with `sandik user` ends the sessions it opened.
type sessions struct {
	mu    sync.Mutex
	byID  map[[32]byte]*session
	now   func() time.Time
	idle  time.Duration
	limit time.Duration
}

type session struct {
	token   string
	created time.Time
	seen    time.Time
}

// Session lifetimes: an election night lasts 30 hours at the centre.
const (
	sessionIdle     = 12 * time.Hour
	sessionAbsolute = 36 * time.Hour
)

func newSessions(now func() time.Time) *sessions {
	return &sessions{byID: map[[32]byte]*session{}, now: now, idle: sessionIdle, limit: sessionAbsolute}
}

// cookieName is __Host- prefixed over TLS, which pins the cookie to this
// host and path "/" with Secure; plain HTTP (a laptop on a local network)
// cannot use the prefix.
func cookieName(r *http.Request) string {
	if r.TLS != nil {
		return "__Host-sandik_session"
	}
	return "sandik_session"
}

// start opens a new session for token and sets its cookie. A fresh id
// every time: a session id is never carried over a login.
func (ss *sessions) start(w http.ResponseWriter, r *http.Request, token string) {
	b := make([]byte, 32)
	rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	now := ss.now()
	ss.mu.Lock()
	ss.byID[sha256.Sum256([]byte(id))] = &session{token: token, created: now, seen: now}
	ss.sweep(now)
	ss.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName(r), Value: id, Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: int(sessionAbsolute / time.Second)})
}

// sweep forgets expired sessions; the caller holds mu.
func (ss *sessions) sweep(now time.Time) {
	for k, s := range ss.byID {
		if now.Sub(s.seen) > ss.idle || now.Sub(s.created) > ss.limit {
			delete(ss.byID, k)
		}
	}
}

// user returns the signed-in user of r, if the session is live and its
// token still valid.
func (ss *sessions) user(r *http.Request, c *center.Center) (sandik.User, bool) {
	ck, err := r.Cookie(cookieName(r))
	if err != nil || ck.Value == "" {
		return sandik.User{}, false
	}
	key := sha256.Sum256([]byte(ck.Value))
	now := ss.now()
	ss.mu.Lock()
	s, ok := ss.byID[key]
	if ok && (now.Sub(s.seen) > ss.idle || now.Sub(s.created) > ss.limit) {
		delete(ss.byID, key)
		ok = false
	}
	var token string
	if ok {
		s.seen = now
		token = s.token
	}
	ss.mu.Unlock()
	if !ok {
		return sandik.User{}, false
	}
	u, err := c.Authenticate(r.Context(), token)
	if err != nil {
		ss.end(r)
		return sandik.User{}, false
	}
	return u, true
}

// end forgets r's session on the server.
func (ss *sessions) end(r *http.Request) {
	if ck, err := r.Cookie(cookieName(r)); err == nil {
		ss.mu.Lock()
		delete(ss.byID, sha256.Sum256([]byte(ck.Value)))
		ss.mu.Unlock()
	}
}

// count returns the number of live sessions, for tests.
func (ss *sessions) count() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.byID)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// loginPage shows the sign-in form.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderLogin(w, r, http.StatusOK, "")
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	data := struct {
		base
		Next    string
		Problem string
	}{s.baseOf(r, sandik.User{}, "login"), localPath(r.FormValue("next")), problem}
	return s.render(w, status, "login", data)
}

// login checks the token and opens a session. Cross-origin posts are
// refused, so that no other site can sign a browser in (login CSRF).
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := s.cop.Check(r); err != nil {
		return s.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.EForbidden, "cross-origin request refused"))
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	token := r.PostFormValue("token")
	if _, err := s.c.Authenticate(r.Context(), token); err != nil {
		if sandik.CodeOf(err) != sandik.EUnauthorized {
			return s.errorPage(w, r, sandik.User{}, err)
		}
		return s.renderLogin(w, r, http.StatusUnauthorized, s.langOf(r).T("login.bad"))
	}
	s.sessions.end(r)
	s.sessions.start(w, r, token)
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// logout ends the session on the server and in the browser.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.cop.Check(r); err != nil {
		return s.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.EForbidden, "cross-origin request refused"))
	}
	s.sessions.end(r)
	http.SetCookie(w, &http.Cookie{Name: cookieName(r), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// home sends coordinators to the first race's overview and everyone else
// to the entry form.
func (s *Server) home(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	reg := s.c.Registry()
	if u.Role == sandik.RoleLawyer {
		http.Redirect(w, r, "/itiraz", http.StatusSeeOther)
		return nil
	}
	if !u.Role.CanAdjudicate() || len(reg.Races) == 0 {
		http.Redirect(w, r, "/entry", http.StatusSeeOther)
		return nil
	}
	rc := reg.Races[0]
	http.Redirect(w, r, "/races/"+url.PathEscape(string(rc.Code))+"/areas/"+url.PathEscape(string(rc.Scope)), http.StatusSeeOther)
	return nil
}
