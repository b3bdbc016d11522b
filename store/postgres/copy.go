package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// CopyLog writes submissions that come from another store's log with
// their sequence numbers, by COPY, in one transaction: the way a whole log
// moves into PostgreSQL (sandik migrate-store). subs must be in rising
// seq order above the current head; their ReceivedAt, Warnings and Hash
// are kept as given.
func (s *Store) CopyLog(ctx context.Context, subs []sandik.Submission) error {
	if len(subs) == 0 {
		return nil
	}
	for i := 1; i < len(subs); i++ {
		if subs[i].Seq <= subs[i-1].Seq {
			return fmt.Errorf("postgres: copy log: seq %d follows %d", subs[i].Seq, subs[i-1].Seq)
		}
	}
	last := subs[len(subs)-1].Seq
	err := s.inTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		var head int64
		if err := tx.QueryRow(ctx, `SELECT seq FROM log_head FOR UPDATE`).Scan(&head); err != nil {
			return err
		}
		if subs[0].Seq <= head {
			return sandik.Errorf(sandik.EConflict, "the log already reaches seq %d; cannot copy from seq %d", head, subs[0].Seq)
		}
		i := 0
		src := pgx.CopyFromFunc(func() ([]any, error) {
			if i == len(subs) {
				return nil, nil
			}
			sub := &subs[i]
			i++
			t := &sub.Sheet
			votes := t.Votes
			if votes == nil {
				votes = []int64{}
			}
			return []any{sub.Seq, string(sub.ID), string(sub.Race), string(sub.Box), string(sub.User), string(sub.Source),
				int32(sub.Kind), sub.Reason, sqlstore.Nanos(sub.CapturedAt), sqlstore.Nanos(sub.ReceivedAt), t.Registered, t.VotedByLaw,
				t.Voted, t.ValidWithoutObjection, t.ValidUponObjection, t.ValidTotal, t.Invalid, votes, sub.Hash[:],
				int64(sub.Warnings)}, nil
		})
		cols := []string{"seq", "client_id", "race", "box", "user_id", "source", "kind", "reason", "captured_at",
			"received_at", "registered", "voted_by_law", "voted", "valid_without_objection", "valid_upon_objection",
			"valid_total", "invalid_total", "votes", "hash", "warnings"}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"submissions"}, cols, src); err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("%w: %w", sandik.Errorf(sandik.EConflict, "a submission id is already in the log"), err)
			}
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE log_head SET seq = $1`, last); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, s.channel, strconv.FormatInt(last, 10))
		return err
	})
	s.writer.forgetTip() // the log's head moved without the writer
	if err != nil {
		return fmt.Errorf("postgres: copy log: %w", err)
	}
	s.notify.Publish(last)
	return nil
}
