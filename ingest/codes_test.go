package ingest

import "testing"

func TestSlugFoldsTurkish(t *testing.T) {
	for in, want := range map[string]string{
		"BOZÜYÜK-DODURGA":         "bozuyuk-dodurga",
		"BİLECİK MERKEZ-BAYIRKÖY": "bilecik-merkez-bayirkoy",
		"Çağlayan Mah.":           "caglayan-mah",
		"ŞIŞLI  /  Işık":          "sisli-isik",
		"Âşık Veysel":             "asik-veysel",
		"1001":                    "1001",
		"---":                     "",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
	if foldName("İSTANBUL") != foldName("İstanbul") || foldName("ADALAR") == foldName("ADANA") {
		t.Error("names fold wrongly")
	}
}
