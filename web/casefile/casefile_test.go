package casefile

import (
	"encoding/csv"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/msg"
)

// Every text field of a case reaches the spreadsheet as text.
func TestCSVDefusesFormulas(t *testing.T) {
	rec := httptest.NewRecorder()
	cs := Case{Case: &itiraz.Case{ID: "C1", Title: "=HYPERLINK(\"http://x\")", Filer: "@SUM(A1)", Reference: "+cmd|' /C calc'!A0", Claim: []int64{-12, 12}}}
	if err := WriteCSV(rec, []Case{cs}); err != nil {
		t.Fatal(err)
	}
	body := rec.Body.String()
	for _, want := range []string{`"'=HYPERLINK(""http://x"")"`, "'@SUM(A1)", "'+cmd|' /C calc'!A0", ";'-12 +12"} {
		if !strings.Contains(body, want) {
			t.Errorf("csv lacks %s:\n%s", want, body)
		}
	}
}

// A petition writes numbers and dates as its language does.
func TestNumbersAndDates(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1.000", 1234567: "1.234.567", -1234: "-1.234"} {
		if got := Number(msg.TR, n); got != want {
			t.Errorf("Number(tr, %d) = %q, want %q", n, got, want)
		}
	}
	if got := Number(msg.EN, 1234567); got != "1,234,567" {
		t.Errorf("Number(en) = %q", got)
	}
	day := time.Date(2019, 4, 2, 15, 0, 0, 0, time.UTC)
	if got := Date(msg.TR, day); got != "2 Nisan 2019" {
		t.Errorf("Date(tr) = %q", got)
	}
	if got := Date(msg.EN, day); got != "2 April 2019" {
		t.Errorf("Date(en) = %q", got)
	}
}

func csvRows(t *testing.T, body string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("csv does not read back: %v\n%s", err, body)
	}
	return rows
}

// The spreadsheet of cases opens as UTF-8, separates fields with
// semicolons as the results export does, writes its headings and values
// in the reader's words, and runs no formula a filer typed.
func TestWriteCSVInWords(t *testing.T) {
	reg, err := sandik.NewRegistry([]sandik.Area{
		{Code: "34", Level: sandik.LevelIl, Name: "İSTANBUL"},
		{Code: "34.1", Parent: "34", Level: sandik.LevelIlce, Name: "BEŞİKTAŞ"},
		{Code: "34.1.1", Parent: "34.1", Level: sandik.LevelSandik, Name: "Sandık 1120"},
	}, []sandik.Election{{Code: "e", Name: "31 Mart 2019", Quorum: 2}},
		[]sandik.Race{{Code: "IST-BB", Election: "e", Name: "İBB Başkanı", Scope: "34",
			Choices: []sandik.Choice{{Code: "A", Name: "İmamoğlu"}, {Code: "B", Name: "Yıldırım"}}}},
		[]sandik.Registration{{Election: "e", Box: "34.1.1", Registered: 300}})
	if err != nil {
		t.Fatal(err)
	}
	c := &itiraz.Case{ID: "itz-1", Race: "IST-BB", Boxes: []sandik.AreaCode{"34.1.1"}, Board: itiraz.BoardIlce, Status: itiraz.StatusDraft,
		Ground: itiraz.GroundDiscrepancy, Remedy: itiraz.RemedyCorrection, Title: "=HYPERLINK(\"x\")", Filer: "İl Başkanlığı", Claim: []int64{10, -10},
		Deadline: time.Date(2019, 4, 2, 12, 0, 0, 0, time.UTC)}
	for lang, want := range map[msg.Lang][]string{
		msg.TR: {"Dosya", "itz-1", "İBB Başkanı", "Beşiktaş İlçe Seçim Kurulu", "taslak", "resmî sonuç ile tutanak farkı", "tutanağa göre düzeltme",
			"2019-04-02 15:00", "evet", "İmamoğlu +10, Yıldırım -10"},
		msg.EN: {"Case", "Beşiktaş District Election Board", "draft", "official figures differ from the sheet", "correction of the record", "yes"},
	} {
		rec := httptest.NewRecorder()
		if err := WriteCSVIn(rec, []Case{At(c, c.Deadline.Add(time.Hour))}, reg, lang); err != nil {
			t.Fatal(err)
		}
		body := rec.Body.String()
		if !strings.HasPrefix(body, "\ufeff") {
			t.Errorf("%s: no byte order mark", lang)
		}
		rows := csvRows(t, body)
		if len(rows) != 2 || len(rows[0]) != len(rows[1]) || len(rows[0]) != 16 {
			t.Fatalf("%s: rows %q", lang, rows)
		}
		cells := strings.Join(append(rows[0], rows[1]...), "|")
		for _, w := range want {
			if !strings.Contains(cells, w) {
				t.Errorf("%s: csv lacks %q:\n%s", lang, w, body)
			}
		}
		for _, code := range []string{"|draft|", "|discrepancy|", "|ilce|", "|true|", "|correction|"} {
			if lang == msg.TR && strings.Contains(cells, code) {
				t.Errorf("a code %s reached the Turkish csv:\n%s", code, body)
			}
		}
		if !strings.Contains(body, `"'=HYPERLINK(""x"")"`) {
			t.Errorf("%s: formula not defused:\n%s", lang, body)
		}
	}
}

func TestParagraphs(t *testing.T) {
	got := Paragraphs("Giriş satırı:\r\n\r\n- bir\n- iki\n\n\n\nSon.\n")
	want := []string{"Giriş satırı:", "- bir\n- iki", "Son."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Paragraphs = %q, want %q", got, want)
	}
}
