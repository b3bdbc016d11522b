package pages

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// TestMunicipalitiesPage: the table per province in Turkish order with
// the summary, and İstanbul's district municipalities on the map by the
// party holding them, in Turkish and in English.
func TestMunicipalitiesPage(t *testing.T) {
	e := newScopedEnv(t)
	e.MunicipalFixture()
	// Two towns whose names sort one way by bytes and the other by
	// Turkish rules (Ç after C, before D); one held by an independent.
	town := func(code sandik.MunicipalityCode, name string, party sandik.PartyCode) sandik.MunicipalTerm {
		return sandik.MunicipalTerm{Municipality: code, Election: webtest.Election, Day: "2019-03-31", Version: 1, Mayor: name + " Başkanı (sentetik)",
			Party: party, MarginVotes: 3, Source: sandik.TermByHand, Reason: "test"}
	}
	if err := e.Center.SaveMunicipalities(t.Context(), sandik.User{ID: "setup", Role: sandik.RoleAdmin}, sandik.MunicipalChange{
		Municipalities: []sandik.Municipality{
			{Code: "34.01.01", Kind: sandik.MuniBelde, Name: "Çınar Belediyesi", Area: "34.01.01"},
			{Code: "34.02.01", Kind: sandik.MuniBelde, Name: "Dereköy Belediyesi", Area: "34.02.01"},
		},
		Terms: []sandik.MunicipalTerm{town("34.01.01", "Çınar", sandik.PartyIndependent), town("34.02.01", "Dereköy", "AKP")},
	}); err != nil {
		t.Fatal(err)
	}
	r := e.Browser(observer1).Get("/belediyeler")
	if r.Status != http.StatusOK {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	body := string(r.Body)
	for _, want := range []string{
		"<h1>Belediyeler</h1>", "Partimiz: CHP", `<a href="/belediyeler">Belediyeler</a>`,
		// held 2, kept 1, gained 1, lost 1, held before 2 of 5
		`<dt>Belediye</dt><dd>5</dd></div>`, `<dt>Kazanılan</dt><dd>2</dd>`, `<dt>Korunan</dt><dd>1</dd>`, `<dt>Alınan</dt><dd>1</dd>`,
		`<dt>Kaybedilen</dt><dd>1</dd>`, `<dt>Önceki dönem</dt><dd>2</dd>`, "Partimizin belediyeleri, Yerel seçimler 2019",
		"Başkan Beşiktaş (sentetik)", "Kaybedildi", "Korundu", "Alındı", "Bağımsız", "13.729", "0,16",
		`role="img" aria-label="İlçe belediyeleri, kazanan partiye göre"`, "CHP (1 belediye)", "AKP (1 belediye)",
		`<title>Beşiktaş: Başkan Beşiktaş (sentetik) (AKP)</title>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// The metropolitan municipality first, then by name in Turkish order.
	rows := regexp.MustCompile(`<tr id="m-[^"]+"><th scope="row">([^<]+)</th>`).FindAllStringSubmatch(body, -1)
	var names []string
	for _, m := range rows {
		names = append(names, m[1])
	}
	if want := []string{"İstanbul Büyükşehir Belediyesi", "Adalar Belediyesi", "Beşiktaş Belediyesi", "Çınar Belediyesi", "Dereköy Belediyesi"}; strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("rows %v, want %v", names, want)
	}
	// Our party's colour is the palette's first; the map's shapes link to
	// their rows.
	if !strings.Contains(body, `fill="`+choicePalette[0]+`" data-f="34.01" data-href="#m-34.01"`) {
		t.Errorf("Adalar (ours) is not drawn in the first colour")
	}

	if strings.Contains(body, "Meclis üyeleri") {
		t.Error("a council column with no council recorded")
	}
	// A council recorded is counted by party, the largest first.
	if _, err := e.Center.EditTerm(t.Context(), sandik.User{ID: "setup", Role: sandik.RoleAdmin}, "34.02", webtest.Election, center.TermEdit{
		Mayor: "Başkan Beşiktaş (sentetik)", Party: "AKP", Reason: "meclis eklendi", Replaces: 1, MarginVotes: 40, MarginPoints: 0.05,
		Council: []sandik.CouncilMember{{Name: "Üye 1 (sentetik)", Party: "AKP"}, {Name: "Üye 2 (sentetik)", Party: "CHP"}, {Name: "Üye 3 (sentetik)", Party: "CHP"}},
	}); err != nil {
		t.Fatal(err)
	}
	body = string(e.Browser(observer1).Get("/belediyeler").Body)
	if !strings.Contains(body, `<th scope="col" class="opt">Meclis üyeleri</th>`) || !strings.Contains(body, "CHP 2 · AKP 1") || !strings.Contains(body, "Elle girildi: meclis eklendi (2. sürüm)") {
		t.Errorf("the council is not shown")
	}

	en := string(e.Browser(observer1).Get("/belediyeler?lang=en").Body)
	for _, want := range []string{"<h1>Municipalities</h1>", "Lost", "Kept", "Gained", "13,729", "0.16", "Independent"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English page lacks %q", want)
		}
	}
	// The earlier election: nothing before it to compare with.
	old := string(e.Browser(observer1).Get("/belediyeler?election=2014-YEREL").Body)
	if !strings.Contains(old, "Kazanıldı") || strings.Contains(old, "Kaybedildi") || !strings.Contains(old, `<strong aria-current="true">2014-YEREL (2014-03-30)</strong>`) {
		t.Errorf("2014 page wrong")
	}
	// A coordinator of Adalar sees Adalar and its town only.
	sc := string(e.Browser(webtest.CoordAdal).Get("/belediyeler").Body)
	if strings.Contains(sc, "Beşiktaş Belediyesi") || strings.Contains(sc, "Dereköy") || !strings.Contains(sc, "Adalar Belediyesi") || !strings.Contains(sc, "Çınar Belediyesi") {
		t.Errorf("a coordinator of Adalar reads outside Adalar")
	}
}

func TestMunicipalitiesPageEmpty(t *testing.T) {
	e := newEnv(t)
	body := string(e.Browser(observer1).Get("/belediyeler").Body)
	if !strings.Contains(body, "Bu seçim için kayıtlı belediye yok.") || !strings.Contains(body, "Partimiz henüz tanımlanmadı") {
		t.Errorf("empty page: %s", body)
	}
}
