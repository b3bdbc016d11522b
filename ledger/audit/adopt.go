package audit

import (
	"context"
	"fmt"
	"slices"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// Unlogged returns the records of the writes the ledger lacks, for an
// operator to adopt as they stand (`sandik log adopt`): the submissions
// after the last one with a leaf, objection events with no leaf, and the
// users and settings whose rows are not what their latest leaf says. A
// database from before the ledger, or one copied by COPY, has such
// writes; so has one edited behind the store's back, which is why
// adopting is an operator's act and never automatic.
//
// It refuses when a submission with no leaf comes before one with a leaf:
// the log's leaves follow its order, so it could not be adopted in place.
func Unlogged(ctx context.Context, s Store) ([]ledger.Record, error) {
	size, err := s.LedgerSize(ctx)
	if err != nil {
		return nil, err
	}
	stored, err := storedRecords(ctx, s, size, nil)
	if err != nil {
		return nil, err
	}
	logged := map[string]int64{} // submission id → seq of its leaf
	lastOf := map[ledger.Kind]map[string]sandik.LedgerRecord{ledger.KindUser: {}, ledger.KindThreshold: {}}
	events := map[string]bool{}
	for _, r := range stored {
		switch k := ledger.Kind(r.Kind); k {
		case ledger.KindSubmission, ledger.KindAdjudication, ledger.KindImport:
			logged[r.ID] = r.Seq
		case ledger.KindObjection:
			events[r.ID] = true
		case ledger.KindUser, ledger.KindThreshold:
			lastOf[k][r.ID] = r
		}
	}
	var out []ledger.Record
	subs := submissions{s: s}
	var firstUnlogged *sandik.Submission
	for {
		sub, err := subs.next(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the log after seq %d: %w", subs.after, err)
		}
		if sub == nil {
			break
		}
		if seq, ok := logged[string(sub.ID)]; ok && seq == sub.Seq {
			if firstUnlogged != nil {
				return nil, fmt.Errorf("submission %q (seq %d) has no leaf but the later submission %q (seq %d) has one: the ledger cannot adopt it in the log's order; copy the database with `sandik migrate-store` to start a ledger over",
					firstUnlogged.ID, firstUnlogged.Seq, sub.ID, sub.Seq)
			}
			continue
		}
		if firstUnlogged == nil {
			firstUnlogged = new(*sub)
		}
		if sub.ContentHash() != sub.Hash {
			return nil, fmt.Errorf("submission %q (seq %d): its content does not hash to the hash stored with it; it cannot be adopted", sub.ID, sub.Seq)
		}
		out = append(out, ledger.SubmissionRecord(sub))
	}
	o, err := loadOthers(ctx, s)
	if err != nil {
		return nil, err
	}
	var ids []string
	for id := range o.events {
		if !events[id] {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		rec, err := ledger.CaseEventRecord(o.events[id])
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	for _, set := range []struct {
		kind ledger.Kind
		rows map[string]ledger.Record
	}{{ledger.KindUser, o.users}, {ledger.KindThreshold, o.settings}} {
		ids = ids[:0]
		for id, want := range set.rows {
			if last, ok := lastOf[set.kind][id]; !ok || last.ContentHash != want.ContentHash || last.Seq != want.Seq {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		for _, id := range ids {
			out = append(out, set.rows[id])
		}
	}
	return out, nil
}

// Adopt appends the leaves Unlogged finds and returns them.
func Adopt(ctx context.Context, s interface {
	Store
	AdoptLedgerRecords(ctx context.Context, recs []sandik.LedgerRecord) error
}) ([]ledger.Record, error) {
	recs, err := Unlogged(ctx, s)
	if err != nil || len(recs) == 0 {
		return recs, err
	}
	const chunk = 10_000
	for from := 0; from < len(recs); from += chunk {
		part := recs[from:min(from+chunk, len(recs))]
		lr := make([]sandik.LedgerRecord, len(part))
		for i, r := range part {
			lr[i] = sandik.LedgerRecord{Kind: uint8(r.Kind), ID: r.ID, Seq: r.Seq, ContentHash: r.ContentHash}
		}
		if err := s.AdoptLedgerRecords(ctx, lr); err != nil {
			return recs[:from], err
		}
	}
	return recs, nil
}
