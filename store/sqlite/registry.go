package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// SaveRegistry implements sandik.RegistryStore. It reads what is stored in
// the same transaction, refuses a registry that contradicts it (EConflict,
// nothing written), and inserts only the records not yet stored, so saving
// the same registry again writes nothing.
func (s *Store) SaveRegistry(ctx context.Context, reg *sandik.Registry) error {
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		recs, err := sqlstore.Unsaved(ctx, queryOn(c), registryOrder, reg)
		if err == nil {
			err = insertNew(ctx, c, recs)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: save registry: %w", err)
	}
	return nil
}

// LoadRegistry implements sandik.RegistryStore: the records in the order
// they were first stored, checked again by sandik.NewRegistry.
func (s *Store) LoadRegistry(ctx context.Context) (*sandik.Registry, error) {
	c, err := s.read.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: load registry: %w", err)
	}
	defer c.Close()
	// One read transaction, so the tables agree with each other.
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		return nil, fmt.Errorf("sqlite: load registry: %w", err)
	}
	defer c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK") //nolint:errcheck // read only
	reg, err := sqlstore.ReadRegistry(ctx, queryOn(c), registryOrder)
	if err != nil {
		return nil, fmt.Errorf("sqlite: load registry: %w", err)
	}
	return reg, nil
}

// registryOrder keeps the records of each table in the order they were
// first stored.
const registryOrder = "rowid"

// insertNew inserts the records, in their order.
func insertNew(ctx context.Context, c *sql.Conn, recs sqlstore.Records) error {
	areas, elections, races, regs := recs.Areas, recs.Elections, recs.Races, recs.Registrations
	ins := func(query string, n int, fn func(stmt *sql.Stmt, i int) error) error {
		stmt, err := c.PrepareContext(ctx, query)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range n {
			if i%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if err := fn(stmt, i); err != nil {
				return err
			}
		}
		return stmt.Close()
	}
	// ctx is checked every few thousand rows; running each insert without
	// it saves arming an interrupt per row.
	bg := context.WithoutCancel(ctx)
	err := ins(`INSERT INTO areas (code, parent, level, name, ysk_id) VALUES (?, nullif(?, ''), ?, ?, ?)`,
		len(areas), func(stmt *sql.Stmt, i int) error {
			a := &areas[i]
			_, err := stmt.ExecContext(bg, string(a.Code), string(a.Parent), int64(a.Level), a.Name, a.YSKID)
			return wrapInsert(err, "area", string(a.Code))
		})
	if err != nil {
		return err
	}
	err = ins(`INSERT INTO elections (code, name, date, quorum) VALUES (?, ?, ?, ?)`,
		len(elections), func(stmt *sql.Stmt, i int) error {
			e := &elections[i]
			_, err := stmt.ExecContext(bg, string(e.Code), e.Name, e.Date.Format(time.RFC3339Nano), e.Quorum)
			return wrapInsert(err, "election", string(e.Code))
		})
	if err != nil {
		return err
	}
	err = ins(`INSERT INTO races (code, election, name, scope, marks) VALUES (?, ?, ?, ?, ?)`,
		len(races), func(stmt *sql.Stmt, i int) error {
			rc := &races[i]
			_, err := stmt.ExecContext(bg, string(rc.Code), string(rc.Election), rc.Name, string(rc.Scope), rc.Marks)
			if err != nil {
				return wrapInsert(err, "race", string(rc.Code))
			}
			for pos, ch := range rc.Choices {
				if _, err := c.ExecContext(bg, `INSERT INTO race_choices (race, pos, code, name) VALUES (?, ?, ?, ?)`,
					string(rc.Code), pos, string(ch.Code), ch.Name); err != nil {
					return wrapInsert(err, "choice", string(ch.Code))
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	return ins(`INSERT INTO registrations (election, box, registered) VALUES (?, ?, ?)`,
		len(regs), func(stmt *sql.Stmt, i int) error {
			g := &regs[i]
			_, err := stmt.ExecContext(bg, string(g.Election), string(g.Box), g.Registered)
			return wrapInsert(err, "registration of box", string(g.Box))
		})
}

func wrapInsert(err error, what, key string) error {
	if err == nil {
		return nil
	}
	if isUniqueViolation(err) {
		return fmt.Errorf("%w: %w", sandik.Errorf(sandik.EConflict, "%s %q appears twice", what, key), err)
	}
	return fmt.Errorf("insert %s %q: %w", what, key, err)
}
