package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
)

// Keying reads and writes sheet photos, keying leases and custody
// chains (migration 0017). Reads go through db; writes run on the
// Query and Exec of the transaction each store opens.
type Keying struct {
	DB     DB
	Rebind func(string) string // nil for ? placeholders
	Unique func(error) bool
}

func (k Keying) q(s string) string {
	if k.Rebind == nil {
		return s
	}
	return k.Rebind(s)
}

const photoCols = `seq, race, box, sha256, by_user, at, bytes, width, height, url`

func scanSheetPhoto(row Row) (sandik.SheetPhoto, error) {
	var p sandik.SheetPhoto
	var at int64
	err := row.Scan(&p.Seq, &p.Race, &p.Box, &p.Sum, &p.By, &at, &p.Bytes, &p.Width, &p.Height, &p.URL)
	p.At = Time(at)
	return p, err
}

// SheetPhotos implements sandik.KeyingStore.
func (k Keying) SheetPhotos(ctx context.Context, f sandik.SheetPhotoFilter) ([]sandik.SheetPhoto, error) {
	return k.sheetPhotos(ctx, k.DB, f)
}

func (k Keying) sheetPhotos(ctx context.Context, db DB, f sandik.SheetPhotoFilter) ([]sandik.SheetPhoto, error) {
	where := []string{"seq > ?"}
	args := []any{f.After}
	if f.Race != "" {
		where, args = append(where, "race = ?"), append(args, string(f.Race))
	}
	if f.Box != "" {
		where, args = append(where, "box = ?"), append(args, string(f.Box))
	}
	if f.Sum != "" {
		where, args = append(where, "sha256 = ?"), append(args, f.Sum)
	}
	return All(ctx, db, "read sheet photos", scanSheetPhoto,
		k.q(`SELECT `+photoCols+` FROM sheet_photos WHERE `+strings.Join(where, " AND ")+` ORDER BY seq`), args...)
}

// AddSheetPhoto writes p in a transaction whose reads are q and writes
// exec.
func (k Keying) AddSheetPhoto(ctx context.Context, q Query, exec Exec, p sandik.SheetPhoto) (sandik.SheetPhoto, bool, error) {
	db := DB{Name: k.DB.Name, Query: q}
	got, err := k.sheetPhotos(ctx, db, sandik.SheetPhotoFilter{Race: p.Race, Box: p.Box, Sum: p.Sum})
	if err != nil {
		return p, false, err
	}
	if len(got) > 0 {
		return got[0], false, nil
	}
	err = exec(ctx, k.q(`INSERT INTO sheet_photos (race, box, sha256, by_user, at, bytes, width, height, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		string(p.Race), string(p.Box), p.Sum, string(p.By), Nanos(p.At), p.Bytes, p.Width, p.Height, p.URL)
	if err != nil {
		return p, false, fmt.Errorf("add sheet photo %s: %w", p.Sum, err)
	}
	got, err = k.sheetPhotos(ctx, db, sandik.SheetPhotoFilter{Race: p.Race, Box: p.Box, Sum: p.Sum})
	if err != nil || len(got) == 0 {
		return p, false, fmt.Errorf("read back sheet photo %s: %v", p.Sum, err)
	}
	return got[0], true, nil
}

const leaseCols = `id, race, box, sha256, user_id, leased, expires, done, outcome, submission, reason`

func scanLease(row Row) (sandik.KeyingLease, error) {
	var l sandik.KeyingLease
	var leased, expires, done int64
	err := row.Scan(&l.ID, &l.Race, &l.Box, &l.Photo, &l.User, &leased, &expires, &done, &l.Outcome, &l.Submission, &l.Reason)
	l.Leased, l.Expires, l.Done = Time(leased), Time(expires), Time(done)
	return l, err
}

// SaveLease inserts l with exec.
func (k Keying) SaveLease(ctx context.Context, exec Exec, l sandik.KeyingLease) error {
	err := exec(ctx, k.q(`INSERT INTO keying_leases (`+leaseCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, 0, '', '', '')`),
		string(l.ID), string(l.Race), string(l.Box), l.Photo, string(l.User), Nanos(l.Leased), Nanos(l.Expires))
	if err != nil && k.Unique != nil && k.Unique(err) {
		return sandik.Errorf(sandik.EConflict, "lease %q exists already", l.ID)
	}
	return err
}

// FinishLease ends an open lease in a transaction whose reads are q.
func (k Keying) FinishLease(ctx context.Context, q Query, exec Exec, id sandik.LeaseID, done time.Time, outcome sandik.LeaseOutcome, sub sandik.SubmissionID, reason sandik.ReportReason) error {
	l, found, err := One(ctx, DB{Name: k.DB.Name, Query: q}, "read lease", scanLease, k.q(`SELECT `+leaseCols+` FROM keying_leases WHERE id = ?`), string(id))
	switch {
	case err != nil:
		return err
	case !found:
		return sandik.Errorf(sandik.ENotFound, "no lease %q", id)
	case l.Outcome != "":
		return sandik.Errorf(sandik.EConflict, "lease %q has ended already (%s)", id, l.Outcome)
	}
	return exec(ctx, k.q(`UPDATE keying_leases SET done = ?, outcome = ?, submission = ?, reason = ? WHERE id = ? AND outcome = ''`),
		Nanos(done), string(outcome), string(sub), string(reason), string(id))
}

// Lease implements sandik.KeyingStore.
func (k Keying) Lease(ctx context.Context, id sandik.LeaseID) (sandik.KeyingLease, error) {
	l, found, err := One(ctx, k.DB, "read lease", scanLease, k.q(`SELECT `+leaseCols+` FROM keying_leases WHERE id = ?`), string(id))
	if err != nil {
		return l, err
	}
	if !found {
		return l, sandik.Errorf(sandik.ENotFound, "no lease %q", id)
	}
	return l, nil
}

// Leases implements sandik.KeyingStore.
func (k Keying) Leases(ctx context.Context, f sandik.LeaseFilter) ([]sandik.KeyingLease, error) {
	where := []string{"1 = 1"}
	var args []any
	if f.User != "" {
		where, args = append(where, "user_id = ?"), append(args, string(f.User))
	}
	if f.Race != "" {
		where, args = append(where, "race = ?"), append(args, string(f.Race))
	}
	if f.Box != "" {
		where, args = append(where, "box = ?"), append(args, string(f.Box))
	}
	if f.Outcome != "" {
		where, args = append(where, "outcome = ?"), append(args, string(f.Outcome))
	}
	return All(ctx, k.DB, "read leases", scanLease,
		k.q(`SELECT `+leaseCols+` FROM keying_leases WHERE `+strings.Join(where, " AND ")+` ORDER BY leased, id`), args...)
}

const custodyCols = `box, seq, race, copy, holder, place, at, note, by_user, recorded`

func scanCustody(row Row) (sandik.CustodyEvent, error) {
	var e sandik.CustodyEvent
	var at, rec int64
	err := row.Scan(&e.Box, &e.Seq, &e.Race, &e.Copy, &e.Holder, &e.Place, &at, &e.Note, &e.By, &rec)
	e.At, e.Recorded = Time(at), Time(rec)
	return e, err
}

// Custody implements sandik.KeyingStore.
func (k Keying) Custody(ctx context.Context, box sandik.AreaCode) ([]sandik.CustodyEvent, error) {
	if box == "" {
		return All(ctx, k.DB, "read custody", scanCustody, k.q(`SELECT `+custodyCols+` FROM custody ORDER BY box, seq`))
	}
	return All(ctx, k.DB, "read custody", scanCustody, k.q(`SELECT `+custodyCols+` FROM custody WHERE box = ? ORDER BY seq`), string(box))
}

// AppendCustody appends e after the last event of its box, in a
// transaction whose reads are q.
func (k Keying) AppendCustody(ctx context.Context, q Query, exec Exec, e sandik.CustodyEvent) (sandik.CustodyEvent, error) {
	type last struct{ n int }
	got, _, err := One(ctx, DB{Name: k.DB.Name, Query: q}, "read custody", func(row Row) (last, error) {
		var l last
		return l, row.Scan(&l.n)
	}, k.q(`SELECT COALESCE(MAX(seq), 0) FROM custody WHERE box = ?`), string(e.Box))
	if err != nil {
		return e, err
	}
	if got.n >= sandik.MaxCustodyEvents {
		return e, sandik.Errorf(sandik.ETooLarge, "box %s has %d custody events, the most one box may have", e.Box, got.n)
	}
	e.Seq = got.n + 1
	err = exec(ctx, k.q(`INSERT INTO custody (`+custodyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		string(e.Box), e.Seq, string(e.Race), e.Copy, e.Holder, string(e.Place), Nanos(e.At), e.Note, string(e.By), Nanos(e.Recorded))
	if err != nil && k.Unique != nil && k.Unique(err) {
		return e, sandik.Errorf(sandik.EConflict, "another custody event of box %s was recorded at the same moment; send it again", e.Box)
	}
	return e, err
}
