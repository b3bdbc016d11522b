package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// Sessions are written through the writer like everything else, each in
// its own small transaction: they are few (a sign-in, a logout, a touch a
// minute per open page) next to the submission log.

// CreateSession implements sandik.SessionStore.
func (s *Store) CreateSession(ctx context.Context, ss sandik.Session) error {
	return sqlstore.CreateSession(ctx, "sqlite", ss, isUniqueViolation, s.exec,
		`INSERT INTO sessions (id_hash, token_hash, user_id, created_at, seen_at) VALUES (?, ?, ?, ?, ?)`)
}

// SessionUser implements sandik.SessionStore. The join on the token hash
// is what ends a session when its user's token is replaced.
func (s *Store) SessionUser(ctx context.Context, id [32]byte) (sandik.Session, sandik.User, error) {
	return sqlstore.SessionUser(ctx, s.db, `SELECT s.token_hash, s.created_at, s.seen_at, u.id, u.name, u.role, COALESCE(u.person_id, ''), u.removed
FROM sessions s JOIN users u ON u.id = s.user_id AND u.token_hash = s.token_hash
WHERE s.id_hash = ?`, userAreas, id)
}

// TouchSession implements sandik.SessionStore.
func (s *Store) TouchSession(ctx context.Context, id [32]byte, seen time.Time) error {
	at := sqlstore.Nanos(seen)
	if err := s.exec(ctx, `UPDATE sessions SET seen_at = ? WHERE id_hash = ? AND seen_at < ?`, at, id[:], at); err != nil {
		return fmt.Errorf("sqlite: touch session: %w", err)
	}
	return nil
}

// DeleteSession implements sandik.SessionStore. Ending a session moves
// the user generation, which holders of a session read earlier (a live
// stream) watch instead of reading it again every second.
func (s *Store) DeleteSession(ctx context.Context, id [32]byte) error {
	var n int64
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		res, err := c.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, id[:])
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return bumpUserGeneration(ctx, c)
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete session: %w", err)
	}
	if n == 0 {
		return nil
	}
	return s.readUserGeneration(context.WithoutCancel(ctx))
}

// DeleteStaleSessions implements sandik.SessionStore.
func (s *Store) DeleteStaleSessions(ctx context.Context, seenBefore, createdBefore time.Time, limit int) (int, error) {
	if limit < 1 {
		return 0, nil
	}
	var n int64
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		res, err := c.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash IN (
	SELECT id_hash FROM sessions WHERE seen_at < ? OR created_at < ? LIMIT ?)`,
			sqlstore.Nanos(seenBefore), sqlstore.Nanos(createdBefore), limit)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite: delete stale sessions: %w", err)
	}
	return int(n), nil
}

// SessionCount implements sandik.SessionStore.
func (s *Store) SessionCount(ctx context.Context) (int, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM sessions`).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count sessions: %w", err)
	}
	return n, nil
}
