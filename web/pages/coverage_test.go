package pages

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// coverageOrg is İstanbul's and Adalar's units with two observers homed
// in Adalar (one with a phone) and one in Beşiktaş.
func coverageOrg(t *testing.T, e *webtest.Env) {
	t.Helper()
	ch := sandik.OrgChange{
		Units: []sandik.Unit{
			{Code: "34", Kind: sandik.UnitIl, Name: "İstanbul", Area: "34"},
			{Code: "34.01", Kind: sandik.UnitIlce, Name: "Adalar", Parent: "34", Area: "34.01"},
			{Code: "34.02", Kind: sandik.UnitIlce, Name: "Beşiktaş", Parent: "34", Area: "34.02"},
		},
		People: []sandik.Person{
			{ID: "k-ada", Name: "Deniz Ada", Phones: []string{"+905321112233"}, Home: "34.01", Purpose: "müşahitlik", Consent: "2019-03-01"},
			{ID: "k-ilk", Name: "İlknur Işık", Home: "34.01", Purpose: "müşahitlik", Consent: "2019-03-01"},
			{ID: "k-bes", Name: "Cem Beşli", Phones: []string{"+905324445566"}, Home: "34.02", Purpose: "müşahitlik", Consent: "2019-03-01"},
		},
	}
	if err := e.Center.SaveOrg(context.Background(), sandik.User{ID: "setup", Role: sandik.RoleAdmin}, ch); err != nil {
		t.Fatal(err)
	}
}

// TestCoveragePageAssignsAGap: Adalar's coordinator sees their district's
// gaps in Turkish, picks from Adalar's people only, assigns one, and the
// gap is gone; a box of Beşiktaş is refused.
func TestCoveragePageAssignsAGap(t *testing.T) {
	e := newEnv(t)
	e.AddScoped()
	coverageOrg(t, e.Env)
	b := e.Browser(coordAdal)
	page := b.Get("/kapsama")
	body := string(page.Body)
	if page.Status != http.StatusOK || !strings.Contains(body, "Müşahit kapsaması: Adalar") {
		t.Fatalf("coverage page %d:\n%.400s", page.Status, body)
	}
	for _, want := range []string{`data-box="` + box1 + `"`, `data-box="` + box2 + `"`, "Deniz Ada", "İlknur Işık", `<td class="num" id="cov-none">2</td>`} {
		if !strings.Contains(body, want) {
			t.Errorf("coverage page lacks %q", want)
		}
	}
	if strings.Contains(body, "Cem Beşli") || strings.Contains(body, box3) {
		t.Errorf("coverage page of Adalar shows Beşiktaş")
	}
	r := b.Post("/kapsama/ata", url.Values{"election": {webtest.Election}, "area": {"34.01"}, "box": {box1}, "person": {"k-ada"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("assign: %d %.300s", r.Status, r.Body)
	}
	page = b.Get(r.Header.Get("Location"))
	body = string(page.Body)
	if strings.Contains(body, `data-box="`+box1+`"`) || !strings.Contains(body, `data-box="`+box2+`"`) || !strings.Contains(body, "Sandık 1001 sandığına müşahit atandı.") {
		t.Errorf("after assigning Box 1001 the page still lists it, or not its neighbour:\n%s", body)
	}
	r = b.Post("/kapsama/ata", url.Values{"election": {webtest.Election}, "area": {"34.02"}, "box": {box3}, "person": {"k-ada"}})
	if r.Status != http.StatusForbidden {
		t.Errorf("a box of Beşiktaş: %d, want 403", r.Status)
	}
	if r := b.Get("/kapsama?area=34.02"); r.Status != http.StatusForbidden {
		t.Errorf("Beşiktaş's coverage for Adalar's coordinator: %d, want 403", r.Status)
	}
	// The whole province, for a coordinator of all: a map of the districts.
	whole := string(e.Browser(coordinator).Get("/kapsama").Body)
	if !strings.Contains(whole, `class="map`) || !strings.Contains(whole, "Beşiktaş") {
		t.Errorf("the province's coverage lacks the districts' map")
	}
}

// TestSilentPage: a box with an observer and no sheet is listed with the
// observer's name and a tel: link; once it sends a sheet it is not.
func TestSilentPage(t *testing.T) {
	e := newEnv(t)
	e.AddScoped()
	coverageOrg(t, e.Env)
	ctx := context.Background()
	if _, err := e.Center.SaveAssignments(ctx, operator, []sandik.Assignment{
		{Election: webtest.Election, Box: box1, Person: "k-ada"}, {Election: webtest.Election, Box: box2, Person: "k-ilk"},
		{Election: webtest.Election, Box: box3, Person: "k-bes"}}); err != nil {
		t.Fatal(err)
	}
	e.Settle(e.Submit(observer1, sheet("sil-1", raceIST, box2, 100, 90, 10)).Seq)
	b := e.Browser(coordAdal)
	page := b.Get("/sessiz")
	body := html.UnescapeString(string(page.Body))
	if page.Status != http.StatusOK || !strings.Contains(body, "Sessiz sandıklar: Adalar") {
		t.Fatalf("silent page %d:\n%.400s", page.Status, body)
	}
	for _, want := range []string{`data-box="` + box1 + `"`, "Deniz Ada", `href="tel:+905321112233"`, "+90 532 111 22 33", "<td class=\"num\">360 dk</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("silent page lacks %q:\n%s", want, body)
		}
	}
	for _, not := range []string{`data-box="` + box2 + `"`, box3, "Cem Beşli"} {
		if strings.Contains(body, not) {
			t.Errorf("silent page shows %q", not)
		}
	}
	if r := b.Get("/sessiz?area=34.02"); r.Status != http.StatusForbidden {
		t.Errorf("Beşiktaş's silent boxes for Adalar's coordinator: %d", r.Status)
	}
	if r := e.Browser(volunteer).Get("/sessiz"); r.Status != http.StatusForbidden {
		t.Errorf("silent page for a volunteer: %d", r.Status)
	}
	en := e.Browser(coordinator)
	en.Get("/lang/en")
	if body := html.UnescapeString(string(en.Get("/sessiz").Body)); !strings.Contains(body, "Silent boxes") || !strings.Contains(body, "tel:+905324445566") {
		t.Errorf("English silent page for the whole province lacks its title or Beşiktaş's phone")
	}
}

func TestPlaceText(t *testing.T) {
	for _, tc := range []struct {
		place []string
		want  string
	}{
		{nil, ""},
		{[]string{"Kuzguncuk"}, "Kuzguncuk"},
		{[]string{"Mahalle 3", "Mahalle 3 / Okul 1"}, "Mahalle 3 / Okul 1"},
		{[]string{"Adalar", "Mahalle 3", "Mahalle 3 / Okul 1"}, "Adalar · Mahalle 3 / Okul 1"},
		{[]string{"Bağcılar", "Bağcılar Merkez", "Atatürk İlkokulu"}, "Bağcılar · Bağcılar Merkez · Atatürk İlkokulu"},
	} {
		if got := placeText(tc.place); got != tc.want {
			t.Errorf("placeText(%q) = %q, want %q", tc.place, got, tc.want)
		}
	}
}
