package sandik_test

import (
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

func TestCheckPhotoURL(t *testing.T) {
	for _, ok := range []string{
		// As in the Oy ve Ötesi export of 14 May 2023 (Adana).
		"https://api-secim.oyveotesi.org/image/secim-images.oyveotesi.org/oyveotesi/raw/server/1881_bulk_0a1b_2c3d.jpg",
		"http://example.org:8080/a.jpeg?x=1",
		"HTTPS://EXAMPLE.ORG/A.JPG",
	} {
		if msg := sandik.CheckPhotoURL(ok); msg != "" {
			t.Errorf("%q refused: %s", ok, msg)
		}
	}
	for _, bad := range []string{
		"", "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:image/png;base64,AAAA",
		"file:///etc/passwd", "ftp://example.org/a.jpg", "//example.org/a.jpg", "/image/a.jpg", "a.jpg",
		"https://", "https:///a.jpg", "https:example.org", "https://user:pw@example.org/a.jpg",
		"https://example.org/a b.jpg", "https://example.org/a\n.jpg", "https://example.org/\x00",
		"https://example.org/" + strings.Repeat("a", sandik.MaxPhotoURL),
	} {
		if sandik.CheckPhotoURL(bad) == "" {
			t.Errorf("%q accepted", bad)
		}
	}
	a, b := sandik.RefSum("https://example.org/a.jpg"), sandik.RefSum("https://example.org/b.jpg")
	if len(a) != 64 || a == b || a != sandik.RefSum("https://example.org/a.jpg") {
		t.Errorf("RefSum: %s %s", a, b)
	}
}
