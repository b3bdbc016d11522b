package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// The writes of rights. Each moves the user generation in its
// transaction, so that every process reads its users again.

// writeRights runs fn as a change of users: logged, and moving the
// generation.
func (s *Store) writeRights(ctx context.Context, fn func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error)) error {
	return s.writeUsers(ctx, bumping(fn))
}

// writeRightsBulk is writeRights for a bulk change that checks its own
// references (work.unchecked) and whose records are batch leaves
// (work.batched).
func (s *Store) writeRightsBulk(ctx context.Context, fn func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error)) error {
	if _, err := s.queue.Do(ctx, work{logged: bumping(fn), unchecked: true, batched: true}); err != nil {
		return err
	}
	return s.readUserGeneration(context.WithoutCancel(ctx))
}

// bumping is fn followed, in its transaction, by a move of the user
// generation.
func bumping(fn func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error)) func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
	return func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		recs, err := fn(ctx, c)
		if err != nil {
			return nil, err
		}
		return recs, bumpUserGeneration(ctx, c)
	}
}

// LinkPerson implements sandik.RightsStore.
func (s *Store) LinkPerson(ctx context.Context, id sandik.UserID, person sandik.PersonID) error {
	err := s.writeRights(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		var link any
		if person != "" {
			if _, err := orgTx(c).Person(ctx, person); sandik.CodeOf(err) == sandik.ENotFound {
				return nil, sandik.Invalid("invalid link", []sandik.Problem{{Field: "person", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("no person %q", person)}})
			} else if err != nil {
				return nil, err
			}
			link = string(person)
		}
		return s.updateUser(ctx, c, id, `UPDATE users SET person_id = ? WHERE id = ?`, link, string(id))
	})
	if err != nil {
		return fmt.Errorf("sqlite: link user %q to person %q: %w", id, person, err)
	}
	return nil
}

// RemoveUser implements sandik.RightsStore.
func (s *Store) RemoveUser(ctx context.Context, id sandik.UserID, tokenHash [32]byte) error {
	err := s.writeRights(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return s.updateUser(ctx, c, id, `UPDATE users SET removed = 1, token_hash = ? WHERE id = ?`, tokenHash[:], string(id))
	})
	if err != nil {
		return fmt.Errorf("sqlite: remove user %q: %w", id, err)
	}
	return nil
}

// updateUser runs an update of one user and returns their leaf.
func (s *Store) updateUser(ctx context.Context, c *sql.Conn, id sandik.UserID, query string, args ...any) ([]ledger.Record, error) {
	res, err := c.ExecContext(ctx, query, args...)
	if isUniqueViolation(err) {
		return nil, fmt.Errorf("%w: %w", sqlstore.TokenTaken(id), err)
	}
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = sqlstore.NoUser(id)
		}
		return nil, err
	}
	rec, err := userRecord(ctx, c, id)
	return []ledger.Record{rec}, err
}

// SaveKindRights implements sandik.RightsStore.
func (s *Store) SaveKindRights(ctx context.Context, rs []sandik.KindRight) error {
	err := s.writeRights(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).SaveKindRights(ctx, rs)
	})
	if err != nil {
		return fmt.Errorf("sqlite: save %d rights of kinds: %w", len(rs), err)
	}
	return nil
}

// SaveGrant implements sandik.RightsStore.
func (s *Store) SaveGrant(ctx context.Context, g sandik.Grant) error {
	err := s.writeRights(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).SaveGrant(ctx, g)
	})
	if err != nil {
		return fmt.Errorf("sqlite: save grant %q: %w", g.ID, err)
	}
	return nil
}

// RevokeGrant implements sandik.RightsStore.
func (s *Store) RevokeGrant(ctx context.Context, id sandik.GrantID, at time.Time, by sandik.UserID) error {
	err := s.writeRights(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).RevokeGrant(ctx, id, at, by)
	})
	if err != nil {
		return fmt.Errorf("sqlite: revoke grant %q: %w", id, err)
	}
	return nil
}
