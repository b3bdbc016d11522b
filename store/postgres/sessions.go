package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
)

// CreateSession implements sandik.SessionStore.
func (s *Store) CreateSession(ctx context.Context, ss sandik.Session) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO sessions (id_hash, token_hash, user_id, created_at, seen_at) VALUES ($1, $2, $3, $4, $5)`,
		ss.ID[:], ss.TokenHash[:], string(ss.User), nanos(ss.Created), nanos(ss.Seen))
	if isUniqueViolation(err) {
		err = fmt.Errorf("%w: %w", sandik.Errorf(sandik.EConflict, "a session with this id exists"), err)
	}
	if err != nil {
		return fmt.Errorf("postgres: create session of %q: %w", ss.User, err)
	}
	return nil
}

// SessionUser implements sandik.SessionStore. The join on the token hash
// is what ends a session, on every instance at once, when its user's
// token is replaced.
func (s *Store) SessionUser(ctx context.Context, id [32]byte) (sandik.Session, sandik.User, error) {
	var (
		ss            = sandik.Session{ID: id}
		u             sandik.User
		token         []byte
		created, seen int64
	)
	err := s.pool.QueryRow(ctx, `SELECT s.token_hash, s.created_at, s.seen_at, u.id, u.name, u.role
FROM sessions s JOIN users u ON u.id = s.user_id AND u.token_hash = s.token_hash
WHERE s.id_hash = $1`, id[:]).Scan(&token, &created, &seen, &u.ID, &u.Name, &u.Role)
	if errors.Is(err, pgx.ErrNoRows) {
		return sandik.Session{}, sandik.User{}, sandik.Errorf(sandik.ENotFound, "no such session")
	}
	if err != nil {
		return sandik.Session{}, sandik.User{}, fmt.Errorf("postgres: find session: %w", err)
	}
	if len(token) != 32 {
		return sandik.Session{}, sandik.User{}, fmt.Errorf("postgres: find session: token hash of %d bytes", len(token))
	}
	ss.TokenHash, ss.User, ss.Created, ss.Seen = [32]byte(token), u.ID, fromNanos(created), fromNanos(seen)
	// The user comes with the areas they work in: a session must not
	// widen what its user may do.
	if u.Areas, err = s.userAreas(ctx, u.ID); err != nil {
		return sandik.Session{}, sandik.User{}, fmt.Errorf("postgres: find session: %w", err)
	}
	return ss, u, nil
}

// TouchSession implements sandik.SessionStore.
func (s *Store) TouchSession(ctx context.Context, id [32]byte, seen time.Time) error {
	if _, err := s.pool.Exec(ctx, `UPDATE sessions SET seen_at = $1 WHERE id_hash = $2 AND seen_at < $1`, nanos(seen), id[:]); err != nil {
		return fmt.Errorf("postgres: touch session: %w", err)
	}
	return nil
}

// DeleteSession implements sandik.SessionStore.
func (s *Store) DeleteSession(ctx context.Context, id [32]byte) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, id[:]); err != nil {
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
		nanos(seenBefore), nanos(createdBefore), limit)
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
