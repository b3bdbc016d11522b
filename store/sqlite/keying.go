package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// Sheet photos, keying leases and custody chains are written on the
// writer's connection and read from the read pool. Their bytes are blobs
// beside the database file, as visits' photos are.

func (s *Store) keying() sqlstore.Keying {
	return sqlstore.Keying{DB: sqlstore.DB{Name: "sqlite", Query: queryOn(s.read)}, Unique: isUniqueViolation}
}

func onConn(c *sql.Conn) (sqlstore.Query, sqlstore.Exec) {
	return queryOn(c), func(ctx context.Context, query string, args ...any) error {
		_, err := c.ExecContext(ctx, query, args...)
		return err
	}
}

// AddSheetPhoto implements sandik.KeyingStore.
func (s *Store) AddSheetPhoto(ctx context.Context, p sandik.SheetPhoto) (sandik.SheetPhoto, bool, error) {
	out, created := p, false
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		q, exec := onConn(c)
		var err error
		out, created, err = s.keying().AddSheetPhoto(ctx, q, exec, p)
		return err
	})
	if err != nil {
		return p, false, fmt.Errorf("sqlite: add sheet photo of %s/%s: %w", p.Race, p.Box, err)
	}
	return out, created, nil
}

// AddSheetPhotos implements sandik.KeyingStore.
func (s *Store) AddSheetPhotos(ctx context.Context, ps []sandik.SheetPhoto) ([]sandik.SheetPhoto, error) {
	if len(ps) > sandik.MaxPhotoBatch {
		return nil, sandik.Errorf(sandik.EInvalid, "at most %d photos at once (got %d)", sandik.MaxPhotoBatch, len(ps))
	}
	var out []sandik.SheetPhoto
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		out = out[:0]
		q, exec := onConn(c)
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
		return nil, fmt.Errorf("sqlite: add %d sheet photos: %w", len(ps), err)
	}
	return out, nil
}

// SheetPhotos implements sandik.KeyingStore.
func (s *Store) SheetPhotos(ctx context.Context, f sandik.SheetPhotoFilter) ([]sandik.SheetPhoto, error) {
	return s.keying().SheetPhotos(ctx, f)
}

// SaveLease implements sandik.KeyingStore.
func (s *Store) SaveLease(ctx context.Context, l sandik.KeyingLease) error {
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		_, exec := onConn(c)
		return s.keying().SaveLease(ctx, exec, l)
	})
	if err != nil {
		return fmt.Errorf("sqlite: save lease %q: %w", l.ID, err)
	}
	return nil
}

// FinishLease implements sandik.KeyingStore.
func (s *Store) FinishLease(ctx context.Context, id sandik.LeaseID, done time.Time, outcome sandik.LeaseOutcome, sub sandik.SubmissionID, reason sandik.ReportReason) error {
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		q, exec := onConn(c)
		return s.keying().FinishLease(ctx, q, exec, id, done, outcome, sub, reason)
	})
	if err != nil {
		return fmt.Errorf("sqlite: finish lease %q: %w", id, err)
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
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		q, exec := onConn(c)
		var err error
		out, err = s.keying().AppendCustody(ctx, q, exec, e)
		return err
	})
	if err != nil {
		return e, fmt.Errorf("sqlite: custody of box %s: %w", e.Box, err)
	}
	return out, nil
}

// Custody implements sandik.KeyingStore.
func (s *Store) Custody(ctx context.Context, box sandik.AreaCode) ([]sandik.CustodyEvent, error) {
	return s.keying().Custody(ctx, box)
}
