package anomaly

import (
	"encoding/json"
	"testing"

	"github.com/sandik-dev/sandik"
)

func TestNumberFormat(t *testing.T) {
	tr, en := printer{}, printer{en: true}
	for _, tc := range []struct {
		v        float64
		decimals int
		tr, en   string
	}{
		{0, 0, "0", "0"},
		{999, 0, "999", "999"},
		{1234, 0, "1.234", "1,234"},
		{1234.5, 1, "1.234,5", "1,234.5"},
		{1234567, 0, "1.234.567", "1,234,567"},
		{-1234.56, 1, "-1.234,6", "-1,234.6"},
		{-0.04, 1, "0,0", "0.0"},
		{98.25, 1, "98,2", "98.2"}, // round half to even on the binary value
	} {
		if got := tr.fmt(tc.v, tc.decimals); got != tc.tr {
			t.Errorf("tr %g: %q, want %q", tc.v, got, tc.tr)
		}
		if got := en.fmt(tc.v, tc.decimals); got != tc.en {
			t.Errorf("en %g: %q, want %q", tc.v, got, tc.en)
		}
	}
	if tr.pct(12.5) != "%12,5" || en.pct(12.5) != "12.5%" {
		t.Errorf("%q %q", tr.pct(12.5), en.pct(12.5))
	}
	if tr.odds(2.48832e-05) != "40.000" || en.odds(1e-5) != "100,000" || en.odds(0.5) != "2" || en.odds(0) != "∞" {
		t.Errorf("odds %q %q %q", tr.odds(2.48832e-05), en.odds(1e-5), en.odds(0.5))
	}
}

// One realistic flag of each kind, in both languages, word for word.
func TestMessages(t *testing.T) {
	th := DefaultThresholds()
	var group []Box
	for i := range 10 {
		group = append(group, Box{Code: sandik.AreaCode("g." + string(rune('a'+i))), Group: "g", Sheet: sheet(1200, 1010, 10, 300, 700)})
	}
	broken := sheet(300, 254, 10, 140, 100)
	broken.ValidUponObjection = 2
	broken.Votes[0] = 152
	broken.Invalid = 13
	other := broken.Clone()
	other.Votes[1] = 10 // against 100: not a swap
	other.Voted = 245
	over := sheet(1000, 1214, 14, 300, 900)
	over.VotedByLaw = 4
	zero := sheet(1000, 610, 10, 0, 600)
	boxes := append(group,
		Box{Code: "b1", Sheet: broken, Other: &other},
		Box{Code: "b2", Sheet: over},
		Box{Code: "g.z", Group: "g", Sheet: zero},
		Box{Code: "r", Sheet: sheet(500, 490, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 40)},
	)
	flags := Detect(boxes, []string{"AK PARTİ", "CHP"}, th)
	want := []struct{ tr, en string }{
		{"İtirazsız (240) ve itirazlı (2) geçerli oyların toplamı 242, ama geçerli oy toplamı 240 yazılmış.",
			"Valid votes without objection (240) and upon objection (2) add up to 242, but the valid total is 240."},
		{"Geçerli (240) ve geçersiz (13) oyların toplamı 253, ama oy kullanan seçmen sayısı 254 yazılmış (1 eksik).",
			"Valid (240) and invalid (13) votes add up to 253, but the number who voted is 254 (1 fewer)."},
		{"Seçeneklerin oyları toplamı 252, ama geçerli oy toplamı 240 yazılmış (12 fazla).",
			"The votes of the choices add up to 252, but the valid total is 240 (12 more)."},
		{"Oy kullanan seçmen bu girişte 254, diğer girişte 245: iki rakamın yeri karışmış olabilir.",
			"Voters who voted is 254 in this entry and 245 in the other: two digits may have been swapped."},
		{"Katılım %120,9: kayıtlı 1.000 seçmen (ve kanunen oy kullanan 4) varken 1.214 kişi oy kullanmış; sınır %100,0.",
			"Turnout is 120.9%: 1,214 voted where 1,000 are registered (plus 4 by law); the limit is 100.0%."},
		{"Katılım %61,0; karşılaştırılan 11 sandığın ortancası %84,2, işaretleme sınırı %74,2.",
			"Turnout is 61.0% while the median of the 11 boxes it is compared with is 84.2%; the bound is 74.2%."},
		{"AK PARTİ bu sandıkta hiç oy almamış, oysa karşılaştırılan 11 sandıkta oylarının ortanca payı %30,0 (sınır %15,0).",
			"AK PARTİ got no votes here, while its median share in the 11 boxes compared is 30.0% (flagged from 15.0%)."},
		{"10 ve üstü 10 oy sayısından 10 tanesi 0 ile bitiyor; bunun tesadüfen olma olasılığı yaklaşık 1/1.600.000.000 (sınır 1/100.000).",
			"10 of the 10 counts of 10 or more end in 0; chance does that about once in 1,600,000,000 (flagged from once in 100,000)."},
	}
	if len(flags) != len(want) {
		for _, f := range flags {
			t.Logf("%s %s %s: %s", f.Box, f.Kind, f.Field, f.Message("tr"))
		}
		t.Fatalf("%d flags, want %d", len(flags), len(want))
	}
	for i, f := range flags {
		if got := f.Message("tr"); got != want[i].tr {
			t.Errorf("%s/%s tr:\n got %s\nwant %s", f.Kind, f.Field, got, want[i].tr)
		}
		if got := f.Message(""); got != want[i].tr {
			t.Errorf("default language is not Turkish: %s", got)
		}
		if want[i].en != "" {
			if got := f.Message("en"); got != want[i].en {
				t.Errorf("%s/%s en:\n got %s\nwant %s", f.Kind, f.Field, got, want[i].en)
			}
		}
		// A flag read back from JSON (numbers as float64) says the same.
		b, _ := json.Marshal(f)
		var back Flag
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back.Message("en") != f.Message("en") {
			t.Errorf("after JSON: %s", back.Message("en"))
		}
	}
}

func TestInvalidShareMessage(t *testing.T) {
	var boxes []Box
	for i := range 10 {
		boxes = append(boxes, Box{Code: sandik.AreaCode(string(rune('a' + i))), Group: "g", Sheet: sheet(1200, 1000, 20, 600, 380)})
	}
	boxes = append(boxes, Box{Code: "x", Group: "g", Sheet: sheet(1200, 1000, 120, 600, 280)})
	f := mustOne(t, Detect(boxes, nil, DefaultThresholds()), KindInvalidOutlier, "x", "invalid_total")
	if got, want := f.Message("tr"), "Geçersiz oy oranı %12,0 (1.000 oydan 120 geçersiz); karşılaştırılan 11 sandığın ortancası %2,0, işaretleme sınırı %5,0."; got != want {
		t.Errorf("tr:\n got %s\nwant %s", got, want)
	}
	if got, want := f.Message("EN"), "Invalid votes are 12.0% of the votes cast (120 of 1,000); the median of the 11 boxes compared is 2.0%, the bound 5.0%."; got != want {
		t.Errorf("en:\n got %s\nwant %s", got, want)
	}
	if got := (Flag{Kind: "unknown", Field: "x"}).Message("en"); got != "unknown: x" {
		t.Errorf("unknown kind: %s", got)
	}
}
