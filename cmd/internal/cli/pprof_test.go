package cli

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
)

// The profiles are served on loopback only, on a listener of their own:
// a public address is refused when the flags are checked, before
// anything listens.
func TestPprofAddr(t *testing.T) {
	for _, addr := range []string{"", "127.0.0.1:6060", "[::1]:6060", "localhost:0"} {
		if err := checkPprofAddr(addr); err != nil {
			t.Errorf("%q refused: %v", addr, err)
		}
	}
	for _, addr := range []string{":6060", "0.0.0.0:6060", "10.1.2.3:6060", "example.org:6060", "127.0.0.1"} {
		err := checkPprofAddr(addr)
		if err == nil || !strings.Contains(err.Error(), "-pprof-addr") {
			t.Errorf("%q: %v, want a refusal naming -pprof-addr", addr, err)
		}
	}
	var s ServeFlags
	s.PprofAddr = "0.0.0.0:6060"
	s.userBodyMiB, s.totalBodyMiB, s.snapVersions, s.snapMiB = 1, 1, 1, 1
	if _, err := s.Config(); err == nil {
		t.Error("Config accepted a public -pprof-addr")
	}

	// Served: the heap profile answers on the address it was given.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := servePprof(ctx, slog.New(slog.DiscardHandler), addr); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/debug/pprof/heap")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(b) == 0 {
		t.Errorf("heap profile: %d, %d bytes", resp.StatusCode, len(b))
	}
}
