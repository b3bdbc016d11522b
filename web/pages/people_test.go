package pages

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

// peopleFixture: İstanbul with Adalar (a scoped coordinator's district)
// and Beşiktaş; Deniz Ada of Adalar holds the chair of Adalar, with a
// phone, and a few people whose names sort differently in Turkish.
func peopleFixture(t *testing.T, e *env) {
	t.Helper()
	ch := sandik.OrgChange{
		Units: []sandik.Unit{
			{Code: "34", Kind: sandik.UnitIl, Name: "İstanbul", Area: "34"},
			{Code: "34.01", Kind: sandik.UnitIlce, Name: "Adalar", Parent: "34", Area: "34.01"},
			{Code: "34.02", Kind: sandik.UnitIlce, Name: "Beşiktaş", Parent: "34", Area: "34.02"},
		},
		People: []sandik.Person{
			{ID: "k-ada", Name: "Deniz Ada", Phones: []string{"+905321112233"}, Email: "deniz@example.org", Note: "akşamları", Home: "34.01", Purpose: "örgüt üyeliği", Consent: "2024-01-01"},
			{ID: "k-bes", Name: "Cem Beşli", Phones: []string{"+905324445566"}, Home: "34.02", Purpose: "örgüt üyeliği", Consent: "2024-01-01"},
			{ID: "k-c1", Name: "Çağla Öz", Home: "34.01", Purpose: "örgüt üyeliği", Consent: "2024-01-01"},
			{ID: "k-c2", Name: "Cansu Er", Home: "34.01", Purpose: "örgüt üyeliği", Consent: "2024-01-01"},
			{ID: "k-i1", Name: "İpek Su", Home: "34.01", Purpose: "örgüt üyeliği", Consent: "2024-01-01"},
			{ID: "k-i2", Name: "Irmak Su", Home: "34.01", Purpose: "örgüt üyeliği", Consent: "2024-01-01"},
		},
		Positions: []sandik.Position{
			{ID: "g-ada-1", Kind: "sekreter", Unit: "34.01", Person: "k-ada", Start: "2010-01-01", End: "2014-12-31", Source: sandik.SourceCongress, EndReason: "kongre"},
			{ID: "g-ada-2", Kind: "ilce_baskani", Unit: "34.01", Person: "k-ada", Start: "2015-01-01", Source: sandik.SourceCongress},
		},
	}
	if err := e.Center.SaveOrg(context.Background(), sandik.User{ID: "setup", Role: sandik.RoleAdmin}, ch); err != nil {
		t.Fatal(err)
	}
}

var rowName = regexp.MustCompile(`<th scope="row"><a href="/kisiler/[^"]+">([^<]+)</a>`)

// TestPeopleList: each user lists the people of the units they may see,
// in Turkish order (C before Ç, I before İ), with no contact data, and
// the list pages by fifty.
func TestPeopleList(t *testing.T) {
	e := newScopedEnv(t)
	peopleFixture(t, e)
	names := func(body string) []string {
		var out []string
		for _, m := range rowName.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	body := e.Browser(coordAdal).Page("/kisiler", http.StatusOK)
	if got, want := strings.Join(names(body), "|"), "Cansu Er|Çağla Öz|Deniz Ada|Irmak Su|İpek Su"; got != want {
		t.Errorf("people of Adalar for %s: %s, want %s", coordAdal, got, want)
	}
	if strings.Contains(body, "+905321112233") || strings.Contains(body, "tel:") {
		t.Error("the list shows a phone")
	}
	all := names(e.Browser(admin).Page("/kisiler", http.StatusOK))
	if len(all) != 6 || all[0] != "Cansu Er" || all[1] != "Cem Beşli" {
		t.Errorf("people for the admin: %v", all)
	}
	if got := names(e.Browser(admin).Page("/kisiler?birim=34.02", http.StatusOK)); len(got) != 1 || got[0] != "Cem Beşli" {
		t.Errorf("people of Beşiktaş: %v", got)
	}
	e.Browser(coordAdal).Page("/kisiler?birim=34.02", http.StatusNotFound)
	e.Browser(coordAdal).Page("/kisiler?sayfa=2", http.StatusUnprocessableEntity)

	var more []sandik.Person
	for i := range 55 {
		more = append(more, sandik.Person{ID: sandik.PersonID(fmt.Sprintf("k-x%02d", i)), Name: fmt.Sprintf("Zeki %02d", i), Home: "34.01", Purpose: "örgüt üyeliği", Consent: "2024-01-01"})
	}
	if err := e.Center.SaveOrg(context.Background(), sandik.User{ID: "setup", Role: sandik.RoleAdmin}, sandik.OrgChange{People: more}); err != nil {
		t.Fatal(err)
	}
	page2 := e.Browser(coordAdal).Page("/kisiler?sayfa=2", http.StatusOK)
	if got := names(page2); len(got) != 10 || got[9] != "Zeki 54" || !strings.Contains(page2, `href="/kisiler?sayfa=1" rel="prev"`) || strings.Contains(page2, `rel="next"`) {
		t.Errorf("page 2: %v", got)
	}
	if !strings.Contains(page2, "60 kişi") {
		t.Error("page 2 does not count 60 people")
	}
}

// TestPersonPage: the coordinator of Adalar sees Deniz Ada's phone as a
// tel: link, and that showing is logged; a lawyer of Adalar sees the page
// without it, and nothing is logged; positions come current first, and
// the home unit links to its page; only the administrator has the export
// link and the erase form.
func TestPersonPage(t *testing.T) {
	e := newScopedEnv(t)
	peopleFixture(t, e)
	ctx := context.Background()
	views := func(u string) int {
		vs, err := e.Store.ContactViews(ctx, sandik.ContactViewFilter{User: sandik.UserID(u)})
		if err != nil {
			t.Fatal(err)
		}
		return len(vs)
	}
	body := html.UnescapeString(e.Browser(coordAdal).Page("/kisiler/k-ada", http.StatusOK))
	for _, want := range []string{`href="tel:+905321112233"`, "deniz@example.org", `href="/birimler/34.01"`, "İlçe Başkanı", "Sürüyor"} {
		if !strings.Contains(body, want) {
			t.Errorf("the coordinator's page lacks %q", want)
		}
	}
	if strings.Index(body, "İlçe Başkanı") > strings.Index(body, "Sekreter") {
		t.Error("the current position is not first")
	}
	if strings.Contains(body, "/sil") || strings.Contains(body, "export.json") {
		t.Error("a coordinator is offered the export or the erasure")
	}
	if n := views(coordAdal); n != 1 {
		t.Errorf("%d views logged for %s, want 1", n, coordAdal)
	}
	body = e.Browser(lawyerAdal).Page("/kisiler/k-ada", http.StatusOK)
	if strings.Contains(body, "tel:") || strings.Contains(body, "deniz@example.org") || strings.Contains(body, "akşamları") {
		t.Error("a lawyer sees the contacts")
	}
	if n := views(lawyerAdal); n != 0 {
		t.Errorf("%d views logged for a lawyer who saw nothing", n)
	}
	if !strings.Contains(body, "yalnızca kişinin biriminin bölgesindeki koordinatörlere") {
		t.Error("the lawyer is not told why the contacts are hidden")
	}
	if body := e.Browser(coordAdal).Page("/kisiler/k-c1", http.StatusOK); !strings.Contains(body, "Kayıtlı telefon ya da e-posta yok.") {
		t.Error("a person with no contacts is not said to have none")
	}
	e.Browser(coordAdal).Page("/kisiler/k-bes", http.StatusForbidden)
	body = e.Browser(admin).Page("/kisiler/k-ada", http.StatusOK)
	if !strings.Contains(body, `href="/kisiler/k-ada/export.json"`) || !strings.Contains(body, `action="/kisiler/k-ada/sil"`) {
		t.Error("the administrator has no export link or erase form")
	}
	r := e.Browser(admin).Get("/kisiler/k-ada/export.json")
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"g-ada-2"`) || !strings.Contains(string(r.Body), `"contact_views"`) {
		t.Errorf("export: %d %.300s", r.Status, r.Body)
	}
}

// TestPersonErasePage: the form needs the confirmation and a reason;
// then the page shows a removed person with the terms still there.
func TestPersonErasePage(t *testing.T) {
	e := newScopedEnv(t)
	peopleFixture(t, e)
	b := e.Browser(admin)
	if r := b.Post("/kisiler/k-ada/sil", url.Values{"reason": {"talep"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "onay kutusunu") {
		t.Errorf("erase without confirmation: %d", r.Status)
	}
	if r := b.Post("/kisiler/k-ada/sil", url.Values{"reason": {""}, "confirm": {"1"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `aria-invalid="true"`) {
		t.Errorf("erase without a reason: %d", r.Status)
	}
	if r := e.Browser(coordAdal).Post("/kisiler/k-ada/sil", url.Values{"reason": {"talep"}, "confirm": {"1"}}); r.Status != http.StatusForbidden {
		t.Errorf("a coordinator's erasure: %d", r.Status)
	}
	r := b.Post("/kisiler/k-ada/sil", url.Values{"reason": {"KVKK talebi"}, "confirm": {"1"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/kisiler/k-ada?silindi=1" {
		t.Fatalf("erase: %d to %q", r.Status, r.Header.Get("Location"))
	}
	body := b.Page("/kisiler/k-ada?silindi=1", http.StatusOK)
	for _, want := range []string{"silinmiş kişi", "KVKK talebi", "Kişisel veriler silindi", "İlçe Başkanı"} {
		if !strings.Contains(body, want) {
			t.Errorf("the erased person's page lacks %q", want)
		}
	}
	if strings.Contains(body, "Deniz Ada") || strings.Contains(body, "tel:") {
		t.Error("the erased person's page still shows their data")
	}
}

// TestPeopleListTooMany: past maxListed people the list asks for a unit
// instead of sorting them all; one unit's list still answers.
func TestPeopleListTooMany(t *testing.T) {
	e := newScopedEnv(t)
	peopleFixture(t, e)
	var many []sandik.Person
	for i := range maxListed + 1 {
		many = append(many, sandik.Person{ID: sandik.PersonID(fmt.Sprintf("k-m%06d", i)), Name: fmt.Sprintf("Üye %06d", i), Home: "34", Purpose: "örgüt üyeliği", Consent: "2024-01-01"})
	}
	if err := e.Center.SaveOrg(context.Background(), sandik.User{ID: "setup", Role: sandik.RoleAdmin}, sandik.OrgChange{People: many}); err != nil {
		t.Fatal(err)
	}
	body := e.Browser(admin).Page("/kisiler", http.StatusOK)
	if !strings.Contains(body, "bir birim seçin") || rowName.MatchString(body) {
		t.Error("a list past the bound is not refused in favour of a unit")
	}
	if got := rowName.FindAllStringSubmatch(e.Browser(admin).Page("/kisiler?birim=34.01", http.StatusOK), -1); len(got) != 5 {
		t.Errorf("Adalar's list: %d people, want 5", len(got))
	}
}
