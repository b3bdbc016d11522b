// Package chromiumtest gives tests the Chromium they drive.
package chromiumtest

import (
	"os"
	"testing"

	"github.com/sandik-dev/sandik/cmd/internal/chromium"
)

// Require returns the path of Chromium. Without one t is skipped, unless
// SANDIK_REQUIRE_BROWSER=1 (set by CI), when it fails: a CI run must not
// pass by skipping the browser tests.
func Require(t testing.TB) string {
	t.Helper()
	p, err := chromium.Path()
	if err != nil {
		if os.Getenv("SANDIK_REQUIRE_BROWSER") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return p
}
