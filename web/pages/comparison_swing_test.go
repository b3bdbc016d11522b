package pages

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// The comparison page offers the earlier race of the same kind; chosen,
// its swing flags join the unusual boxes with their figures.
func TestComparisonPageShowsSwings(t *testing.T) {
	e := newEnv(t)
	webtest.RollupFixture(t, e.Env)
	webtest.HistoryFixture(t, e.Env)
	b := e.Browser(coordinator)
	page := "/races/" + webtest.Election + ".meclis.adalar/areas/34.01/comparison"
	body := b.Page(page, http.StatusOK)
	link := `href="` + page + "?previous=" + url.QueryEscape(webtest.HistoryPrevious) + `"`
	if !strings.Contains(body, link) || !strings.Contains(body, "Önceki seçime göre oynamalar: Adalar Belediye Meclisi (2014)") {
		t.Fatalf("no link to the swings since 2014")
	}
	if strings.Contains(body, "payı önceki seçimden bu yana") {
		t.Fatal("swing flags before a previous race is chosen")
	}
	body = b.Page(page+"?previous="+url.QueryEscape(webtest.HistoryPrevious), http.StatusOK)
	for _, want := range []string{
		"AK PARTİ payı önceki seçimden bu yana &#43;40,0 puan değişmiş, mahallesindeki &#43;16,2 puan (eşleşme: aynı sandık); fark 15 puanı aşıyor.",
		"(oy payı mahallesinden çok farklı değişmiş)", `<strong aria-current="true">Önceki seçime göre oynamalar`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// A volunteer does not read the page at all.
	e.Browser(volunteer).Page(page+"?previous="+url.QueryEscape(webtest.HistoryPrevious), http.StatusForbidden)
}
