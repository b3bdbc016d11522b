package sqlite

import (
	"context"
	"database/sql"

	"github.com/sandik-dev/sandik/ledger"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// AppendCaseEvent implements sandik.CaseStore.
func (s *Store) AppendCaseEvent(ctx context.Context, e sandik.CaseEvent) error {
	rec, err := ledger.CaseEventRecord(e)
	if err != nil {
		return err
	}
	return sqlstore.AppendCaseEvent(ctx, "sqlite", e, isUniqueViolation, func(ctx context.Context, r sqlstore.CaseEventRow) error {
		return s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
			_, err := c.ExecContext(ctx, `INSERT INTO case_events (case_id, version, kind, user_id, at, payload) VALUES (?, ?, ?, ?, ?, ?)`,
				r.Case, r.Version, r.Kind, r.User, r.At, string(r.Payload))
			return []ledger.Record{rec}, err
		})
	})
}

// CaseEvents implements sandik.CaseStore.
func (s *Store) CaseEvents(ctx context.Context) ([]sandik.CaseEvent, error) {
	return sqlstore.CaseEvents(ctx, s.db, `SELECT payload FROM case_events ORDER BY case_id, version`)
}

// CaseEventsOf implements sandik.CaseStore.
func (s *Store) CaseEventsOf(ctx context.Context, id sandik.CaseID) ([]sandik.CaseEvent, error) {
	return sqlstore.CaseEventsOf(ctx, s.db, `SELECT payload FROM case_events WHERE case_id = ? ORDER BY version`, id)
}

// PutEvidence implements sandik.CaseStore.
func (s *Store) PutEvidence(ctx context.Context, data []byte) (string, error) {
	return sqlstore.PutEvidence(ctx, "sqlite", data, s.exec, `INSERT INTO evidence (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`)
}

// Evidence implements sandik.CaseStore.
func (s *Store) Evidence(ctx context.Context, sum string) ([]byte, error) {
	return sqlstore.Evidence(ctx, s.db, `SELECT data FROM evidence WHERE sha256 = ?`, sum)
}

// EvidenceSums implements sandik.CaseStore.
func (s *Store) EvidenceSums(ctx context.Context) ([]string, error) {
	return sqlstore.EvidenceSums(ctx, s.db, `SELECT sha256 FROM evidence ORDER BY sha256`)
}
