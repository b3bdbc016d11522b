package sandik

import (
	"strings"
	"testing"
)

func TestFoldRune(t *testing.T) {
	fold := func(s string) string { return strings.Map(FoldRune, s) }
	for in, want := range map[string]string{
		"İSTANBUL": "istanbul", "Işık": "isik", "ÇAĞLAYAN": "caglayan", "Şişli": "sisli",
		"ÜSKÜDAR": "uskudar", "Âşık": "asik", "GÖLBAŞI": "golbasi", "Bozüyük-2": "bozuyuk-2", "é": "é",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}
