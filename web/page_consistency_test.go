package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The first render and the live stream come from the same view: every
// figure the stream would set is already on the page, in the same words.
func TestPageAndStreamAgree(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.LiveInterval = 10 * time.Millisecond })
	e.submit(observer1, sheet("pa-1", raceIST, box1, 1234, 987, 10))
	e.submit(observer2, sheet("pa-2", raceIST, box1, 1234, 987, 10))
	e.settle(e.submit(observer1, sheet("pa-3", raceIST, box3, 5, 6, 7)).Seq)
	for _, lang := range []string{"tr", "en"} {
		b := e.browser(coordinator)
		b.get("/lang/" + lang)
		body := b.page("/races/"+raceIST+"/areas/34?m=margin", http.StatusOK)
		ctx, cancel := context.WithCancel(t.Context())
		p := b.stream(ctx, "/races/"+raceIST+"/areas/34/live?m=margin").next(t)
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
	e.submit(observer1, sheet("ar-1", raceIST, box3, 100, 90, 10))
	e.settle(e.submit(observer2, sheet("ar-2", raceIST, box3, 100, 80, 20)).Seq)
	r := e.browser(coordinator).post("/races/"+raceIST+"/boxes/"+box3+"/adjudicate",
		url.Values{"entry": {"1"}, "id": {"ar-adj"}, "reason": {"photo"}, "back": {"//evil.example/x"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/?done=1" {
		t.Fatalf("redirect to %q (%d)", r.header.Get("Location"), r.status)
	}
}

func TestSessionsAreSweptAndSeparate(t *testing.T) {
	e := newEnv(t)
	var now atomic.Int64
	now.Store(testNow.UnixNano())
	e.srv.sessions.now = func() time.Time { return time.Unix(0, now.Load()) }
	users := []string{observer1, observer2, volunteer, coordinator, admin}
	browsers := map[string]*browser{}
	for _, u := range users {
		browsers[u] = e.browser(u)
	}
	if n := e.srv.sessions.count(); n != len(users) {
		t.Fatalf("%d sessions for %d sign-ins", n, len(users))
	}
	// Each session is its own user: the header names them.
	for _, u := range users {
		mustContain(t, browsers[u].page("/entry", http.StatusOK), "("+u+")")
	}
	// A day later the next sign-in sweeps every expired session away.
	now.Add(int64(24 * time.Hour))
	e.browser(admin)
	if n := e.srv.sessions.count(); n != 1 {
		t.Fatalf("%d sessions after the sweep, want only the new one", n)
	}
	// A cookie the server never issued is no session.
	b := e.browser("")
	b.c.Jar.SetCookies(mustURL(t, e.http.URL), []*http.Cookie{{Name: "sandik_session", Value: "forged", Path: "/"}})
	if r := b.get("/entry"); r.status != http.StatusSeeOther {
		t.Fatalf("forged cookie: %d", r.status)
	}
}

func TestEnglishFormAndHead(t *testing.T) {
	e := newEnv(t)
	b := e.browser(observer1)
	b.get("/lang/en")
	mustContain(t, b.page("/entry", http.StatusOK), `<label for="f-valid_total">Total valid</label>`, "Your assigned boxes are below", `data-lang="en"`)
	req, _ := http.NewRequestWithContext(t.Context(), "HEAD", e.http.URL+"/entry", nil)
	if r := b.send(req); r.status != http.StatusOK || len(r.body) != 0 {
		t.Fatalf("HEAD /entry: %d, %d bytes", r.status, len(r.body))
	}
}
