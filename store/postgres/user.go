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
	_, err := s.pool.Exec(ctx, `INSERT INTO users (id, name, role, token_hash) VALUES ($1, $2, $3, $4)`,
		string(u.ID), u.Name, string(u.Role), tokenHash[:])
	if isUniqueViolation(err) {
		err = fmt.Errorf("%w: %w", s.userConflict(ctx, u.ID), err)
	}
	if err != nil {
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
	return users, nil
}
