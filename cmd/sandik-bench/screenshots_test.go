package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/cmd/internal/chromium/chromiumtest"
)

// The documented screenshot command writes a real PNG of each page
// asked for, one per role (the audit, in CI, opens every page).
func TestScreenshotsCommand(t *testing.T) {
	chromiumtest.Require(t)
	out := filepath.Join(t.TempDir(), "shots")
	pages := []string{"overview", "entry", "case", "join", "error"}
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"screenshots", "-out", out, "-scale", "0.01", "-width", "900", "-height", "700", "-pages", strings.Join(pages, ",")},
		strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	var names []string
	for _, page := range pages {
		names = append(names, page+"-900.png", page+"-390.png")
	}
	if got := strings.Count(stdout.String(), "wrote "); got != len(names) {
		t.Errorf("%d files written, want %d (only the pages asked for)", got, len(names))
	}
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) || len(data) < 10_000 {
			t.Errorf("%s: %d bytes, not a page-sized PNG", name, len(data))
		}
		if !strings.Contains(stdout.String(), "wrote "+filepath.Join(out, name)) {
			t.Errorf("%s not reported", name)
		}
	}
}

func TestScreenshotsFlagsChecked(t *testing.T) {
	for _, args := range [][]string{{"-scale", "0"}, {"-scale", "2"}, {"-lang", "de"}, {"-width", "100"}, {"-phone-width", "2000"}} {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), append([]string{"screenshots"}, args...), strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
		if code != 1 || !strings.Contains(stderr.String(), args[0]) {
			t.Errorf("%v: exit %d, %q", args, code, stderr.String())
		}
	}
}

// A small run of the live fan-out benchmark: every client sees every
// submission, none is dropped.
func TestBenchSSESmall(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"sse", "-clients", "20", "-rate", "200", "-duration", "1s", "-workers", "8"},
		strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"20 live clients", "dropped as slow by the server: 0", "streams cut: 0", "never delivered 0", "p99"} {
		if !strings.Contains(stdout.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	var stderr2 bytes.Buffer
	if code := run(t.Context(), []string{"sse", "-clients", "0"}, strings.NewReader(""), &stdout, &stderr2, func(string) string { return "" }); code != 1 {
		t.Fatalf("-clients 0: exit %d", code)
	}
}
