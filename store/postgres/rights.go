package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// The writes of rights. Each moves the user generation in its
// transaction, which notifies every instance at commit.

// inTxRights runs fn as a change of users: logged, and moving the
// generation, which this process knows at once (others by the
// notification).
func (s *Store) inTxRights(ctx context.Context, fn func(tx pgx.Tx) ([]ledger.Record, error)) error {
	return s.inTxRightsLedger(ctx, false, fn)
}

// inTxRightsLedger is inTxRights whose records are, batched, batch
// leaves of the ledger.
func (s *Store) inTxRightsLedger(ctx context.Context, batched bool, fn func(tx pgx.Tx) ([]ledger.Record, error)) error {
	var gen int64
	err := s.inTxLedger(ctx, batched, func(tx pgx.Tx) ([]ledger.Record, error) {
		recs, err := fn(tx)
		if err != nil {
			return nil, err
		}
		if err := s.bumpUserGeneration(ctx, tx); err != nil {
			return nil, err
		}
		return recs, tx.QueryRow(ctx, `SELECT gen FROM user_generation`).Scan(&gen)
	})
	if err == nil {
		s.users.saw(gen)
	}
	return err
}

// LinkPerson implements sandik.RightsStore.
func (s *Store) LinkPerson(ctx context.Context, id sandik.UserID, person sandik.PersonID) error {
	err := s.inTxRights(ctx, func(tx pgx.Tx) ([]ledger.Record, error) {
		var link any
		if person != "" {
			org := sqlstore.NewOrg(sqlstore.DB{Name: "postgres", Query: queryOn(tx)}, sqlstore.Dollars)
			if _, err := org.Person(ctx, person); sandik.CodeOf(err) == sandik.ENotFound {
				return nil, sandik.Invalid("invalid link", []sandik.Problem{{Field: "person", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("no person %q", person)}})
			} else if err != nil {
				return nil, err
			}
			link = string(person)
		}
		return updateUser(ctx, tx, id, `UPDATE users SET person_id = $1 WHERE id = $2`, link, string(id))
	})
	if err != nil {
		return fmt.Errorf("postgres: link user %q to person %q: %w", id, person, err)
	}
	return nil
}

// RemoveUser implements sandik.RightsStore.
func (s *Store) RemoveUser(ctx context.Context, id sandik.UserID, tokenHash [32]byte) error {
	err := s.inTxRights(ctx, func(tx pgx.Tx) ([]ledger.Record, error) {
		return updateUser(ctx, tx, id, `UPDATE users SET removed = true, token_hash = $1 WHERE id = $2`, tokenHash[:], string(id))
	})
	if err != nil {
		return fmt.Errorf("postgres: remove user %q: %w", id, err)
	}
	return nil
}

// updateUser runs an update of one user and returns their leaf.
func updateUser(ctx context.Context, tx pgx.Tx, id sandik.UserID, query string, args ...any) ([]ledger.Record, error) {
	tag, err := tx.Exec(ctx, query, args...)
	switch {
	case isUniqueViolation(err):
		return nil, fmt.Errorf("%w: %w", sqlstore.TokenTaken(id), err)
	case err != nil:
		return nil, err
	case tag.RowsAffected() == 0:
		return nil, sqlstore.NoUser(id)
	}
	rec, err := userRecord(ctx, tx, id)
	return []ledger.Record{rec}, err
}

// SaveKindRights implements sandik.RightsStore.
func (s *Store) SaveKindRights(ctx context.Context, rs []sandik.KindRight) error {
	err := s.inTxRights(ctx, func(tx pgx.Tx) ([]ledger.Record, error) {
		t, err := orgTx(ctx, tx)
		if err != nil {
			return nil, err
		}
		return t.SaveKindRights(ctx, rs)
	})
	if err != nil {
		return fmt.Errorf("postgres: save %d rights of kinds: %w", len(rs), err)
	}
	return nil
}

// SaveGrant implements sandik.RightsStore.
func (s *Store) SaveGrant(ctx context.Context, g sandik.Grant) error {
	err := s.inTxRights(ctx, func(tx pgx.Tx) ([]ledger.Record, error) {
		t, err := orgTx(ctx, tx)
		if err != nil {
			return nil, err
		}
		return t.SaveGrant(ctx, g)
	})
	if err != nil {
		return fmt.Errorf("postgres: save grant %q: %w", g.ID, err)
	}
	return nil
}

// RevokeGrant implements sandik.RightsStore.
func (s *Store) RevokeGrant(ctx context.Context, id sandik.GrantID, at time.Time, by sandik.UserID) error {
	err := s.inTxRights(ctx, func(tx pgx.Tx) ([]ledger.Record, error) {
		t, err := orgTx(ctx, tx)
		if err != nil {
			return nil, err
		}
		return t.RevokeGrant(ctx, id, at, by)
	})
	if err != nil {
		return fmt.Errorf("postgres: revoke grant %q: %w", id, err)
	}
	return nil
}
