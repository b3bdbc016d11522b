package postgres

import (
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
)

// TestRecentStopsAtAnotherInstancesSeq: each instance keeps only what it
// committed, so a follower reads the other instance's seqs from the
// database and its own from memory.
func TestRecentStopsAtAnotherInstancesSeq(t *testing.T) {
	url := pgtest.Schema(t)
	a, b := openAt(t, url), openAt(t, url)
	mustAppend(t, a, storetest.Subs("a1", 2)...)
	mustAppend(t, b, storetest.Subs("b1", 1)...)
	mustAppend(t, a, storetest.Subs("a2", 2)...)
	for _, c := range []struct {
		name  string
		s     *Store
		after int64
		want  []int64
	}{
		{"a after 0", a, 0, []int64{1, 2}},
		{"a after 2", a, 2, nil},
		{"a after 3", a, 3, []int64{4, 5}},
		{"b after 2", b, 2, []int64{3}},
		{"b after 0", b, 0, nil},
	} {
		got := c.s.RecentSince(c.after, 10)
		if len(got) != len(c.want) {
			t.Errorf("%s: %d submissions, want seqs %v", c.name, len(got), c.want)
			continue
		}
		for i, s := range got {
			if s.Seq != c.want[i] {
				t.Errorf("%s: seq %d at %d, want %v", c.name, s.Seq, i, c.want)
			}
		}
	}
	var _ sandik.RecentWrites = a
}
