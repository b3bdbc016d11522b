package cli

import (
	"bytes"
	"testing"
)

// The snapshots and the body budgets are set by flag or SANDIK_*
// variable, and checked.
func TestServeFlags(t *testing.T) {
	parse := func(env map[string]string, args ...string) (ServeFlags, error) {
		e := &Env{Prog: "prog", Stderr: &bytes.Buffer{}, Getenv: func(k string) string { return env[k] }}
		fs := e.Flags("serve", "serve")
		var s ServeFlags
		s.Register(fs)
		if err := e.Parse(fs, args); err != nil {
			return s, err
		}
		return s, nil
	}
	s, err := parse(map[string]string{"SANDIK_PUBLIC_SNAPSHOTS": "true", "SANDIK_BODY_MIB": "64", "SANDIK_USER_BODY_MIB": "8"}, "-snapshot-versions", "4")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config()
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.PublicSnapshots || cfg.Snapshots.Keep != 4 || cfg.Snapshots.MaxBytes != 64<<20 ||
		cfg.Limits.BodyBytesTotal != 64<<20 || cfg.Limits.BodyBytesPerUser != 8<<20 {
		t.Fatalf("config %+v limits %+v", cfg, cfg.Limits)
	}
	s, _ = parse(nil)
	if cfg, err := s.Config(); err != nil || cfg.PublicSnapshots {
		t.Fatalf("by default the snapshots are off: %v %v", cfg.PublicSnapshots, err)
	}
	for _, args := range [][]string{{"-snapshot-versions", "0"}, {"-snapshot-mib", "0"}, {"-user-body-mib", "0"}, {"-body-mib", "4", "-user-body-mib", "8"}} {
		s, err := parse(nil, args...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Config(); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}
