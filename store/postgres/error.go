package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sandik-dev/sandik"
)

// SQLSTATE codes the store tells apart. Errors are told apart by code,
// never by message text.
const (
	uniqueViolation = "23505"
)

// sqlState returns the SQLSTATE of the server error in err's chain, or "".
func sqlState(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func isUniqueViolation(err error) bool { return sqlState(err) == uniqueViolation }

// transient reports failures a retry may get past: anything that is not
// an answer from the server (the connection was refused, lost or timed
// out), and the server's answers that mean the same (connection
// exception, insufficient resources, shutdown, serialization failure,
// deadlock).
func transient(err error) bool {
	c := sqlState(err)
	if c == "" {
		return err != nil
	}
	switch c[:2] {
	case "08", "53", "57", "40":
		return true
	}
	return false
}

// errUnavailable is what a reader is told when the database cannot be
// reached.
var errUnavailable = sandik.Errorf(sandik.EUnavailable, "the database cannot be reached at the moment; retry later")

// unavailable marks err as EUnavailable when a retry may get past it and
// it carries no code of its own.
func unavailable(err error) error {
	if err == nil || !transient(err) || sandik.CodeOf(err) != sandik.EInternal {
		return err
	}
	return fmt.Errorf("%w: %w", errUnavailable, err)
}

// wrapInsert turns a unique violation of a registry insert into EConflict.
func wrapInsert(err error, what string) error {
	if err == nil {
		return nil
	}
	if isUniqueViolation(err) {
		var e *pgconn.PgError
		errors.As(err, &e)
		return fmt.Errorf("%w: %w", sandik.Errorf(sandik.EConflict, "a %s appears twice (%s)", what, e.Detail), err)
	}
	return fmt.Errorf("insert %s: %w", what, err)
}
