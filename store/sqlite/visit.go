package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/blob"
	"github.com/sandik-dev/sandik/ledger"
)

// Visits, tours and sister pairs are written on the writer's connection
// like the rest of the organisation; the reads are orgReads'. A write of
// visits or commitments first moves the overdue counts to today
// (RollVisitCounts). Their
// attachments are files in a directory beside the database file
// (<file>-blobs), so photos do not swell the database and its backups.

// SaveVisit implements sandik.VisitStore.
func (s *Store) SaveVisit(ctx context.Context, v sandik.Visit, cs []sandik.Commitment) (sandik.Visit, error) {
	out := v
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		t := orgTx(c)
		if err := t.RollVisitCounts(ctx, sandik.DateOf(s.now())); err != nil {
			return nil, err
		}
		got, recs, err := t.SaveVisit(ctx, v, cs)
		out = got
		return recs, err
	})
	if err != nil {
		return v, fmt.Errorf("sqlite: save visit %q: %w", v.ID, err)
	}
	return out, nil
}

// SaveCommitment implements sandik.VisitStore.
func (s *Store) SaveCommitment(ctx context.Context, cm sandik.Commitment) (sandik.Commitment, error) {
	out := cm
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		t := orgTx(c)
		if err := t.RollVisitCounts(ctx, sandik.DateOf(s.now())); err != nil {
			return nil, err
		}
		got, recs, err := t.SaveCommitment(ctx, cm)
		out = got
		return recs, err
	})
	if err != nil {
		return cm, fmt.Errorf("sqlite: save commitment %q: %w", cm.ID, err)
	}
	return out, nil
}

// SetCommitmentStatus implements sandik.VisitStore.
func (s *Store) SetCommitmentStatus(ctx context.Context, id sandik.CommitmentID, st sandik.CommitmentStatus) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		t := orgTx(c)
		if err := t.RollVisitCounts(ctx, sandik.DateOf(s.now())); err != nil {
			return nil, err
		}
		return t.SetCommitmentStatus(ctx, id, st)
	})
	if err != nil {
		return fmt.Errorf("sqlite: status of commitment %q: %w", id, err)
	}
	return nil
}

// SaveTour implements sandik.VisitStore.
func (s *Store) SaveTour(ctx context.Context, t sandik.Tour) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).SaveTour(ctx, t)
	})
	if err != nil {
		return fmt.Errorf("sqlite: save tour %q: %w", t.ID, err)
	}
	return nil
}

// SetStopStatus implements sandik.VisitStore.
func (s *Store) SetStopStatus(ctx context.Context, id sandik.TourID, unit sandik.UnitCode, st sandik.StopStatus, planned sandik.Date) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).SetStopStatus(ctx, id, unit, st, planned)
	})
	if err != nil {
		return fmt.Errorf("sqlite: stop %q of tour %q: %w", unit, id, err)
	}
	return nil
}

// SaveSisterPair implements sandik.VisitStore.
func (s *Store) SaveSisterPair(ctx context.Context, p sandik.SisterPair) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).SaveSisterPair(ctx, p)
	})
	if err != nil {
		return fmt.Errorf("sqlite: save sister pair %q: %w", p.ID, err)
	}
	return nil
}

func (s *Store) blobs() blob.Dir { return blob.Dir{Root: s.path + blobSuffix} }

// PutBlob implements sandik.VisitStore; sum must be the SHA-256 of data.
func (s *Store) PutBlob(ctx context.Context, sum string, data []byte) error {
	if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != sum {
		return sandik.Errorf(sandik.EInvalid, "the bytes given hash to %x, not %s", got, sum)
	}
	return s.blobs().PutBlob(ctx, sum, data)
}

// Blob implements sandik.VisitStore.
func (s *Store) Blob(ctx context.Context, sum string) ([]byte, error) {
	b, err := s.blobs().Blob(ctx, sum)
	if err != nil {
		return nil, err
	}
	if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
		return nil, fmt.Errorf("sqlite: attachment %s is damaged: its bytes hash to %x", sum, got)
	}
	return b, nil
}
