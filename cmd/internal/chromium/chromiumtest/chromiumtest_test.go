package chromiumtest_test

import (
	"testing"

	"github.com/sandik-dev/sandik/cmd/internal/chromium/chromiumtest"
)

// Without Chromium a test outside CI is skipped, not failed.
func TestRequireSkipsWithoutChromium(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("SANDIK_REQUIRE_BROWSER", "")
	var skipped bool
	t.Run("inner", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		chromiumtest.Require(t)
	})
	if !skipped {
		t.Fatal("not skipped")
	}
}
