package sandik

import "testing"

func TestScrubPerson(t *testing.T) {
	p := Person{Name: "Ayşe Yılmaz", Phones: []string{"+905321234567"}, Email: "ayse@example.org"}
	for _, tc := range []struct{ in, want string }{
		{"Ayşe Yılmaz katıldı.", "[silinmiş kişi] katıldı."},
		{"AYŞE  YILMAZ ile görüşüldü", "[silinmiş kişi] ile görüşüldü"},
		{"ayşe yılmaz'a iletildi; tel +905321234567, AYSE@example.org", "[silinmiş kişi]'a iletildi; tel [silinmiş kişi], [silinmiş kişi]"},
		{"Ayşe Yılmazer geldi", "Ayşe Yılmazer geldi"}, // another name
		{"Hanife Ayşe Yılmaz", "Hanife [silinmiş kişi]"},
		{"Ayşe Hanım geldi", "Ayşe Hanım geldi"},
		{"", ""},
	} {
		got, changed := ScrubPerson(tc.in, p)
		if got != tc.want || changed != (tc.in != tc.want) {
			t.Errorf("ScrubPerson(%q) = %q, %v; want %q", tc.in, got, changed, tc.want)
		}
	}
	if got, changed := ScrubPerson("ab ab", Person{Name: "ab"}); changed || got != "ab ab" {
		t.Errorf("a two-byte name replaced: %q", got)
	}
}
