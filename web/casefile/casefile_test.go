package casefile

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik/itiraz"
)

func TestTextCellDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1", "@a": "'@a", "Maltepe": "Maltepe", "": ""} {
		if got := textCell(in); got != want {
			t.Errorf("textCell(%q) = %q, want %q", in, got, want)
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
