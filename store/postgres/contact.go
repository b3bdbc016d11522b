package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// LogContactViews implements sandik.ContactStore. The organisation's
// lock makes two requests of one user count each other's views.
func (s *Store) LogContactViews(ctx context.Context, vs []sandik.ContactView, perMinute int) ([]sandik.ContactView, error) {
	var out []sandik.ContactView
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		views, recs, err := t.LogViews(ctx, vs, perMinute)
		out = views
		return recs, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: log %d contact views: %w", len(vs), err)
	}
	return out, nil
}

// ErasePerson implements sandik.ContactStore. The row, and the visits
// and commitments whose texts named the person, are updated in place,
// which leaves the old versions as dead tuples in the tables' pages;
// VACUUM FULL then rewrites the tables (and their TOAST) into new files,
// so no live file of the database holds them. It takes each table's
// exclusive lock for as long as copying it takes. What
// PostgreSQL keeps elsewhere — the write-ahead log until it is recycled,
// archived WAL and base backups — is the operator's to expire: see
// docs/org.md.
func (s *Store) ErasePerson(ctx context.Context, id sandik.PersonID, day sandik.Date, reason string) error {
	// The generation moves, so that no instance keeps showing the
	// erased name from a cached chart.
	err := s.inTxRights(ctx, func(tx pgx.Tx) ([]ledger.Record, error) {
		t, err := orgTx(ctx, tx)
		if err != nil {
			return nil, err
		}
		_, recs, err := t.Erase(ctx, id, day, reason)
		return recs, err
	})
	if err == nil {
		if _, verr := s.pool.Exec(context.WithoutCancel(ctx), `VACUUM FULL org_people, visits, commitments`); verr != nil {
			err = fmt.Errorf("the record is erased; rewriting the tables failed, run VACUUM FULL org_people, visits, commitments: %w", verr)
		}
	}
	if err != nil {
		return fmt.Errorf("postgres: erase person %q: %w", id, err)
	}
	return nil
}
