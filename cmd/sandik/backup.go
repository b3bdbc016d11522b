package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/store/postgres"
	"github.com/sandik-dev/sandik/store/sqlite"
)

// cmdBackup copies the SQLite database while the server may be running,
// and checks the copy before it takes FILE's name.
func cmdBackup(e *cli.Env, args []string) error {
	flags := e.Flags("backup", "backup [flags] FILE")
	db := flags.String("db", "sandik.db", "SQLite database file to back up (a PostgreSQL database is backed up with pg_dump)")
	force := flags.Bool("force", false, "replace FILE if it exists")
	if err := e.Parse(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return cli.ErrUsage
	}
	file := flags.Arg(0)
	if postgres.IsURL(*db) {
		// pg_dump takes a consistent snapshot itself; copying the
		// database through Sandık would only be slower and less complete.
		return fmt.Errorf("%s is a PostgreSQL database; back it up with pg_dump, for example: pg_dump --format=custom --file=%s '%s'",
			cli.DisplayDB(*db), file, cli.DisplayDB(*db))
	}
	fmt.Fprintf(e.Stdout, "backing up %s to %s\n", *db, file)
	var sum sqlite.BackupSummary
	var blobs sqlite.BlobCopy
	size, err := sqlite.Backup(e.Ctx, *db, file, sqlite.BackupOptions{
		Force:    *force,
		Blobs:    &blobs,
		Progress: func(n int64) { fmt.Fprintf(e.Stdout, "  written %s\n", byteSize(n)) },
		Check: func(ctx context.Context, path string) (err error) {
			sum, err = verifyBackup(ctx, path)
			return err
		},
	})
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w; give -force to replace it", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "wrote %s: %s, checked: log up to seq %d, %d submissions, %d users, %d objection cases\n",
		file, byteSize(size), sum.LastSeq, sum.Submissions, sum.Users, sum.Cases)
	if blobs.Files > 0 {
		fmt.Fprintf(e.Stdout, "copied %d attachments (photos) to %s-blobs: %s, each checked against its SHA-256\n", blobs.Files, file, byteSize(blobs.Bytes))
	}
	for _, d := range blobs.Damaged {
		fmt.Fprintf(e.Stderr, "warning: %s no longer matches its SHA-256 and was left out of the backup; restore it from an earlier backup\n", d)
	}
	return nil
}

// verifyBackup is every check a finished copy must pass before it takes
// its name: SQLite's integrity and foreign key checks, and the counts it
// reports. Checks of the log's own contents belong here too.
func verifyBackup(ctx context.Context, path string) (sqlite.BackupSummary, error) {
	return sqlite.CheckBackup(ctx, path)
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
