package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
)

// SaveRegistry implements sandik.RegistryStore. It reads what is stored in
// the same transaction, refuses a registry that contradicts it (EConflict,
// nothing written), and inserts only the records not yet stored, so saving
// the same registry again writes nothing.
func (s *Store) SaveRegistry(ctx context.Context, reg *sandik.Registry) error {
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		old, err := loadRegistry(ctx, c)
		if err != nil {
			return err
		}
		if err := sameAsStored(old, reg); err != nil {
			return err
		}
		return insertNew(ctx, c, old, reg)
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
	reg, err := loadRegistry(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("sqlite: load registry: %w", err)
	}
	return reg, nil
}

func loadRegistry(ctx context.Context, c *sql.Conn) (*sandik.Registry, error) {
	var (
		areas     []sandik.Area
		elections []sandik.Election
		races     []sandik.Race
		regs      []sandik.Registration
		raceAt    = map[sandik.RaceCode]int{}
	)
	err := each(ctx, c, `SELECT code, coalesce(parent, ''), level, name, ysk_id FROM areas ORDER BY rowid`,
		func(rows *sql.Rows) error {
			var a sandik.Area
			err := rows.Scan(&a.Code, &a.Parent, &a.Level, &a.Name, &a.YSKID)
			areas = append(areas, a)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	err = each(ctx, c, `SELECT code, name, date, quorum FROM elections ORDER BY rowid`, func(rows *sql.Rows) error {
		var (
			e    sandik.Election
			date string
		)
		if err := rows.Scan(&e.Code, &e.Name, &date, &e.Quorum); err != nil {
			return err
		}
		if err := e.Date.UnmarshalText([]byte(date)); err != nil {
			return fmt.Errorf("election %q: date: %w", e.Code, err)
		}
		elections = append(elections, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("elections: %w", err)
	}
	err = each(ctx, c, `SELECT code, election, name, scope FROM races ORDER BY rowid`, func(rows *sql.Rows) error {
		var rc sandik.Race
		err := rows.Scan(&rc.Code, &rc.Election, &rc.Name, &rc.Scope)
		raceAt[rc.Code] = len(races)
		races = append(races, rc)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("races: %w", err)
	}
	err = each(ctx, c, `SELECT race, code, name FROM race_choices ORDER BY race, pos`, func(rows *sql.Rows) error {
		var (
			race sandik.RaceCode
			ch   sandik.Choice
		)
		if err := rows.Scan(&race, &ch.Code, &ch.Name); err != nil {
			return err
		}
		i, ok := raceAt[race]
		if !ok {
			return fmt.Errorf("choice %q of unknown race %q", ch.Code, race)
		}
		races[i].Choices = append(races[i].Choices, ch)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("race choices: %w", err)
	}
	err = each(ctx, c, `SELECT election, box, registered FROM registrations ORDER BY rowid`, func(rows *sql.Rows) error {
		var g sandik.Registration
		err := rows.Scan(&g.Election, &g.Box, &g.Registered)
		regs = append(regs, g)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("registrations: %w", err)
	}
	reg, err := sandik.NewRegistry(areas, elections, races, regs)
	if err != nil {
		return nil, fmt.Errorf("stored registry is not valid: %w", err)
	}
	return reg, nil
}

func each(ctx context.Context, c *sql.Conn, query string, fn func(*sql.Rows) error) error {
	rows, err := c.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// sameAsStored checks that every record of reg that is already stored is
// stored identically. Merge guarantees it; checking here means a caller
// that skipped Merge cannot rewrite history.
func sameAsStored(old, reg *sandik.Registry) error {
	var ps []sandik.Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, sandik.Problem{Field: field, Rule: sandik.RuleConflict, Message: fmt.Sprintf(format, args...)})
	}
	for i, a := range reg.Areas {
		if o, ok := old.Area(a.Code); ok && o != a {
			add(fmt.Sprintf("areas[%d]", i), "area %q is stored with different data", a.Code)
		}
	}
	for i, e := range reg.Elections {
		if o, ok := old.Election(e.Code); ok && (o.Name != e.Name || !o.Date.Equal(e.Date) || o.Quorum != e.Quorum) {
			add(fmt.Sprintf("elections[%d]", i), "election %q is stored with different data", e.Code)
		}
	}
	for i, rc := range reg.Races {
		if o, ok := old.Race(rc.Code); ok && (o.Name != rc.Name || o.Election != rc.Election ||
			o.Scope != rc.Scope || !slices.Equal(o.Choices, rc.Choices)) {
			add(fmt.Sprintf("races[%d]", i), "race %q is stored with different data", rc.Code)
		}
	}
	for i, g := range reg.Registrations {
		if n, ok := old.Registered(g.Election, g.Box); ok && n != g.Registered {
			add(fmt.Sprintf("registrations[%d]", i), "box %q is stored with %d registered voters for %q, not %d", g.Box, n, g.Election, g.Registered)
		}
	}
	if len(ps) > 0 {
		return &sandik.Error{Code: sandik.EConflict, Message: "the registry contradicts the stored one; nothing was saved", Problems: ps}
	}
	return nil
}

// insertNew inserts the records of reg that old lacks, in reg's order.
func insertNew(ctx context.Context, c *sql.Conn, old, reg *sandik.Registry) error {
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
		len(reg.Areas), func(stmt *sql.Stmt, i int) error {
			a := &reg.Areas[i]
			if _, ok := old.Area(a.Code); ok {
				return nil
			}
			_, err := stmt.ExecContext(bg, string(a.Code), string(a.Parent), int64(a.Level), a.Name, a.YSKID)
			return wrapInsert(err, "area", string(a.Code))
		})
	if err != nil {
		return err
	}
	err = ins(`INSERT INTO elections (code, name, date, quorum) VALUES (?, ?, ?, ?)`,
		len(reg.Elections), func(stmt *sql.Stmt, i int) error {
			e := &reg.Elections[i]
			if _, ok := old.Election(e.Code); ok {
				return nil
			}
			_, err := stmt.ExecContext(bg, string(e.Code), e.Name, e.Date.Format(time.RFC3339Nano), e.Quorum)
			return wrapInsert(err, "election", string(e.Code))
		})
	if err != nil {
		return err
	}
	err = ins(`INSERT INTO races (code, election, name, scope) VALUES (?, ?, ?, ?)`,
		len(reg.Races), func(stmt *sql.Stmt, i int) error {
			rc := &reg.Races[i]
			if _, ok := old.Race(rc.Code); ok {
				return nil
			}
			_, err := stmt.ExecContext(bg, string(rc.Code), string(rc.Election), rc.Name, string(rc.Scope))
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
		len(reg.Registrations), func(stmt *sql.Stmt, i int) error {
			g := &reg.Registrations[i]
			if _, ok := old.Registered(g.Election, g.Box); ok {
				return nil
			}
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
