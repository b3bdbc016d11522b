package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// Visits, tours and sister pairs are written under the organisation's
// lock like the rest of it; attachments go to the table blobs, which
// every instance shares. A write of visits or commitments first moves
// the overdue counts to today (RollVisitCounts).

func (s *Store) orgWrite(ctx context.Context, fn func(t sqlstore.OrgTx) ([]ledger.Record, error)) error {
	return s.inTxLogged(ctx, func(tx pgx.Tx) ([]ledger.Record, error) {
		t, err := orgTx(ctx, tx)
		if err != nil {
			return nil, err
		}
		return fn(t)
	})
}

// visitWrite is an orgWrite of visits or commitments.
func (s *Store) visitWrite(ctx context.Context, fn func(t sqlstore.OrgTx) ([]ledger.Record, error)) error {
	return s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		if err := t.RollVisitCounts(ctx, sandik.DateOf(s.now())); err != nil {
			return nil, err
		}
		return fn(t)
	})
}

// SaveVisit implements sandik.VisitStore.
func (s *Store) SaveVisit(ctx context.Context, v sandik.Visit, cs []sandik.Commitment) (sandik.Visit, error) {
	out := v
	err := s.visitWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		got, recs, err := t.SaveVisit(ctx, v, cs)
		out = got
		return recs, err
	})
	if err != nil {
		return v, fmt.Errorf("postgres: save visit %q: %w", v.ID, err)
	}
	return out, nil
}

// SaveCommitment implements sandik.VisitStore.
func (s *Store) SaveCommitment(ctx context.Context, cm sandik.Commitment) (sandik.Commitment, error) {
	out := cm
	err := s.visitWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		got, recs, err := t.SaveCommitment(ctx, cm)
		out = got
		return recs, err
	})
	if err != nil {
		return cm, fmt.Errorf("postgres: save commitment %q: %w", cm.ID, err)
	}
	return out, nil
}

// SetCommitmentStatus implements sandik.VisitStore.
func (s *Store) SetCommitmentStatus(ctx context.Context, id sandik.CommitmentID, st sandik.CommitmentStatus) error {
	err := s.visitWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) { return t.SetCommitmentStatus(ctx, id, st) })
	if err != nil {
		return fmt.Errorf("postgres: status of commitment %q: %w", id, err)
	}
	return nil
}

// SaveTour implements sandik.VisitStore.
func (s *Store) SaveTour(ctx context.Context, tour sandik.Tour) error {
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) { return t.SaveTour(ctx, tour) })
	if err != nil {
		return fmt.Errorf("postgres: save tour %q: %w", tour.ID, err)
	}
	return nil
}

// SetStopStatus implements sandik.VisitStore.
func (s *Store) SetStopStatus(ctx context.Context, id sandik.TourID, unit sandik.UnitCode, st sandik.StopStatus, planned sandik.Date) error {
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) { return t.SetStopStatus(ctx, id, unit, st, planned) })
	if err != nil {
		return fmt.Errorf("postgres: stop %q of tour %q: %w", unit, id, err)
	}
	return nil
}

// SaveSisterPair implements sandik.VisitStore.
func (s *Store) SaveSisterPair(ctx context.Context, p sandik.SisterPair) error {
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) { return t.SaveSisterPair(ctx, p) })
	if err != nil {
		return fmt.Errorf("postgres: save sister pair %q: %w", p.ID, err)
	}
	return nil
}

// PutBlob implements sandik.VisitStore; sum must be the SHA-256 of data.
func (s *Store) PutBlob(ctx context.Context, sum string, data []byte) error {
	if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != sum {
		return sandik.Errorf(sandik.EInvalid, "the bytes given hash to %x, not %s", got, sum)
	}
	if err := s.exec(ctx, `INSERT INTO blobs (sha256, size, data) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING`, sum, len(data), data); err != nil {
		return fmt.Errorf("postgres: keep attachment %s: %w", sum, err)
	}
	return nil
}

// Blob implements sandik.VisitStore.
func (s *Store) Blob(ctx context.Context, sum string) ([]byte, error) {
	rows, err := s.db.Query(ctx, `SELECT data FROM blobs WHERE sha256 = $1`, sum)
	if err != nil {
		return nil, fmt.Errorf("postgres: read attachment %s: %w", sum, err)
	}
	defer rows.Close()
	var b []byte
	found := false
	for rows.Next() {
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("postgres: read attachment %s: %w", sum, err)
		}
		found = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: read attachment %s: %w", sum, err)
	}
	if !found {
		return nil, sandik.Errorf(sandik.ENotFound, "no attachment %s", sum)
	}
	if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
		return nil, fmt.Errorf("postgres: attachment %s is damaged: its bytes hash to %x", sum, got)
	}
	return b, nil
}
