package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/ledger/audit"
	"github.com/sandik-dev/sandik/store/storetest"
)

// TestTamperWithWritesIsDetected: objection events, users (their role,
// areas and token) and settings are leaves too; an edit of any of them
// behind the store's back is named by the audit, at the leaf it breaks.
func TestTamperWithWritesIsDetected(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	s, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 6, 21, 0, 0, 0, time.UTC)
	steps := []func() error{
		func() error { _, err := s.Append(ctx, storetest.Subs("a", 3)); return err },
		func() error {
			return s.SaveUsers(ctx, []sandik.NewUser{
				{User: sandik.User{ID: "ayse", Name: "Ayşe", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{storetest.Box1}}, TokenHash: [32]byte{1}},
				{User: sandik.User{ID: "koord", Name: "Koordinatör", Role: sandik.RoleCoordinator}, TokenHash: [32]byte{2}},
			}, nil)
		},
		func() error {
			return s.AppendCaseEvent(ctx, sandik.CaseEvent{Case: "C-1", Version: 1, Kind: sandik.CaseCreated, User: "koord", At: at})
		},
		func() error { _, err := s.Append(ctx, storetest.Subs("b", 2)); return err },
		func() error { return s.SetToken(ctx, "ayse", [32]byte{3}) },
		func() error {
			return s.AppendCaseEvent(ctx, sandik.CaseEvent{Case: "C-1", Version: 2, Kind: sandik.CaseFiled, User: "koord", At: at, When: at, Reference: "2026/41"})
		},
		func() error {
			return s.PutSetting(ctx, sandik.Setting{Key: "anomaly.thresholds", Value: []byte(`{"turnout_z":3}`), Version: 1, UpdatedBy: "koord", UpdatedAt: at}, 0)
		},
		func() error {
			return s.SaveUsers(ctx, nil, []sandik.User{{ID: "ayse", Areas: []sandik.AreaCode{storetest.Box1, storetest.Box2}}})
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	recs, err := s.LedgerRecords(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	leaf := func(kind ledger.Kind, id string) int64 { // the latest leaf of id
		last := int64(-1)
		for _, r := range recs {
			if ledger.Kind(r.Kind) == kind && r.ID == id {
				last = r.Index
			}
		}
		if last < 0 {
			t.Fatalf("no %s leaf for %q in %d records", kind, id, len(recs))
		}
		return last
	}
	if n := len(recs); n != 3+2+2+1+1+1+1+1 {
		t.Fatalf("%d leaves, want one per submission, user change, event and setting", n)
	}

	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, trig := range []string{"case_events_no_update", "case_events_no_delete"} {
		if _, err := db.Exec("DROP TRIGGER " + trig); err != nil {
			t.Fatal(err)
		}
	}
	end := int64(len(recs))
	for _, c := range []struct {
		what string
		sql  string
		want int64
	}{
		{"nothing", `SELECT 1`, -1},
		{"a role raised", `UPDATE users SET role = 'admin' WHERE id = 'ayse'`, leaf(ledger.KindUser, "ayse")},
		{"a name changed", `UPDATE users SET name = 'Bay X' WHERE id = 'koord'`, leaf(ledger.KindUser, "koord")},
		{"a token swapped back", `UPDATE users SET token_hash = zeroblob(32) WHERE id = 'ayse'`, leaf(ledger.KindUser, "ayse")},
		{"an area added", `INSERT INTO user_areas (user_id, area_code) VALUES ('koord', '34')`, leaf(ledger.KindUser, "koord")},
		{"a user inserted", `INSERT INTO users (id, name, role, token_hash) VALUES ('zz', 'Z', 'admin', randomblob(32))`, end},
		{"a user deleted", `DELETE FROM users WHERE id = 'koord'`, leaf(ledger.KindUser, "koord")},
		{"an event's reference edited", `UPDATE case_events SET payload = replace(payload, '2026/41', '2026/99') WHERE version = 2`, leaf(ledger.KindObjection, "C-1#2")},
		{"an event deleted", `DELETE FROM case_events WHERE version = 2`, leaf(ledger.KindObjection, "C-1#2")},
		{"an event inserted", `INSERT INTO case_events (case_id, version, kind, user_id, at, payload) SELECT case_id, 3, kind, user_id, at, replace(payload, '"version":2', '"version":3') FROM case_events WHERE version = 2`, end},
		{"a threshold edited", `UPDATE settings SET value = '{"turnout_z":9}'`, leaf(ledger.KindThreshold, "anomaly.thresholds")},
		{"a threshold's author edited", `UPDATE settings SET updated_by = 'ayse'`, leaf(ledger.KindThreshold, "anomaly.thresholds")},
	} {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(c.sql); err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		err = audit.Run(ctx, newTxStore(tx), "", audit.Options{})
		var f *audit.Fault
		switch {
		case c.want < 0 && err != nil:
			t.Errorf("%s: %v", c.what, err)
		case c.want >= 0 && (!errors.As(err, &f) || f.Index != c.want):
			t.Errorf("%s: audit says %v, want a fault at record %d", c.what, err, c.want)
		}
		tx.Rollback()
	}
}
