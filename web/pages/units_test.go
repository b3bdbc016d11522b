package pages

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// unitsFixture is İstanbul with Beşiktaş and Adalar (listed in Turkish
// order, Adalar first, whatever their codes), a chair of Adalar who
// handed over on 2019-03-01, and a vacant secretary.
func unitsFixture(t *testing.T, e *env) {
	t.Helper()
	ch := sandik.OrgChange{
		Units: []sandik.Unit{
			{Code: "34", Kind: sandik.UnitIl, Name: "İstanbul", Area: "34"},
			{Code: "34.02", Kind: sandik.UnitIlce, Name: "Beşiktaş", Parent: "34", Area: "34.02"},
			{Code: "34.01", Kind: sandik.UnitIlce, Name: "Adalar", Parent: "34", Area: "34.01"},
			{Code: "34.01-genclik", Kind: sandik.UnitYouth, Name: "Adalar Gençlik Kolu", Parent: "34.01", Area: "34.01"},
		},
		People: []sandik.Person{
			{ID: "k-eski", Name: "Eski Başkan", Phones: []string{"+905321112233"}, Home: "34.01", Purpose: "örgüt üyeliği", Consent: "2018-01-01"},
			{ID: "k-yeni", Name: "Yeni Başkan", Phones: []string{"+905324445566"}, Home: "34.01", Purpose: "örgüt üyeliği", Consent: "2018-01-01"},
		},
		Positions: []sandik.Position{
			{ID: "g-eski", Kind: "ilce_baskani", Unit: "34.01", Person: "k-eski", Start: "2016-01-01", End: "2019-02-28", Source: sandik.SourceCongress, EndReason: "kongre"},
			{ID: "g-yeni", Kind: "ilce_baskani", Unit: "34.01", Person: "k-yeni", Start: "2019-03-01", Source: sandik.SourceCongress},
		},
	}
	if err := e.Center.SaveOrg(context.Background(), sandik.User{ID: "setup", Role: sandik.RoleAdmin}, ch); err != nil {
		t.Fatal(err)
	}
}

// TestUnitChartPage: the chart today and as of an older day, holders
// linked to their person's page, the vacancy marked in words, no phone
// number anywhere; a bad day is refused naming the field.
func TestUnitChartPage(t *testing.T) {
	e := newScopedEnv(t)
	unitsFixture(t, e)
	b := e.Browser(admin)
	r := b.Get("/birimler/34.01")
	if r.Status != http.StatusOK {
		t.Fatalf("chart: %d %s", r.Status, r.Body)
	}
	for _, want := range []string{`<a href="/kisiler/k-yeni">Yeni Başkan</a>`, "01.03.2019", `<strong class="vacant">BOŞ</strong>`, `<label for="at">Tarih</label>`,
		`value="2019-03-31"`, `href="/birimler/34.01-genclik?at=2019-03-31"`, "koordinatör"} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("today's chart lacks %q", want)
		}
	}
	for _, never := range []string{"Eski Başkan", "+90532", "05321"} {
		if strings.Contains(string(r.Body), never) {
			t.Errorf("today's chart shows %q", never)
		}
	}
	r = b.Get("/birimler/34.01?at=2019-02-28")
	if !strings.Contains(string(r.Body), `<a href="/kisiler/k-eski">Eski Başkan</a>`) || strings.Contains(string(r.Body), "Yeni Başkan") {
		t.Errorf("the chart of 2019-02-28 is not the old chair's:\n%s", r.Body)
	}
	r = b.Get("/birimler/34.01?at=2019-02-30")
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "YYYY-AA-GG") {
		t.Errorf("a bad day: %d %.300s", r.Status, r.Body)
	}
	if r := b.Get("/birimler/99"); r.Status != http.StatusNotFound {
		t.Errorf("no such unit: %d", r.Status)
	}
}

// TestUnitsScoped: a district coordinator lists and reads only their
// district's units, and is refused the next district's chart.
func TestUnitsScoped(t *testing.T) {
	e := newScopedEnv(t)
	unitsFixture(t, e)
	all := string(e.Browser(admin).Get("/birimler").Body)
	i, j, k := strings.Index(all, ">İstanbul<"), strings.Index(all, ">Adalar<"), strings.Index(all, ">Beşiktaş<")
	if i < 0 || j < i || k < j {
		t.Errorf("the list is not in tree and Turkish order (İstanbul %d, Adalar %d, Beşiktaş %d)", i, j, k)
	}
	if !strings.Contains(all, `class="depth2"><a href="/birimler/34.01-genclik">`) {
		t.Errorf("the youth branch is not listed under Adalar")
	}
	b := e.Browser(webtest.CoordAdal)
	list := string(b.Get("/birimler").Body)
	if !strings.Contains(list, ">Adalar<") || strings.Contains(list, ">Beşiktaş<") || strings.Contains(list, ">İstanbul<") {
		t.Errorf("the district coordinator's list:\n%s", list)
	}
	if r := b.Get("/birimler/34.01"); r.Status != http.StatusOK {
		t.Errorf("own district: %d", r.Status)
	}
	if r := b.Get("/birimler/34.02"); r.Status != http.StatusForbidden {
		t.Errorf("the next district: %d", r.Status)
	}
}
