package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// Check verifies the database file: SQLite's own integrity and foreign key
// checks, and that every submission's packed copy agrees with its typed
// columns. It reads the whole log column by column, so it is slow (seconds
// per million submissions); it is meant for after a crash and for audits,
// not for every start.
func (s *Store) Check(ctx context.Context) error {
	var problems []string
	rows, err := s.read.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("sqlite: check: %w", err)
	}
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			rows.Close()
			return fmt.Errorf("sqlite: check: %w", err)
		}
		if msg != "ok" {
			problems = append(problems, msg)
		}
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("sqlite: check: %w", err)
	}
	var fk int
	if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM pragma_foreign_key_check").Scan(&fk); err != nil {
		return fmt.Errorf("sqlite: check foreign keys: %w", err)
	}
	if fk > 0 {
		problems = append(problems, fmt.Sprintf("%d rows break a foreign key", fk))
	}
	bad, err := s.checkPacked(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: check submissions: %w", err)
	}
	problems = append(problems, bad...)
	if len(problems) > 0 {
		return fmt.Errorf("sqlite: check failed: %s", strings.Join(problems, "; "))
	}
	return nil
}

func (s *Store) checkPacked(ctx context.Context) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT seq, client_id, race, box, user_id, source, kind, reason,
		captured_at, received_at, registered, voted_by_law, voted, valid_without_objection,
		valid_upon_objection, valid_total, invalid_total, votes, hash, warnings, packed
		FROM submissions ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		bad []string
		u   unpacker
	)
	for rows.Next() && len(bad) < 10 {
		var (
			c                           sandik.Submission
			kind, captured, recv, warns int64
			votes, hash, packed         []byte
			t                           = &c.Sheet
		)
		if err := rows.Scan(&c.Seq, &c.ID, &c.Race, &c.Box, &c.User, &c.Source, &kind, &c.Reason,
			&captured, &recv, &t.Registered, &t.VotedByLaw, &t.Voted, &t.ValidWithoutObjection,
			&t.ValidUponObjection, &t.ValidTotal, &t.Invalid, &votes, &hash, &warns, &packed); err != nil {
			return nil, err
		}
		c.Kind, c.Warnings = sandik.Kind(kind), sandik.Warnings(warns)
		c.CapturedAt, c.ReceivedAt = sqlstore.Time(captured), sqlstore.Time(recv)
		copy(c.Hash[:], hash)
		p := sandik.Submission{Seq: c.Seq}
		if err := u.unpack(packed, &p); err != nil {
			bad = append(bad, fmt.Sprintf("seq %d: %v", c.Seq, err))
			continue
		}
		if !samePacked(&c, &p, votes) {
			bad = append(bad, fmt.Sprintf("seq %d (%s): packed copy differs from the columns", c.Seq, c.ID))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return bad, nil
}

func samePacked(c, p *sandik.Submission, votes []byte) bool {
	return c.ID == p.ID && c.Race == p.Race && c.Box == p.Box && c.User == p.User && c.Source == p.Source &&
		c.Kind == p.Kind && c.Reason == p.Reason && c.CapturedAt.Equal(p.CapturedAt) &&
		c.ReceivedAt.Equal(p.ReceivedAt) && c.Warnings == p.Warnings && c.Hash == p.Hash &&
		c.Sheet.Registered == p.Sheet.Registered && c.Sheet.VotedByLaw == p.Sheet.VotedByLaw &&
		c.Sheet.Voted == p.Sheet.Voted && c.Sheet.ValidWithoutObjection == p.Sheet.ValidWithoutObjection &&
		c.Sheet.ValidUponObjection == p.Sheet.ValidUponObjection && c.Sheet.ValidTotal == p.Sheet.ValidTotal &&
		c.Sheet.Invalid == p.Sheet.Invalid && slices.Equal(votes, appendVotes(nil, p.Sheet.Votes))
}
