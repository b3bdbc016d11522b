package pages

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// failingSessions is a session store that cannot be read, as a
// PostgreSQL store is while the database restarts.
type failingSessions struct {
	sandik.SessionStore
	err error
}

func (f failingSessions) SessionUser(context.Context, [32]byte) (sandik.Session, sandik.User, error) {
	return sandik.Session{}, sandik.User{}, f.err
}

// A store that cannot be read while a page is asked for must not send a
// signed-in user to the sign-in page (a short database outage would sign
// every browser out): the page answers 503 with Retry-After, and a
// session cookie that names no session still goes to the sign-in page.
func TestUnreadableSessionIsRetryNotSignIn(t *testing.T) {
	cookie := &http.Cookie{Name: "sandik_session", Value: strings.Repeat("A", sessionIDLen)}
	for _, c := range []struct {
		name   string
		err    error
		status int
	}{
		{"store down", errors.New("dial tcp 127.0.0.1:5432: connect: connection refused"), http.StatusServiceUnavailable},
		{"no such session", sandik.Errorf(sandik.ENotFound, "no session"), http.StatusSeeOther},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newEnv(t).pages
			p.sessions = newSessions(failingSessions{err: c.err}, slog.New(slog.DiscardHandler), time.Now,
				func(*http.Request) bool { return false })
			page := p.page(func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
				t.Error("the page ran without a session")
				return nil
			})
			for _, accept := range []string{"text/html", "application/json"} {
				r := httptest.NewRequest("GET", "/entry", nil)
				r.Header.Set("Accept", accept)
				r.AddCookie(cookie)
				w := httptest.NewRecorder()
				err := page(w, r)
				status := w.Code
				if err != nil {
					status = map[sandik.ErrorCode]int{sandik.EUnavailable: http.StatusServiceUnavailable,
						sandik.EUnauthorized: http.StatusUnauthorized}[sandik.CodeOf(err)]
				}
				want := c.status
				if accept == "application/json" && want == http.StatusSeeOther {
					want = http.StatusUnauthorized
				}
				if status != want {
					t.Errorf("Accept %s: status %d (err %v), want %d", accept, status, err, want)
				}
				if want == http.StatusServiceUnavailable && err == nil && w.Header().Get("Retry-After") == "" {
					t.Errorf("Accept %s: 503 without Retry-After", accept)
				}
			}
		})
	}
}
