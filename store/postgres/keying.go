package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// Sheet photos, keying leases and custody chains: their bytes are in
// the table blobs, shared by every instance.

func (s *Store) keying() sqlstore.Keying {
	return sqlstore.Keying{DB: s.db, Rebind: sqlstore.Dollars, Unique: isUniqueViolation}
}

func onTx(tx pgx.Tx) (sqlstore.Query, sqlstore.Exec) {
	return queryOn(tx), func(ctx context.Context, query string, args ...any) error {
		_, err := tx.Exec(ctx, query, args...)
		return err
	}
}

// AddSheetPhoto implements sandik.KeyingStore.
func (s *Store) AddSheetPhoto(ctx context.Context, p sandik.SheetPhoto) (sandik.SheetPhoto, bool, error) {
	out, created := p, false
	err := s.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		// One writer of a box's photos at a time: two instances storing
		// the same photo at once both find it absent otherwise.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('sheet_photos:' || $1 || '/' || $2))`, string(p.Race), string(p.Box)); err != nil {
			return err
		}
		q, exec := onTx(tx)
		var err error
		out, created, err = s.keying().AddSheetPhoto(ctx, q, exec, p)
		return err
	})
	if err != nil {
		return p, false, fmt.Errorf("postgres: add sheet photo of %s/%s: %w", p.Race, p.Box, err)
	}
	return out, created, nil
}

// AddSheetPhotos implements sandik.KeyingStore. The boxes' locks are
// taken in one order, so two batches never wait for each other in a
// circle.
func (s *Store) AddSheetPhotos(ctx context.Context, ps []sandik.SheetPhoto) ([]sandik.SheetPhoto, error) {
	if len(ps) > sandik.MaxPhotoBatch {
		return nil, sandik.Errorf(sandik.EInvalid, "at most %d photos at once (got %d)", sandik.MaxPhotoBatch, len(ps))
	}
	keys := make([]string, 0, len(ps))
	for _, p := range ps {
		keys = append(keys, string(p.Race)+"/"+string(p.Box))
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	var out []sandik.SheetPhoto
	err := s.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		out = out[:0]
		for _, k := range keys {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('sheet_photos:' || $1))`, k); err != nil {
				return err
			}
		}
		q, exec := onTx(tx)
		for _, p := range ps {
			sp, created, err := s.keying().AddSheetPhoto(ctx, q, exec, p)
			if err != nil {
				return err
			}
			if created {
				out = append(out, sp)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: add %d sheet photos: %w", len(ps), err)
	}
	return out, nil
}

// SheetPhotos implements sandik.KeyingStore.
func (s *Store) SheetPhotos(ctx context.Context, f sandik.SheetPhotoFilter) ([]sandik.SheetPhoto, error) {
	return s.keying().SheetPhotos(ctx, f)
}

// SaveLease implements sandik.KeyingStore.
func (s *Store) SaveLease(ctx context.Context, l sandik.KeyingLease) error {
	if err := s.keying().SaveLease(ctx, s.exec, l); err != nil {
		return fmt.Errorf("postgres: save lease %q: %w", l.ID, err)
	}
	return nil
}

// FinishLease implements sandik.KeyingStore.
func (s *Store) FinishLease(ctx context.Context, id sandik.LeaseID, done time.Time, outcome sandik.LeaseOutcome, sub sandik.SubmissionID, reason sandik.ReportReason) error {
	err := s.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM keying_leases WHERE id = $1 FOR UPDATE`, string(id)); err != nil {
			return err
		}
		q, exec := onTx(tx)
		return s.keying().FinishLease(ctx, q, exec, id, done, outcome, sub, reason)
	})
	if err != nil {
		return fmt.Errorf("postgres: finish lease %q: %w", id, err)
	}
	return nil
}

// Lease implements sandik.KeyingStore.
func (s *Store) Lease(ctx context.Context, id sandik.LeaseID) (sandik.KeyingLease, error) {
	return s.keying().Lease(ctx, id)
}

// Leases implements sandik.KeyingStore.
func (s *Store) Leases(ctx context.Context, f sandik.LeaseFilter) ([]sandik.KeyingLease, error) {
	return s.keying().Leases(ctx, f)
}

// AppendCustody implements sandik.KeyingStore.
func (s *Store) AppendCustody(ctx context.Context, e sandik.CustodyEvent) (sandik.CustodyEvent, error) {
	out := e
	err := s.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('custody:' || $1))`, string(e.Box)); err != nil {
			return err
		}
		q, exec := onTx(tx)
		var err error
		out, err = s.keying().AppendCustody(ctx, q, exec, e)
		return err
	})
	if err != nil {
		return e, fmt.Errorf("postgres: custody of box %s: %w", e.Box, err)
	}
	return out, nil
}

// Custody implements sandik.KeyingStore.
func (s *Store) Custody(ctx context.Context, box sandik.AreaCode) ([]sandik.CustodyEvent, error) {
	return s.keying().Custody(ctx, box)
}
