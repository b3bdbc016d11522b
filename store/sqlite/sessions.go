package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
)

// Sessions are written through the writer like everything else, each in
// its own small transaction: they are few (a sign-in, a logout, a touch a
// minute per open page) next to the submission log.

// CreateSession implements sandik.SessionStore.
func (s *Store) CreateSession(ctx context.Context, ss sandik.Session) error {
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		_, err := c.ExecContext(ctx, `INSERT INTO sessions (id_hash, token_hash, user_id, created_at, seen_at) VALUES (?, ?, ?, ?, ?)`,
			ss.ID[:], ss.TokenHash[:], string(ss.User), nanos(ss.Created), nanos(ss.Seen))
		if isUniqueViolation(err) {
			return fmt.Errorf("%w: %w", sandik.Errorf(sandik.EConflict, "a session with this id exists"), err)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: create session of %q: %w", ss.User, err)
	}
	return nil
}

// SessionUser implements sandik.SessionStore. The join on the token hash
// is what ends a session when its user's token is replaced.
func (s *Store) SessionUser(ctx context.Context, id [32]byte) (sandik.Session, sandik.User, error) {
	var (
		ss            = sandik.Session{ID: id}
		u             sandik.User
		token         []byte
		created, seen int64
	)
	err := s.read.QueryRowContext(ctx, `SELECT s.token_hash, s.created_at, s.seen_at, u.id, u.name, u.role
FROM sessions s JOIN users u ON u.id = s.user_id AND u.token_hash = s.token_hash
WHERE s.id_hash = ?`, id[:]).Scan(&token, &created, &seen, &u.ID, &u.Name, &u.Role)
	if errors.Is(err, sql.ErrNoRows) {
		return sandik.Session{}, sandik.User{}, sandik.Errorf(sandik.ENotFound, "no such session")
	}
	if err != nil {
		return sandik.Session{}, sandik.User{}, fmt.Errorf("sqlite: find session: %w", err)
	}
	if len(token) != 32 {
		return sandik.Session{}, sandik.User{}, fmt.Errorf("sqlite: find session: token hash of %d bytes", len(token))
	}
	ss.TokenHash, ss.User, ss.Created, ss.Seen = [32]byte(token), u.ID, fromNanos(created), fromNanos(seen)
	// The user comes with the areas they work in: a session must not
	// widen what its user may do.
	if u.Areas, err = s.userAreas(ctx, u.ID); err != nil {
		return sandik.Session{}, sandik.User{}, fmt.Errorf("sqlite: find session: %w", err)
	}
	return ss, u, nil
}

// TouchSession implements sandik.SessionStore.
func (s *Store) TouchSession(ctx context.Context, id [32]byte, seen time.Time) error {
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		at := nanos(seen)
		_, err := c.ExecContext(ctx, `UPDATE sessions SET seen_at = ? WHERE id_hash = ? AND seen_at < ?`, at, id[:], at)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: touch session: %w", err)
	}
	return nil
}

// DeleteSession implements sandik.SessionStore.
func (s *Store) DeleteSession(ctx context.Context, id [32]byte) error {
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		_, err := c.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, id[:])
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete session: %w", err)
	}
	return nil
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
			nanos(seenBefore), nanos(createdBefore), limit)
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
