package postgres

import (
	"context"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/ledger/audit"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
	"golang.org/x/mod/sumdb/tlog"
	"pgregory.net/rapid"
)

// TestLedgerAppendLeavesMatchesGo appends random groups of records with
// the database's ledger_append_leaves and the same records to package
// ledger's tree, and requires the same edge, the same new hashes and the
// same stored rows. The ledger carries on from check to check, so the
// groups meet trees of every shape up to thousands of leaves; a check
// that fails rolls its transaction back, so shrinking sees the same
// ledger.
func TestLedgerAppendLeavesMatchesGo(t *testing.T) {
	s := openAt(t, pgtest.Schema(t))
	ctx := context.Background()
	var mirror ledger.Memory
	idRunes := []rune("aZ09-_/.çğıİöşüÇĞÖŞÜ€😀")
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 80).Draw(rt, "leaves")
		shift := rapid.Int64Range(0, 1<<40).Draw(rt, "seq shift")
		kinds, refs, seqs, content := make([]int16, n), make([]string, n), make([]int64, n), make([][]byte, n)
		recs := make([]ledger.Record, n)
		for i := range n {
			kind := ledger.Kind(rapid.IntRange(int(ledger.KindSubmission), int(ledger.KindOrg)).Draw(rt, "kind"))
			id := string(rapid.SliceOfN(rapid.SampledFrom(idRunes), 1, 40).Draw(rt, "id"))
			if rapid.IntRange(0, 20).Draw(rt, "long id") == 0 {
				id = strings.Repeat("ş", ledger.MaxIDBytes/2) // the longest id: 1,024 bytes
			}
			seq := rapid.Int64Range(0, 1<<62-(1<<40)).Draw(rt, "seq")
			h := sha256.Sum256([]byte(rapid.String().Draw(rt, "content")))
			kinds[i], refs[i], seqs[i], content[i] = int16(kind), id, seq, h[:]
			recs[i] = ledger.Record{Kind: kind, ID: id, Seq: seq + shift, ContentHash: h}
		}
		var want ledger.Memory = mirror
		wantEdge, err := ledger.LoadEdge(mirror.Size(), &mirror)
		if err != nil {
			rt.Fatal(err)
		}
		hashFrom := tlog.StoredHashCount(mirror.Size())
		var wantAdded [][]byte
		for _, r := range recs {
			if _, err := want.Append(r); err != nil {
				rt.Fatal(err)
			}
		}
		for x := hashFrom; x < tlog.StoredHashCount(want.Size()); x++ {
			hs, err := want.ReadHashes([]int64{x})
			if err != nil {
				rt.Fatal(err)
			}
			wantAdded = append(wantAdded, hs[0][:])
		}

		tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
		if err != nil {
			rt.Fatal(err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // a no-op after a commit
		if _, err := tx.Exec(ctx, `SELECT seq FROM log_head FOR UPDATE`); err != nil {
			rt.Fatal(err)
		}
		var (
			first         int64
			edgeAt, added [][]byte
		)
		err = tx.QueryRow(ctx, `SELECT first_leaf, old_edge, hashes FROM ledger_append_leaves($1, $2, $3, $4, $5)`,
			kinds, refs, seqs, content, shift).Scan(&first, &edgeAt, &added)
		if err != nil {
			rt.Fatalf("ledger_append_leaves: %v", err)
		}
		if first != mirror.Size() {
			rt.Fatalf("first leaf %d, want %d", first, mirror.Size())
		}
		gotEdge, err := ledger.LoadEdge(first, storedEdge(edgeAt))
		if err != nil {
			rt.Fatal(err)
		}
		if g, w := headOf(rt, gotEdge), headOf(rt, wantEdge); g != w {
			rt.Fatalf("the edge the database read at %d leaves hashes to %v, package ledger's to %v", first, g, w)
		}
		if !equalHashes(added, wantAdded) {
			rt.Fatalf("the database's %d new hashes differ from package ledger's %d", len(added), len(wantAdded))
		}
		stored := storedFrom(rt, tx, hashFrom)
		if !equalHashes(stored, wantAdded) {
			rt.Fatalf("the database stored %d hashes from %d that differ from package ledger's %d", len(stored), hashFrom, len(wantAdded))
		}
		var got []ledger.Record
		rows, err := tx.Query(ctx, `SELECT kind, ref, seq, content_hash FROM ledger_records WHERE idx >= $1 ORDER BY idx`, first)
		if err != nil {
			rt.Fatal(err)
		}
		var (
			kind    int16
			r       ledger.Record
			hashCol []byte
		)
		if _, err := pgx.ForEachRow(rows, []any{&kind, &r.ID, &r.Seq, &hashCol}, func() error {
			r.Kind, r.ContentHash = ledger.Kind(kind), [32]byte(hashCol)
			got = append(got, r)
			return nil
		}); err != nil {
			rt.Fatal(err)
		}
		if len(got) != n {
			rt.Fatalf("%d records stored, want %d", len(got), n)
		}
		for i := range got {
			if got[i] != recs[i] {
				rt.Fatalf("record %d stored as %v, want %v", first+int64(i), got[i], recs[i])
			}
		}
		if err := tx.Commit(ctx); err != nil {
			rt.Fatal(err)
		}
		mirror = want
	})
}

// TestLedgerAppendLeavesStoredHashIndex checks the SQL form of tlog's
// stored hash index against tlog for random levels and nodes, the
// largest ones included.
func TestLedgerAppendLeavesStoredHashIndex(t *testing.T) {
	u := pgtest.URL(t)
	c, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	rapid.Check(t, func(rt *rapid.T) {
		level := rapid.IntRange(0, 40).Draw(rt, "level")
		n := rapid.Int64Range(0, (1<<(62-level))-1).Draw(rt, "node")
		var got int64
		// The form ledger_append_leaves uses: 2x - popcount(x) + l, for
		// x = (n+1)*2^l - 1.
		err := c.QueryRow(context.Background(), `SELECT 2 * x - bit_count(x::bit(64)) + $2
			FROM (SELECT (($1::bigint + 1) << $2::int) - 1 AS x) AS v`, n, level).Scan(&got)
		if err != nil {
			rt.Fatal(err)
		}
		if want := tlog.StoredHashIndex(level, n); got != want {
			rt.Fatalf("stored hash index of node %d at level %d: SQL %d, tlog %d", n, level, got, want)
		}
	})
}

// TestLedgerAppendLeavesCheckedByGo: when the database's hashes are not
// the ones package ledger computes, the writer says so and keeps no tip
// on them; the rows, being durable, are acknowledged.
func TestLedgerAppendLeavesCheckedByGo(t *testing.T) {
	url := pgtest.Schema(t)
	s := openAt(t, url)
	ctx := context.Background()
	// A ledger_append_leaves that stores the right hashes but answers the
	// last with one bit flipped.
	pgtest.Exec(t, url, `ALTER FUNCTION ledger_append_leaves(smallint[], text[], bigint[], bytea[], bigint) RENAME TO right_append_leaves`)
	pgtest.Exec(t, url, `CREATE FUNCTION ledger_append_leaves(kinds smallint[], refs text[], seqs bigint[], contents bytea[],
		seq_shift bigint, OUT first_leaf bigint, OUT old_edge bytea[], OUT hashes bytea[]) LANGUAGE sql AS $$
		SELECT r.first_leaf, r.old_edge, array_append(r.hashes[:cardinality(r.hashes) - 1],
			set_byte(r.hashes[cardinality(r.hashes)], 0, get_byte(r.hashes[cardinality(r.hashes)], 0) # 1))
		FROM right_append_leaves(kinds, refs, seqs, contents, seq_shift) AS r $$`)
	first := mustAppend(t, s, storetest.Subs("bent-a", 2)...)
	mustAppend(t, s, storetest.Subs("bent-b", 2)...)
	if n := s.writer.hashMismatches.Load(); n != 2 {
		t.Errorf("%d groups found hashed otherwise, want 2", n)
	}
	onTip, underLock, _ := s.TipStats()
	if onTip != 0 || underLock != 2 {
		t.Errorf("%d groups on the tip and %d in the database; want 0 and 2: a group that failed the check sets no tip", onTip, underLock)
	}
	// With the right function back, the same call is answered from the
	// log, and the ledger audits.
	pgtest.Exec(t, url, `DROP FUNCTION ledger_append_leaves(smallint[], text[], bigint[], bytea[], bigint)`)
	pgtest.Exec(t, url, `ALTER FUNCTION right_append_leaves(smallint[], text[], bigint[], bytea[], bigint) RENAME TO ledger_append_leaves`)
	rs := mustAppend(t, s, storetest.Subs("bent-a", 2)...)
	if !rs[0].Replayed || rs[0].LeafIndex != first[0].LeafIndex || rs[1].LeafIndex != 1 || rs[0].Seq != first[0].Seq {
		t.Errorf("the first group's call again: %+v, want replays of %+v", rs, first)
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Errorf("audit: %v", err)
	}
}

func headOf(t *rapid.T, e ledger.Edge) tlog.Hash {
	if e.Size() == 0 {
		return tlog.Hash{}
	}
	h, err := e.Head()
	if err != nil {
		t.Fatal(err)
	}
	return h.Hash
}

func storedFrom(t *rapid.T, tx pgx.Tx, from int64) [][]byte {
	rows, err := tx.Query(context.Background(), `SELECT hash FROM ledger_hashes WHERE idx >= $1 ORDER BY idx`, from)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equalHashes(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if string(a[i]) != string(b[i]) {
			return false
		}
	}
	return true
}
