// Package audit checks a store's ledger against the writes it stores:
// every leaf is recomputed from the row it names (the submission's
// content hashed again, not the hash stored beside it), then the stored
// hashes and the last signed checkpoint are checked against those leaves
// (ledger.Verify). It is what `sandik log verify` and the server's start
// run.
package audit

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Fault names the first record that does not match, with its kind and id
// as the ledger stores them.
type Fault struct {
	Index  int64
	Kind   ledger.Kind
	ID     string
	Reason string
}

func (f *Fault) Error() string {
	if f.Index < 0 {
		return "ledger does not verify: " + f.Reason
	}
	return fmt.Sprintf("ledger does not verify from record %d (%s %q): %s", f.Index, f.Kind, f.ID, f.Reason)
}

// Store is what an audit reads.
type Store interface {
	sandik.LogReader
	sandik.LedgerReader
	Writes
}

// Options tune Run.
type Options struct {
	// Checkpoints are signed checkpoints to hold the log to beside the
	// store's latest (such as the copy kept beside the key, which an edit
	// of the database cannot reach); empty entries are skipped.
	Checkpoints [][]byte
	// Progress, if set, is called now and then with the records read.
	Progress func(done, total int64)
}

const page = 10_000

// Run audits s's ledger with verifierKey. It returns a *Fault naming the
// first bad record, another error when the store cannot be read or a
// checkpoint does not open, or nil.
func Run(ctx context.Context, s Store, verifierKey string, opt Options) error {
	// The head first: every submission at or below it was committed, with
	// its leaf, before the records are read. Later ones may come from an
	// instance writing while this one audits, and their leaves may have
	// come after the read.
	head, err := s.LastSeq(ctx)
	if err != nil {
		return err
	}
	size, err := s.LedgerSize(ctx)
	if err != nil {
		return err
	}
	stored, err := storedRecords(ctx, s, size, opt.Progress)
	if err != nil {
		return err
	}
	recs, fault, err := recompute(ctx, s, stored, head)
	if err != nil {
		return err
	}
	cps := opt.Checkpoints
	latest, err := s.LatestCheckpoint(ctx)
	switch {
	case err == nil:
		cps = append([][]byte{latest.Signed}, cps...)
	case sandik.CodeOf(err) != sandik.ENotFound:
		return err
	}
	tree := ledger.Tree{Size: size, Hashes: hashReader(ctx, s)}
	if len(cps) == 0 {
		// Nothing signed yet (the log was only written by commands that
		// do not sign): the records are still checked against the stored
		// hashes, through a checkpoint of the stored tree signed here by
		// a key made for the purpose.
		if verifierKey, cps, err = selfSigned(tree); err != nil {
			return err
		}
	}
	// The recomputed records are checked up to the first that differs
	// from the stored one: ledger.Verify then says whether the stored
	// hashes and each checkpoint agree with the honest prefix.
	for _, cp := range cps {
		if len(cp) == 0 {
			continue
		}
		err := ledger.Verify(recs, tree, cp, verifierKey)
		var lf *ledger.Fault
		switch {
		case errors.As(err, &lf):
			if fault != nil && (lf.Index < 0 || lf.Index >= fault.Index) {
				return fault
			}
			f := &Fault{Index: lf.Index, Reason: lf.Reason}
			if lf.Index >= 0 && lf.Index < int64(len(stored)) {
				f.Kind, f.ID = ledger.Kind(stored[lf.Index].Kind), stored[lf.Index].ID
			}
			return f
		case err != nil:
			return err
		}
	}
	if fault != nil {
		return fault
	}
	return nil
}

func storedRecords(ctx context.Context, s Store, size int64, progress func(done, total int64)) ([]sandik.LedgerRecord, error) {
	var out []sandik.LedgerRecord
	for from := int64(0); ; {
		recs, err := s.LedgerRecords(ctx, from, page)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if r.Index != int64(len(out)) {
				return nil, &Fault{Index: int64(len(out)), Reason: fmt.Sprintf("the ledger has no record %d (the next is %d)", len(out), r.Index)}
			}
			out = append(out, r)
		}
		if len(recs) < page {
			return out, nil
		}
		from = recs[len(recs)-1].Index + 1
		if progress != nil {
			progress(int64(len(out)), size)
		}
	}
}

// recompute rebuilds the record of every stored one from the write it
// names and returns them up to (without) the first that differs, and the
// fault there. A submission after the last stored record's is a fault
// only at or below head, the log's head before the records were read.
func recompute(ctx context.Context, s Store, stored []sandik.LedgerRecord, head int64) ([]ledger.Record, *Fault, error) {
	recs := make([]ledger.Record, 0, len(stored))
	subs := submissions{s: s}
	o, err := loadOthers(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	for i, st := range stored {
		fail := func(format string, args ...any) ([]ledger.Record, *Fault, error) {
			return recs, &Fault{Index: int64(i), Kind: ledger.Kind(st.Kind), ID: st.ID, Reason: fmt.Sprintf(format, args...)}, nil
		}
		switch ledger.Kind(st.Kind) {
		case ledger.KindSubmission, ledger.KindAdjudication, ledger.KindImport:
		case ledger.KindBatch:
			rec, bad, err := o.batch(ctx, s, st)
			if err != nil {
				return nil, nil, err
			}
			if bad != "" {
				return fail("%s", bad)
			}
			recs = append(recs, rec)
			continue
		default:
			rec, bad := o.check(st)
			if bad != "" {
				return fail("%s", bad)
			}
			recs = append(recs, rec)
			continue
		}
		sub, err := subs.next(ctx)
		if err != nil {
			return fail("the next submission of the log cannot be read: %v", err)
		}
		if sub == nil {
			return fail("the log has no submission after seq %d", subs.after)
		}
		content := sub.ContentHash()
		rec := ledger.Record{Kind: ledger.SubmissionKind(sub), ID: string(sub.ID), Seq: sub.Seq, ContentHash: content}
		want := ledger.Record{Kind: ledger.Kind(st.Kind), ID: st.ID, Seq: st.Seq, ContentHash: st.ContentHash}
		switch {
		case rec.Seq != want.Seq || rec.ID != want.ID:
			return fail("it names submission %q at seq %d, but the log's next is %q at seq %d", want.ID, want.Seq, rec.ID, rec.Seq)
		case rec.Kind != want.Kind:
			return fail("it is of kind %s, but submission %q is of kind %s", want.Kind, rec.ID, rec.Kind)
		case content != sub.Hash:
			return fail("submission %q (seq %d): its content does not hash to the hash stored with it", sub.ID, sub.Seq)
		case content != want.ContentHash:
			return fail("submission %q (seq %d): its content does not hash to the record's", sub.ID, sub.Seq)
		}
		recs = append(recs, rec)
	}
	sub, err := subs.next(ctx)
	if err != nil {
		return recs, &Fault{Index: int64(len(stored)), Reason: fmt.Sprintf("the log after seq %d cannot be read: %v", subs.after, err)}, nil
	}
	if sub != nil && sub.Seq <= head {
		return recs, &Fault{Index: int64(len(stored)), Kind: ledger.SubmissionKind(sub), ID: string(sub.ID),
			Reason: fmt.Sprintf("submission %q (seq %d) has no record in the ledger", sub.ID, sub.Seq)}, nil
	}
	if f := o.finish(int64(len(stored))); f != nil {
		return recs[:min(int64(len(recs)), f.Index)], f, nil
	}
	return recs, nil, nil
}

// submissions reads the log in seq order, a page at a time.
type submissions struct {
	s     Store
	buf   []sandik.Submission
	after int64
}

func (l *submissions) next(ctx context.Context) (*sandik.Submission, error) {
	if len(l.buf) == 0 {
		var err error
		if l.buf, err = l.s.Since(ctx, l.after, page); err != nil {
			// One at a time, so that the error is the next row's.
			if l.buf, err = l.s.Since(ctx, l.after, 1); err != nil {
				return nil, err
			}
		}
		if len(l.buf) == 0 {
			return nil, nil
		}
	}
	sub := &l.buf[0]
	l.buf = l.buf[1:]
	l.after = sub.Seq
	return sub, nil
}

// selfSigned signs tree's head with a key made for one audit.
func selfSigned(tree ledger.Tree) (string, [][]byte, error) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "sandik-audit")
	if err != nil {
		return "", nil, err
	}
	s, err := ledger.NewSigner(skey)
	if err != nil {
		return "", nil, err
	}
	head, err := tree.Head()
	if err != nil {
		return "", nil, err
	}
	cp, err := s.Sign(head)
	return vkey, [][]byte{cp}, err
}

func hashReader(ctx context.Context, s sandik.LedgerReader) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		hs, err := s.LedgerHashes(ctx, idx)
		if err != nil {
			return nil, err
		}
		out := make([]tlog.Hash, len(hs))
		for i, h := range hs {
			out[i] = tlog.Hash(h)
		}
		return out, nil
	})
}
