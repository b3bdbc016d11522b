package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sandik-dev/sandik/blob"
)

// BackupOptions configure Backup.
type BackupOptions struct {
	// Force replaces an existing destination; without it Backup fails
	// with an error that wraps fs.ErrExist.
	Force bool
	// Progress, if set, is told the size of the copy written so far, about
	// every ProgressEvery while the copy runs and once at the end.
	Progress func(written int64)
	// ProgressEvery defaults to one second.
	ProgressEvery time.Duration
	// Check runs on the finished, synced copy before it takes the
	// destination's name, so a copy that fails it never replaces anything.
	// Nil means CheckBackup.
	Check func(ctx context.Context, path string) error
	// Blobs, if set, is told what was copied of the attachments.
	Blobs *BlobCopy
}

// Backup writes a consistent copy of the database at src to dst while
// other processes (a running server) go on writing to it. The copy is a
// snapshot of one moment: every transaction committed before it, none
// after. It is made by VACUUM INTO from a read-only connection, which
// holds a read transaction in the WAL for the duration and so never
// blocks the writer. The copy is written to a temporary file beside dst
// with mode 0600, synced, checked, and only then given dst's name.
func Backup(ctx context.Context, src, dst string, opt BackupOptions) (size int64, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("sqlite: backup %s to %s: %w", src, dst, err)
		}
	}()
	if opt.ProgressEvery <= 0 {
		opt.ProgressEvery = time.Second
	}
	if opt.Check == nil {
		opt.Check = func(ctx context.Context, path string) error {
			_, err := CheckBackup(ctx, path)
			return err
		}
	}
	sfi, err := os.Stat(src)
	if err != nil {
		if pe, ok := errors.AsType[*fs.PathError](err); ok {
			err = pe.Err
		}
		return 0, fmt.Errorf("the database: %w", err)
	}
	if err := mayWrite(sfi, dst, opt.Force); err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return 0, err
	}
	tmpPath := tmp.Name()
	// VACUUM INTO accepts an existing file only if it is empty; creating it
	// here is what gives the copy privateMode.
	if err := errors.Join(tmp.Chmod(privateMode), tmp.Close()); err != nil {
		os.Remove(tmpPath)
		return 0, err
	}
	defer func() {
		if err != nil {
			os.Remove(tmpPath)
			// SQLite may have left a journal beside an interrupted copy.
			os.Remove(tmpPath + "-journal")
		}
	}()
	if err := vacuumInto(ctx, src, tmpPath, opt); err != nil {
		return 0, err
	}
	if size, err = syncFile(tmpPath); err != nil {
		return 0, err
	}
	if err := opt.Check(ctx, tmpPath); err != nil {
		return 0, fmt.Errorf("check the copy: %w", err)
	}
	// The attachments go before the copy takes its name, so a backup
	// that has a name has its photos. A photo is stored before the row
	// that names it, so every one the snapshot names is there to copy.
	copied, err := copyBlobs(ctx, src+blobSuffix, dst+blobSuffix)
	if err != nil {
		return 0, fmt.Errorf("the attachments: %w", err)
	}
	if opt.Blobs != nil {
		*opt.Blobs = copied
	}
	if err := place(tmpPath, dst, opt.Force); err != nil {
		return 0, err
	}
	return size, nil
}

// mayWrite refuses a destination that exists, unless force is set; and
// always one that is the database itself, which the copy would replace.
func mayWrite(src fs.FileInfo, dst string, force bool) error {
	dfi, err := os.Stat(dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return withoutPath(err)
	case os.SameFile(src, dfi):
		return errors.New("the destination is the database itself")
	case !force:
		return fmt.Errorf("%s: %w", dst, fs.ErrExist)
	}
	return nil
}

// vacuumInto copies src into the empty file at tmp, reporting the growing
// size of tmp as it goes.
func vacuumInto(ctx context.Context, src, tmp string, opt BackupOptions) error {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(5000)")
	u := url.URL{Path: src}
	db, err := sql.Open("sqlite", "file:"+u.EscapedPath()+"?"+q.Encode())
	if err != nil {
		return err
	}
	defer db.Close()
	if opt.Progress != nil {
		stop := watchSize(tmp, opt.ProgressEvery, opt.Progress)
		defer stop()
	}
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return fmt.Errorf("VACUUM INTO: %w", err)
	}
	return nil
}

// watchSize calls report with the size of path every interval until the
// returned function is called, which reports once more and waits.
func watchSize(path string, every time.Duration, report func(int64)) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	last := int64(-1)
	tell := func() {
		if fi, err := os.Stat(path); err == nil && fi.Size() != last {
			last = fi.Size()
			report(last)
		}
	}
	wg.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				tell()
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
		tell()
	}
}

// syncFile flushes path to stable storage, which VACUUM INTO does not do,
// and returns its size.
func syncFile(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, err
	}
	fi, err := f.Stat()
	if err == nil {
		err = f.Sync()
	}
	if err := errors.Join(err, f.Close()); err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// place gives the finished copy dst's name and syncs the directory, so
// that the name survives a crash too. Without force a hard link makes the
// name only if nothing took it meanwhile.
func place(tmp, dst string, force bool) error {
	if force {
		if err := os.Rename(tmp, dst); err != nil {
			return err
		}
		return syncDir(filepath.Dir(dst))
	}
	if err := os.Link(tmp, dst); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", dst, fs.ErrExist)
		}
		return err
	}
	if err := os.Remove(tmp); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dst))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// BackupSummary is what CheckBackup found in a copy.
type BackupSummary struct {
	LastSeq     int64 // the log's last sequence number; 0 for an empty log
	Submissions int64
	Users       int64
	Cases       int64 // objection cases
}

// CheckBackup opens the database at path read-only and checks it with
// SQLite's integrity and foreign key checks, then counts what it holds.
func CheckBackup(ctx context.Context, path string) (BackupSummary, error) {
	var sum BackupSummary
	u := url.URL{Path: path}
	db, err := sql.Open("sqlite", "file:"+u.EscapedPath()+"?mode=ro")
	if err != nil {
		return sum, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return sum, fmt.Errorf("integrity_check: %w", err)
	}
	var problems []string
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			rows.Close()
			return sum, fmt.Errorf("integrity_check: %w", err)
		}
		if msg != "ok" {
			problems = append(problems, msg)
		}
	}
	if err := rows.Close(); err != nil {
		return sum, fmt.Errorf("integrity_check: %w", err)
	}
	if len(problems) > 0 {
		return sum, fmt.Errorf("integrity_check: %v", problems)
	}
	var fk int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM pragma_foreign_key_check").Scan(&fk); err != nil {
		return sum, fmt.Errorf("foreign_key_check: %w", err)
	}
	if fk > 0 {
		return sum, fmt.Errorf("%d rows break a foreign key", fk)
	}
	err = db.QueryRowContext(ctx, `SELECT
		(SELECT coalesce(max(seq), 0) FROM submissions),
		(SELECT count(*) FROM submissions),
		(SELECT count(*) FROM users),
		(SELECT count(DISTINCT case_id) FROM case_events)`).Scan(&sum.LastSeq, &sum.Submissions, &sum.Users, &sum.Cases)
	if err != nil {
		return sum, fmt.Errorf("count: %w", err)
	}
	return sum, nil
}

// blobSuffix names the directory of a database's attachments, beside
// its file: sandik.db keeps its photos in sandik.db-blobs.
const blobSuffix = "-blobs"

// BlobCopy is what a backup copied of the attachments.
type BlobCopy struct {
	Files int   // copied or already in the backup's directory
	Bytes int64 // of the files copied
	// Damaged are the files whose bytes no longer hash to their name:
	// left out of the copy and named here, so one bad photo neither
	// stops the night's backups nor enters them.
	Damaged []string
}

// copyBlobs copies the attachments under src into dst, each checked
// against its name (its SHA-256) and written whole under a temporary
// name before it takes its own. Files already in dst are kept: a name
// is a content, so one that is there is the same file. A database that
// never stored an attachment has no src, and copies nothing.
func copyBlobs(ctx context.Context, src, dst string) (BlobCopy, error) {
	var out BlobCopy
	to := blob.Dir{Root: dst}
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == src {
			return fs.SkipAll
		}
		if err != nil || d.IsDir() {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		sum := d.Name()
		if !blob.IsSum(sum) {
			return nil // a write interrupted midway: never a whole blob
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != sum {
			out.Damaged = append(out.Damaged, path)
			return nil
		}
		if err := to.PutBlob(ctx, sum, data); err != nil {
			return err
		}
		out.Files++
		out.Bytes += int64(len(data))
		return nil
	})
	if err != nil {
		return out, err
	}
	if out.Files > 0 {
		if err := syncTree(dst); err != nil {
			return out, err
		}
	}
	return out, nil
}

// syncTree syncs dir and the directories in it, so the names of the
// files copied survive a crash.
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return syncDir(path)
	})
}
