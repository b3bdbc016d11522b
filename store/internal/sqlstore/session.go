package sqlstore

import (
	"context"
	"fmt"

	"github.com/sandik-dev/sandik"
)

type sessionUser struct {
	session sandik.Session
	user    sandik.User
}

// Sessions are selected as token_hash, created_at and seen_at, then the
// id, name, role, person_id and removed of their user.
func scanSessionUser(row Row) (sessionUser, error) {
	var (
		su            sessionUser
		token         []byte
		created, seen int64
	)
	u := &su.user
	if err := row.Scan(&token, &created, &seen, &u.ID, &u.Name, &u.Role, &u.Person, &u.Removed); err != nil {
		return su, err
	}
	if len(token) != 32 {
		return su, fmt.Errorf("token hash of %d bytes", len(token))
	}
	su.session = sandik.Session{TokenHash: [32]byte(token), User: u.ID, Created: Time(created), Seen: Time(seen)}
	return su, nil
}

// SessionUser reads the session query selects by its id hash, and its
// user with their areas: a session must not widen what its user may do.
// ENotFound if there is no such session, or its token is no longer its
// user's.
func SessionUser(ctx context.Context, db DB, query string, areas UserQueries, id [32]byte) (sandik.Session, sandik.User, error) {
	su, found, err := One(ctx, db, "find session", scanSessionUser, query, id[:])
	switch {
	case err != nil:
		return sandik.Session{}, sandik.User{}, err
	case !found:
		return sandik.Session{}, sandik.User{}, sandik.Errorf(sandik.ENotFound, "no such session")
	}
	if su.user.Areas, err = areasOf(ctx, db, areas, su.user.ID); err != nil {
		return sandik.Session{}, sandik.User{}, err
	}
	su.session.ID = id
	return su.session, su.user, nil
}

// CreateSession stores ss in the store called name: exec runs insert with
// id_hash, token_hash, user_id, created_at and seen_at; unique tells the
// violation of a unique key, which means the id is taken.
func CreateSession(ctx context.Context, name string, ss sandik.Session, unique func(error) bool, exec Exec, insert string) error {
	err := exec(ctx, insert, ss.ID[:], ss.TokenHash[:], string(ss.User), Nanos(ss.Created), Nanos(ss.Seen))
	if unique(err) {
		err = fmt.Errorf("%w: %w", sandik.Errorf(sandik.EConflict, "a session with this id exists"), err)
	}
	if err != nil {
		return fmt.Errorf("%s: create session of %q: %w", name, ss.User, err)
	}
	return nil
}
