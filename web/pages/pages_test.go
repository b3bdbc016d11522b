package pages

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// isPageRoute tells the pages' routes from the catch-all and the API's.
func isPageRoute(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	return pattern != "/" && !strings.HasPrefix(path, "/api/") && path != "/healthz" && path != "/metrics"
}

func TestLoginSetsStrictSessionCookie(t *testing.T) {
	e := newEnv(t)
	b := e.Browser("")
	r := b.Get("/races/" + raceIST + "/areas/34")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous overview: %d to %q", r.Status, r.Header.Get("Location"))
	}
	webtest.MustContain(t, b.Page("/login", http.StatusOK), `type="password"`, `<label for="token">API anahtarı</label>`,
		"Anahtarınızı yöneticiniz şu komutla verir: <code>sandik user add</code>")
	r = b.Post("/login", url.Values{"token": {"sdk_wrong"}})
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("bad token: %d", r.Status)
	}
	webtest.MustContain(t, string(r.Body), "Anahtar geçerli değil.")
	r = b.Post("/login", url.Values{"token": {e.Tokens[coordinator]}, "next": {"//evil.example/x"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("login: %d to %q (an off-site next must become /)", r.Status, r.Header.Get("Location"))
	}
	ck := r.Header.Get("Set-Cookie")
	for _, want := range []string{"sandik_session=", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(ck, want) {
			t.Fatalf("cookie %q lacks %s", ck, want)
		}
	}
	if strings.Contains(ck, e.Tokens[coordinator]) {
		t.Fatal("the cookie carries the API token")
	}
	if e.pages.sessions.count() != 1 {
		t.Fatalf("%d sessions, want 1", e.pages.sessions.count())
	}
	// Home sends a coordinator to the first race's overview.
	if r := b.Get("/"); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/races/IST-BB/areas/34" {
		t.Fatalf("home: %d to %q", r.Status, r.Header.Get("Location"))
	}
	// Logout ends the session on the server: the old cookie no longer works.
	old := b.Client.Jar.Cookies(webtest.MustURL(t, e.HTTP.URL))
	if r := b.Post("/logout", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.Status)
	}
	if e.pages.sessions.count() != 0 {
		t.Fatal("session kept after logout")
	}
	b.Client.Jar.SetCookies(webtest.MustURL(t, e.HTTP.URL), old)
	if r := b.Get("/entry"); r.Status != http.StatusSeeOther {
		t.Fatalf("old cookie after logout: %d", r.Status)
	}
}

func TestTokenResetEndsSessions(t *testing.T) {
	e := newEnv(t)
	b := e.Browser(observer1)
	b.Page("/entry", http.StatusOK)
	if _, err := e.Center.ResetToken(t.Context(), observer1); err != nil {
		t.Fatal(err)
	}
	if r := b.Get("/entry"); r.Status != http.StatusSeeOther {
		t.Fatalf("after token reset: %d, want a redirect to login", r.Status)
	}
}

func TestCrossOriginPostsRefused(t *testing.T) {
	e := newEnv(t)
	b := e.Browser(coordinator)
	for _, path := range []string{"/login", "/logout", "/entry", "/races/" + raceIST + "/boxes/" + box1 + "/adjudicate"} {
		r := b.Post(path, url.Values{"token": {e.Tokens[coordinator]}}, "Sec-Fetch-Site", "cross-site")
		if r.Status != http.StatusForbidden {
			t.Errorf("cross-site POST %s: %d, want 403", path, r.Status)
		}
	}
	if e.pages.sessions.count() != 1 {
		t.Fatal("a cross-site login or logout changed the sessions")
	}
}

// pageAuthMatrix: who may open each page (nil: anyone, signed in or not).
var pageAuthMatrix = map[string][]sandik.Role{
	"GET /login":                          nil,
	"POST /login":                         nil,
	"POST /logout":                        nil,
	"GET /lang/{lang}":                    nil,
	"GET /static/":                        nil,
	"GET /sw.js":                          nil,
	"GET /map/{map}":                      nil,
	"GET /{$}":                            allRoles,
	"GET /races/{race}/areas/{area}":      {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /races/{race}/areas/{area}/live": {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /races/{race}/areas/{area}/export.csv":  {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /races/{race}/areas/{area}/export.xlsx": {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /races/{race}/boxes/{box}":              allRoles,
	"GET /races/{race}/boxes/{box}/live":         allRoles,
	"POST /races/{race}/boxes/{box}/adjudicate":  {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /races/{race}/conflicts":                {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /races/{race}/conflicts/live":           {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /entry":                                 allRoles,
	"GET /anahtarlama":                           submitters,
	"GET /anahtarlama/durum":                     {sandik.RoleCoordinator, sandik.RoleAdmin},
	"POST /races/{race}/boxes/{box}/zincir":      allRoles, // lawyers record where a copy went too
	"GET /entry/boxes":                           allRoles,
	"POST /entry":                                submitters,
	"GET /makbuz":                                allRoles,
	"GET /belediyeler":                           allRoles,
	"GET /kisiler":                               allRoles,
	"GET /kisiler/{id}":                          allRoles,
	"GET /kisiler/{id}/export.json":              {sandik.RoleAdmin},
	"POST /kisiler/{id}/sil":                     {sandik.RoleAdmin},
	"POST /makbuz":                               allRoles,
	"GET /toplantilar":                           allRoles,
	"POST /toplantilar":                          {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /toplantilar/{id}":                      allRoles,
	"GET /kararlar":                              allRoles,
	"POST /kararlar/{id}":                        {sandik.RoleCoordinator, sandik.RoleAdmin},
	"POST /toplantilar/{id}/katilim":             {sandik.RoleCoordinator, sandik.RoleAdmin},
	"POST /toplantilar/{id}/anket":               {sandik.RoleCoordinator, sandik.RoleAdmin},
	"POST /anket/{id}/soru/{q}":                  {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /anket/{id}/ekran":                      allRoles,
	"GET /anket/{id}/ekran/live":                 allRoles,
	"GET /anket/{id}/sonuclar.csv":               {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /anket/{id}/sonuclar.xlsx":              {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /katil/{id}":                            nil, // the phone's: the codes in the room (meetings_test.go)
	"POST /katil/{id}":                           nil,
	"POST /katil/{id}/anket/{survey}":            nil,
	"POST /katil/{id}/bulgu":                     nil,
	"POST /toplantilar/{id}/masalar":             {sandik.RoleCoordinator, sandik.RoleAdmin},
	"POST /toplantilar/{id}/karar":               {sandik.RoleCoordinator, sandik.RoleAdmin},
	"POST /toplantilar/{id}/kapat":               {sandik.RoleCoordinator, sandik.RoleAdmin},
	"POST /toplantilar/{id}/sonraki":             {sandik.RoleCoordinator, sandik.RoleAdmin},
	"POST /katil/{id}/anket/{survey}/{q}":        nil,

	"GET /races/{race}/areas/{area}/comparison":     {sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer},
	"GET /races/{race}/areas/{area}/comparison.csv": {sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer},
	"POST /races/{race}/areas/{area}/cases":         caseRoles,
	"GET /itiraz":                                   caseRoles,
	"GET /itiraz.csv":                               caseRoles,
	"GET /itiraz/{id}":                              caseRoles,
	"POST /itiraz/{id}":                             caseRoles,
	"POST /itiraz/{id}/evidence":                    caseRoles,
	"GET /itiraz/{id}/petition":                     caseRoles,
	"GET /evidence/{sha256}":                        caseRoles,

	"POST /races/{race}/areas/{area}/comparison/thresholds": {sandik.RoleCoordinator, sandik.RoleAdmin},

	"GET /birimler":        allRoles, // lists only the units in the user's areas
	"GET /birimler/{code}": allRoles, // within their areas (units_test.go)
	"GET /kapsama":         {sandik.RoleCoordinator, sandik.RoleAdmin},
	"POST /kapsama/ata":    {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /sessiz":          {sandik.RoleCoordinator, sandik.RoleAdmin},

	"GET /kullanicilar":                            {sandik.RoleCoordinator, sandik.RoleAdmin}, // only those they may manage (users_test.go)
	"POST /kullanicilar":                           {sandik.RoleCoordinator, sandik.RoleAdmin},
	"POST /kullanicilar/{id}/sil":                  {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /kongreler":                               allRoles,
	"POST /kongreler":                              orgWriters,
	"GET /kongreler/{id}":                          allRoles,
	"POST /kongreler/{id}/{action}":                orgWriters,
	"GET /kongreler/{id}/giris":                    orgWriters,
	"POST /kongreler/{id}/giris":                   orgWriters,
	"GET /kongreler/{id}/sayim":                    allRoles,
	"GET /kongreler/{id}/sonuclar":                 {sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer},
	"GET /kongreler/{id}/sonuclar/live":            {sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer},
	"POST /kongreler/{id}/sonuclar/{contest}/onay": orgWriters,
	"GET /kongreler/{id}/yazdir":                   allRoles,
	"GET /kongreler/{id}/disa/{file}":              allRoles,
	"GET /ziyaretler":                              allRoles, // visits within the user's areas
	"POST /ziyaretler":                             {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /ziyaretler/{id}":                         allRoles,
	"GET /ziyaretler/foto/{sha256}":                allRoles,
	"GET /taahhutler":                              allRoles,
	"POST /taahhutler/{id}":                        {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /turlar":                                  allRoles,
	"POST /turlar":                                 {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /turlar/{id}":                             allRoles,
	"POST /turlar/{id}/durak/{unit}":               {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /karne":                                   allRoles,
	"GET /karne.csv":                               allRoles,
	"GET /karne.xlsx":                              allRoles,
	"GET /karne/{unit}":                            allRoles,
	"GET /kardes":                                  allRoles,
	"POST /kardes":                                 {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /toplamlar":                               {sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer},
	"GET /toplamlar.csv":                           {sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer},
	"GET /resmi":                                   {sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer},
	"GET /resmi/live":                              {sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer},

	"GET /races/{race}/boxes/{box}/resmi": {sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer},
}

func TestPageAuthMatrix(t *testing.T) {
	e := newEnv(t)
	e.Settle(e.Submit(observer1, sheet("pm-1", raceIST, box1, 100, 90, 10)).Seq)
	users := map[sandik.Role]string{sandik.RoleObserver: observer2, sandik.RoleVolunteer: volunteer, sandik.RoleCoordinator: coordinator,
		sandik.RoleAdmin: admin, sandik.RoleLawyer: lawyer}
	fx := webtest.NewCaseFixture(e.Env)
	meetingPagesFixture(t, e) // also the people, and the unit 34 the /birimler pages read
	congressPagesFixture(t, e)
	photoSum := visitPagesFixture(t, e)
	webtest.RollupFixture(t, e.Env)
	anon := e.Browser("")
	checked := 0
	for _, p := range e.base.Patterns() {
		if !isPageRoute(p) {
			continue
		}
		allowed, ok := pageAuthMatrix[p]
		if !ok {
			t.Errorf("page %s has no entry in pageAuthMatrix", p)
			continue
		}
		if allowed == nil {
			continue
		}
		method, path, _ := strings.Cut(p, " ")
		id := string(fx.ID)
		if strings.HasPrefix(path, "/kisiler/") {
			id = "k-ada"
		}
		path = strings.NewReplacer("{race}", raceIST, "{area}", "34", "{box}", box1, "{$}", "", "{id}", id, "{sha256}", fx.Evidence, "{code}", "34").Replace(path)
		if strings.HasSuffix(path, "/live") {
			continue // streams: TestLiveOverview
		}
		if strings.HasPrefix(path, "/toplantilar/") || strings.HasPrefix(path, "/anket/") {
			path = strings.NewReplacer("/toplantilar/"+id, "/toplantilar/t-1", "/anket/"+id, "/anket/a-1", "{q}", "1").Replace(path)
		}
		if path == "/entry/boxes" {
			path += "?race=" + raceIST + "&q=1001"
		}
		// Without a session every protected page sends to the login page.
		if r := anonRequest(anon, method, path); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Errorf("%s anonymous: %d to %q", p, r.Status, r.Header.Get("Location"))
		}
		for role, user := range users {
			checked++
			b := e.Browser(user)
			var r webtest.Response
			if mr, ok := meetingPageRequest(b, p, path, user); ok {
				r = mr
			}
			if cr, ok := congressPageRequest(b, p, user); ok {
				r = cr
			}
			if vr, ok := visitPageRequest(t, b, p, user, photoSum); ok {
				r = vr
			}
			switch {
			case r.Status != 0:
			case p == "POST /itiraz/{id}":
				// A fresh draft per user, so that each may file it.
				c := fx.Draft()
				r = b.Post("/itiraz/"+string(c.ID), url.Values{"version": {"1"}, "kind": {"filed"}})
			case p == "POST /itiraz/{id}/evidence":
				r = b.Upload(path, fx.Version(), "ek.txt", "text/plain", "matrix")
			case p == "POST /races/{race}/areas/{area}/comparison/thresholds":
				r = b.Post(path, e.ThresholdsForm()) // on the version saved so far
			case p == "POST /races/{race}/areas/{area}/cases":
				r = b.Post(path, url.Values{"box": {box3}, "filer": {"matrix"}})
			case p == "POST /kisiler/{id}/sil":
				r = b.Post(path, url.Values{"reason": {"matrix"}, "confirm": {"1"}})
			case p == "POST /kapsama/ata":
				matrixPerson(t, e.Env, user)
				r = b.Post(path, url.Values{"election": {webtest.Election}, "area": {"34"}, "box": {box1}, "person": {"pm-" + user}})
			case p == "POST /kullanicilar":
				r = b.Post(path, url.Values{"id": {"pm-new-" + user}, "name": {"Yeni"}, "role": {"observer"}, "areas": {box1}})
			case p == "POST /kullanicilar/{id}/sil":
				e.AddUser(sandik.User{ID: sandik.UserID("pm-rm-" + user), Name: "Giden", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{box1}})
				r = b.Post("/kullanicilar/pm-rm-"+user+"/sil", nil)
			case p == "POST /races/{race}/boxes/{box}/zincir":
				r = b.Post(path, url.Values{"copy": {"Müşahit nüshası"}, "holder": {"Ayşe"}, "place": {"merkez"}, "at": {"2019-03-31T01:00"}})
			case p == "POST /makbuz":
				r = b.Post(path, url.Values{"receipt": {"{}"}}) // refused as a receipt (422), but let in
				if r.Status == http.StatusUnprocessableEntity {
					r.Status = http.StatusOK
				}
			case path == "/entry" && method == "POST":
				r = b.PostJSON(path, sheet("pm-"+user, raceIST, box2, 100, 90, 10))
			case method == "POST":
				r = b.Post(path, url.Values{"entry": {"1"}, "reason": {"matrix"}, "id": {"pm-adj-" + user}, "back": {"/"}})
			default:
				r = b.Get(path)
			}
			want := slices.Contains(allowed, role)
			if got := r.Status < 400; got != want {
				t.Errorf("%s as %s: %d, allowed %v: %.200s", p, role, r.Status, want, r.Body)
			}
			if !want && r.Status != http.StatusForbidden {
				t.Errorf("%s as %s: %d, want 403", p, role, r.Status)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no page checked")
	}
}

// matrixPerson adds a person named after user, homed at İstanbul's unit,
// to be assigned to a box.
func matrixPerson(t *testing.T, e *webtest.Env, user string) {
	t.Helper()
	ctx := context.Background()
	setup := sandik.User{ID: "setup", Role: sandik.RoleAdmin}
	if _, err := e.Center.Org().Unit(ctx, "34"); err != nil {
		if err := e.Center.SaveOrg(ctx, setup, sandik.OrgChange{Units: []sandik.Unit{{Code: "34", Kind: sandik.UnitIl, Name: "İstanbul", Area: "34"}}}); err != nil {
			t.Fatal(err)
		}
	}
	err := e.Center.SaveOrg(ctx, setup, sandik.OrgChange{People: []sandik.Person{{ID: sandik.PersonID("pm-" + user), Name: "Müşahit " + user,
		Home: "34", Purpose: "müşahitlik", Consent: "2019-03-01"}}})
	if err != nil {
		t.Fatal(err)
	}
}

func anonRequest(b *webtest.Browser, method, path string) webtest.Response {
	if method == "POST" {
		return b.Post(path, url.Values{})
	}
	return b.Get(path)
}

func sandikProblem(rule string, want, got *int64) sandik.Problem {
	return sandik.Problem{Field: "x", Rule: rule, Want: want, Got: got}
}
