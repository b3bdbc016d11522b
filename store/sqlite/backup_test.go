package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
)

// backupSource is a store holding two submissions and a user, open as a
// server would hold it.
func backupSource(t *testing.T, dir string) *Store {
	t.Helper()
	s := openAt(t, filepath.Join(dir, "live.db"))
	ctx := context.Background()
	if _, err := s.Append(ctx, []sandik.Submission{storetest.Full("a", storetest.Box1), storetest.Sub("b", storetest.Box2, 1, 2)}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, sandik.User{ID: "ali", Name: "Ali", Role: sandik.RoleCoordinator}, [32]byte{1}); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBackupCopiesAndChecks(t *testing.T) {
	dir := t.TempDir()
	src := backupSource(t, dir)
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(out, "backup.db")
	var reported []int64
	size, err := Backup(context.Background(), src.Path(), dst, BackupOptions{Progress: func(n int64) { reported = append(reported, n) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(reported) == 0 || reported[len(reported)-1] != size || size == 0 {
		t.Errorf("progress %v for a copy of %d bytes; want the last report to be its size", reported, size)
	}
	// Nothing but the copy is left, and it is private.
	checkModes(t, out, map[string]bool{"backup.db": true})
	sum, err := CheckBackup(context.Background(), dst)
	if err != nil {
		t.Fatal(err)
	}
	if want := (BackupSummary{LastSeq: 2, Submissions: 2, Users: 1}); sum != want {
		t.Errorf("summary %+v, want %+v", sum, want)
	}
	b := openAt(t, dst)
	got, err := b.Since(context.Background(), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	want, err := src.Since(context.Background(), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmpSubs(want, got); d != "" {
		t.Errorf("the backup's log differs (-live +backup):\n%s", d)
	}
}

func TestBackupRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	src := backupSource(t, dir)
	dst := filepath.Join(dir, "backup.db")
	if err := os.WriteFile(dst, []byte("an older backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Backup(context.Background(), src.Path(), dst, BackupOptions{})
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Backup over an existing file = %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "an older backup" {
		t.Errorf("the existing file was changed")
	}
	if _, err := Backup(context.Background(), src.Path(), dst, BackupOptions{Force: true}); err != nil {
		t.Fatalf("Backup with Force: %v", err)
	}
	if sum, err := CheckBackup(context.Background(), dst); err != nil || sum.LastSeq != 2 {
		t.Errorf("after Force: %+v, %v", sum, err)
	}
	// Even Force does not replace the database with its own copy.
	_, err = Backup(context.Background(), src.Path(), src.Path(), BackupOptions{Force: true})
	if err == nil || !strings.Contains(err.Error(), "the database itself") {
		t.Errorf("Backup onto the database = %v", err)
	}
	checkModes(t, dir, map[string]bool{"backup.db": true, "live.db": true})
}

// A copy that fails its check, or is cancelled, replaces nothing and
// leaves no temporary file.
func TestBackupFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	src := backupSource(t, dir)
	dst := filepath.Join(dir, "backup.db")
	if err := os.WriteFile(dst, []byte("an older backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := errors.New("the log does not verify")
	_, err := Backup(context.Background(), src.Path(), dst, BackupOptions{Force: true,
		Check: func(context.Context, string) error { return broken }})
	if !errors.Is(err, broken) {
		t.Fatalf("Backup = %v, want the check's error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Backup(ctx, src.Path(), dst, BackupOptions{Force: true}); err == nil {
		t.Fatalf("a cancelled Backup succeeded")
	}
	if b, _ := os.ReadFile(dst); string(b) != "an older backup" {
		t.Errorf("the existing file was changed")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestBackupNamesAMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "nosuch.db")
	_, err := Backup(context.Background(), src, filepath.Join(dir, "b.db"), BackupOptions{})
	if err == nil || !strings.Contains(err.Error(), src) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Backup = %v, want a not-exist error naming %s", err, src)
	}
	if _, err := os.Stat(src); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the missing database was created")
	}
}

func TestCheckBackupFindsDamage(t *testing.T) {
	dir := t.TempDir()
	src := backupSource(t, dir)
	dst := filepath.Join(dir, "backup.db")
	if _, err := Backup(context.Background(), src.Path(), dst, BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	// Overwrite the pages after the first with noise: the header still
	// says SQLite, the b-trees do not hold together.
	for i := 4096; i < len(b); i++ {
		b[i] = byte(i * 7)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if sum, err := CheckBackup(context.Background(), dst); err == nil {
		t.Errorf("CheckBackup of a damaged copy = %+v, nil", sum)
	}
}

// A backup carries the attachments (the photos kept beside the database
// file) into its own directory, each checked against its name: a
// damaged one is named and left out, a write cut short is not a blob.
func TestBackupCopiesAttachments(t *testing.T) {
	dir := t.TempDir()
	src := backupSource(t, dir)
	ctx := context.Background()
	photos := [][]byte{[]byte("first photo's bytes"), []byte("second photo's bytes"), []byte("a photo damaged later")}
	var sums []string
	for _, p := range photos {
		h := sha256.Sum256(p)
		sum := hex.EncodeToString(h[:])
		if err := src.PutBlob(ctx, sum, p); err != nil {
			t.Fatal(err)
		}
		sums = append(sums, sum)
	}
	damaged := filepath.Join(src.Path()+"-blobs", sums[2][:2], sums[2])
	if err := os.WriteFile(damaged, []byte("flipped"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src.Path()+"-blobs", sums[0][:2], ".put-123"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "backup.db")
	var copied BlobCopy
	if _, err := Backup(ctx, src.Path(), dst, BackupOptions{Blobs: &copied}); err != nil {
		t.Fatal(err)
	}
	if copied.Files != 2 || copied.Bytes != int64(len(photos[0])+len(photos[1])) || len(copied.Damaged) != 1 || copied.Damaged[0] != damaged {
		t.Errorf("copied %+v; want the two sound photos and the damaged one named", copied)
	}
	b := openAt(t, dst)
	for i, sum := range sums[:2] {
		got, err := b.Blob(ctx, sum)
		if err != nil || string(got) != string(photos[i]) {
			t.Errorf("backup's photo %d: %q, %v", i, got, err)
		}
	}
	if _, err := b.Blob(ctx, sums[2]); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("the damaged photo in the backup: %v, want not found", err)
	}
	if _, err := os.Stat(filepath.Join(dst+"-blobs", sums[0][:2], ".put-123")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a cut-short write was copied: %v", err)
	}
	// Again over the same backup: what is there stays, nothing doubles.
	if _, err := Backup(ctx, src.Path(), dst, BackupOptions{Force: true, Blobs: &copied}); err != nil {
		t.Fatal(err)
	}
	if copied.Files != 2 {
		t.Errorf("second backup copied %+v", copied)
	}
}

// A database that never kept a photo backs up without an attachment
// directory.
func TestBackupWithoutAttachments(t *testing.T) {
	dir := t.TempDir()
	src := backupSource(t, dir)
	dst := filepath.Join(dir, "backup.db")
	var copied BlobCopy
	if _, err := Backup(context.Background(), src.Path(), dst, BackupOptions{Blobs: &copied}); err != nil {
		t.Fatal(err)
	}
	if copied.Files != 0 || len(copied.Damaged) != 0 {
		t.Errorf("copied %+v from no attachments", copied)
	}
	if _, err := os.Stat(dst + "-blobs"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("an attachment directory was made: %v", err)
	}
}
