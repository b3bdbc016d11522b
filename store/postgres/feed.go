package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// SaveFeed implements sandik.FeedStore. The alerts' table is locked for
// the transaction: an identity is taken at insert but seen at commit, and
// a reader paging by N must never see a later N before an earlier one.
func (s *Store) SaveFeed(ctx context.Context, ps []sandik.Provenance, as []sandik.FeedAlert, st sandik.FeedState) ([]sandik.FeedAlert, error) {
	var added []sandik.FeedAlert
	err := s.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE feed_alerts IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("lock the alerts: %w", err)
		}
		t := sqlstore.OrgTx{
			Org: sqlstore.NewOrg(sqlstore.DB{Name: "postgres", Query: queryOn(tx)}, sqlstore.Dollars),
			Exec: func(ctx context.Context, query string, args ...any) error {
				_, err := tx.Exec(ctx, query, args...)
				return err
			},
			Unique: isUniqueViolation,
		}
		var err error
		added, err = t.SaveFeed(ctx, ps, as, st)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: save %d provenances and %d alerts: %w", len(ps), len(as), err)
	}
	return added, nil
}
