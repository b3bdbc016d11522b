package pages

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// The first render and the live stream come from the same view: every
// figure the stream would set is already on the page, in the same words.
func TestPageAndStreamAgree(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.LiveInterval = 10 * time.Millisecond })
	e.Submit(observer1, sheet("pa-1", raceIST, box1, 1234, 987, 10))
	e.Submit(observer2, sheet("pa-2", raceIST, box1, 1234, 987, 10))
	e.Settle(e.Submit(observer1, sheet("pa-3", raceIST, box3, 5, 6, 7)).Seq)
	for _, lang := range []string{"tr", "en"} {
		b := e.Browser(coordinator)
		b.Get("/lang/" + lang)
		body := b.Page("/races/"+raceIST+"/areas/34?m=margin", http.StatusOK)
		ctx, cancel := context.WithCancel(t.Context())
		p := next(t, b.Stream(ctx, "/races/"+raceIST+"/areas/34/live?m=margin"))
		cancel()
		if len(p.K) < 40 {
			t.Fatalf("%s: only %d live figures", lang, len(p.K))
		}
		for k, v := range p.K {
			if k == "fresh" {
				continue // says when: the render and the event differ by design
			}
			el := `data-k="` + k + `">` + html.EscapeString(v) + `<`
			if !strings.Contains(body, el) {
				t.Errorf("%s: page lacks %s", lang, el)
			}
		}
		for k, colour := range p.F {
			if !strings.Contains(body, `fill="`+colour+`" data-f="`+k+`"`) {
				t.Errorf("%s: map shape %s not coloured %s on the page", lang, k, colour)
			}
		}
	}
}

func TestAdjudicationRedirectStaysOnSite(t *testing.T) {
	e := newEnv(t)
	e.Submit(observer1, sheet("ar-1", raceIST, box3, 100, 90, 10))
	e.Settle(e.Submit(observer2, sheet("ar-2", raceIST, box3, 100, 80, 20)).Seq)
	r := e.Browser(coordinator).Post("/races/"+raceIST+"/boxes/"+box3+"/adjudicate",
		url.Values{"entry": {"1"}, "id": {"ar-adj"}, "reason": {"photo"}, "back": {"//evil.example/x"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/?done="+box3 {
		t.Fatalf("redirect to %q (%d)", r.Header.Get("Location"), r.Status)
	}
}

func TestSessionsAreSweptAndSeparate(t *testing.T) {
	e := newEnv(t)
	var now atomic.Int64
	now.Store(testNow.UnixNano())
	e.pages.sessions.now = func() time.Time { return time.Unix(0, now.Load()) }
	users := []string{observer1, observer2, volunteer, coordinator, admin}
	browsers := map[string]*webtest.Browser{}
	for _, u := range users {
		browsers[u] = e.Browser(u)
	}
	if n := e.pages.sessions.count(); n != len(users) {
		t.Fatalf("%d sessions for %d sign-ins", n, len(users))
	}
	// Each session is its own user: the header names them.
	for _, u := range users {
		webtest.MustContain(t, browsers[u].Page("/entry", http.StatusOK), "("+u+")")
	}
	// A day later the next sign-in sweeps every expired session away.
	now.Add(int64(24 * time.Hour))
	e.Browser(admin)
	if n := e.pages.sessions.count(); n != 1 {
		t.Fatalf("%d sessions after the sweep, want only the new one", n)
	}
	// A cookie the server never issued is no session.
	b := e.Browser("")
	b.Client.Jar.SetCookies(webtest.MustURL(t, e.HTTP.URL), []*http.Cookie{{Name: "sandik_session", Value: "forged", Path: "/"}})
	if r := b.Get("/entry"); r.Status != http.StatusSeeOther {
		t.Fatalf("forged cookie: %d", r.Status)
	}
}

func TestEnglishFormAndHead(t *testing.T) {
	e := newEnv(t)
	b := e.Browser(observer1)
	b.Get("/lang/en")
	webtest.MustContain(t, b.Page("/entry", http.StatusOK), `<label for="f-valid_total">Total valid</label>`, "Your assigned boxes are below", `data-lang="en"`)
	req, _ := http.NewRequestWithContext(t.Context(), "HEAD", e.HTTP.URL+"/entry", nil)
	if r := b.Send(req); r.Status != http.StatusOK || len(r.Body) != 0 {
		t.Fatalf("HEAD /entry: %d, %d bytes", r.Status, len(r.Body))
	}
}
