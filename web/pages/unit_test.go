package pages

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/broker"
	"github.com/sandik-dev/sandik/web/internal/webtest"
	"github.com/sandik-dev/sandik/web/pages/mapdraw"
)

func TestLangFormatsTheTurkishWay(t *testing.T) {
	tr, en := &lang{Code: "tr", loc: sandik.Istanbul()}, &lang{Code: "en", loc: sandik.Istanbul()}
	for _, c := range []struct {
		n      int64
		tr, en string
	}{{0, "0", "0"}, {999, "999", "999"}, {1000, "1.000", "1,000"}, {1234567, "1.234.567", "1,234,567"}, {-4169765, "-4.169.765", "-4,169,765"}} {
		if got := tr.Num(c.n); got != c.tr {
			t.Errorf("tr Num(%d) = %q, want %q", c.n, got, c.tr)
		}
		if got := en.Num(c.n); got != c.en {
			t.Errorf("en Num(%d) = %q, want %q", c.n, got, c.en)
		}
	}
	if got := tr.Pct(1, 8); got != "%12,5" {
		t.Errorf("tr Pct = %q", got)
	}
	if got := en.Pct(1, 8); got != "12.5%" {
		t.Errorf("en Pct = %q", got)
	}
	if got := tr.Pct(1, 0); got != "–" {
		t.Errorf("Pct of nothing = %q", got)
	}
	// 20:00 UTC on election night is 23:00 in İstanbul.
	at := time.Date(2019, 3, 31, 20, 0, 0, 0, time.UTC)
	if got := tr.Time(at); got != "31.03.2019 23:00:00" {
		t.Errorf("Time = %q", got)
	}
	if got := tr.Clock(at); got != "23:00:00" {
		t.Errorf("Clock = %q", got)
	}
	if tr.Time(time.Time{}) != "–" || tr.Clock(time.Time{}) != "–" {
		t.Error("zero time not shown as a dash")
	}
	if tr.T("no.such.key") != "no.such.key" {
		t.Error("a missing message must show its key")
	}
	if tr.F("verified.of", "1", "2") != "1 / 2 sandık doğrulandı" || en.F("verified.of", "1", "2") != "1 / 2 boxes verified" {
		t.Error("verified.of")
	}
}

func TestLocalPathKeepsRedirectsOnSite(t *testing.T) {
	for in, want := range map[string]string{
		"/races/ibb/areas/34?m=turnout": "/races/ibb/areas/34?m=turnout",
		"":                              "/",
		"//evil.example/":               "/",
		"/\\evil.example":               "/",
		"https://evil.example/":         "/",
		"races":                         "/",
		"/a\r\nSet-Cookie: x":           "/",
		"/\t/evil.example":              "/",
		"/\n\\evil.example":             "/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSessionsExpire(t *testing.T) {
	e := newEnv(t)
	var mu sync.Mutex
	now := testNow
	e.pages.sessions.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	b := e.Browser(observer1)
	// Idle expiry: used within 12 hours, the session lives on.
	for range 3 {
		advance(11 * time.Hour)
		b.Page("/entry", http.StatusOK)
	}
	// Absolute expiry: 36 hours after sign-in it ends however busy.
	advance(4 * time.Hour)
	if r := b.Get("/entry"); r.Status != http.StatusSeeOther {
		t.Fatalf("after 37 h: %d, want the login page", r.Status)
	}
	b = e.Browser(observer1)
	advance(13 * time.Hour)
	if r := b.Get("/entry"); r.Status != http.StatusSeeOther {
		t.Fatalf("after 13 idle hours: %d, want the login page", r.Status)
	}
	// A script's request gets 401 JSON, not a page to mistake for an answer.
	r := b.PostJSON("/entry", sheet("x", raceIST, box1, 1, 1, 1), "Accept", "application/json")
	if d := r.APIError(t, http.StatusUnauthorized); d.Code != "unauthorized" {
		t.Fatalf("code %s", d.Code)
	}
}

func TestLiveCacheBuildsOncePerVersion(t *testing.T) {
	c := newLiveCache()
	builds := 0
	build := func() ([]byte, error) { builds++; return []byte("x"), nil }
	ev := broker.Event{Seq: 1, At: testNow}
	for range 3 {
		if b, err := c.get("k", ev, build); err != nil || string(b) != "x" {
			t.Fatal(b, err)
		}
	}
	if builds != 1 {
		t.Fatalf("%d builds for one version, want 1", builds)
	}
	c.get("k", broker.Event{Seq: 2, At: testNow}, build)
	if builds != 2 {
		t.Fatalf("%d builds after a new version, want 2", builds)
	}
	fail := errors.New("boom")
	if _, err := c.get("bad", ev, func() ([]byte, error) { return nil, fail }); !errors.Is(err, fail) {
		t.Fatalf("error %v not passed on", err)
	}
	for i := range maxLiveViews + 10 {
		c.get(string(rune(i)), ev, build)
	}
	if len(c.entries) > maxLiveViews {
		t.Fatalf("cache holds %d views, bound %d", len(c.entries), maxLiveViews)
	}
}

// labelled finds inputs without a label: every visible input, select and
// textarea must have an id that a <label for> names.
var (
	fieldRe = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	idRe    = regexp.MustCompile(`\bid="([^"]+)"`)
)

func unlabelled(body string) []string {
	var out []string
	for _, f := range fieldRe.FindAllString(body, -1) {
		if strings.Contains(f, `type="hidden"`) {
			continue
		}
		m := idRe.FindStringSubmatch(f)
		if m == nil || !strings.Contains(body, `<label for="`+m[1]+`"`) {
			out = append(out, f)
		}
	}
	return out
}

func TestEveryInputHasALabel(t *testing.T) {
	e := newEnv(t)
	e.Submit(observer1, sheet("lb-1", raceIST, box3, 100, 90, 10))
	e.Settle(e.Submit(observer2, sheet("lb-2", raceIST, box3, 100, 80, 20)).Seq)
	b := e.Browser(coordinator)
	pages := map[string]string{"login": e.Browser("").Page("/login", http.StatusOK)}
	for _, p := range []string{"/races/IST-BB/areas/34", "/races/IST-BB/boxes/" + box3, "/races/IST-BB/conflicts", "/entry"} {
		pages[p] = b.Page(p, http.StatusOK)
	}
	for name, body := range pages {
		if bad := unlabelled(body); len(bad) > 0 {
			t.Errorf("%s: inputs without a label: %q", name, bad)
		}
		if !strings.Contains(body, `class="skip" href="#main"`) || !strings.Contains(body, `id="main"`) {
			t.Errorf("%s: no skip link to the content", name)
		}
	}
	// The sort controls are buttons (reachable by keyboard), not bare headers.
	if n := strings.Count(pages["/races/IST-BB/areas/34"], `<button type="button" data-sort=`); n != 9 {
		t.Errorf("%d sort buttons, want one per column (9)", n)
	}
}

func TestStaticAssetsEmbeddedAndCached(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/static/app.js", "/static/app.css"} {
		r := e.Do("GET", p, "", nil)
		if r.Status != http.StatusOK || len(r.Body) < 1000 || r.Header.Get("Cache-Control") != "public, max-age=86400" {
			t.Errorf("%s: %d, %d bytes, cache %q", p, r.Status, len(r.Body), r.Header.Get("Cache-Control"))
		}
	}
	if r := e.Do("GET", "/static/nothing.js", "", nil); r.Status != http.StatusNotFound {
		t.Errorf("missing asset: %d", r.Status)
	}
}

// The locator carries one outline inline; Türkiye's grey provinces are
// one cached picture, served once for every page.
func TestLocatorHighlightsTheProvince(t *testing.T) {
	e := newEnv(t)
	svg := string(mapdraw.Locator(e.pages.provinces, "/map/tr.svg", "İstanbul"))
	if strings.Count(svg, "<path") != 1 || strings.Count(svg, `fill="#0072B2"`) != 1 || !strings.Contains(svg, `<image href="/map/tr.svg"`) {
		t.Fatalf("locator: %s", svg)
	}
	if len(svg) > 3000 {
		t.Fatalf("locator of %d bytes inline", len(svg))
	}
	if mapdraw.Locator(e.pages.provinces, "/map/tr.svg", "Atlantis") != "" {
		t.Fatal("a locator for an unknown province")
	}
	for _, name := range []string{"tr.svg", "istanbul.svg"} {
		r := e.Do("GET", "/map/"+name, "", nil)
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "image/svg+xml" || r.Header.Get("Cache-Control") != "public, max-age=86400" || !strings.HasPrefix(string(r.Body), "<svg") {
			t.Errorf("%s: %d %q %q", name, r.Status, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
		}
	}
	if r := e.Do("GET", "/map/atlantis.svg", "", nil); r.Status != http.StatusNotFound {
		t.Errorf("unknown map: %d", r.Status)
	}
}

func TestCountryMapDrawsProvinceOutlines(t *testing.T) {
	areas := []sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "06", Parent: "TR", Level: sandik.LevelIl, Name: "Ankara"},
		{Code: "06.1", Parent: "06", Level: sandik.LevelSandik, Name: "Sandık 1"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İSTANBUL"},
		{Code: "34.1", Parent: "34", Level: sandik.LevelSandik, Name: "Sandık 1"},
	}
	el := []sandik.Election{{Code: "E", Name: "Cumhurbaşkanı", Date: testNow, Quorum: 2}}
	races := []sandik.Race{{Code: "CB", Election: "E", Name: "Cumhurbaşkanı", Scope: "TR", Choices: []sandik.Choice{{Code: "A", Name: "A"}, {Code: "B", Name: "B"}}}}
	reg, err := sandik.NewRegistry(areas, el, races, []sandik.Registration{{Election: "E", Box: "06.1", Registered: 10}, {Election: "E", Box: "34.1", Registered: 10}})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, reg)
	body := e.Browser(coordinator).Page("/races/CB/areas/TR?m=reporting", http.StatusOK)
	if n := strings.Count(body, `<path d="M`); n != 2 {
		t.Fatalf("%d outlines on the country map, want 2", n)
	}
	webtest.MustContain(t, body, `data-f="34"`, `data-f="06"`, "OpenStreetMap", `<strong aria-current="true">gelen sandık</strong>`)
	if strings.Contains(body, "her kare bir alt bölge") || strings.Contains(body, `class="locator"`) {
		t.Fatal("tiles or a locator on a map with outlines")
	}
}

// Tile labels are never cut: a long name goes on two lines or in
// smaller type.
func TestTileLabels(t *testing.T) {
	for in, want := range map[string][]string{
		"Adalar":              {"Adalar"},
		"Küçükçekmece":        {"Küçükçekmece"},
		"Sandık 1009":         {"Sandık 1009"},
		"Mahalle 6 / Okul 2":  {"Mahalle 6", "Okul 2"},
		"Mahalle 12":          {"Mahalle 12"},
		"Büyükçekmece Merkez": {"Büyükçekmece", "Merkez"},
	} {
		if got := mapdraw.TileLines(in); !slices.Equal(got, want) {
			t.Errorf("TileLines(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzLocalPath: whatever a form or link names as the next page, the
// redirect stays on this site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/races/ibb/areas/34?m=turnout", "//evil", "/\\evil", "https://x", "", "/a\nb", "/%2F%2Fevil", "/\t/evil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := localPath(s)
		if p != "/" && p != s {
			t.Fatalf("localPath(%q) = %q: neither the input nor /", s, p)
		}
		if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
			t.Fatalf("localPath(%q) = %q leaves the site", s, p)
		}
		// What a browser makes of it: tabs and newlines dropped, backslashes
		// read as slashes.
		seen := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(p)
		if strings.HasPrefix(seen, "//") {
			t.Fatalf("localPath(%q) = %q, which a browser reads as %q", s, p, seen)
		}
		u, err := url.Parse(p)
		if err == nil && (u.Host != "" || u.Scheme != "") {
			t.Fatalf("localPath(%q) = %q parses with host %q scheme %q", s, p, u.Host, u.Scheme)
		}
	})
}
