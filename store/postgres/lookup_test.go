package postgres

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
)

// TestLookUpKeepsNoPlan checks that no connection keeps a plan of the
// writer's look-up of ids, nor of the read of stored hashes. PostgreSQL turns a statement prepared on a
// connection into a generic plan after a few executions; made while the
// log is nearly empty, that plan scans the whole log for every group and
// stays in use as the log grows. The inserts, whose plans do not depend
// on the log's size, are kept: that shows the connections do prepare.
func TestLookUpKeepsNoPlan(t *testing.T) {
	s := openAt(t, pgtest.Schema(t))
	ctx := context.Background()
	for i := range 12 {
		if _, err := s.Append(ctx, storetest.Subs(fmt.Sprintf("plan%d", i), 1+i%3)); err != nil {
			t.Fatalf("Append: %v", err)
		}
	}
	for i := range int64(12) {
		hs, err := s.LedgerHashes(ctx, []int64{0, i})
		if err != nil || len(hs) != 2 {
			t.Fatalf("LedgerHashes: %d hashes, %v", len(hs), err)
		}
	}
	// A replay goes through the look-up and must still be answered.
	again, err := s.Append(ctx, storetest.Subs("plan3", 1))
	if err != nil || len(again) != 1 || !again[0].Replayed {
		t.Fatalf("replay after the groups: %+v, %v", again, err)
	}
	conns := s.pool.AcquireAllIdle(ctx)
	defer func() {
		for _, c := range conns {
			c.Release()
		}
	}()
	var lookUps, inserts int
	for _, c := range conns {
		var l, in int
		// The patterns are parameters: this statement is prepared too.
		err := c.QueryRow(ctx, `SELECT count(*) FILTER (WHERE statement IN ($1, $2)),
	count(*) FILTER (WHERE statement LIKE $3)
FROM pg_prepared_statements`, lookUpIDs, ledgerQueries.Hashes, "INSERT INTO submissions%").Scan(&l, &in)
		if err != nil {
			t.Fatal(err)
		}
		lookUps, inserts = lookUps+l, inserts+in
	}
	if inserts == 0 {
		t.Fatalf("no connection of %d kept the insert of submissions: the test no longer sees prepared statements", len(conns))
	}
	if lookUps != 0 {
		t.Errorf("%d connections kept a plan of the look-up of ids or of stored hashes", lookUps)
	}
}

// TestInsertFirstThenLookUp has groups insert without looking their ids
// up, as the writer does while no id came twice lately: a replay must
// still get its first receipt, leaf included, a reused id with another
// content EConflict, and new rows of the same call must not be written
// with a conflicting one. The writer then looks up first for a while.
func TestInsertFirstThenLookUp(t *testing.T) {
	s := openAt(t, pgtest.Schema(t))
	ctx := context.Background()
	s.writer.lookUpFor.Store(0)
	first, err := s.Append(ctx, storetest.Subs("opt", 3))
	if err != nil {
		t.Fatal(err)
	}
	if n := s.writer.lookUpFor.Load(); n != 0 {
		t.Fatalf("fresh ids made the writer look up the next %d groups", n)
	}
	again, err := s.Append(ctx, storetest.Subs("opt", 3))
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	for i := range first {
		want := first[i]
		want.Replayed = true
		if !reflect.DeepEqual(again[i], want) {
			t.Errorf("replay %d: %+v, want %+v", i, again[i], want)
		}
	}
	if n := s.writer.lookUpFor.Load(); n <= 0 {
		t.Errorf("after a replay the writer does not look up first")
	}
	s.writer.lookUpFor.Store(0)
	other := append(storetest.Subs("opt-new", 1), storetest.Sub("opt-1", storetest.Box2, 9, 9))
	if _, err := s.Append(ctx, other); sandik.CodeOf(err) != sandik.EConflict {
		t.Fatalf("an id reused with another content: %v, want %s", err, sandik.EConflict)
	}
	if _, err := s.Submission(ctx, "opt-new-0"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("the conflicting call's new row: %v, want %s (all or nothing)", err, sandik.ENotFound)
	}
	log, err := s.Since(ctx, 0, 100)
	if err != nil || len(log) != 3 {
		t.Fatalf("the log holds %d entries (%v), want 3", len(log), err)
	}
}

// The store's connections have PostgreSQL's JIT off unless the URL asks
// for it: compiling a plan costs more than the store's statements take.
func TestJITOffUnlessAsked(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Schema(t)
	for _, c := range []struct{ url, want string }{{url, "off"}, {url + "&jit=on", "on"}} {
		s := openAt(t, c.url)
		var jit string
		if err := s.pool.QueryRow(ctx, `SHOW jit`).Scan(&jit); err != nil {
			t.Fatal(err)
		}
		if jit != c.want {
			t.Errorf("%s: jit %s, want %s", c.url, jit, c.want)
		}
	}
}
