package blob

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/sandik-dev/sandik"
)

// Dir keeps blobs as files under Root, each in a directory named by the
// first two hex digits of its sum (so no directory grows past a few
// thousand entries). A file is written under a temporary name, synced,
// and renamed into place: a reader sees a whole blob or none.
type Dir struct{ Root string }

var sumPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// IsSum reports whether s is a SHA-256 in 64 lower-case hex digits, the
// name a blob is kept under.
func IsSum(s string) bool { return sumPattern.MatchString(s) }

func (d Dir) path(sum string) (string, error) {
	if !sumPattern.MatchString(sum) {
		return "", sandik.Errorf(sandik.EInvalid, "%q is not a SHA-256 in 64 lower-case hex digits", sum)
	}
	return filepath.Join(d.Root, sum[:2], sum), nil
}

// PutBlob implements Store.
func (d Dir) PutBlob(_ context.Context, sum string, data []byte) error {
	p, err := d.path(sum)
	if err != nil {
		return err
	}
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("blob: make directory: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return fmt.Errorf("blob: create: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("blob: write %s: %w", sum, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("blob: sync %s: %w", sum, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("blob: close %s: %w", sum, err)
	}
	if err := os.Rename(f.Name(), p); err != nil {
		return fmt.Errorf("blob: rename %s: %w", sum, err)
	}
	return nil
}

// Blob implements Store.
func (d Dir) Blob(_ context.Context, sum string) ([]byte, error) {
	p, err := d.path(sum)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, sandik.Errorf(sandik.ENotFound, "no attachment %s", sum)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: read %s: %w", sum, err)
	}
	return b, nil
}
