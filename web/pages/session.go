package pages

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
)

// Sessions of the pages. A user signs in with the API token the
// administrator issued; the browser then holds a random session id in an
// HttpOnly cookie, a fresh one at every sign-in. The store keeps only the
// SHA-256 of that id, so a copy of the database or a log cannot be
// replayed as a cookie, beside the SHA-256 of the token that opened it.
// Sessions live in the store, not in memory: a restart signs no one out,
// and every `sandik serve` sharing a PostgreSQL database knows every
// session, so a wall screen behind a load balancer stays signed in
// whichever instance answers. Logout deletes the row, which ends the
// session on every instance at once. The store answers a session only
// while its user still holds the token that opened it, so a token reset
// with `sandik user` ends the sessions it opened, also at once.
//
// Sessions end after sessionIdle without use and sessionAbsolute after
// sign-in however busy; an expired session is refused whatever the store
// still holds, and each sign-in deletes a bounded number of expired rows.
// The last-seen time is written only when it is more than sessionTouch
// old, so that a page view costs a read, not a write.
type sessions struct {
	store sandik.SessionStore
	// effective turns the stored user into the one Allow decides on
	// (center.EffectiveUser); read at every request, so a right ends on
	// a page the second it ends.
	effective func(context.Context, sandik.User) (sandik.User, error)
	// generation is the store's user generation (sandik.UserStore), which
	// a live stream's sessionWatch watches; nil reads the session at every
	// asking.
	generation func(context.Context) (int64, error)
	log        *slog.Logger
	now        func() time.Time
	idle       time.Duration
	limit      time.Duration
	// secure says whether a request came over TLS, directly or through a
	// trusted proxy (handler.Base.Secure).
	secure func(*http.Request) bool
}

// Session lifetimes: an election night lasts 30 hours at the centre.
const (
	sessionIdle     = 12 * time.Hour
	sessionAbsolute = 36 * time.Hour
	// sessionTouch is how stale the stored last-seen time may grow; idle
	// expiry is therefore exact to within it.
	sessionTouch = time.Minute
	// sessionSweep bounds the expired sessions one sign-in deletes.
	sessionSweep = 100
)

func newSessions(store sandik.SessionStore, log *slog.Logger, now func() time.Time, secure func(*http.Request) bool) *sessions {
	return &sessions{store: store, log: log, now: now, idle: sessionIdle, limit: sessionAbsolute, secure: secure}
}

// cookieName is __Host- prefixed over TLS (served with -tls-cert, or
// behind a trusted proxy that says https), which pins the cookie to this
// host and path "/" with Secure; plain HTTP (a laptop on a local network)
// cannot use the prefix.
func (ss *sessions) cookieName(r *http.Request) string {
	if ss.secure(r) {
		return "__Host-sandik_session"
	}
	return "sandik_session"
}

// sessionIDLen is the length of a session id: 32 random bytes in
// unpadded base64url.
const sessionIDLen = 43

// sessionKey returns the hash under which r's session is stored. A cookie
// that cannot be one the server issued costs no look-up.
func (ss *sessions) key(r *http.Request) ([32]byte, bool) {
	ck, err := r.Cookie(ss.cookieName(r))
	if err != nil || len(ck.Value) != sessionIDLen {
		return [32]byte{}, false
	}
	if _, err := base64.RawURLEncoding.DecodeString(ck.Value); err != nil {
		return [32]byte{}, false
	}
	return sha256.Sum256([]byte(ck.Value)), true
}

// start opens a new session for u, who signed in with token, and sets its
// cookie. A fresh id every time: a session id is never carried over a
// login.
func (ss *sessions) start(w http.ResponseWriter, r *http.Request, u sandik.User, token string) error {
	b := make([]byte, 32)
	rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	now := ss.now()
	err := ss.store.CreateSession(r.Context(), sandik.Session{ID: sha256.Sum256([]byte(id)),
		TokenHash: center.HashToken(token), User: u.ID, Created: now, Seen: now})
	if err != nil {
		return fmt.Errorf("open a session: %w", err)
	}
	ss.sweep(r.Context(), now)
	http.SetCookie(w, &http.Cookie{Name: ss.cookieName(r), Value: id, Path: "/", HttpOnly: true,
		Secure: ss.secure(r), SameSite: http.SameSiteStrictMode, MaxAge: int(sessionAbsolute / time.Second)})
	return nil
}

// sweep deletes some expired sessions. They are refused anyway; this only
// keeps the table small, so a failure is logged and the sign-in goes on.
func (ss *sessions) sweep(ctx context.Context, now time.Time) {
	if _, err := ss.store.DeleteStaleSessions(ctx, now.Add(-ss.idle), now.Add(-ss.limit), sessionSweep); err != nil {
		ss.log.Warn("deleting expired sessions failed", "err", err)
	}
}

func (ss *sessions) expired(s sandik.Session, now time.Time) bool {
	return now.Sub(s.Seen) > ss.idle || now.Sub(s.Created) > ss.limit
}

// user returns the signed-in user of r, if the session is live and its
// token still the user's. A store that cannot be read signs no one in.
func (ss *sessions) user(r *http.Request) (sandik.User, bool) {
	u, ok, _ := ss.lookup(r)
	return u, ok
}

// lookup is user, telling apart a store that cannot be read (err, an
// EUnavailable): the session may well be live, so the caller answers
// "retry" rather than sending the user to sign in again.
func (ss *sessions) lookup(r *http.Request) (sandik.User, bool, error) {
	_, stored, ok, err := ss.read(r)
	if !ok || err != nil {
		return sandik.User{}, false, err
	}
	return ss.effectiveOf(r.Context(), stored)
}

// read is lookup before the user's rights are applied: the session as it
// now stands (its Seen moved on when this read touched it) and its user
// as stored.
func (ss *sessions) read(r *http.Request) (sandik.Session, sandik.User, bool, error) {
	key, ok := ss.key(r)
	if !ok {
		return sandik.Session{}, sandik.User{}, false, nil
	}
	ctx := r.Context()
	s, u, err := ss.store.SessionUser(ctx, key)
	if err != nil {
		if sandik.CodeOf(err) == sandik.ENotFound || ctx.Err() != nil {
			return sandik.Session{}, sandik.User{}, false, nil
		}
		ss.log.Warn("reading a session failed", "err", err)
		return sandik.Session{}, sandik.User{}, false, unreadable(err)
	}
	now := ss.now()
	if ss.expired(s, now) {
		if err := ss.store.DeleteSession(ctx, key); err != nil {
			ss.log.Warn("deleting an expired session failed", "err", err)
		}
		return sandik.Session{}, sandik.User{}, false, nil
	}
	if now.Sub(s.Seen) > sessionTouch {
		// The session is live either way; a lost touch only brings its idle
		// expiry closer by a minute.
		if err := ss.store.TouchSession(ctx, key, now); err != nil {
			if ctx.Err() == nil {
				ss.log.Warn("recording a session's use failed", "err", err)
			}
		} else {
			s.Seen = now
		}
	}
	return s, u, true, nil
}

// effectiveOf is the user Allow decides on for stored, the user of a live
// session.
func (ss *sessions) effectiveOf(ctx context.Context, stored sandik.User) (sandik.User, bool, error) {
	if ss.effective == nil {
		return stored, true, nil
	}
	eff, err := ss.effective(ctx, stored)
	if err != nil {
		if ctx.Err() != nil {
			return sandik.User{}, false, nil
		}
		ss.log.Warn("reading a user's rights failed", "err", err)
		return sandik.User{}, false, unreadable(err)
	}
	return eff, true, nil
}

// sessionWatch is a live stream's hold on the session that opened it.
// The stream asks every second whether the session still stands (a
// logout or a revoked right on any instance ends the stream within that
// second). Reading the session from the store at each asking was, with a
// thousand streams open on SQLite, a tenth of the server's CPU: a query
// each, every second. The watch keeps what it read, and reads again only
// when the session may have changed: when the user generation moved
// (every change of users and rights, and the end of any session, by any
// instance, moves it), when the session is due to be touched (once a
// minute, which also keeps it alive) or has expired by the clock, or when
// the caller asks (this process changed a user). The rights are applied
// at every asking, as for any request.
type sessionWatch struct {
	ss     *sessions
	r      *http.Request
	held   bool
	s      sandik.Session
	stored sandik.User
	gen    int64 // the user generation read before s
}

func (ss *sessions) watch(r *http.Request) *sessionWatch { return &sessionWatch{ss: ss, r: r} }

// user is lookup for the stream's request; fresh forces a read of the
// session from the store.
func (w *sessionWatch) user(fresh bool) (sandik.User, bool, error) {
	ss, ctx := w.ss, w.r.Context()
	if ss.generation == nil {
		return ss.lookup(w.r)
	}
	gen, err := ss.generation(ctx)
	if err != nil {
		w.held = false
		return ss.lookup(w.r)
	}
	if now := ss.now(); w.held && !fresh && gen == w.gen && !ss.expired(w.s, now) && now.Sub(w.s.Seen) <= sessionTouch {
		return ss.effectiveOf(ctx, w.stored)
	}
	// The generation is read before the session, so that a change made
	// while it is read leaves the generation newer than the one kept.
	s, stored, ok, err := ss.read(w.r)
	w.held = ok && err == nil
	if !w.held {
		return sandik.User{}, false, err
	}
	w.s, w.stored, w.gen = s, stored, gen
	return ss.effectiveOf(ctx, stored)
}

// unreadable is the answer when a session's store cannot be read.
func unreadable(err error) error {
	return fmt.Errorf("%w: %w", sandik.Errorf(sandik.EUnavailable, "the session cannot be checked at the moment; retry shortly"), err)
}

// end deletes r's session, on every instance.
func (ss *sessions) end(r *http.Request) error {
	key, ok := ss.key(r)
	if !ok {
		return nil
	}
	if err := ss.store.DeleteSession(r.Context(), key); err != nil {
		return fmt.Errorf("end the session: %w", err)
	}
	return nil
}

// count returns the number of stored sessions, for tests (-1 if the store
// cannot say).
func (ss *sessions) count() int {
	n, err := ss.store.SessionCount(context.Background())
	if err != nil {
		return -1
	}
	return n
}
