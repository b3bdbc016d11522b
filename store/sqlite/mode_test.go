package sqlite

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
)

// Every file a new store creates — the database and the -wal and -shm
// SQLite adds beside it — is private to its owner.
func TestModeOfNewStoreFiles(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, filepath.Join(dir, "sandik.db"))
	ctx := context.Background()
	if _, err := s.Append(ctx, []sandik.Submission{storetest.Full("a", storetest.Box1)}); err != nil {
		t.Fatal(err)
	}
	// A read through the pool maps the -shm too.
	if _, err := s.Since(ctx, 0, 10); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"sandik.db": true, "sandik.db-wal": true, "sandik.db-shm": true}
	checkModes(t, dir, want)
}

// checkModes asserts that dir holds the files want names, and maybe
// others, every one of them 0600.
func checkModes(t *testing.T, dir string, want map[string]bool) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != privateMode {
			t.Errorf("%s has mode %v, want %v", e.Name(), fi.Mode().Perm(), privateMode)
		}
		delete(want, e.Name())
	}
	for name := range want {
		t.Errorf("%s was not created", name)
	}
}

// An existing database readable by others is opened as it is, with a
// warning that names it; its mode is left to the operator.
func TestModeOfExistingFileWarned(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s, err := Open(context.Background(), Options{Path: path, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "shared.db") || !strings.Contains(logs.String(), "chmod 600") {
		t.Errorf("log %q, want a warning naming the file and chmod 600", logs.String())
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode after open: %v, %v; want it left at 0644", fi.Mode().Perm(), err)
	}

	logs.Reset()
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = Open(context.Background(), Options{Path: path, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if strings.Contains(logs.String(), "chmod") {
		t.Errorf("a private file was warned about: %q", logs.String())
	}
}

func TestOpenNamesAMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")
	_, err := Open(context.Background(), Options{Path: path})
	if err == nil || !strings.Contains(err.Error(), path) || strings.Count(err.Error(), path) != 1 {
		t.Errorf("Open = %v, want an error naming %s once", err, path)
	}
}
