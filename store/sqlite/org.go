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
		// A statement SQLite refuses for a constraint is undone alone;
		// the transaction goes on.
		KeysByConstraint: true,
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
	if !sqlstore.Bulk(ch) {
		err := s.writeRights(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
			return orgTx(c).Save(ctx, ch)
		})
		if err != nil {
			return fmt.Errorf("sqlite: save %d units, %d people, %d positions: %w", len(ch.Units), len(ch.People), len(ch.Positions), err)
		}
		return nil
	}
	// A bulk change: its checks look up every reference it makes (the
	// conformance suite's References and the bulk tests refuse each kind
	// of dangling one), so SQLite's own foreign-key checks are off for it;
	// its records are batch leaves of the ledger.
	err := s.writeRightsBulk(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		var recs []ledger.Record
		// The checks of a change read people and terms by their keys,
		// stored seats by org_positions_unit and the stored boxes of a
		// person by box_assignments_person: those stay unless every term
		// is in a unit and every observer a person of this change.
		indexes := []string{"org_people_home", "org_positions_person"}
		if allNew(ch) {
			indexes = append(indexes, "org_positions_unit", "box_assignments_person")
		}
		err := bulkLoad(ctx, c, len(ch.People)+len(ch.Positions)+len(ch.Assignments), indexes, func(rebuild func() error) (err error) {
			// The indexes are built while the change's own checks finish
			// on the other core.
			recs, err = orgTx(c).SaveThen(ctx, ch, rebuild)
			return err
		})
		return recs, err
	})
	if err == nil {
		// A bulk change leaves its every page in the write-ahead log;
		// copied back now, by the import that wrote them, they do not
		// stall the first writes of the night that follows. A reader
		// in the way only leaves the log to the usual checkpoints.
		if cerr := s.queueBare(ctx, checkpointTruncate); cerr != nil {
			s.log.Warn("the write-ahead log was not emptied after a bulk change of the organisation", "err", cerr)
		}
	}
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

// allNew reports whether every term of ch is in a unit of ch and every
// assignment of a person of ch: nothing of it reads what is stored.
func allNew(ch sandik.OrgChange) bool {
	units := make(map[sandik.UnitCode]bool, len(ch.Units))
	for _, u := range ch.Units {
		units[u.Code] = true
	}
	for _, p := range ch.Positions {
		if !units[p.Unit] {
			return false
		}
	}
	people := make(map[sandik.PersonID]bool, len(ch.People))
	for _, p := range ch.People {
		people[p.ID] = true
	}
	for _, a := range ch.Assignments {
		if !people[a.Person] {
			return false
		}
	}
	return true
}
