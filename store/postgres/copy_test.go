package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
)

// CopyLog keeps every field, the sequence numbers included, wakes
// waiters, and the log then continues after the copied head.
func TestCopyLogKeepsSequence(t *testing.T) {
	s := openAt(t, pgtest.Schema(t))
	ctx := context.Background()
	subs := append(storetest.Subs("copied", 3), storetest.Full("full", storetest.Box2))
	for i := range subs {
		subs[i].Seq = int64(10 * (i + 1)) // a source with holes keeps them
	}
	subs[3].Warnings = sandik.WarnLate
	if err := s.CopyLog(ctx, subs); err != nil {
		t.Fatalf("CopyLog: %v", err)
	}
	if d := cmp.Diff(subs, storetest.All(t, s), cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("copied log differs (-want +got):\n%s", d)
	}
	if err := s.WaitFor(ctx, 39, time.Hour); err != nil {
		t.Fatal(err)
	}
	rs := mustAppend(t, s, storetest.Sub("next", storetest.Box1, 1), subs[0])
	if rs[0].Seq != 41 || !rs[1].Replayed || rs[1].Seq != 10 {
		t.Fatalf("appends after a copy: %+v", rs)
	}
}

func TestCopyLogRefusals(t *testing.T) {
	s := openAt(t, pgtest.Schema(t))
	ctx := context.Background()
	mustAppend(t, s, storetest.Subs("first", 2)...)
	below := storetest.Subs("below", 1)
	below[0].Seq = 2
	if err := s.CopyLog(ctx, below); sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("CopyLog at or below the head: %v, want EConflict", err)
	}
	unordered := storetest.Subs("unordered", 2)
	unordered[0].Seq, unordered[1].Seq = 9, 8
	if err := s.CopyLog(ctx, unordered); err == nil || !strings.Contains(err.Error(), "follows") {
		t.Errorf("CopyLog out of order: %v", err)
	}
	known := storetest.Subs("first", 1)
	known[0].Seq = 5
	if err := s.CopyLog(ctx, known); sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("CopyLog of an id already in the log: %v, want EConflict", err)
	}
	if err := s.CopyLog(ctx, nil); err != nil {
		t.Errorf("CopyLog(nil): %v", err)
	}
	if got := storetest.All(t, s); len(got) != 2 {
		t.Errorf("refused copies left %d submissions, want 2", len(got))
	}
}

// A registry record written behind the store's back, differently, makes
// the next save a conflict, and nothing of it is written.
func TestRegistryWrittenBehindTheBackIsConflict(t *testing.T) {
	url := pgtest.Schema(t)
	s := openAt(t, url)
	pgtest.Exec(t, url, `INSERT INTO elections (code, name, date, quorum) VALUES ('2024-yerel', 'x', '2024-03-31T00:00:00Z', 2)`)
	err := s.SaveRegistry(context.Background(), storetest.Registry(t))
	if sandik.CodeOf(err) != sandik.EConflict {
		t.Fatalf("SaveRegistry over a duplicate: %v, want EConflict", err)
	}
	var n int
	if err := s.pool.QueryRow(context.Background(), `SELECT count(*) FROM areas`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("a refused save left %d areas (%v)", n, err)
	}
}
