package pages

import (
	"encoding/csv"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// The comparison as the lawyer reads it: each row says which fields
// differ and who gains or loses how many votes, the CSV says the same
// with semicolons, and boxes already in a case are not ticked.
func TestComparisonInWords(t *testing.T) {
	e := newEnv(t)
	discrepancies(t, e)
	b := e.Browser(lawyer)
	page := b.Page("/races/"+raceIST+"/areas/34/comparison", http.StatusOK)
	webtest.MustContain(t, page,
		"Ekrem İmamoğlu 150 → 140, Binali Yıldırım 100 → 110",
		"10 eksik", "10 fazla", "aynı",
		"Binali Yıldırım lehine, Ekrem İmamoğlu aleyhine 20 oy",
		// 20 + 40 + 60 votes of margin, in one sentence.
		"Resmî rakamlar tutanaklara göre Binali Yıldırım lehine, Ekrem İmamoğlu aleyhine toplam 120 oy fark yaratıyor.",
		"Burgazada, 1001 No.lu Sandık")
	if strings.Contains(page, "Eksi:") || strings.Contains(page, "Sandık Sandık") {
		t.Error("the page still needs decoding")
	}
	if n := strings.Count(page, `<td></td>`); n != 0 {
		t.Errorf("%d empty cells: the fields that differ are missing", n)
	}

	en := b.Page("/races/"+raceIST+"/areas/34/comparison?lang=en", http.StatusOK)
	webtest.MustContain(t, en, "20 votes in favour of Binali Yıldırım, against Ekrem İmamoğlu", "10 fewer", "10 more", "Ballot box no. 1001")
	if strings.Contains(en, "lehine") || strings.Contains(en, "No.lu") {
		t.Error("Turkish words on the English page")
	}

	r := b.Get("/races/" + raceIST + "/areas/34/comparison.csv?sort=box")
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Body), "\ufeff")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("csv %v %q", err, r.Body)
	}
	if rows[0][7] != "Farklı alanlar" || rows[1][0] != box1 || rows[1][7] != "Ekrem İmamoğlu 150 → 140, Binali Yıldırım 100 → 110" || rows[1][3] != "Farklı" {
		t.Errorf("csv rows %q", rows[:2])
	}

	// A refused draft draws the page again and says why, in Turkish.
	r = b.Post("/races/"+raceIST+"/areas/34/cases", map[string][]string{"filer": {"x"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "Hiçbir sandık seçilmedi") || !strings.Contains(string(r.Body), `id="draft"`) {
		t.Errorf("a draft of no box: %d %.300s", r.Status, r.Body)
	}
	r = b.Post("/races/"+raceIST+"/areas/34/cases", map[string][]string{"box": {box1, "34.99"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "1 tanesi artık resmî sonuçtan farklı görünmüyor") {
		t.Errorf("a draft of a box that is no discrepancy: %d %.300s", r.Status, r.Body)
	}

	// Box1 goes into a case; the page then leaves it unticked and names
	// the case, and so does the CSV.
	if r := b.Post("/races/"+raceIST+"/areas/34/cases", map[string][]string{"box": {box1}}); r.Status != http.StatusSeeOther {
		t.Fatalf("draft: %d %s", r.Status, r.Body)
	}
	page = b.Page("/races/"+raceIST+"/areas/34/comparison", http.StatusOK)
	for box, want := range map[string]bool{box1: false, box2: true, box3: true} {
		m := regexp.MustCompile(`<input type="checkbox" name="box" value="` + regexp.QuoteMeta(box) + `"[^>]*>`).FindString(page)
		if m == "" || strings.Contains(m, "checked") != want {
			t.Errorf("box %s ticked: %q, want %v", box, m, want)
		}
	}
	webtest.MustContain(t, page, "dosyasında</a>", "Açık bir dosyada olan sandıklar işaretlenmez")
	rows, _ = csvRead(t, b.Get("/races/"+raceIST+"/areas/34/comparison.csv?sort=box").Body)
	if !strings.HasPrefix(rows[1][8], "itz-") || rows[2][8] != "" {
		t.Errorf("the CSV does not name the holding case: %q %q", rows[1][8], rows[2][8])
	}
}

func csvRead(t *testing.T, body []byte) ([][]string, error) {
	t.Helper()
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(body), "\ufeff")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	return rows, err
}

// The menu keeps the conflicts and the comparison on every page of
// those who may see them, the entry form and the objections included.
func TestMenuLeadsToTheComparison(t *testing.T) {
	e := newEnv(t)
	for _, who := range []string{coordinator, lawyer} {
		b := e.Browser(who)
		for _, path := range []string{"/itiraz", "/entry", "/races/" + raceIST + "/areas/34"} {
			r := b.Get(path)
			if r.Status != http.StatusOK {
				continue // a lawyer has no entry form
			}
			page := string(r.Body)
			if !strings.Contains(page, `<a href="/races/`+raceIST+`/areas/34/comparison">Resmî sonuç farkları</a>`) {
				t.Errorf("%s on %s: no comparison in the menu", who, path)
			}
			if who == coordinator && !strings.Contains(page, `<a href="/races/`+raceIST+`/conflicts">Çelişkiler</a>`) {
				t.Errorf("%s on %s: the conflicts link is gone", who, path)
			}
		}
	}
	// A scoped lawyer's link opens their own district; an observer has
	// none.
	e.AddScoped()
	webtest.MustContain(t, e.Browser(lawyerAdal).Page("/itiraz", http.StatusOK), `href="/races/`+raceIST+`/areas/34.01/comparison"`)
	if strings.Contains(e.Browser(observer1).Page("/entry", http.StatusOK), "/comparison") {
		t.Error("an observer is offered the comparison")
	}
}

// The areas below come in Turkish order, not byte order: Bağcılar before
// Bayrampaşa, Çatalca after Büyükçekmece, Şişli after Sarıyer, Üsküdar
// after Tuzla.
func TestComparisonChildrenInTurkishOrder(t *testing.T) {
	names := []string{"Üsküdar", "Şişli", "Bayrampaşa", "Tuzla", "Çatalca", "Bağcılar", "Sarıyer", "Büyükçekmece"}
	areas := []sandik.Area{{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"}, {Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"}}
	var regs []sandik.Registration
	for i, n := range names {
		d := sandik.AreaCode("34." + string(rune('a'+i)))
		areas = append(areas, sandik.Area{Code: d, Parent: "34", Level: sandik.LevelIlce, Name: n},
			sandik.Area{Code: d + ".1", Parent: d, Level: sandik.LevelMahalle, Name: "Merkez"},
			sandik.Area{Code: d + ".1.1", Parent: d + ".1", Level: sandik.LevelSandik, Name: "Sandık 1"})
		regs = append(regs, sandik.Registration{Election: webtest.Election, Box: d + ".1.1", Registered: 300})
	}
	reg, err := sandik.NewRegistry(areas, []sandik.Election{{Code: webtest.Election, Name: "Yerel seçimler 2019", Date: time.Date(2019, 3, 30, 21, 0, 0, 0, time.UTC), Quorum: 2}},
		[]sandik.Race{{Code: raceIST, Election: webtest.Election, Name: "İBB", Scope: "34",
			Choices: []sandik.Choice{{Code: "CHP", Name: "A"}, {Code: "AKP", Name: "B"}, {Code: "SP", Name: "C"}}}}, regs)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, reg)
	page := e.Browser(lawyer).Page("/races/"+raceIST+"/areas/34/comparison", http.StatusOK)
	var got []string
	for _, m := range regexp.MustCompile(`<th scope="row"><a href="/races/[^"]*/comparison">([^<]*)</a></th>`).FindAllStringSubmatch(page, -1) {
		got = append(got, html.UnescapeString(m[1]))
	}
	want := "Bağcılar,Bayrampaşa,Büyükçekmece,Çatalca,Sarıyer,Şişli,Tuzla,Üsküdar"
	if strings.Join(got, ",") != want {
		t.Errorf("areas below: %s, want %s", strings.Join(got, ","), want)
	}
	// The results export lists them in the same order.
	body := string(e.Browser(coordinator).Get("/races/" + raceIST + "/areas/34/export.csv").Body)
	var order []string
	for _, line := range strings.Split(body, "\n")[2:] {
		if f := strings.Split(line, ";"); len(f) > 1 {
			order = append(order, f[1])
		}
	}
	if strings.Join(order, ",") != want {
		t.Errorf("export order: %s", strings.Join(order, ","))
	}
}

// The objections list shows each case once, its parts in a stable order.
func TestCasesListedOnce(t *testing.T) {
	e := newEnv(t)
	fx := webtest.NewCaseFixture(e.Env)
	for range 3 {
		fx.Draft()
	}
	cases, err := e.Center.View(operator).Cases(t.Context(), "")
	if err != nil || len(cases) != 4 {
		t.Fatalf("cases %v %d", err, len(cases))
	}
	b := e.Browser(lawyer)
	page := b.Page("/itiraz", http.StatusOK)
	for _, c := range cases {
		if n := strings.Count(page, `href="/itiraz/`+string(c.ID)+`"`); n != 1 {
			t.Errorf("case %s is listed %d times", c.ID, n)
		}
	}
	for range 3 {
		if again := b.Page("/itiraz", http.StatusOK); again != page {
			t.Fatal("the list changes between two reads")
		}
	}
	// The spreadsheet holds each case once too, in the reader's words.
	rows, _ := csvRead(t, b.Get("/itiraz.csv").Body)
	if len(rows) != 5 || rows[0][0] != "Dosya" || rows[1][2] != "Beşiktaş İlçe Seçim Kurulu" || rows[1][3] != "taslak" {
		t.Errorf("cases csv %q", rows)
	}
	rows, _ = csvRead(t, b.Get("/itiraz.csv?lang=en").Body)
	if rows[0][0] != "Case" || rows[1][2] != "Beşiktaş District Election Board" || rows[1][3] != "draft" || rows[1][14] != "no" {
		t.Errorf("cases csv in English %q", rows[:2])
	}
}
