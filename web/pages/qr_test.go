package pages

import (
	"fmt"
	"strings"
	"testing"
)

// The code drawn has the three finder patterns of a QR code in their
// corners, each ringed by its white separator, and nothing outside the
// grid: a phone's camera finds it.
func TestQRCodeHasItsFinders(t *testing.T) {
	svg, err := qrSVG("https://sandik.example/katil/demo-calistay", "karekod")
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	var n int
	if _, err := fmt.Sscanf(s[strings.Index(s, `viewBox="-4 -4 `)+len(`viewBox="-4 -4 `):], "%d", &n); err != nil {
		t.Fatal(err)
	}
	n -= 8 // the quiet zone
	if n < 21 || (n-21)%4 != 0 {
		t.Fatalf("a grid of %d modules is not a QR code's", n)
	}
	black := func(x, y int) bool { return strings.Contains(s, fmt.Sprintf("M%d %dh1v1h-1z", x, y)) }
	for _, c := range [][2]int{{0, 0}, {n - 7, 0}, {0, n - 7}} {
		x, y := c[0], c[1]
		if !black(x, y) || !black(x+6, y+6) || !black(x+3, y+3) || black(x+1, y+1) {
			t.Errorf("no finder pattern at (%d,%d)", x, y)
		}
	}
	if black(7, 7) || black(n-8, 7) || black(7, n-8) {
		t.Error("a separator module is black")
	}
	if black(-1, 0) || black(n, 0) || !strings.Contains(s, `aria-label="karekod"`) {
		t.Error("modules outside the grid, or no name")
	}
}
