package pages

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

var orgWriters = []sandik.Role{sandik.RoleCoordinator, sandik.RoleAdmin}

// congressPagesFixture is Adalar's ilçe congress k-1 (peopleFixture's
// chair ex officio, four elected delegates), frozen with one box entered
// once (K is 1), with for every user of the matrix a counted contest
// a<user>, a contest b<user> ready to open and an unfrozen congress
// kf-<user>.
func congressPagesFixture(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	setup := sandik.User{ID: "setup", Role: sandik.RoleAdmin}
	c := e.Center
	var ms []sandik.Mandate
	for i, p := range []sandik.PersonID{"k-c1", "k-c2", "k-i1", "k-i2"} {
		ms = append(ms, sandik.Mandate{ID: sandik.MandateID("mp-" + string(p)), Person: p, Level: sandik.LevelIlceCongress, Unit: "34.01", Group: "34.01", Rank: i + 1, Start: "2024-01-01", Camp: "A"})
	}
	if err := c.SaveMandates(ctx, setup, ms); err != nil {
		t.Fatal(err)
	}
	g := sandik.Congress{ID: "k-1", Level: sandik.LevelIlceCongress, Unit: "34.01", Title: "Adalar Kongresi", Date: "2024-06-01", Place: "Büyükada", Boxes: 1, Entries: 1}
	if _, err := c.CreateCongress(ctx, setup, g); err != nil {
		t.Fatal(err)
	}
	g, _, err := c.FreezeElectorate(ctx, setup, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := func(v int64) *int64 { return &v }
	for _, u := range []string{observer2, volunteer, coordinator, admin, lawyer} {
		for _, code := range []string{"a" + u, "b" + u} {
			if _, err := c.AddContest(ctx, setup, sandik.Contest{Congress: g.ID, Code: code, Title: "Yönetim " + code, Kind: sandik.ContestBoard, Ballot: sandik.BallotSingle, Seats: 1}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.AppendList(ctx, setup, sandik.CandidateList{Congress: g.ID, Contest: code, Code: "a", Name: "A", Camp: "A", SubmittedBy: "k-c1",
				Candidates: []sandik.ListCandidate{{Person: "k-c1", Name: "Çağla Öz"}}}); err != nil {
				t.Fatal(err)
			}
		}
		k, err := c.OpenCounting(ctx, setup, g.ID, "a"+u)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := c.Submit(ctx, setup, []sandik.SheetInput{{ID: sandik.SubmissionID("kp-" + u), Race: k.Race, Box: g.Box(1), Source: sandik.SourceEntry,
			Registered: n(5), Voted: n(4), ValidWithoutObjection: n(4), ValidUponObjection: n(0), ValidTotal: n(4), Invalid: n(0),
			Votes: map[sandik.ChoiceCode]*int64{"k-c1": n(4)}}})
		if err != nil {
			t.Fatal(err)
		}
		e.Settle(rs[0].Seq)
		if _, err := c.CreateCongress(ctx, setup, sandik.Congress{ID: sandik.CongressID("kf-" + u), Level: sandik.LevelIlceCongress, Unit: "34.01", Title: "Adalar " + u, Date: "2024-06-01", Place: "Büyükada"}); err != nil {
			t.Fatal(err)
		}
	}
}

// congressPageRequest is a valid request of a congress page as user, for
// the matrix; ok is false for other pages.
func congressPageRequest(b *webtest.Browser, p, user string) (webtest.Response, bool) {
	checkin := map[string]string{coordinator: "k-c2", admin: "k-i1"}[user]
	switch p {
	case "POST /kongreler":
		return b.Post("/kongreler", url.Values{"title": {"Kongre " + user}, "unit": {"34.01"}, "level": {"ilce"}, "date": {"2024-07-01"}, "place": {"Salon"}, "boxes": {"2"}}), true
	case "POST /kongreler/{id}/{action}":
		return b.Post("/kongreler/kf-"+user+"/liste", nil), true
	case "POST /kongreler/{id}/giris":
		return b.Post("/kongreler/k-1/giris", url.Values{"person": {checkin}, "desk": {"masa-1"}}), true
	case "POST /kongreler/{id}/sonuclar/{contest}/onay":
		return b.Post("/kongreler/k-1/sonuclar/a"+user+"/onay", nil), true
	case "GET /kongreler/{id}/disa/{file}":
		return b.Get("/kongreler/k-1/disa/liste.csv"), true
	}
	if strings.HasPrefix(p, "GET /kongreler/{id}") {
		return b.Get(strings.Replace(strings.TrimPrefix(p, "GET "), "{id}", "k-1", 1)), true
	}
	return webtest.Response{}, false
}

// TestCongressPages: the organiser's page shows the list with who
// replaces whom; the desk refuses, in Turkish, one not on the list and a
// second check-in, and counts the first; the results page shows the
// winner and is approved once.
func TestCongressPages(t *testing.T) {
	e := newEnv(t)
	peopleFixture(t, e)
	congressPagesFixture(t, e)
	b := e.Browser(coordinator)
	body := b.Page("/kongreler/k-1", http.StatusOK)
	for _, want := range []string{"Deniz Ada", "tabii üye", "Çağla Öz", "seçilmiş delege", "tarihinde kesinleşti"} {
		if !strings.Contains(body, want) {
			t.Errorf("the congress page lacks %q", want)
		}
	}
	r := b.Post("/kongreler/k-1/giris", url.Values{"person": {"k-bes"}, "desk": {"masa-1"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "kesinleşmiş delege listesinde yok") {
		t.Errorf("one not on the list: %d %.300s", r.Status, r.Body)
	}
	r = b.Post("/kongreler/k-1/giris", url.Values{"person": {"k-c1"}, "desk": {"masa-1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("check-in: %d %.300s", r.Status, r.Body)
	}
	desk := b.Page(r.Header.Get("Location"), http.StatusOK)
	if !strings.Contains(desk, "<strong>1</strong> / 5") || !strings.Contains(desk, "k-c1 giriş yaptı") {
		t.Errorf("the desk after a check-in: %.2000s", desk)
	}
	r = b.Post("/kongreler/k-1/giris", url.Values{"person": {"k-c1"}, "desk": {"masa-2"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "zaten giriş yaptı") {
		t.Errorf("twice: %d %.300s", r.Status, r.Body)
	}
	res := b.Page("/kongreler/k-1/sonuclar", http.StatusOK)
	if !strings.Contains(res, "1. sırada seçildi") || !strings.Contains(res, `data-k="v.a`+coordinator+`.k-c1">4<`) {
		t.Errorf("results page: %.3000s", res)
	}
	if r := b.Post("/kongreler/k-1/sonuclar/a"+coordinator+"/onay", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("approval: %d %.300s", r.Status, r.Body)
	}
	if r := b.Post("/kongreler/k-1/sonuclar/a"+coordinator+"/onay", nil); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "onaylandı; değişmez") {
		t.Errorf("a second approval: %d %.300s", r.Status, r.Body)
	}
	if csv := b.Page("/kongreler/k-1/disa/liste.csv", http.StatusOK); !strings.Contains(csv, "k-ada;Deniz Ada;natural;ilce_baskani") {
		t.Errorf("the list as CSV: %s", csv)
	}
}
