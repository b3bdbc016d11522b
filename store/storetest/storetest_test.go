package storetest

import (
	"testing"

	"github.com/sandik-dev/sandik"
)

// The fixtures must themselves obey the domain, or the suite would test
// backends against data no caller can produce.
func TestFixtures(t *testing.T) {
	reg := Registry(t)
	if _, err := reg.Merge(Extra(t)); err != nil {
		t.Fatalf("Extra does not merge into Registry: %v", err)
	}
	rc, ok := reg.Race(Race)
	if !ok {
		t.Fatalf("fixture race %q missing", Race)
	}
	for _, box := range []sandik.AreaCode{Box1, Box2} {
		if !reg.InRace(rc, box) {
			t.Errorf("fixture box %q is not in race %q", box, Race)
		}
	}
	for _, s := range append(Subs("f", 3), Full("full", Box1), Sub("v", Box2, 1, 2, 3)) {
		if s.Hash != s.ContentHash() {
			t.Errorf("fixture %s carries a stale hash", s.ID)
		}
		if err := sandik.ValidateSubmissionID(s.ID); err != nil {
			t.Errorf("fixture id %q: %v", s.ID, err)
		}
		if !s.Source.Valid() {
			t.Errorf("fixture %s: source %q", s.ID, s.Source)
		}
	}
	if Sub("a", Box1, 1).Hash == Sub("a", Box1, 2).Hash {
		t.Errorf("fixtures with different votes share a hash")
	}
}
