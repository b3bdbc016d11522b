package sqlite

import (
	"errors"
	"fmt"

	"github.com/sandik-dev/sandik"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// code returns the extended SQLite result code in err's chain, or 0.
// Errors are told apart by code, never by message text.
func code(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

// isUniqueViolation reports a UNIQUE or PRIMARY KEY constraint failure.
func isUniqueViolation(err error) bool {
	c := code(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// transient reports failures a retry may get past: a full disk, a lock
// held too long, an I/O error, memory pressure.
func transient(err error) bool {
	switch code(err) & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_NOMEM:
		return true
	}
	return false
}

// writeFailed describes a group commit that did not happen. Nothing of the
// caller's submissions was written, so a retry with the same ids is safe;
// transient failures say so with EUnavailable.
func writeFailed(stage string, err error) error {
	if transient(err) {
		return fmt.Errorf("%w: %s: %w", sandik.Errorf(sandik.EUnavailable,
			"the submission log cannot be written at the moment; nothing was saved, retry later"), stage, err)
	}
	return fmt.Errorf("write submission log: %s: %w", stage, err)
}
