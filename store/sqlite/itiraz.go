package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sandik-dev/sandik"
)

// AppendCaseEvent implements sandik.CaseStore.
func (s *Store) AppendCaseEvent(ctx context.Context, e sandik.CaseEvent) error {
	payload, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("sqlite: encode event of case %s: %w", e.Case, err)
	}
	err = s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		_, err := c.ExecContext(ctx, `INSERT INTO case_events (case_id, version, kind, user_id, at, payload) VALUES (?, ?, ?, ?, ?, ?)`,
			string(e.Case), e.Version, string(e.Kind), string(e.User), e.At.UnixNano(), string(payload))
		if isUniqueViolation(err) {
			return fmt.Errorf("%w: %w", sandik.Errorf(sandik.EConflict, "case %s was changed meanwhile (version %d exists); reload it", e.Case, e.Version), err)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: append event %d of case %s: %w", e.Version, e.Case, err)
	}
	return nil
}

// CaseEvents implements sandik.CaseStore.
func (s *Store) CaseEvents(ctx context.Context) ([]sandik.CaseEvent, error) {
	return s.caseEvents(ctx, `SELECT payload FROM case_events ORDER BY case_id, version`)
}

// CaseEventsOf implements sandik.CaseStore.
func (s *Store) CaseEventsOf(ctx context.Context, id sandik.CaseID) ([]sandik.CaseEvent, error) {
	es, err := s.caseEvents(ctx, `SELECT payload FROM case_events WHERE case_id = ? ORDER BY version`, string(id))
	if err == nil && len(es) == 0 {
		return nil, sandik.Errorf(sandik.ENotFound, "case %s does not exist", id)
	}
	return es, err
}

func (s *Store) caseEvents(ctx context.Context, query string, args ...any) ([]sandik.CaseEvent, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read case events: %w", err)
	}
	defer rows.Close()
	out := []sandik.CaseEvent{}
	for rows.Next() {
		var payload string
		if err := rows.Scan(&payload); err != nil {
			return nil, fmt.Errorf("sqlite: read case events: %w", err)
		}
		var e sandik.CaseEvent
		if err := json.Unmarshal([]byte(payload), &e); err != nil {
			return nil, fmt.Errorf("sqlite: decode case event: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read case events: %w", err)
	}
	return out, nil
}

// PutEvidence implements sandik.CaseStore.
func (s *Store) PutEvidence(ctx context.Context, data []byte) (string, error) {
	if len(data) == 0 {
		return "", sandik.Invalid("empty evidence", []sandik.Problem{{Field: "file", Rule: sandik.RuleRequired, Message: "the evidence file is empty"}})
	}
	if len(data) > sandik.MaxEvidenceBytes {
		return "", sandik.Errorf(sandik.ETooLarge, "an evidence file holds at most %d bytes (got %d)", sandik.MaxEvidenceBytes, len(data))
	}
	sum := sandik.EvidenceChecksum(data)
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		_, err := c.ExecContext(ctx, `INSERT INTO evidence (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`, sum, len(data), data)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("sqlite: store evidence %s: %w", sum, err)
	}
	return sum, nil
}

// Evidence implements sandik.CaseStore.
func (s *Store) Evidence(ctx context.Context, sum string) ([]byte, error) {
	var data []byte
	err := s.read.QueryRowContext(ctx, `SELECT data FROM evidence WHERE sha256 = ?`, sum).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sandik.Errorf(sandik.ENotFound, "no evidence with checksum %s", sum)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: read evidence %s: %w", sum, err)
	}
	if got := sandik.EvidenceChecksum(data); got != sum {
		return nil, fmt.Errorf("sqlite: evidence %s is damaged: its bytes hash to %s", sum, got)
	}
	return data, nil
}

// EvidenceSums implements sandik.CaseStore.
func (s *Store) EvidenceSums(ctx context.Context) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT sha256 FROM evidence ORDER BY sha256`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list evidence: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var sum string
		if err := rows.Scan(&sum); err != nil {
			return nil, fmt.Errorf("sqlite: list evidence: %w", err)
		}
		out = append(out, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list evidence: %w", err)
	}
	return out, nil
}
