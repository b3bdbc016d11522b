package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sandik-dev/sandik/ledger"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// userConflict says which unique key a new user collided with.
func (s *Store) userConflict(ctx context.Context, c *sql.Conn, id sandik.UserID) *sandik.Error {
	var n int
	err := c.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = ?`, string(id)).Scan(&n)
	return sqlstore.UserTaken(id, err != nil || n > 0)
}

// SetToken implements sandik.UserStore.
func (s *Store) SetToken(ctx context.Context, id sandik.UserID, tokenHash [32]byte) error {
	err := s.writeUsers(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		res, err := c.ExecContext(ctx, `UPDATE users SET token_hash = ? WHERE id = ?`, tokenHash[:], string(id))
		if isUniqueViolation(err) {
			return nil, fmt.Errorf("%w: %w", sqlstore.TokenTaken(id), err)
		}
		if err != nil {
			return nil, err
		}
		n, err := res.RowsAffected()
		if err == nil && n == 0 {
			err = sqlstore.NoUser(id)
		}
		if err != nil {
			return nil, err
		}
		if err := bumpUserGeneration(ctx, c); err != nil {
			return nil, err
		}
		rec, err := userRecord(ctx, c, id)
		return []ledger.Record{rec}, err
	})
	if err != nil {
		return fmt.Errorf("sqlite: set token of %q: %w", id, err)
	}
	return nil
}

// UserByToken implements sandik.UserStore.
func (s *Store) UserByToken(ctx context.Context, tokenHash [32]byte) (sandik.User, error) {
	return sqlstore.UserByToken(ctx, s.db, `SELECT id, name, role, COALESCE(person_id, ''), removed FROM users WHERE token_hash = ?`, userAreas, tokenHash)
}

// Users implements sandik.UserStore.
func (s *Store) Users(ctx context.Context) ([]sandik.User, error) {
	return sqlstore.Users(ctx, s.db, `SELECT id, name, role, COALESCE(person_id, ''), removed FROM users ORDER BY id`, userAreas)
}

// userWrites are CreateUser, SetUserAreas and SaveUsers, all through
// saveUsers.
type userWrites = sqlstore.UserWrites

// userAreas select the areas users work in, sorted.
var userAreas = sqlstore.UserQueries{
	Of:  `SELECT area_code FROM user_areas WHERE user_id = ? ORDER BY area_code`,
	All: `SELECT user_id, area_code FROM user_areas ORDER BY user_id, area_code`,
}

// TokenHashes implements sandik.UserStore.
func (s *Store) TokenHashes(ctx context.Context) (map[sandik.UserID][32]byte, error) {
	return sqlstore.TokenHashes(ctx, s.db, `SELECT id, token_hash FROM users`)
}

// saveUsers is the one transaction that creates users and replaces areas,
// for SaveUsers, CreateUser and SetUserAreas alike.
func (s *Store) saveUsers(ctx context.Context, create []sandik.NewUser, areas []sandik.User) error {
	return s.writeUsers(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		var changed []sandik.UserID
		for _, u := range create {
			var person any
			if u.Person != "" {
				person = string(u.Person)
			}
			_, err := c.ExecContext(ctx, `INSERT INTO users (id, name, role, token_hash, person_id) VALUES (?, ?, ?, ?, ?)`,
				string(u.ID), u.Name, string(u.Role), u.TokenHash[:], person)
			if isUniqueViolation(err) {
				return nil, fmt.Errorf("%w: %w", s.userConflict(ctx, c, u.ID), err)
			}
			if err != nil {
				return nil, err
			}
			if err := insertUserAreas(ctx, c, u.ID, u.Areas); err != nil {
				return nil, err
			}
			changed = append(changed, u.ID)
		}
		for _, u := range areas {
			var n int
			if err := c.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = ?`, string(u.ID)).Scan(&n); err != nil {
				return nil, err
			}
			if n == 0 {
				return nil, sqlstore.NoUser(u.ID)
			}
			if _, err := c.ExecContext(ctx, `DELETE FROM user_areas WHERE user_id = ?`, string(u.ID)); err != nil {
				return nil, err
			}
			if err := insertUserAreas(ctx, c, u.ID, u.Areas); err != nil {
				return nil, err
			}
			changed = append(changed, u.ID)
		}
		if err := bumpUserGeneration(ctx, c); err != nil {
			return nil, err
		}
		recs := make([]ledger.Record, 0, len(changed))
		for _, id := range changed {
			rec, err := userRecord(ctx, c, id)
			if err != nil {
				return nil, err
			}
			recs = append(recs, rec)
		}
		return recs, nil
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

// userRecord is the leaf of user id as the writer's transaction on c now
// holds them.
func userRecord(ctx context.Context, c *sql.Conn, id sandik.UserID) (ledger.Record, error) {
	db := sqlstore.DB{Name: "sqlite", Query: queryOn(c)}
	return sqlstore.UserRecord(ctx, db, `SELECT name, role, token_hash, COALESCE(person_id, ''), removed FROM users WHERE id = ?`, userAreas, id)
}

// writeUsers is writeLogged for a change of users: once it commits, the
// generation is read again, so this process trusts no cached user at its
// next request.
func (s *Store) writeUsers(ctx context.Context, fn func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error)) error {
	if err := s.writeLogged(ctx, fn); err != nil {
		return err
	}
	return s.readUserGeneration(context.WithoutCancel(ctx))
}

func bumpUserGeneration(ctx context.Context, c *sql.Conn) error {
	_, err := c.ExecContext(ctx, `UPDATE user_generation SET gen = gen + 1`)
	return err
}

// UserGeneration implements sandik.UserStore: the value read after this
// process's last change of a user, or by the poll since, so that a
// request pays no read for it.
func (s *Store) UserGeneration(context.Context) (int64, error) { return s.users.Load(), nil }

// readUserGeneration reads the generation from the file.
func (s *Store) readUserGeneration(ctx context.Context) error {
	var gen int64
	if err := s.userGen.QueryRowContext(ctx).Scan(&gen); err != nil {
		return fmt.Errorf("sqlite: read user generation: %w", err)
	}
	s.sawUserGeneration(gen)
	return nil
}

// sawUserGeneration moves the generation to gen unless it is already
// past it: the poll's read may start before a write of this process
// commits and end after the write has read the newer value, and storing
// its older one would trust users cached before the write again.
func (s *Store) sawUserGeneration(gen int64) {
	for cur := s.users.Load(); cur < gen && !s.users.CompareAndSwap(cur, gen); cur = s.users.Load() {
	}
}

// pollUserGeneration reads the generation every interval until stopped.
func (s *Store) pollUserGeneration(every time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := s.readUserGeneration(ctx); err != nil && ctx.Err() == nil {
					s.log.Warn("user generation not read; cached users are kept until it is", "err", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}
