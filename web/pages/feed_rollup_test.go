package pages

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// The roll-up page adds up the council races of both districts per party
// (the fixture: AK PARTİ 100+90+70, CHP 120+60+150, HDP 30 of 620), lists
// the districts, and exports the same figures as CSV.
func TestRollupPageAndCSV(t *testing.T) {
	e := newScopedEnv(t)
	webtest.RollupFixture(t, e.Env)
	b := e.Browser(coordinator)
	html := b.Page("/toplamlar?election="+webtest.Election+"&kind=meclis", http.StatusOK)
	for _, want := range []string{"Seçim çevreleri toplamı", "AK PARTİ", ">260<", ">330<", "%53,2", "Resmî olmayan toplam: 2 yarış", ">İstanbul<", "CHP %53,2"} {
		if !strings.Contains(html, want) {
			t.Errorf("roll-up page lacks %q", want)
		}
	}
	il := b.Page("/toplamlar?election="+webtest.Election+"&kind=meclis&area=34", http.StatusOK)
	for _, want := range []string{">Adalar<", "AK PARTİ %51,4", ">Beşiktaş<", "CHP %60,0"} {
		if !strings.Contains(il, want) {
			t.Errorf("İstanbul's roll-up page lacks %q", want)
		}
	}
	csv := string(b.Get("/toplamlar.csv?election=" + webtest.Election + "&kind=meclis&area=34").Body)
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(csv, "\uFEFF")), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "34;İstanbul;2;0;3;0;3;") || !strings.HasSuffix(strings.TrimSpace(lines[1]), ";260;330;30") {
		t.Errorf("roll-up CSV:\n%s", csv)
	}
	// The overview of a council race links its roll-up.
	ov := b.Page("/races/"+webtest.Election+".meclis.adalar/areas/34.01", http.StatusOK)
	if !strings.Contains(ov, "/toplamlar?area=34.01&amp;election="+webtest.Election+"&amp;kind=meclis") {
		t.Errorf("overview lacks the roll-up link")
	}
	// Adalar's coordinator reads İstanbul made of Adalar only, never the whole.
	sb := e.Browser(webtest.CoordAdal)
	scoped := sb.Page("/toplamlar?election="+webtest.Election+"&kind=meclis&area=34", http.StatusOK)
	if !strings.Contains(scoped, "Görme yetkiniz olmayan 1 yarış") || strings.Contains(scoped, ">Beşiktaş<") {
		t.Errorf("scoped roll-up shows more than Adalar")
	}
	if r := sb.Get("/toplamlar.csv?election=" + webtest.Election + "&kind=meclis&area=34.02"); r.Status != http.StatusForbidden {
		t.Errorf("Beşiktaş CSV for Adalar's coordinator: %d", r.Status)
	}
}
