package sandik_test

import (
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

func TestPhotoURL(t *testing.T) {
	for in, want := range map[string]string{
		// As in the Oy ve Ötesi export of 14 May 2023 (Adana), spaces and all.
		"https://api-secim.oyveotesi.org/image/secim-images.oyveotesi.org/oyveotesi/raw/server/1881_bulk_0a1b_2c3d.jpg":                              "https://api-secim.oyveotesi.org/image/secim-images.oyveotesi.org/oyveotesi/raw/server/1881_bulk_0a1b_2c3d.jpg",
		"https://api-secim.oyveotesi.org/image/source2-secim-images.oyveotesi.org/raw/Adana OveO Tutanak/WhatsApp Image 2023-05-14 at 21.10.44.jpeg": "https://api-secim.oyveotesi.org/image/source2-secim-images.oyveotesi.org/raw/Adana%20OveO%20Tutanak/WhatsApp%20Image%202023-05-14%20at%2021.10.44.jpeg",
		"http://example.org:8080/a.jpeg?x=1": "http://example.org:8080/a.jpeg?x=1",
		"HTTPS://EXAMPLE.ORG/A.JPG":          "https://EXAMPLE.ORG/A.JPG",
	} {
		got, msg := sandik.PhotoURL(in)
		if msg != "" || got != want {
			t.Errorf("%q: %q %s, want %q", in, got, msg, want)
		}
		if again, _ := sandik.PhotoURL(got); again != got {
			t.Errorf("%q is not kept as written the second time: %q", got, again)
		}
	}
	for _, bad := range []string{
		"", "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:image/png;base64,AAAA",
		"file:///etc/passwd", "ftp://example.org/a.jpg", "//example.org/a.jpg", "/image/a.jpg", "a.jpg",
		"https://", "https:///a.jpg", "https:example.org", "https://user:pw@example.org/a.jpg",
		"https://exa mple.org/a.jpg", " https://example.org/a.jpg", "https://example.org/a\n.jpg", "https://example.org/\x00",
		"https://example.org/" + strings.Repeat("a", sandik.MaxPhotoURL),
	} {
		if addr, msg := sandik.PhotoURL(bad); msg == "" {
			t.Errorf("%q accepted as %q", bad, addr)
		}
	}
	a, b := sandik.RefSum("https://example.org/a.jpg"), sandik.RefSum("https://example.org/b.jpg")
	if len(a) != 64 || a == b || a != sandik.RefSum("https://example.org/a.jpg") {
		t.Errorf("RefSum: %s %s", a, b)
	}
}
