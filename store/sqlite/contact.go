package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// LogContactViews implements sandik.ContactStore.
func (s *Store) LogContactViews(ctx context.Context, vs []sandik.ContactView, perMinute int) ([]sandik.ContactView, error) {
	var out []sandik.ContactView
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		views, recs, err := orgTx(c).LogViews(ctx, vs, perMinute)
		out = views
		return recs, err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: log %d contact views: %w", len(vs), err)
	}
	return out, nil
}

// ErasePerson implements sandik.ContactStore. The row is emptied with
// secure_delete on, for this transaction only, so that SQLite overwrites
// the old cells and the pages it frees with zeros instead of leaving
// them; turned on for every write it would cost the submit path a
// rewrite of each page a deletion touches, for an erasure a year. The
// write-ahead log, which holds copies of the pages as they were, is then
// checkpointed into the file and truncated, and the file is searched for
// what was erased: a copy left in free space by a write before (a page
// split copies cells and frees nothing with zeros) is removed by a
// VACUUM, which rebuilds the file. Only the checkpoint and the VACUUM
// hold the writer; the search reads the file beside it, for what is
// written meanwhile cannot bring the erased texts back. Backups made
// before are untouched: see docs/org.md.
func (s *Store) ErasePerson(ctx context.Context, id sandik.PersonID, day sandik.Date, reason string) error {
	var was sandik.Person
	// The generation moves, so that no instance keeps showing the
	// erased name from a cached chart.
	err := s.writeRights(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		if _, err := c.ExecContext(ctx, "PRAGMA secure_delete = ON"); err != nil {
			return nil, fmt.Errorf("secure delete: %w", err)
		}
		p, recs, err := orgTx(c).Erase(ctx, id, day, reason)
		was = p
		return recs, err
	})
	// Off again whatever happened; only an erasure done goes on.
	off := s.queueBare(ctx, func(ctx context.Context, c *sql.Conn) error {
		_, err := c.ExecContext(ctx, "PRAGMA secure_delete = OFF")
		return err
	})
	if err == nil && off == nil {
		err = s.scrub(ctx, needles(was))
	}
	if err = errors.Join(err, off); err != nil {
		return fmt.Errorf("sqlite: erase person %q: %w", id, err)
	}
	return nil
}

func (s *Store) queueBare(ctx context.Context, fn func(ctx context.Context, c *sql.Conn) error) error {
	_, err := s.queue.Do(context.WithoutCancel(ctx), work{bare: fn})
	return err
}

// needles are the bytes of p's data that must not be left in the file:
// texts of three bytes or more (shorter ones are everywhere), the name
// also in capitals and in lower case, as visit notes may write it.
func needles(p sandik.Person) [][]byte {
	var out [][]byte
	upper, lower := strings.ToUpperSpecial(unicode.TurkishCase, p.Name), strings.ToLowerSpecial(unicode.TurkishCase, p.Name)
	for _, v := range append([]string{p.Name, upper, lower, p.Email, p.Note}, p.Phones...) {
		if len(v) >= 3 {
			out = append(out, []byte(v))
		}
	}
	return out
}

// scrub empties the write-ahead log into the file and searches the file
// for any needle; if one is found it rebuilds the file with VACUUM and
// empties the log again. A needle found after that is held by another
// record (two people of the same name), which is logged, not refused.
func (s *Store) scrub(ctx context.Context, needles [][]byte) error {
	checkpoint := func(vacuum bool) error {
		return s.queueBare(ctx, func(ctx context.Context, c *sql.Conn) error {
			if vacuum {
				if _, err := c.ExecContext(ctx, "VACUUM"); err != nil {
					return fmt.Errorf("vacuum: %w", err)
				}
			}
			return checkpointTruncate(ctx, c)
		})
	}
	if err := checkpoint(false); err != nil {
		return err
	}
	found, err := fileHolds(s.path, needles)
	if err != nil || !found {
		return err
	}
	s.log.Info("erased text found in free space of the database file; rebuilding it with VACUUM")
	if err := checkpoint(true); err != nil {
		return err
	}
	if found, err = fileHolds(s.path, needles); err == nil && found {
		s.log.Warn("text of an erased person is still in the database file, held by another record")
	}
	return err
}

// checkpointTruncate copies every page of the write-ahead log into the
// file and truncates the log to nothing; readers in the way are waited
// for (busy timeout), and still busy is an error.
func checkpointTruncate(ctx context.Context, c *sql.Conn) error {
	var busy, frames, done int
	if err := c.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if busy != 0 {
		return errors.New("checkpoint: readers kept the write-ahead log from being emptied; erase again later to finish")
	}
	return nil
}

// fileHolds reports whether the file at path holds any needle, read a
// block at a time with an overlap as long as the longest needle.
func fileHolds(path string, needles [][]byte) (bool, error) {
	if len(needles) == 0 {
		return false, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	longest := 0
	for _, n := range needles {
		longest = max(longest, len(n))
	}
	buf := make([]byte, 0, 1<<20+longest)
	block := make([]byte, 1<<20)
	for {
		n, err := io.ReadFull(f, block)
		buf = append(buf, block[:n]...)
		for _, nd := range needles {
			if bytes.Contains(buf, nd) {
				return true, nil
			}
		}
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		keep := min(len(buf), longest)
		buf = append(buf[:0], buf[len(buf)-keep:]...)
	}
}
