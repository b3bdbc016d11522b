package pages

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/limits"
)

// open opens the live overview as c and returns the answer; a stream that
// opened stays open until ctx ends.
func openLive(t *testing.T, ctx context.Context, c *http.Client, base string) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/races/"+raceIST+"/areas/34/live", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
	}
	return resp
}

func retryAfter(t *testing.T, resp *http.Response) {
	t.Helper()
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("%d without Retry-After (%q)", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

// The attack: one session opened 19,979 live streams and the server ran
// out of file descriptors. Now a session holds StreamsPerSession at most
// and a user StreamsPerUser; the rest get 429, and another user's streams
// still open.
func TestLiveStreamsCapped(t *testing.T) {
	e := newBaseEnv(t, func(c *handler.Config) { c.Limits = handler.Limits{StreamsPerSession: 3, StreamsPerUser: 5} })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	b := e.Browser(coordinator)
	opened := 0
	for range 10 {
		resp := openLive(t, ctx, b.Client, e.HTTP.URL)
		switch resp.StatusCode {
		case http.StatusOK:
			opened++
		case http.StatusTooManyRequests:
			retryAfter(t, resp)
		default:
			t.Fatalf("stream answered %d", resp.StatusCode)
		}
	}
	if opened != 3 {
		t.Errorf("one session opened %d streams, want 3", opened)
	}
	// A second session of the same user adds up to the user's cap.
	b2 := e.Browser(coordinator)
	opened = 0
	for range 5 {
		if openLive(t, ctx, b2.Client, e.HTTP.URL).StatusCode == http.StatusOK {
			opened++
		}
	}
	if opened != 2 {
		t.Errorf("a second session opened %d streams, want 2 (5 for the user)", opened)
	}
	if resp := openLive(t, ctx, e.Browser(admin).Client, e.HTTP.URL); resp.StatusCode != http.StatusOK {
		t.Fatalf("another user's stream answered %d", resp.StatusCode)
	}
}

// Failed sign-ins spend the address's bucket: once it is empty even the
// right token is refused with 429 before it is looked up. Sign-ins per
// account are rated too, since each stores a session.
func TestLoginThrottled(t *testing.T) {
	perMinute := limits.Rate{PerSecond: 1.0 / 60, Burst: 3}
	e := newBaseEnv(t, func(c *handler.Config) { c.Limits = handler.Limits{LoginFailures: perMinute, SignIns: perMinute} })
	login := func(token string) *http.Response {
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.PostForm(e.HTTP.URL+"/login", url.Values{"token": {token}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for range 3 {
		if resp := login(e.Tokens[coordinator]); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in answered %d", resp.StatusCode)
		}
	}
	resp := login(e.Tokens[coordinator])
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("fourth sign-in in a minute answered %d", resp.StatusCode)
	}
	retryAfter(t, resp)
	if resp := login(e.Tokens[admin]); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("another account's sign-in answered %d", resp.StatusCode)
	}
	for range 3 {
		if resp := login("sdk_guess"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a wrong token answered %d", resp.StatusCode)
		}
	}
	resp = login(e.Tokens[lawyer])
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the right token after three failures answered %d", resp.StatusCode)
	}
	retryAfter(t, resp)
}

// Served over TLS, or behind a trusted proxy that says https, the session
// cookie is Secure and __Host- prefixed and answers carry HSTS; over plain
// HTTP, or when an untrusted peer claims https, neither.
func TestSecureCookiesAndHSTS(t *testing.T) {
	e := newBaseEnv(t, func(c *handler.Config) {
		c.TrustedProxies, _ = handler.ParseProxies("127.0.0.1")
	})
	untrusted := newBaseEnv(t, nil)
	tlsServer := httptest.NewTLSServer(e.base.Handler())
	defer tlsServer.Close()
	for _, c := range []struct {
		name   string
		client *http.Client
		url    string
		proto  string
		secure bool
	}{
		{"TLS", tlsServer.Client(), tlsServer.URL, "", true},
		{"trusted proxy, https", http.DefaultClient, e.HTTP.URL, "https", true},
		{"trusted proxy, http", http.DefaultClient, e.HTTP.URL, "http", false},
		{"plain HTTP", http.DefaultClient, e.HTTP.URL, "", false},
		{"untrusted peer claiming https", http.DefaultClient, untrusted.HTTP.URL, "https", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			tok := e.Tokens[coordinator]
			if c.url == untrusted.HTTP.URL {
				tok = untrusted.Tokens[coordinator]
			}
			client := *c.client
			client.Jar, _ = cookiejar.New(nil)
			client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			req, _ := http.NewRequestWithContext(t.Context(), "POST", c.url+"/login", strings.NewReader(url.Values{"token": {tok}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if c.proto != "" {
				req.Header.Set("X-Forwarded-Proto", c.proto)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			ck := resp.Header.Get("Set-Cookie")
			hsts := resp.Header.Get("Strict-Transport-Security")
			isSecure := strings.HasPrefix(ck, "__Host-sandik_session=") && strings.Contains(ck, "; Secure")
			if isSecure != c.secure || (hsts == "max-age=31536000") != c.secure {
				t.Fatalf("cookie %q, HSTS %q; want secure %v", ck, hsts, c.secure)
			}
			if !c.secure && (strings.Contains(ck, "Secure") || !strings.HasPrefix(ck, "sandik_session=")) {
				t.Fatalf("plain cookie %q", ck)
			}
		})
	}
}

// Ending a session moves the user generation, which empties every
// instance's caches of users; one account signing in and out in a loop
// moves it no more often than its sign-ins allow.
func TestSignInOutLoopBoundedBySignIns(t *testing.T) {
	perMinute := limits.Rate{PerSecond: 1.0 / 60, Burst: 3}
	e := newBaseEnv(t, func(c *handler.Config) { c.Limits = handler.Limits{SignIns: perMinute} })
	gen := func() int64 {
		t.Helper()
		g, err := e.Center.UserGeneration(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	before := gen()
	signedIn := 0
	for range 10 {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.PostForm(e.HTTP.URL+"/login", url.Values{"token": {e.Tokens[coordinator]}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusSeeOther {
			signedIn++
		}
		if resp, err = c.PostForm(e.HTTP.URL+"/logout", nil); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout answered %d", resp.StatusCode)
		}
	}
	if signedIn != 3 {
		t.Fatalf("%d of 10 sign-ins let in, want the burst of 3", signedIn)
	}
	if moved := gen() - before; moved != 3 {
		t.Fatalf("ten sign-in and logout rounds moved the user generation %d times, want 3", moved)
	}
}
