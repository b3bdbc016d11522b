package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
)

// CreateUser implements sandik.UserStore.
func (s *Store) CreateUser(ctx context.Context, u sandik.User, tokenHash [32]byte) error {
	if err := s.saveUsers(ctx, []sandik.NewUser{{User: u, TokenHash: tokenHash}}, nil); err != nil {
		return fmt.Errorf("postgres: create user %q: %w", u.ID, err)
	}
	return nil
}

// userConflict says which unique key a new user collided with: the id, or
// (astronomically unlikely, and then not the user's fault) the token.
func (s *Store) userConflict(ctx context.Context, id sandik.UserID) *sandik.Error {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE id = $1`, string(id)).Scan(&n); err == nil && n == 0 {
		return sandik.Errorf(sandik.EConflict, "the token of user %q is already in use; issue another", id)
	}
	return sandik.Errorf(sandik.EConflict, "user %q already exists", id)
}

// SetToken implements sandik.UserStore.
func (s *Store) SetToken(ctx context.Context, id sandik.UserID, tokenHash [32]byte) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users SET token_hash = $1 WHERE id = $2`, tokenHash[:], string(id))
	switch {
	case isUniqueViolation(err):
		err = fmt.Errorf("%w: %w", sandik.Errorf(sandik.EConflict, "the new token of user %q is already in use; issue another", id), err)
	case err == nil && tag.RowsAffected() == 0:
		err = sandik.Errorf(sandik.ENotFound, "user %q not found", id)
	}
	if err != nil {
		return fmt.Errorf("postgres: set token of %q: %w", id, err)
	}
	return nil
}

// UserByToken implements sandik.UserStore.
func (s *Store) UserByToken(ctx context.Context, tokenHash [32]byte) (sandik.User, error) {
	var u sandik.User
	err := s.pool.QueryRow(ctx, `SELECT id, name, role FROM users WHERE token_hash = $1`, tokenHash[:]).
		Scan(&u.ID, &u.Name, &u.Role)
	if errors.Is(err, pgx.ErrNoRows) {
		return sandik.User{}, sandik.Errorf(sandik.ENotFound, "no user holds this token")
	}
	if err == nil {
		u.Areas, err = s.userAreas(ctx, u.ID)
	}
	if err != nil {
		return sandik.User{}, fmt.Errorf("postgres: find user by token: %w", err)
	}
	return u, nil
}

// Users implements sandik.UserStore.
func (s *Store) Users(ctx context.Context) ([]sandik.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, role FROM users ORDER BY id COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list users: %w", err)
	}
	users := []sandik.User{}
	var u sandik.User
	_, err = pgx.ForEachRow(rows, []any{&u.ID, &u.Name, &u.Role}, func() error {
		users = append(users, u)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list users: %w", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT user_id, area_code FROM user_areas ORDER BY user_id, area_code COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list user areas: %w", err)
	}
	areas := map[sandik.UserID][]sandik.AreaCode{}
	var (
		id   sandik.UserID
		area sandik.AreaCode
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &area}, func() error {
		areas[id] = append(areas[id], area)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list user areas: %w", err)
	}
	for i := range users {
		users[i].Areas = areas[users[i].ID]
	}
	return users, nil
}

// SetUserAreas implements sandik.UserStore.
func (s *Store) SetUserAreas(ctx context.Context, id sandik.UserID, areas []sandik.AreaCode) error {
	if err := s.saveUsers(ctx, nil, []sandik.User{{ID: id, Areas: areas}}); err != nil {
		return fmt.Errorf("postgres: set areas of %q: %w", id, err)
	}
	return nil
}

// SaveUsers implements sandik.UserStore.
func (s *Store) SaveUsers(ctx context.Context, create []sandik.NewUser, areas []sandik.User) error {
	if err := s.saveUsers(ctx, create, areas); err != nil {
		return fmt.Errorf("postgres: save %d new and %d assigned users: %w", len(create), len(areas), err)
	}
	return nil
}

// saveUsers is the one transaction that creates users and replaces areas,
// for SaveUsers, CreateUser and SetUserAreas alike. Locking a user's row
// orders two concurrent assignments, so the later one replaces the earlier
// instead of merging with it.
func (s *Store) saveUsers(ctx context.Context, create []sandik.NewUser, areas []sandik.User) error {
	var conflict sandik.UserID
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, u := range create {
			if _, err := tx.Exec(ctx, `INSERT INTO users (id, name, role, token_hash) VALUES ($1, $2, $3, $4)`,
				string(u.ID), u.Name, string(u.Role), u.TokenHash[:]); err != nil {
				conflict = u.ID
				return err
			}
			if err := insertUserAreas(ctx, tx, u.ID, u.Areas); err != nil {
				return err
			}
		}
		for _, u := range areas {
			var one int
			err := tx.QueryRow(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, string(u.ID)).Scan(&one)
			if errors.Is(err, pgx.ErrNoRows) {
				return sandik.Errorf(sandik.ENotFound, "user %q not found", u.ID)
			}
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM user_areas WHERE user_id = $1`, string(u.ID)); err != nil {
				return err
			}
			if err := insertUserAreas(ctx, tx, u.ID, u.Areas); err != nil {
				return err
			}
		}
		return nil
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

func (s *Store) userAreas(ctx context.Context, id sandik.UserID) ([]sandik.AreaCode, error) {
	rows, err := s.pool.Query(ctx, `SELECT area_code FROM user_areas WHERE user_id = $1 ORDER BY area_code COLLATE "C"`, string(id))
	if err != nil {
		return nil, err
	}
	areas, err := pgx.CollectRows(rows, pgx.RowTo[sandik.AreaCode])
	if len(areas) == 0 {
		areas = nil // as for a user created without areas
	}
	return areas, err
}
