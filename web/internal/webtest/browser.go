package webtest

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// Browser is a client with cookies that follows no redirect, signed in as
// User unless that is "".
type Browser struct {
	T      testing.TB
	Env    *Env
	Client *http.Client
	User   string
}

// Browser signs user in ("" for nobody) through the login form.
func (e *Env) Browser(user string) *Browser {
	e.T.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	b := &Browser{T: e.T, Env: e, Client: c, User: user}
	if user != "" {
		r := b.Post("/login", url.Values{"token": {e.Tokens[user]}, "next": {"/"}})
		if r.Status != http.StatusSeeOther {
			e.T.Fatalf("login as %s: %d %s", user, r.Status, r.Body)
		}
	}
	return b
}

// On returns b as seen by another instance: the same browser, cookies and
// all (a cookie jar tells hosts apart, not ports), talking to f.
func (b *Browser) On(f *Env) *Browser {
	return &Browser{T: b.T, Env: f, Client: b.Client, User: b.User}
}

// Send sends req with b's cookies.
func (b *Browser) Send(req *http.Request) Response {
	b.T.Helper()
	return send(b.T, b.Client, req)
}

// Get fetches path; header holds name, value pairs.
func (b *Browser) Get(path string, header ...string) Response {
	b.T.Helper()
	req, _ := http.NewRequestWithContext(b.T.Context(), "GET", b.Env.HTTP.URL+path, nil)
	setHeader(req, header)
	return b.Send(req)
}

// Post posts form to path.
func (b *Browser) Post(path string, form url.Values, header ...string) Response {
	b.T.Helper()
	req, _ := http.NewRequestWithContext(b.T.Context(), "POST", b.Env.HTTP.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	setHeader(req, header)
	return b.Send(req)
}

// PostJSON posts v as JSON to path, as the entry form's script does.
func (b *Browser) PostJSON(path string, v any, header ...string) Response {
	b.T.Helper()
	data, _ := json.Marshal(v)
	req, _ := http.NewRequestWithContext(b.T.Context(), "POST", b.Env.HTTP.URL+path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	setHeader(req, header)
	return b.Send(req)
}

// Upload posts one file as the case page's evidence form does.
func (b *Browser) Upload(path string, version int, name, mediaType, content string) Response {
	b.T.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("version", strconv.Itoa(version))
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", mediaType)
	part, _ := mw.CreatePart(h)
	part.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequestWithContext(b.T.Context(), "POST", b.Env.HTTP.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.Send(req)
}

// Page fetches a page and fails unless it answers want.
func (b *Browser) Page(path string, want int) string {
	b.T.Helper()
	r := b.Get(path)
	if r.Status != want {
		b.T.Fatalf("GET %s as %s: %d, want %d: %.300s", path, b.User, r.Status, want, r.Body)
	}
	return string(r.Body)
}

func setHeader(req *http.Request, header []string) {
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
}

// MustContain fails unless body holds every part.
func MustContain(t testing.TB, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Fatalf("page lacks %q:\n%.2000s", p, body)
		}
	}
}

// MustURL parses s.
func MustURL(t testing.TB, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
