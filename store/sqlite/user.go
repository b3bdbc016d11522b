package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sandik-dev/sandik"
)

// CreateUser implements sandik.UserStore.
func (s *Store) CreateUser(ctx context.Context, u sandik.User, tokenHash [32]byte) error {
	if err := s.saveUsers(ctx, []sandik.NewUser{{User: u, TokenHash: tokenHash}}, nil); err != nil {
		return fmt.Errorf("sqlite: create user %q: %w", u.ID, err)
	}
	return nil
}

// userConflict says which unique key a new user collided with: the id, or
// (astronomically unlikely, but then not the user's fault) the token.
func (s *Store) userConflict(ctx context.Context, c *sql.Conn, id sandik.UserID) *sandik.Error {
	var n int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = ?`, string(id)).Scan(&n); err == nil && n == 0 {
		return sandik.Errorf(sandik.EConflict, "the token of user %q is already in use; issue another", id)
	}
	return sandik.Errorf(sandik.EConflict, "user %q already exists", id)
}

// SetToken implements sandik.UserStore.
func (s *Store) SetToken(ctx context.Context, id sandik.UserID, tokenHash [32]byte) error {
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		res, err := c.ExecContext(ctx, `UPDATE users SET token_hash = ? WHERE id = ?`, tokenHash[:], string(id))
		if isUniqueViolation(err) {
			return fmt.Errorf("%w: %w", sandik.Errorf(sandik.EConflict, "the new token of user %q is already in use; issue another", id), err)
		}
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err == nil && n == 0 {
			err = sandik.Errorf(sandik.ENotFound, "user %q not found", id)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: set token of %q: %w", id, err)
	}
	return nil
}

// UserByToken implements sandik.UserStore.
func (s *Store) UserByToken(ctx context.Context, tokenHash [32]byte) (sandik.User, error) {
	var u sandik.User
	err := s.read.QueryRowContext(ctx, `SELECT id, name, role FROM users WHERE token_hash = ?`, tokenHash[:]).
		Scan(&u.ID, &u.Name, &u.Role)
	if errors.Is(err, sql.ErrNoRows) {
		return sandik.User{}, sandik.Errorf(sandik.ENotFound, "no user holds this token")
	}
	if err == nil {
		u.Areas, err = s.userAreas(ctx, u.ID)
	}
	if err != nil {
		return sandik.User{}, fmt.Errorf("sqlite: find user by token: %w", err)
	}
	return u, nil
}

// Users implements sandik.UserStore.
func (s *Store) Users(ctx context.Context) ([]sandik.User, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, name, role FROM users ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list users: %w", err)
	}
	defer rows.Close()
	users := []sandik.User{}
	for rows.Next() {
		var u sandik.User
		if err := rows.Scan(&u.ID, &u.Name, &u.Role); err != nil {
			return nil, fmt.Errorf("sqlite: list users: %w", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list users: %w", err)
	}
	areas, err := s.allUserAreas(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list users: %w", err)
	}
	for i := range users {
		users[i].Areas = areas[users[i].ID]
	}
	return users, nil
}

// SetUserAreas implements sandik.UserStore.
func (s *Store) SetUserAreas(ctx context.Context, id sandik.UserID, areas []sandik.AreaCode) error {
	if err := s.saveUsers(ctx, nil, []sandik.User{{ID: id, Areas: areas}}); err != nil {
		return fmt.Errorf("sqlite: set areas of %q: %w", id, err)
	}
	return nil
}

// SaveUsers implements sandik.UserStore.
func (s *Store) SaveUsers(ctx context.Context, create []sandik.NewUser, areas []sandik.User) error {
	if err := s.saveUsers(ctx, create, areas); err != nil {
		return fmt.Errorf("sqlite: save %d new and %d assigned users: %w", len(create), len(areas), err)
	}
	return nil
}

// saveUsers is the one transaction that creates users and replaces areas,
// for SaveUsers, CreateUser and SetUserAreas alike.
func (s *Store) saveUsers(ctx context.Context, create []sandik.NewUser, areas []sandik.User) error {
	return s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		for _, u := range create {
			_, err := c.ExecContext(ctx, `INSERT INTO users (id, name, role, token_hash) VALUES (?, ?, ?, ?)`,
				string(u.ID), u.Name, string(u.Role), u.TokenHash[:])
			if isUniqueViolation(err) {
				return fmt.Errorf("%w: %w", s.userConflict(ctx, c, u.ID), err)
			}
			if err != nil {
				return err
			}
			if err := insertUserAreas(ctx, c, u.ID, u.Areas); err != nil {
				return err
			}
		}
		for _, u := range areas {
			var n int
			if err := c.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = ?`, string(u.ID)).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return sandik.Errorf(sandik.ENotFound, "user %q not found", u.ID)
			}
			if _, err := c.ExecContext(ctx, `DELETE FROM user_areas WHERE user_id = ?`, string(u.ID)); err != nil {
				return err
			}
			if err := insertUserAreas(ctx, c, u.ID, u.Areas); err != nil {
				return err
			}
		}
		return nil
	})
}

func insertUserAreas(ctx context.Context, c *sql.Conn, id sandik.UserID, areas []sandik.AreaCode) error {
	for _, a := range sandik.NormalizeAreas(areas) {
		if _, err := c.ExecContext(ctx, `INSERT INTO user_areas (user_id, area_code) VALUES (?, ?)`, string(id), string(a)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) userAreas(ctx context.Context, id sandik.UserID) ([]sandik.AreaCode, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT area_code FROM user_areas WHERE user_id = ? ORDER BY area_code`, string(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sandik.AreaCode
	for rows.Next() {
		var a sandik.AreaCode
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (s *Store) allUserAreas(ctx context.Context) (map[sandik.UserID][]sandik.AreaCode, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT user_id, area_code FROM user_areas ORDER BY user_id, area_code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[sandik.UserID][]sandik.AreaCode{}
	for rows.Next() {
		var (
			id sandik.UserID
			a  sandik.AreaCode
		)
		if err := rows.Scan(&id, &a); err != nil {
			return nil, err
		}
		out[id] = append(out[id], a)
	}
	return out, rows.Err()
}
