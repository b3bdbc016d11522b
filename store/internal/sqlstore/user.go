package sqlstore

import (
	"context"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// Users are selected as id, name, role, person_id (” for none) and
// removed; their areas apart, by UserQueries.
func scanUser(row Row) (sandik.User, error) {
	var u sandik.User
	err := row.Scan(&u.ID, &u.Name, &u.Role, &u.Person, &u.Removed)
	return u, err
}

// UserQueries select users' areas: Of one user (by id), All of everyone
// (user_id and area_code, by user).
type UserQueries struct {
	Of, All string
}

// areasOf returns a user's areas, nil for none.
func areasOf(ctx context.Context, db DB, q UserQueries, id sandik.UserID) ([]sandik.AreaCode, error) {
	areas, err := All(ctx, db, "read areas of "+string(id), func(row Row) (sandik.AreaCode, error) {
		var a sandik.AreaCode
		err := row.Scan(&a)
		return a, err
	}, q.Of, string(id))
	if len(areas) == 0 {
		areas = nil
	}
	return areas, err
}

// UserByToken reads the user query selects by the hash of their token,
// with their areas; ENotFound if no user holds it.
func UserByToken(ctx context.Context, db DB, query string, areas UserQueries, tokenHash [32]byte) (sandik.User, error) {
	u, found, err := One(ctx, db, "find user by token", scanUser, query, tokenHash[:])
	switch {
	case err != nil:
		return sandik.User{}, err
	case !found:
		return sandik.User{}, sandik.Errorf(sandik.ENotFound, "no user holds this token")
	}
	if u.Areas, err = areasOf(ctx, db, areas, u.ID); err != nil {
		return sandik.User{}, err
	}
	return u, nil
}

// Users reads the users query selects, each with their areas.
func Users(ctx context.Context, db DB, query string, areas UserQueries) ([]sandik.User, error) {
	users, err := All(ctx, db, "list users", scanUser, query)
	if err != nil {
		return nil, err
	}
	type userArea struct {
		user sandik.UserID
		area sandik.AreaCode
	}
	rows, err := All(ctx, db, "list user areas", func(row Row) (userArea, error) {
		var ua userArea
		err := row.Scan(&ua.user, &ua.area)
		return ua, err
	}, areas.All)
	if err != nil {
		return nil, err
	}
	byUser := map[sandik.UserID][]sandik.AreaCode{}
	for _, r := range rows {
		byUser[r.user] = append(byUser[r.user], r.area)
	}
	for i := range users {
		users[i].Areas = byUser[users[i].ID]
	}
	return users, nil
}

// TokenHashes reads id and token_hash of the users query selects.
func TokenHashes(ctx context.Context, db DB, query string) (map[sandik.UserID][32]byte, error) {
	out := map[sandik.UserID][32]byte{}
	err := Each(ctx, db.Query, func(row Row) error {
		var (
			id   sandik.UserID
			hash []byte
		)
		if err := row.Scan(&id, &hash); err != nil {
			return err
		}
		if len(hash) != 32 {
			return fmt.Errorf("user %q: token hash of %d bytes", id, len(hash))
		}
		out[id] = [32]byte(hash)
		return nil
	}, query)
	if err != nil {
		return nil, db.fail("read token hashes", err)
	}
	return out, nil
}

// UserTaken says which unique key a new user collided with: its id when
// a user has it, else (astronomically unlikely, and then not the user's
// fault) the token.
func UserTaken(id sandik.UserID, idExists bool) *sandik.Error {
	if !idExists {
		return sandik.Errorf(sandik.EConflict, "the token of user %q is already in use; issue another", id)
	}
	return sandik.Errorf(sandik.EConflict, "user %q already exists", id)
}

// NoUser is the answer for a user id no user has.
func NoUser(id sandik.UserID) error { return sandik.Errorf(sandik.ENotFound, "user %q not found", id) }

// TokenTaken is the answer to a new token another user already holds.
func TokenTaken(id sandik.UserID) error {
	return sandik.Errorf(sandik.EConflict, "the new token of user %q is already in use; issue another", id)
}

// UserWrites are a store's user writes that all go through its one users
// transaction: a store embeds them over its own.
type UserWrites struct {
	name string
	save func(ctx context.Context, create []sandik.NewUser, areas []sandik.User) error
}

// NewUserWrites returns the user writes of the store called name, whose
// transaction save creates users and replaces the areas of existing ones.
func NewUserWrites(name string, save func(ctx context.Context, create []sandik.NewUser, areas []sandik.User) error) UserWrites {
	return UserWrites{name: name, save: save}
}

// CreateUser implements sandik.UserStore.
func (w UserWrites) CreateUser(ctx context.Context, u sandik.User, tokenHash [32]byte) error {
	if err := w.save(ctx, []sandik.NewUser{{User: u, TokenHash: tokenHash}}, nil); err != nil {
		return fmt.Errorf("%s: create user %q: %w", w.name, u.ID, err)
	}
	return nil
}

// SetUserAreas implements sandik.UserStore.
func (w UserWrites) SetUserAreas(ctx context.Context, id sandik.UserID, areas []sandik.AreaCode) error {
	if err := w.save(ctx, nil, []sandik.User{{ID: id, Areas: areas}}); err != nil {
		return fmt.Errorf("%s: set areas of %q: %w", w.name, id, err)
	}
	return nil
}

// SaveUsers implements sandik.UserStore.
func (w UserWrites) SaveUsers(ctx context.Context, create []sandik.NewUser, areas []sandik.User) error {
	if err := w.save(ctx, create, areas); err != nil {
		return fmt.Errorf("%s: save %d new and %d assigned users: %w", w.name, len(create), len(areas), err)
	}
	return nil
}

// UserRecord reads a user through db (the writer's transaction that just
// changed them) and returns their leaf as they now stand. byID selects
// name, role, token_hash, person_id (” for none) and removed of the
// user whose id is its argument.
func UserRecord(ctx context.Context, db DB, byID string, areas UserQueries, id sandik.UserID) (ledger.Record, error) {
	type row struct {
		u     sandik.User
		token []byte
	}
	r, found, err := One(ctx, db, "read user "+string(id), func(rw Row) (row, error) {
		var r row
		err := rw.Scan(&r.u.Name, &r.u.Role, &r.token, &r.u.Person, &r.u.Removed)
		return r, err
	}, byID, string(id))
	switch {
	case err != nil:
		return ledger.Record{}, err
	case !found:
		return ledger.Record{}, NoUser(id)
	case len(r.token) != 32:
		return ledger.Record{}, fmt.Errorf("%s: user %q has a token hash of %d bytes", db.Name, id, len(r.token))
	}
	r.u.ID = id
	if r.u.Areas, err = areasOf(ctx, db, areas, id); err != nil {
		return ledger.Record{}, err
	}
	return ledger.UserRecord(r.u, [32]byte(r.token)), nil
}
