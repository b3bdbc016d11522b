package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// Pending is a submission on its way to a writer, with what the writer
// answers from.
type Pending struct {
	ID         sandik.SubmissionID
	Hash       [32]byte
	ReceivedAt int64 // Unix nanoseconds, stamped when the submission had none
	Warnings   sandik.Warnings
	LeafKind   ledger.Kind // of the record the submission makes
}

// Receipt is the answer for p written at seq.
func (p *Pending) Receipt(seq int64) sandik.Receipt {
	return sandik.Receipt{Seq: seq, ID: p.ID, ReceivedAt: Time(p.ReceivedAt), Warnings: p.Warnings, LeafIndex: -1}
}

// Replayed is the answer for p when the log already holds it, the same,
// at seq with the given leaf (-1 for none): the receipt it got then.
func (p *Pending) Replayed(seq, receivedAt, warnings, leaf int64) sandik.Receipt {
	return sandik.Receipt{Seq: seq, ID: p.ID, ReceivedAt: Time(receivedAt), Warnings: sandik.Warnings(warnings), Replayed: true, LeafIndex: leaf}
}

// Append implements sandik.LogWriter's Append for a store called name
// that turns a submission into its row R with row, and commits a call's
// rows with do, all or nothing. An id given twice in one call with the
// same hash is written once and both get the same receipt; with
// different hashes the call fails with EConflict. A submission without
// ReceivedAt is stamped with now.
func Append[R any](ctx context.Context, name string, subs []sandik.Submission, now func() time.Time,
	row func(s *sandik.Submission, p Pending) R,
	do func(ctx context.Context, rows []R) ([]sandik.Receipt, error)) ([]sandik.Receipt, error) {
	if len(subs) == 0 {
		return []sandik.Receipt{}, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: append: %w", name, err)
	}
	firsts, index, err := distinct(subs)
	if err != nil {
		return nil, fmt.Errorf("%s: append: %w", name, err)
	}
	stamp := now().UTC()
	rows := make([]R, len(firsts))
	for i, j := range firsts {
		recv := subs[j].ReceivedAt
		if recv.IsZero() {
			recv = stamp
		}
		sub := &subs[j]
		rows[i] = row(sub, Pending{ID: sub.ID, Hash: sub.Hash, ReceivedAt: recv.UnixNano(), Warnings: sub.Warnings,
			LeafKind: ledger.SubmissionKind(sub)})
	}
	rs, err := do(ctx, rows)
	if err != nil {
		return nil, fmt.Errorf("%s: append: %w", name, err)
	}
	out := make([]sandik.Receipt, len(subs))
	for i, j := range index {
		out[i] = rs[j]
	}
	return out, nil
}

// distinct finds the submissions of one call to write: each id once, at
// its first place (firsts), and index[i] the position in firsts of
// subs[i]'s id.
func distinct(subs []sandik.Submission) (firsts, index []int, err error) {
	index = make([]int, len(subs))
	firsts = make([]int, 0, len(subs))
	var at map[sandik.SubmissionID]int
	if len(subs) > 1 {
		at = make(map[sandik.SubmissionID]int, len(subs))
	}
	for i := range subs {
		sub := &subs[i]
		if j, dup := at[sub.ID]; dup {
			if subs[firsts[j]].Hash != sub.Hash {
				return nil, nil, Conflict(sub.ID)
			}
			index[i] = j
			continue
		}
		if at != nil {
			at[sub.ID] = len(firsts)
		}
		index[i] = len(firsts)
		firsts = append(firsts, i)
	}
	return firsts, index, nil
}

// Conflict is the answer to an id already in the log with other content.
func Conflict(id sandik.SubmissionID) error {
	return sandik.Errorf(sandik.EConflict, "submission id %q is already in the log with different content", id)
}

// Record is the ledger record of p written at seq.
func (p *Pending) Record(seq int64) ledger.Record {
	return ledger.Record{Kind: p.LeafKind, ID: string(p.ID), Seq: seq, ContentHash: p.Hash}
}
