package casefile

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik/itiraz"
)

// Every text field of a case reaches the spreadsheet as text.
func TestCSVDefusesFormulas(t *testing.T) {
	rec := httptest.NewRecorder()
	cs := Case{Case: &itiraz.Case{ID: "C1", Title: "=HYPERLINK(\"http://x\")", Filer: "@SUM(A1)", Reference: "+cmd|' /C calc'!A0", Claim: []int64{-12, 12}}}
	if err := WriteCSV(rec, []Case{cs}); err != nil {
		t.Fatal(err)
	}
	body := rec.Body.String()
	for _, want := range []string{`"'=HYPERLINK(""http://x"")"`, "'@SUM(A1)", "'+cmd|' /C calc'!A0", ",'-12 12"} {
		if !strings.Contains(body, want) {
			t.Errorf("csv lacks %s:\n%s", want, body)
		}
	}
}

// A petition writes numbers and dates the Turkish way.
func TestPetitionNumbersAndDates(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1.000", 1234567: "1.234.567", -1234: "-1.234"} {
		if got := petitionNumber(n); got != want {
			t.Errorf("petitionNumber(%d) = %q, want %q", n, got, want)
		}
	}
	if got := petitionDate(time.Date(2019, 4, 2, 15, 0, 0, 0, time.UTC)); got != "2 Nisan 2019" {
		t.Errorf("petitionDate = %q", got)
	}
}

// The spreadsheet of cases opens as UTF-8 and runs no formula a filer
// typed.
func TestWriteCSV(t *testing.T) {
	c := &itiraz.Case{ID: "itz-1", Race: "IST-BB", Title: "=HYPERLINK(\"x\")", Filer: "İl Başkanlığı", Claim: []int64{10, -10}}
	rec := httptest.NewRecorder()
	if err := WriteCSV(rec, []Case{At(c, time.Now())}); err != nil {
		t.Fatal(err)
	}
	body := rec.Body.String()
	if !strings.HasPrefix(body, "\ufeffdosya,") || !strings.Contains(body, `"'=HYPERLINK(""x"")"`) || !strings.Contains(body, "10 -10") {
		t.Errorf("csv:\n%s", body)
	}
	if rec.Header().Get("Content-Disposition") != `attachment; filename="itirazlar.csv"` {
		t.Errorf("headers %v", rec.Header())
	}
}
