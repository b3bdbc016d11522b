package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// org reads the organisation from the pool of readers.

// orgTx writes the organisation on the writer's connection, whose queue
// makes every check and write one at a time.
func orgTx(c *sql.Conn) sqlstore.OrgTx {
	return sqlstore.OrgTx{
		Org: sqlstore.NewOrg(sqlstore.DB{Name: "sqlite", Query: queryOn(c)}, nil),
		Exec: func(ctx context.Context, query string, args ...any) error {
			_, err := c.ExecContext(ctx, query, args...)
			return err
		},
		Unique: isUniqueViolation,
		Prepare: func(ctx context.Context, query string) (func(args ...any) error, func(), error) {
			st, err := c.PrepareContext(ctx, query)
			if err != nil {
				return nil, nil, err
			}
			exec := func(args ...any) error {
				_, err := st.ExecContext(ctx, args...)
				return err
			}
			return exec, func() { st.Close() }, nil
		},
	}
}

// SaveOrg implements sandik.OrgStore.
func (s *Store) SaveOrg(ctx context.Context, ch sandik.OrgChange) error {
	// Terms give rights: the generation moves so cached users are read
	// again.
	err := s.writeRights(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		if len(ch.People)+len(ch.Positions) < bulkRows {
			return orgTx(c).Save(ctx, ch)
		}
		var recs []ledger.Record
		// The checks of a change read people and terms by their keys and
		// seats by org_positions_unit, which stays.
		err := bulkLoad(ctx, c, len(ch.People)+len(ch.Positions), []string{"org_people_home", "org_positions_person"}, func() (err error) {
			recs, err = orgTx(c).Save(ctx, ch)
			return err
		})
		return recs, err
	})
	if err != nil {
		return fmt.Errorf("sqlite: save %d units, %d people, %d positions: %w", len(ch.Units), len(ch.People), len(ch.Positions), err)
	}
	return nil
}

// EndPosition implements sandik.OrgStore.
func (s *Store) EndPosition(ctx context.Context, id sandik.PositionID, end sandik.Date, reason string) error {
	err := s.writeRights(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).End(ctx, id, end, reason)
	})
	if err != nil {
		return fmt.Errorf("sqlite: end position %q: %w", id, err)
	}
	return nil
}

// orgReads are the organisation's reads of sandik.OrgStore.
type orgReads = sqlstore.Org

// SaveMunicipalities implements sandik.MunicipalStore.
func (s *Store) SaveMunicipalities(ctx context.Context, ch sandik.MunicipalChange) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).SaveMunicipalities(ctx, ch)
	})
	if err != nil {
		return fmt.Errorf("sqlite: save %d municipalities, %d terms: %w", len(ch.Municipalities), len(ch.Terms), err)
	}
	return nil
}
