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
func (s *Store) org() sqlstore.Org { return sqlstore.Org{DB: s.db} }

// orgTx writes the organisation on the writer's connection, whose queue
// makes every check and write one at a time.
func orgTx(c *sql.Conn) sqlstore.OrgTx {
	return sqlstore.OrgTx{
		Org: sqlstore.Org{DB: sqlstore.DB{Name: "sqlite", Query: queryOn(c)}},
		Exec: func(ctx context.Context, query string, args ...any) error {
			_, err := c.ExecContext(ctx, query, args...)
			return err
		},
		Unique: isUniqueViolation,
	}
}

// SaveOrg implements sandik.OrgStore.
func (s *Store) SaveOrg(ctx context.Context, ch sandik.OrgChange) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).Save(ctx, ch)
	})
	if err != nil {
		return fmt.Errorf("sqlite: save %d units, %d people, %d positions: %w", len(ch.Units), len(ch.People), len(ch.Positions), err)
	}
	return nil
}

// EndPosition implements sandik.OrgStore.
func (s *Store) EndPosition(ctx context.Context, id sandik.PositionID, end sandik.Date, reason string) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).End(ctx, id, end, reason)
	})
	if err != nil {
		return fmt.Errorf("sqlite: end position %q: %w", id, err)
	}
	return nil
}

// PositionKinds implements sandik.OrgStore.
func (s *Store) PositionKinds(ctx context.Context) ([]sandik.PositionKind, error) {
	return s.org().PositionKinds(ctx)
}

// AddedPositionKinds implements sandik.OrgStore.
func (s *Store) AddedPositionKinds(ctx context.Context) ([]sandik.PositionKind, error) {
	return s.org().AddedPositionKinds(ctx)
}

// Units implements sandik.OrgStore.
func (s *Store) Units(ctx context.Context) ([]sandik.Unit, error) { return s.org().Units(ctx) }

// Children implements sandik.OrgStore.
func (s *Store) Children(ctx context.Context, code sandik.UnitCode) ([]sandik.Unit, error) {
	return s.org().Children(ctx, code)
}

// Unit implements sandik.OrgStore.
func (s *Store) Unit(ctx context.Context, code sandik.UnitCode) (sandik.Unit, error) {
	return s.org().Unit(ctx, code)
}

// People implements sandik.OrgStore.
func (s *Store) People(ctx context.Context, f sandik.PeopleFilter) ([]sandik.Person, error) {
	return s.org().People(ctx, f)
}

// Person implements sandik.OrgStore.
func (s *Store) Person(ctx context.Context, id sandik.PersonID) (sandik.Person, error) {
	return s.org().Person(ctx, id)
}

// Position implements sandik.OrgStore.
func (s *Store) Position(ctx context.Context, id sandik.PositionID) (sandik.Position, error) {
	return s.org().Position(ctx, id)
}

// Positions implements sandik.OrgStore.
func (s *Store) Positions(ctx context.Context, f sandik.PositionFilter) ([]sandik.Position, error) {
	return s.org().Positions(ctx, f)
}
