package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
)

// privateMode is the mode of every file the store and its backups create:
// the database holds every submission and the users' token hashes, which
// are no other local account's business.
const privateMode fs.FileMode = 0o600

// createPrivate creates the database file empty, with privateMode, when it
// does not exist yet. SQLite would create it 0644, and it gives the -wal
// and -shm files the main file's mode, so creating the main file first is
// what keeps all three private.
//
// An existing file keeps its mode: a group-readable database may be
// deliberate (a backup agent running as another user), and an open that
// quietly took that access away would break it on election night. The
// warning tells the operator instead.
func createPrivate(path string, log *slog.Logger) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, privateMode)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return withoutPath(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return withoutPath(err)
	}
	if !fi.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	if fi.Mode().Perm()&0o077 != 0 {
		log.Warn("the database file can be read by other local users; to make it private run chmod 600 on it and on its -wal and -shm files",
			"path", path, "mode", fi.Mode().Perm().String())
	}
	return nil
}

// withoutPath drops the path from an os error, because the callers' own
// wrapping names the file already.
func withoutPath(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}
