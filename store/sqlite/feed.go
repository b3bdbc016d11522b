package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sandik-dev/sandik"
)

// SaveFeed implements sandik.FeedStore on the one writer, which orders
// alerts as they commit. Official figures are in the log and its ledger;
// their provenance and alerts are notes about them, not ledger leaves.
func (s *Store) SaveFeed(ctx context.Context, ps []sandik.Provenance, as []sandik.FeedAlert, st sandik.FeedState) ([]sandik.FeedAlert, error) {
	var added []sandik.FeedAlert
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		var err error
		added, err = orgTx(c).SaveFeed(ctx, ps, as, st)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: save %d provenances and %d alerts: %w", len(ps), len(as), err)
	}
	return added, nil
}
