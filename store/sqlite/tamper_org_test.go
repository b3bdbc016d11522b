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

// TestTamperWithOrgIsDetected: units, people, kinds and terms are leaves;
// an edit of any behind the store's back (a term reopened, a chair
// handed to someone else, a phone number changed, an erasure undone, a
// view of a phone deleted) is named by the audit at the latest leaf of
// the record it breaks.
func TestTamperWithOrgIsDetected(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "o.db")
	s, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveOrg(ctx, storetest.OrgFixture()); err != nil {
		t.Fatal(err)
	}
	if err := s.EndPosition(ctx, "g-2", "2025-03-31", "istifa"); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveMunicipalities(ctx, storetest.MuniFixture()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LogContactViews(ctx, []sandik.ContactView{{User: "ayse", Person: "k-3", At: storetest.Received(), Fields: []sandik.ContactField{sandik.FieldPhones}}}, 10); err != nil {
		t.Fatal(err)
	}
	if err := s.ErasePerson(ctx, "k-4", "2025-03-01", "talep"); err != nil {
		t.Fatal(err)
	}
	// Rights are leaves too: a link, a row of the kinds' table, a grant.
	from := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, err := range []error{
		s.CreateUser(ctx, sandik.User{ID: "ali", Name: "Ali", Role: sandik.RoleObserver}, storetest.Token("a")),
		s.LinkPerson(ctx, "ali", "k-3"),
		s.SaveKindRights(ctx, []sandik.KindRight{{Kind: "sekreter", Role: sandik.RoleVolunteer}}),
		s.SaveGrant(ctx, sandik.Grant{ID: "y-1", User: "ali", Role: sandik.RoleLawyer, Areas: []sandik.AreaCode{"34"}, From: from, Until: from.Add(time.Hour), Reason: "gece", GrantedBy: "admin"}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	recs, err := s.LedgerRecords(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	userLeaf := func(id string) int64 {
		last := int64(-1)
		for _, r := range recs {
			if ledger.Kind(r.Kind) == ledger.KindUser && r.ID == id {
				last = r.Index
			}
		}
		return last
	}
	leaf := func(id string) int64 {
		last := int64(-1)
		for _, r := range recs {
			if ledger.Kind(r.Kind) == ledger.KindOrg && r.ID == id {
				last = r.Index
			}
		}
		if last < 0 {
			t.Fatalf("no leaf for %q", id)
		}
		return last
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	end := int64(len(recs))
	for _, c := range []struct {
		what string
		sql  string
		want int64
	}{
		{"nothing", `SELECT 1`, -1},
		{"an ended term reopened", `UPDATE org_positions SET end_day = NULL, end_reason = '' WHERE id = 'g-2'`, leaf("position/g-2")},
		{"a chair handed over", `UPDATE org_positions SET person = 'k-3' WHERE id = 'g-1'`, leaf("position/g-1")},
		{"a term deleted", `DELETE FROM org_positions WHERE id = 'g-6'`, leaf("position/g-6")},
		{"a term inserted", `INSERT INTO org_positions SELECT 'g-9', kind, unit, person, start_day, end_day, source, end_reason FROM org_positions WHERE id = 'g-4'`, end},
		{"a phone changed", `UPDATE org_people SET phones = '+905329999999' WHERE id = 'k-1'`, leaf("person/k-1")},
		{"a consent day moved", `UPDATE org_people SET consent = '2018-01-01' WHERE id = 'k-3'`, leaf("person/k-3")},
		{"a unit moved", `UPDATE org_units SET area_code = '35' WHERE code = '34'`, leaf("unit/34")},
		{"a mayor's party changed", `UPDATE municipal_terms SET party = 'AKP' WHERE municipality = '34.0135' AND election = '2024-03-31'`, leaf("municipal-term/34.0135/2024-03-31/1")},
		{"a margin moved", `UPDATE municipal_terms SET margin_points = 0.15 WHERE municipality = '34' AND election = '2019-03-31'`, leaf("municipal-term/34/2019-03-31/1")},
		{"a term's version deleted", `DELETE FROM municipal_terms WHERE municipality = '34' AND election = '2024-03-31'`, leaf("municipal-term/34/2024-03-31/1")},
		{"a municipality renamed", `UPDATE municipalities SET name = 'X' WHERE code = '34'`, leaf("municipality/34")},
		{"a kind made many-holder", `UPDATE org_kinds SET one_holder = 0`, leaf("kind/basin_sozcusu")},
		{"an erased person's name put back", `UPDATE org_people SET name = 'İbrahim Işık' WHERE id = 'k-4'`, leaf("person/k-4")},
		{"an erasure undone", `UPDATE org_people SET erased = NULL, erase_reason = '' WHERE id = 'k-4'`, leaf("person/k-4")},
		{"a view of a phone hidden", `DROP TRIGGER contact_views_no_delete; DELETE FROM contact_views`, leaf("view/1")},
		{"a view given to someone else", `DROP TRIGGER contact_views_no_update; UPDATE contact_views SET user_id = 'mehmet'`, leaf("view/1")},
		{"a grant prolonged", `UPDATE user_grants SET until_at = until_at + 86400000000000`, leaf("grant/y-1")},
		{"a grant widened", `UPDATE user_grants SET areas = 'TR'`, leaf("grant/y-1")},
		{"a grant inserted", `INSERT INTO user_grants SELECT 'y-2', user_id, 'admin', '', from_at, until_at, reason, granted_by, 0, '' FROM user_grants`, end},
		{"a secretary made coordinator", `UPDATE org_kind_rights SET role = 'coordinator'`, leaf("right/sekreter")},
		{"a default right taken over", `INSERT INTO org_kind_rights (kind, role) VALUES ('sayman', 'coordinator')`, end},
		{"a user linked to a chair", `UPDATE users SET person_id = 'k-1' WHERE id = 'ali'`, userLeaf("ali")},
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
