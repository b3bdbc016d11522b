package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/ledger/audit"
	"github.com/sandik-dev/sandik/store/internal/commitq"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
	"github.com/sandik-dev/sandik/store/storetest"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var tamperTrials = flag.Int("tamper.trials", 1000, "mutations TestTamperIsDetected applies (the issue's figure is 10000)")

// txStore reads the log and the ledger inside a transaction, so that a
// mutation is seen by the audit and undone by a rollback.
type txStore struct {
	sqlstore.LogReads
	sqlstore.LedgerReads
	txWrites
}

// txWrites reads the objection events, users, settings and the
// organisation in the transaction.
type txWrites struct{ db sqlstore.DB }

func (w txWrites) ContactViews(ctx context.Context, f sandik.ContactViewFilter) ([]sandik.ContactView, error) {
	return sqlstore.NewOrg(w.db, nil).ContactViews(ctx, f)
}

func (w txWrites) AddedPositionKinds(ctx context.Context) ([]sandik.PositionKind, error) {
	return sqlstore.NewOrg(w.db, nil).AddedPositionKinds(ctx)
}

func (w txWrites) Units(ctx context.Context) ([]sandik.Unit, error) {
	return sqlstore.NewOrg(w.db, nil).Units(ctx)
}

func (w txWrites) People(ctx context.Context, f sandik.PeopleFilter) ([]sandik.Person, error) {
	return sqlstore.NewOrg(w.db, nil).People(ctx, f)
}

func (w txWrites) Positions(ctx context.Context, f sandik.PositionFilter) ([]sandik.Position, error) {
	return sqlstore.NewOrg(w.db, nil).Positions(ctx, f)
}

func (w txWrites) Municipalities(ctx context.Context, f sandik.MunicipalFilter) ([]sandik.Municipality, error) {
	return sqlstore.NewOrg(w.db, nil).Municipalities(ctx, f)
}

func (w txWrites) MunicipalTerms(ctx context.Context, f sandik.MunicipalFilter) ([]sandik.MunicipalTerm, error) {
	return sqlstore.NewOrg(w.db, nil).MunicipalTerms(ctx, f)
}

func (w txWrites) AddedKindRights(ctx context.Context) ([]sandik.KindRight, error) {
	return sqlstore.NewOrg(w.db, nil).AddedKindRights(ctx)
}

func (w txWrites) Grants(ctx context.Context, f sandik.GrantFilter) ([]sandik.Grant, error) {
	return sqlstore.NewOrg(w.db, nil).Grants(ctx, f)
}

func (w txWrites) Assignments(ctx context.Context, f sandik.AssignmentFilter) ([]sandik.Assignment, error) {
	return sqlstore.NewOrg(w.db, nil).Assignments(ctx, f)
}

func (w txWrites) CaseEvents(ctx context.Context) ([]sandik.CaseEvent, error) {
	return sqlstore.CaseEvents(ctx, w.db, `SELECT payload FROM case_events ORDER BY case_id, version`)
}

func (w txWrites) Users(ctx context.Context) ([]sandik.User, error) {
	return sqlstore.Users(ctx, w.db, `SELECT id, name, role, COALESCE(person_id, ''), removed FROM users ORDER BY id`, userAreas)
}

func (w txWrites) TokenHashes(ctx context.Context) (map[sandik.UserID][32]byte, error) {
	return sqlstore.TokenHashes(ctx, w.db, `SELECT id, token_hash FROM users`)
}

func (w txWrites) Settings(ctx context.Context) ([]sandik.Setting, error) {
	return sqlstore.Settings(ctx, w.db, `SELECT key, value, version, updated_by, updated_at FROM settings ORDER BY key`)
}

func newTxStore(tx *sql.Tx) txStore {
	db := sqlstore.DB{Name: "sqlite", Query: queryOn(tx)}
	read := func(ctx context.Context, sizeHint int, query string, args ...any) ([]sandik.Submission, error) {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var subs []sandik.Submission
		var u unpacker
		for rows.Next() {
			var seq int64
			var packed []byte
			if err := rows.Scan(&seq, &packed); err != nil {
				return nil, err
			}
			subs = append(subs, sandik.Submission{Seq: seq})
			if err := u.unpack(packed, &subs[len(subs)-1]); err != nil {
				return nil, fmt.Errorf("seq %d: %w", seq, err)
			}
		}
		return subs, rows.Err()
	}
	return txStore{
		LogReads:    sqlstore.NewLogReads(db, logQueries, read, &commitq.Notifier{}, nil),
		LedgerReads: sqlstore.NewLedgerReads(db, nil, ledgerQueries),
		txWrites:    txWrites{db},
	}
}

// tamperDB builds a small log with its ledger and a signed checkpoint,
// and returns the file, the checkpoint and its verifier key.
func tamperDB(t *testing.T) (string, []byte, string, int64) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	s, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 12 {
		subs := storetest.Subs(fmt.Sprint("b", i), 1+i*2)
		if i%3 == 1 {
			subs[0].Kind, subs[0].Reason = sandik.KindAdjudication, "recount"
			subs[0].Hash = subs[0].ContentHash()
		}
		if _, err := s.Append(ctx, subs); err != nil {
			t.Fatal(err)
		}
	}
	size, err := s.LedgerSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	skey, vkey, err := note.GenerateKey(nil, "sandik.test/tamper")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ledger.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	head, err := ledger.Tree{Size: size, Hashes: tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		hs, err := s.LedgerHashes(ctx, idx)
		out := make([]tlog.Hash, len(hs))
		for i, h := range hs {
			out[i] = h
		}
		return out, err
	})}.Head()
	if err != nil {
		t.Fatal(err)
	}
	cp, err := signer.Sign(head)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCheckpoint(ctx, sandik.SignedCheckpoint{Size: size, Signed: cp}); err != nil {
		t.Fatal(err)
	}
	return path, cp, vkey, size
}

// TestTamperIsDetected applies random mutations to the database file
// behind the store's back — a flipped byte in a submission's stored
// content, a ledger record or a stored hash; a deleted row; two rows
// swapped; the log cut short — each inside a transaction that is rolled
// back, and requires the audit to name the first record each one breaks.
// -tamper.trials=10000 runs the figure.
func TestTamperIsDetected(t *testing.T) {
	path, cp, vkey, size := tamperDB(t)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, trig := range []string{"submissions_no_update", "submissions_no_delete", "ledger_records_no_update",
		"ledger_records_no_delete", "ledger_hashes_no_update", "ledger_hashes_no_delete"} {
		if _, err := db.Exec("DROP TRIGGER " + trig); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("seed %d, %d records", seed, size)
	opt := audit.Options{Checkpoints: [][]byte{cp}}
	{ // The untouched database verifies.
		tx, _ := db.Begin()
		if err := audit.Run(ctx, newTxStore(tx), vkey, opt); err != nil {
			t.Fatalf("untouched: %v", err)
		}
		tx.Rollback()
	}
	undetectable := 0
	for trial := range *tamperTrials {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		what, want := mutate(t, tx, rng, size)
		if want == -2 {
			undetectable++
			tx.Rollback()
			continue
		}
		err = audit.Run(ctx, newTxStore(tx), vkey, opt)
		var f *audit.Fault
		if !errors.As(err, &f) || f.Index != want {
			t.Fatalf("trial %d (seed %d): %s: audit says %v, want a fault at record %d", trial, seed, what, err, want)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d trials, %d flips only in what no hash covers (the server's receipt time and warnings)", *tamperTrials, undetectable)
}

// mutate applies one random mutation and returns what it did and the
// record the audit must name (-2: a change no hash covers).
func mutate(t *testing.T, tx *sql.Tx, rng *rand.Rand, size int64) (string, int64) {
	exec := func(q string, args ...any) {
		if _, err := tx.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	blob := func(q string, args ...any) []byte {
		var b []byte
		if err := tx.QueryRow(q, args...).Scan(&b); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return b
	}
	flip := func(b []byte) []byte {
		b = bytes.Clone(b)
		b[rng.IntN(len(b))] ^= byte(1 + rng.IntN(255))
		return b
	}
	i := rng.Int64N(size) // a record; its submission has seq i+1
	switch rng.IntN(7) {
	case 0, 1: // a byte of the stored submission
		old := blob(`SELECT packed FROM submissions WHERE seq = ?`, i+1)
		b := flip(old)
		exec(`UPDATE submissions SET packed = ? WHERE seq = ?`, b, i+1)
		var was, now sandik.Submission
		var u unpacker
		if err := u.unpack(old, &was); err != nil {
			t.Fatal(err)
		}
		if err := u.unpack(b, &now); err == nil && now.ContentHash() == was.Hash && now.Hash == was.Hash {
			return "flip in submission", -2
		}
		return fmt.Sprintf("flip in submission seq %d", i+1), i
	case 2: // a byte of a ledger record's content hash or ref
		if rng.IntN(2) == 0 {
			exec(`UPDATE ledger_records SET content_hash = ? WHERE idx = ?`, flip(blob(`SELECT content_hash FROM ledger_records WHERE idx = ?`, i)), i)
			return fmt.Sprintf("flip in the content hash of record %d", i), i
		}
		exec(`UPDATE ledger_records SET ref = ref || 'x' WHERE idx = ?`, i)
		return fmt.Sprintf("ref of record %d changed", i), i
	case 3: // a byte of a stored hash
		x := rng.Int64N(tlog.StoredHashCount(size))
		exec(`UPDATE ledger_hashes SET hash = ? WHERE idx = ?`, flip(blob(`SELECT hash FROM ledger_hashes WHERE idx = ?`, x)), x)
		leaf := int64(0)
		for tlog.StoredHashCount(leaf+1) <= x {
			leaf++
		}
		return fmt.Sprintf("flip in stored hash %d", x), leaf
	case 4: // a row deleted
		if rng.IntN(2) == 0 {
			exec(`DELETE FROM submissions WHERE seq = ?`, i+1)
			return fmt.Sprintf("submission seq %d deleted", i+1), i
		}
		exec(`DELETE FROM ledger_records WHERE idx = ?`, i)
		return fmt.Sprintf("record %d deleted", i), i
	case 5: // two submissions' contents swapped
		j := rng.Int64N(size)
		if bytes.Equal(blob(`SELECT packed FROM submissions WHERE seq = ?`, i+1), blob(`SELECT packed FROM submissions WHERE seq = ?`, j+1)) {
			return "swap of equal rows", -2
		}
		a, b := min(i, j), max(i, j)
		pa, pb := blob(`SELECT packed FROM submissions WHERE seq = ?`, a+1), blob(`SELECT packed FROM submissions WHERE seq = ?`, b+1)
		exec(`UPDATE submissions SET packed = ? WHERE seq = ?`, pb, a+1)
		exec(`UPDATE submissions SET packed = ? WHERE seq = ?`, pa, b+1)
		return fmt.Sprintf("submissions seq %d and %d swapped", a+1, b+1), a
	default: // the log cut short, checkpoints in the database included
		k := 1 + rng.Int64N(size)
		exec(`DELETE FROM submissions WHERE seq > ?`, size-k)
		exec(`DELETE FROM ledger_records WHERE idx >= ?`, size-k)
		exec(`DELETE FROM ledger_hashes WHERE idx >= ?`, tlog.StoredHashCount(size-k))
		exec(`DELETE FROM ledger_checkpoints`)
		return fmt.Sprintf("last %d of %d cut", k, size), size - k
	}
}

func (w txWrites) Meetings(ctx context.Context, f sandik.MeetingFilter) ([]sandik.Meeting, error) {
	return sqlstore.NewOrg(w.db, nil).Meetings(ctx, f)
}

func (w txWrites) Invitations(ctx context.Context, id sandik.MeetingID) ([]sandik.Invitation, error) {
	return sqlstore.NewOrg(w.db, nil).Invitations(ctx, id)
}

func (w txWrites) Attendance(ctx context.Context, id sandik.MeetingID) ([]sandik.Attendance, error) {
	return sqlstore.NewOrg(w.db, nil).Attendance(ctx, id)
}

func (w txWrites) Surveys(ctx context.Context, id sandik.MeetingID) ([]sandik.Survey, error) {
	return sqlstore.NewOrg(w.db, nil).Surveys(ctx, id)
}

func (w txWrites) Tables(ctx context.Context, id sandik.MeetingID) ([]sandik.Table, error) {
	return sqlstore.NewOrg(w.db, nil).Tables(ctx, id)
}

func (w txWrites) Minutes(ctx context.Context, id sandik.MeetingID) (sandik.Minutes, error) {
	return sqlstore.NewOrg(w.db, nil).Minutes(ctx, id)
}

func (w txWrites) Decisions(ctx context.Context, f sandik.DecisionFilter) ([]sandik.Decision, error) {
	return sqlstore.NewOrg(w.db, nil).Decisions(ctx, f)
}

func (w txWrites) Findings(ctx context.Context, id sandik.MeetingID) ([]sandik.Finding, error) {
	return sqlstore.NewOrg(w.db, nil).Findings(ctx, id)
}
