package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// CreateSession implements sandik.SessionStore.
func (s *Store) CreateSession(ctx context.Context, ss sandik.Session) error {
	return sqlstore.CreateSession(ctx, "postgres", ss, isUniqueViolation, s.exec,
		`INSERT INTO sessions (id_hash, token_hash, user_id, created_at, seen_at) VALUES ($1, $2, $3, $4, $5)`)
}

// SessionUser implements sandik.SessionStore. The join on the token hash
// is what ends a session, on every instance at once, when its user's token is replaced.
func (s *Store) SessionUser(ctx context.Context, id [32]byte) (sandik.Session, sandik.User, error) {
	return sqlstore.SessionUser(ctx, s.db, `SELECT s.token_hash, s.created_at, s.seen_at, u.id, u.name, u.role, COALESCE(u.person_id, ''), u.removed
FROM sessions s JOIN users u ON u.id = s.user_id AND u.token_hash = s.token_hash
WHERE s.id_hash = $1`, userAreas, id)
}

// TouchSession implements sandik.SessionStore.
func (s *Store) TouchSession(ctx context.Context, id [32]byte, seen time.Time) error {
	if _, err := s.pool.Exec(ctx, `UPDATE sessions SET seen_at = $1 WHERE id_hash = $2 AND seen_at < $1`, sqlstore.Nanos(seen), id[:]); err != nil {
		return fmt.Errorf("postgres: touch session: %w", err)
	}
	return nil
}

// DeleteSession implements sandik.SessionStore. Ending a session moves
// the user generation (and so notifies every instance), which holders of
// a session read earlier (a live stream) watch instead of reading it
// again every second.
func (s *Store) DeleteSession(ctx context.Context, id [32]byte) error {
	err := s.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, id[:])
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return s.bumpUserGeneration(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("postgres: delete session: %w", err)
	}
	return nil
}

// DeleteStaleSessions implements sandik.SessionStore. SKIP LOCKED lets
// two instances sweeping at once share the work instead of queueing on
// each other's rows.
func (s *Store) DeleteStaleSessions(ctx context.Context, seenBefore, createdBefore time.Time, limit int) (int, error) {
	if limit < 1 {
		return 0, nil
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE id_hash IN (
	SELECT id_hash FROM sessions WHERE seen_at < $1 OR created_at < $2 LIMIT $3 FOR UPDATE SKIP LOCKED)`,
		sqlstore.Nanos(seenBefore), sqlstore.Nanos(createdBefore), limit)
	if err != nil {
		return 0, fmt.Errorf("postgres: delete stale sessions: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// SessionCount implements sandik.SessionStore.
func (s *Store) SessionCount(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM sessions`).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: count sessions: %w", err)
	}
	return n, nil
}
