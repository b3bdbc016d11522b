package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// org reads the organisation from the pool.

// orgTx writes the organisation in tx. The table lock makes writers of
// the organisation take turns, so that a holder checked is a holder
// committed over; readers are not held up. It is taken before the log's
// lock, which other writers take alone, so no two wait on each other.
func orgTx(ctx context.Context, tx pgx.Tx) (sqlstore.OrgTx, error) {
	if _, err := tx.Exec(ctx, `LOCK TABLE org_positions IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return sqlstore.OrgTx{}, fmt.Errorf("lock the organisation: %w", err)
	}
	return sqlstore.OrgTx{
		Org: sqlstore.NewOrg(sqlstore.DB{Name: "postgres", Query: queryOn(tx)}, sqlstore.Dollars),
		Exec: func(ctx context.Context, query string, args ...any) error {
			_, err := tx.Exec(ctx, query, args...)
			return err
		},
		Unique: isUniqueViolation,
		Copy: func(ctx context.Context, table string, cols []string, rows [][]any) error {
			_, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
			return err
		},
	}, nil
}

// SaveOrg implements sandik.OrgStore. Terms give rights: the user
// generation moves so cached users are read again.
func (s *Store) SaveOrg(ctx context.Context, ch sandik.OrgChange) error {
	// A bulk change's records are batch leaves of the ledger.
	err := s.inTxRightsLedger(ctx, sqlstore.Bulk(ch), func(tx pgx.Tx) ([]ledger.Record, error) {
		t, err := orgTx(ctx, tx)
		if err != nil {
			return nil, err
		}
		return t.Save(ctx, ch)
	})
	if err != nil {
		return fmt.Errorf("postgres: save %d units, %d people, %d positions: %w", len(ch.Units), len(ch.People), len(ch.Positions), err)
	}
	return nil
}

// EndPosition implements sandik.OrgStore.
func (s *Store) EndPosition(ctx context.Context, id sandik.PositionID, end sandik.Date, reason string) error {
	err := s.inTxRights(ctx, func(tx pgx.Tx) ([]ledger.Record, error) {
		t, err := orgTx(ctx, tx)
		if err != nil {
			return nil, err
		}
		return t.End(ctx, id, end, reason)
	})
	if err != nil {
		return fmt.Errorf("postgres: end position %q: %w", id, err)
	}
	return nil
}

// orgReads are the organisation's reads of sandik.OrgStore.
type orgReads = sqlstore.Org

// SaveMunicipalities implements sandik.MunicipalStore.
func (s *Store) SaveMunicipalities(ctx context.Context, ch sandik.MunicipalChange) error {
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		return t.SaveMunicipalities(ctx, ch)
	})
	if err != nil {
		return fmt.Errorf("postgres: save %d municipalities, %d terms: %w", len(ch.Municipalities), len(ch.Terms), err)
	}
	return nil
}
