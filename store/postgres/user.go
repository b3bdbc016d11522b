package postgres

import (
	"context"
	"errors"
	"fmt"
	"github.com/sandik-dev/sandik/ledger"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// userConflict says which unique key a new user collided with.
func (s *Store) userConflict(ctx context.Context, id sandik.UserID) *sandik.Error {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE id = $1`, string(id)).Scan(&n)
	return sqlstore.UserTaken(id, err != nil || n > 0)
}

// SetToken implements sandik.UserStore.
func (s *Store) SetToken(ctx context.Context, id sandik.UserID, tokenHash [32]byte) error {
	err := s.inTxLogged(ctx, func(tx pgx.Tx) ([]ledger.Record, error) {
		tag, err := tx.Exec(ctx, `UPDATE users SET token_hash = $1 WHERE id = $2`, tokenHash[:], string(id))
		switch {
		case isUniqueViolation(err):
			return nil, fmt.Errorf("%w: %w", sqlstore.TokenTaken(id), err)
		case err == nil && tag.RowsAffected() == 0:
			return nil, sqlstore.NoUser(id)
		case err != nil:
			return nil, err
		}
		if err := s.bumpUserGeneration(ctx, tx); err != nil {
			return nil, err
		}
		rec, err := userRecord(ctx, tx, id)
		return []ledger.Record{rec}, err
	})
	if err != nil {
		return fmt.Errorf("postgres: set token of %q: %w", id, err)
	}
	return nil
}

// UserByToken implements sandik.UserStore.
func (s *Store) UserByToken(ctx context.Context, tokenHash [32]byte) (sandik.User, error) {
	return sqlstore.UserByToken(ctx, s.db, `SELECT id, name, role, COALESCE(person_id, ''), removed FROM users WHERE token_hash = $1`, userAreas, tokenHash)
}

// Users implements sandik.UserStore.
func (s *Store) Users(ctx context.Context) ([]sandik.User, error) {
	return sqlstore.Users(ctx, s.db, `SELECT id, name, role, COALESCE(person_id, ''), removed FROM users ORDER BY id COLLATE "C"`, userAreas)
}

// userWrites are CreateUser, SetUserAreas and SaveUsers, all through
// saveUsers.
type userWrites = sqlstore.UserWrites

// userAreas select the areas users work in, sorted.
var userAreas = sqlstore.UserQueries{
	Of:  `SELECT area_code FROM user_areas WHERE user_id = $1 ORDER BY area_code COLLATE "C"`,
	All: `SELECT user_id, area_code FROM user_areas ORDER BY user_id, area_code COLLATE "C"`,
}

// TokenHashes implements sandik.UserStore.
func (s *Store) TokenHashes(ctx context.Context) (map[sandik.UserID][32]byte, error) {
	return sqlstore.TokenHashes(ctx, s.db, `SELECT id, token_hash FROM users`)
}

// saveUsers is the one transaction that creates users and replaces areas,
// for SaveUsers, CreateUser and SetUserAreas alike. Locking a user's row
// orders two concurrent assignments, so the later one replaces the earlier
// instead of merging with it.
func (s *Store) saveUsers(ctx context.Context, create []sandik.NewUser, areas []sandik.User) error {
	var conflict sandik.UserID
	err := s.inTxLogged(ctx, func(tx pgx.Tx) ([]ledger.Record, error) {
		var changed []sandik.UserID
		for _, u := range create {
			var person any
			if u.Person != "" {
				person = string(u.Person)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO users (id, name, role, token_hash, person_id) VALUES ($1, $2, $3, $4, $5)`,
				string(u.ID), u.Name, string(u.Role), u.TokenHash[:], person); err != nil {
				conflict = u.ID
				return nil, err
			}
			if err := insertUserAreas(ctx, tx, u.ID, u.Areas); err != nil {
				return nil, err
			}
			changed = append(changed, u.ID)
		}
		for _, u := range areas {
			var one int
			err := tx.QueryRow(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, string(u.ID)).Scan(&one)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil, sqlstore.NoUser(u.ID)
			}
			if err != nil {
				return nil, err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM user_areas WHERE user_id = $1`, string(u.ID)); err != nil {
				return nil, err
			}
			if err := insertUserAreas(ctx, tx, u.ID, u.Areas); err != nil {
				return nil, err
			}
			changed = append(changed, u.ID)
		}
		if err := s.bumpUserGeneration(ctx, tx); err != nil {
			return nil, err
		}
		recs := make([]ledger.Record, 0, len(changed))
		for _, id := range changed {
			rec, err := userRecord(ctx, tx, id)
			if err != nil {
				return nil, err
			}
			recs = append(recs, rec)
		}
		return recs, nil
	})
	if isUniqueViolation(err) {
		err = fmt.Errorf("%w: %w", s.userConflict(ctx, conflict), err)
	}
	return err
}

func insertUserAreas(ctx context.Context, tx pgx.Tx, id sandik.UserID, areas []sandik.AreaCode) error {
	areas = sandik.NormalizeAreas(areas)
	if len(areas) == 0 {
		return nil
	}
	codes := make([]string, len(areas))
	for i, a := range areas {
		codes[i] = string(a)
	}
	_, err := tx.Exec(ctx, `INSERT INTO user_areas (user_id, area_code) SELECT $1, unnest($2::text[])`, string(id), codes)
	return err
}

// userRecord is the leaf of user id as tx now holds them.
func userRecord(ctx context.Context, tx pgx.Tx, id sandik.UserID) (ledger.Record, error) {
	db := sqlstore.DB{Name: "postgres", Query: queryOn(tx)}
	return sqlstore.UserRecord(ctx, db, `SELECT name, role, token_hash, COALESCE(person_id, ''), removed FROM users WHERE id = $1`, userAreas, id)
}

// bumpUserGeneration moves the user generation in tx and notifies every
// instance when tx commits (PostgreSQL sends notifications at commit).
func (s *Store) bumpUserGeneration(ctx context.Context, tx pgx.Tx) error {
	var gen int64
	if err := tx.QueryRow(ctx, `UPDATE user_generation SET gen = gen + 1 RETURNING gen`).Scan(&gen); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, s.channel, "u"+strconv.FormatInt(gen, 10))
	return err
}

// UserGeneration implements sandik.UserStore: from the notifications
// while the listener listens, from the table otherwise.
func (s *Store) UserGeneration(ctx context.Context) (int64, error) {
	if s.users.live.Load() {
		return s.users.gen.Load(), nil
	}
	var gen int64
	if err := s.pool.QueryRow(ctx, `SELECT gen FROM user_generation`).Scan(&gen); err != nil {
		return 0, fmt.Errorf("postgres: read user generation: %w", err)
	}
	s.users.saw(gen)
	return gen, nil
}
