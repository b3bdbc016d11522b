package chromium_test

import (
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/cmd/internal/chromium"
)

// Without a Chromium on the PATH the error says how to install one.
func TestPathNamesTheInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := chromium.Path(); err == nil || !strings.Contains(err.Error(), "apt-get install -y chromium") {
		t.Fatalf("err %v", err)
	}
}
