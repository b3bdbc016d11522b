package api

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger/audit"
	"github.com/sandik-dev/sandik/org"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

type personAnswer struct {
	Person    sandik.Person
	Positions []sandik.Position
}

// TestContactMatrix: every user of the fixture, scoped or not, reads a
// person of Adalar and one of Beşiktaş; the phone is in the answer
// exactly when the table says (sandik.MaySeeContact), and each answer
// with a phone is one view in the log, under that user.
func TestContactMatrix(t *testing.T) {
	e := newScopedEnv(t)
	orgFixture(t, e.Env)
	ctx := context.Background()
	reg := e.Center.Registry()
	users, err := e.Store.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	shown := map[sandik.UserID]int{}
	for _, u := range users {
		for _, c := range []struct {
			id   sandik.PersonID
			area sandik.AreaCode
		}{{"k-ada", "34.01"}, {"k-bes", "34.02"}} {
			r := e.Do("GET", "/api/v1/people/"+string(c.id), string(u.ID), nil)
			if r.Status == http.StatusForbidden {
				if reg.InScope(u, c.area) {
					t.Errorf("%s (%s) refused %s in scope", u.ID, u.Role, c.id)
				}
				continue
			}
			var a personAnswer
			r.Decode(t, http.StatusOK, &a)
			want := sandik.MaySeeContact(u, reg.InScope(u, c.area))
			if got := len(a.Person.Phones) > 0; got != want {
				t.Errorf("%s (%s) reading %s: phone shown %v, the table says %v", u.ID, u.Role, c.id, got, want)
			}
			if want {
				shown[u.ID]++
			}
		}
	}
	for _, u := range users {
		vs, err := e.Store.ContactViews(ctx, sandik.ContactViewFilter{User: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != shown[u.ID] {
			t.Errorf("%s was shown %d phones and the log has %d views: %+v", u.ID, shown[u.ID], len(vs), vs)
		}
	}
	if shown[admin] != 2 || shown[coordAdal] != 1 || shown[coordinator] != 2 || shown[lawyerAdal] != 0 {
		t.Errorf("views by user %v: want the admin and the unscoped coordinator 2, Adalar's coordinator 1, a lawyer 0", shown)
	}
	// The administrator reads the log, paged, by person and by user.
	var log struct{ Views []sandik.ContactView }
	e.Do("GET", "/api/v1/contact-views?person=k-ada&user="+coordAdal, admin, nil).Decode(t, http.StatusOK, &log)
	if len(log.Views) != 1 || log.Views[0].User != coordAdal || log.Views[0].Person != "k-ada" ||
		!slices.Equal(log.Views[0].Fields, []sandik.ContactField{sandik.FieldPhones, sandik.FieldEmail}) {
		t.Errorf("log of k-ada's views by %s: %+v", coordAdal, log.Views)
	}
	e.Do("GET", "/api/v1/contact-views?limit=1", admin, nil).Decode(t, http.StatusOK, &log)
	first := log.Views[0].Seq
	e.Do("GET", "/api/v1/contact-views?limit=1&after="+strconv.FormatInt(first, 10), admin, nil).Decode(t, http.StatusOK, &log)
	if len(log.Views) != 1 || log.Views[0].Seq <= first {
		t.Errorf("the page after %d: %+v", first, log.Views)
	}
	e.Do("GET", "/api/v1/contact-views?after=x", admin, nil).APIError(t, http.StatusBadRequest)
	e.Do("GET", "/api/v1/contact-views", coordinator, nil).APIError(t, http.StatusForbidden)
}

// TestContactLimit: past K contacts a minute, a person's page is refused
// with 429 and Retry-After and nothing more is logged; a list still
// answers, without contacts, saying why.
func TestContactLimit(t *testing.T) {
	e := newScopedEnv(t, func(*Config) {})
	orgFixture(t, e.Env)
	limit := sandik.DefaultContactViewsPerMinute
	ctx := context.Background()
	// The fixture's clock stands still, so the minute never passes.
	var vs []sandik.ContactView
	for range limit - 1 {
		vs = append(vs, sandik.ContactView{User: coordAdal, Person: "k-ada", At: testNow, Fields: []sandik.ContactField{sandik.FieldPhones}})
	}
	if _, err := e.Store.LogContactViews(ctx, vs, limit); err != nil {
		t.Fatal(err)
	}
	var a personAnswer
	e.Do("GET", "/api/v1/people/k-ada", coordAdal, nil).Decode(t, http.StatusOK, &a)
	if len(a.Person.Phones) == 0 {
		t.Fatal("the K-th view refused")
	}
	r := e.Do("GET", "/api/v1/people/k-ada", coordAdal, nil)
	r.APIError(t, http.StatusTooManyRequests)
	if r.Header.Get("Retry-After") != "60" {
		t.Errorf("Retry-After %q, want 60", r.Header.Get("Retry-After"))
	}
	var list struct {
		People   []sandik.Person
		Withheld string `json:"contacts_withheld"`
	}
	e.Do("GET", "/api/v1/people", coordAdal, nil).Decode(t, http.StatusOK, &list)
	if len(list.People) != 1 || list.People[0].Phones != nil || list.Withheld == "" {
		t.Errorf("list over the limit: %+v", list)
	}
	got, err := e.Store.ContactViews(ctx, sandik.ContactViewFilter{User: coordAdal})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != limit {
		t.Errorf("%d views logged, want the limit %d", len(got), limit)
	}
}

// TestErasure is the test: a person with a distinctive name,
// phone, e-mail and note holds a term; a coordinator views their phone
// (logged); an administrator erases them. Then none of those bytes is
// left in the database file, its -wal or its -shm; the chart of a day
// inside the term shows the seat held by a removed person; the export
// and the log still hold the view by ids; the ledger's audit passes.
// Others may neither erase nor export.
func TestErasure(t *testing.T) {
	e := newScopedEnv(t)
	orgFixture(t, e.Env)
	ctx := context.Background()
	secret := sandik.Person{ID: "k-gizli", Name: "Zümrüt Kavakyeleli Sentetikoğlu", Phones: []string{"+905559876543", "02164440719"},
		Email: "zumrut.kavakyeleli@example.org", Home: "34.01", Note: "Anahtar kırmızı saksının altında, kod 73194",
		Purpose: "örgüt üyeliği", Consent: "2024-01-01"}
	term := sandik.Position{ID: "g-gizli", Kind: "sekreter", Unit: "34.01", Person: secret.ID, Start: "2024-01-01", End: "2024-12-31", Source: sandik.SourceCongress, EndReason: "kongre"}
	if err := e.Center.SaveOrg(ctx, sandik.User{ID: "setup", Role: sandik.RoleAdmin}, sandik.OrgChange{People: []sandik.Person{secret}, Positions: []sandik.Position{term}}); err != nil {
		t.Fatal(err)
	}
	var a personAnswer
	e.Do("GET", "/api/v1/people/k-gizli", coordAdal, nil).Decode(t, http.StatusOK, &a)
	if !slices.Equal(a.Person.Phones, secret.Phones) {
		t.Fatalf("the coordinator of Adalar did not see the phone: %+v", a.Person)
	}
	needles := [][]byte{[]byte(secret.Name), []byte(secret.Email), []byte(secret.Note), []byte(secret.Phones[0]), []byte(secret.Phones[1])}
	// Before erasure the file holds them: the search can find what it looks for.
	if !filesHold(t, e.Path, needles) {
		t.Fatal("the database files do not hold the person before erasure; the search cannot fail")
	}

	for _, u := range []string{coordinator, coordAdal, lawyer, volunteer, observer1} {
		e.Do("DELETE", "/api/v1/people/k-gizli", u, map[string]any{"reason": "talep"}).APIError(t, http.StatusForbidden)
		e.Do("GET", "/api/v1/people/k-gizli/export", u, nil).APIError(t, http.StatusForbidden)
	}
	d := e.Do("DELETE", "/api/v1/people/k-gizli", admin, map[string]any{"reason": ""}).APIError(t, http.StatusUnprocessableEntity)
	webtest.HasProblem(t, d, "reason", "")
	webtest.HasProblem(t, e.Do("DELETE", "/api/v1/people/k-gizli", admin, map[string]any{}).APIError(t, http.StatusUnprocessableEntity), "reason", "")

	var erased sandik.Person
	e.Do("DELETE", "/api/v1/people/k-gizli", admin, map[string]any{"reason": "KVKK m.11 silme talebi"}).Decode(t, http.StatusOK, &erased)
	if erased.Name != "" || erased.Phones != nil || erased.Email != "" || erased.Note != "" || erased.Erased != sandik.DateOf(testNow) {
		t.Errorf("the erased person: %+v", erased)
	}
	e.Do("DELETE", "/api/v1/people/k-gizli", admin, map[string]any{"reason": "again"}).APIError(t, http.StatusConflict)

	for _, f := range []string{e.Path, e.Path + "-wal", e.Path + "-shm"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, n := range needles {
			if i := bytes.Index(b, n); i >= 0 {
				t.Errorf("%s still holds %q at byte %d", f, n, i)
			}
		}
	}

	var chart org.Chart
	e.Do("GET", "/api/v1/units/34.01?at=2024-06-15", coordAdal, nil).Decode(t, http.StatusOK, &chart)
	held := false
	for _, s := range chart.Seats {
		for _, h := range s.Holders {
			if h.Position.ID == term.ID {
				held = h.Name == sandik.RemovedPerson
			}
		}
	}
	if !held {
		t.Errorf("the chart inside the term does not show the seat held by %q: %+v", sandik.RemovedPerson, chart.Seats)
	}

	var x sandik.PersonExport
	e.Do("GET", "/api/v1/people/k-gizli/export", admin, nil).Decode(t, http.StatusOK, &x)
	if x.Person.Erased == "" || len(x.Positions) != 1 || len(x.Views) != 1 || x.Views[0].User != coordAdal || x.Home.Code != "34.01" {
		t.Errorf("export of the erased person: %+v", x)
	}
	var pub checkpointView
	e.Do("GET", "/api/v1/log/checkpoint", admin, nil).Decode(t, http.StatusOK, &pub)
	if err := audit.Run(ctx, e.Store, pub.VerifierKey, audit.Options{}); err != nil {
		t.Fatalf("audit after the erasure: %v", err)
	}
}

// TestExport: everything held about a person, their contacts shown to
// the administrator and that showing logged.
func TestExport(t *testing.T) {
	e := newScopedEnv(t)
	orgFixture(t, e.Env)
	var x sandik.PersonExport
	r := e.Do("GET", "/api/v1/people/k-ada/export", admin, nil)
	r.Decode(t, http.StatusOK, &x)
	if x.Person.Name != "Deniz Ada" || len(x.Person.Phones) != 1 || len(x.Positions) != 1 || x.Positions[0].ID != "g-ada" ||
		len(x.Views) != 1 || x.Views[0].User != admin || x.Users == nil {
		t.Errorf("export: %+v", x)
	}
	e.Do("GET", "/api/v1/people/nobody/export", admin, nil).APIError(t, http.StatusNotFound)
	d := e.Do("POST", "/api/v1/people", admin, map[string]any{"id": "k-sahte", "home": "34", "purpose": "p", "consent": "2024-01-01",
		"erased": "2024-02-01", "erase_reason": "made up"}).APIError(t, http.StatusUnprocessableEntity)
	webtest.HasProblem(t, d, "erased", "")
}

func filesHold(t *testing.T, path string, needles [][]byte) bool {
	t.Helper()
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, n := range needles {
			if bytes.Contains(b, n) {
				return true
			}
		}
	}
	return false
}
