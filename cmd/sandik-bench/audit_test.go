package main

import (
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/cmd/internal/night"
)

// -lighthouse names every page, the sample, or pages of the night, and
// refuses a name that is none.
func TestLighthousePages(t *testing.T) {
	n := &night.Night{Pages: []night.Page{{Name: "overview"}, {Name: "login"}, {Name: "entry"}}}
	if got, err := lighthousePages(n, "all"); got != nil || err != nil {
		t.Errorf("all: %v, %v; want every page", got, err)
	}
	got, err := lighthousePages(n, " login, entry ")
	if err != nil || len(got) != 2 || !got["login"] || !got["entry"] {
		t.Errorf("login, entry: %v, %v", got, err)
	}
	if _, err := lighthousePages(n, "sample"); err == nil || !strings.Contains(err.Error(), "no page named") {
		t.Errorf("the sample on a night without its pages: %v", err)
	}
	for _, bad := range []string{"", ",", "yok"} {
		if _, err := lighthousePages(n, bad); err == nil || !strings.Contains(err.Error(), "-lighthouse") {
			t.Errorf("%q: %v, want an error naming -lighthouse", bad, err)
		}
	}
}
