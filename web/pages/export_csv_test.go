package pages

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// An area named like a formula reaches the spreadsheet as text (csvcell);
// the figures stay numbers.
func TestExportCSVDefusesFormulas(t *testing.T) {
	evil := `=HYPERLINK("http://evil.example","click")`
	areas := []sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34.01", Parent: "34", Level: sandik.LevelIlce, Name: "Adalar"},
		{Code: "34.01.01", Parent: "34.01", Level: sandik.LevelMahalle, Name: evil},
		{Code: box1, Parent: "34.01.01", Level: sandik.LevelSandik, Name: "@SUM(1+1)"},
	}
	els := []sandik.Election{{Code: webtest.Election, Name: "Yerel", Date: testNow.Add(-23 * time.Hour), Quorum: 2}}
	races := []sandik.Race{{Code: raceIST, Election: webtest.Election, Name: "İBB", Scope: "34",
		Choices: []sandik.Choice{{Code: "CHP", Name: "-2+3"}, {Code: "AKP", Name: "B"}, {Code: "SP", Name: "C"}}}}
	reg, err := sandik.NewRegistry(areas, els, races, []sandik.Registration{{Election: webtest.Election, Box: box1, Registered: 300}})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, reg)
	e.Settle(e.Submit(observer1, sheet("x1", raceIST, box1, 100, 90, 10)).Seq)
	for _, area := range []string{"34.01", "34.01.01"} {
		r := e.Browser(coordinator).Get("/races/" + raceIST + "/areas/" + area + "/export.csv")
		if r.Status != http.StatusOK {
			t.Fatalf("export of %s: %d", area, r.Status)
		}
		body := string(r.Body)
		if strings.Contains(body, ";"+evil) || strings.Contains(body, `;"=HYPERLINK`) || strings.Contains(body, ";@SUM") {
			t.Errorf("export of %s carries a formula:\n%s", area, body)
		}
		if !strings.Contains(body, `"'=HYPERLINK(`) || !strings.Contains(body, ";300;203;200;3;100;90;10;") {
			t.Errorf("export of %s: name not kept as text, or figures changed:\n%s", area, body)
		}
	}
}
