package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
)

// SaveRegistry implements sandik.RegistryStore. Under a lock that makes
// instances save one at a time, it reads what is stored, refuses a
// registry that contradicts it (EConflict, nothing written) and copies in
// only the records not yet stored, so saving the same registry again
// writes nothing. A national registry is a few hundred thousand rows, so
// they go in with COPY.
func (s *Store) SaveRegistry(ctx context.Context, reg *sandik.Registry) error {
	err := s.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "sandik.registry."+s.schema); err != nil {
			return fmt.Errorf("lock the registry: %w", err)
		}
		old, err := loadRegistry(ctx, tx)
		if err != nil {
			return err
		}
		if err := contradictions(old, reg); err != nil {
			return err
		}
		return copyNew(ctx, tx, old, reg)
	})
	if err != nil {
		return fmt.Errorf("postgres: save registry: %w", err)
	}
	return nil
}

// LoadRegistry implements sandik.RegistryStore: the records in the order
// they were first stored, from one snapshot, checked again by
// sandik.NewRegistry.
func (s *Store) LoadRegistry(ctx context.Context) (*sandik.Registry, error) {
	var reg *sandik.Registry
	err := s.inTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		reg, err = loadRegistry(ctx, tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: load registry: %w", err)
	}
	return reg, nil
}

func loadRegistry(ctx context.Context, tx pgx.Tx) (*sandik.Registry, error) {
	var (
		areas     []sandik.Area
		elections []sandik.Election
		races     []sandik.Race
		regs      []sandik.Registration
		raceAt    = map[sandik.RaceCode]int{}
	)
	var a sandik.Area
	if err := each(ctx, tx, `SELECT code, coalesce(parent, ''), level, name, ysk_id FROM areas ORDER BY ord`,
		[]any{&a.Code, &a.Parent, &a.Level, &a.Name, &a.YSKID}, func() error {
			areas = append(areas, a)
			return nil
		}); err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	var (
		e    sandik.Election
		date string
	)
	if err := each(ctx, tx, `SELECT code, name, date, quorum FROM elections ORDER BY ord`,
		[]any{&e.Code, &e.Name, &date, &e.Quorum}, func() error {
			if err := e.Date.UnmarshalText([]byte(date)); err != nil {
				return fmt.Errorf("election %q: date: %w", e.Code, err)
			}
			elections = append(elections, e)
			return nil
		}); err != nil {
		return nil, fmt.Errorf("elections: %w", err)
	}
	var rc sandik.Race
	if err := each(ctx, tx, `SELECT code, election, name, scope FROM races ORDER BY ord`,
		[]any{&rc.Code, &rc.Election, &rc.Name, &rc.Scope}, func() error {
			raceAt[rc.Code] = len(races)
			races = append(races, rc)
			return nil
		}); err != nil {
		return nil, fmt.Errorf("races: %w", err)
	}
	var (
		race sandik.RaceCode
		ch   sandik.Choice
	)
	if err := each(ctx, tx, `SELECT race, code, name FROM race_choices ORDER BY race, pos`,
		[]any{&race, &ch.Code, &ch.Name}, func() error {
			i, ok := raceAt[race]
			if !ok {
				return fmt.Errorf("choice %q of unknown race %q", ch.Code, race)
			}
			races[i].Choices = append(races[i].Choices, ch)
			return nil
		}); err != nil {
		return nil, fmt.Errorf("race choices: %w", err)
	}
	var g sandik.Registration
	if err := each(ctx, tx, `SELECT election, box, registered FROM registrations ORDER BY ord`,
		[]any{&g.Election, &g.Box, &g.Registered}, func() error {
			regs = append(regs, g)
			return nil
		}); err != nil {
		return nil, fmt.Errorf("registrations: %w", err)
	}
	reg, err := sandik.NewRegistry(areas, elections, races, regs)
	if err != nil {
		return nil, fmt.Errorf("stored registry is not valid: %w", err)
	}
	return reg, nil
}

func each(ctx context.Context, tx pgx.Tx, query string, dest []any, fn func() error) error {
	rows, err := tx.Query(ctx, query)
	if err != nil {
		return err
	}
	_, err = pgx.ForEachRow(rows, dest, fn)
	return err
}

// contradictions refuses a registry that stores any known record
// differently. Merge guarantees there is none; checking here means a
// caller that skipped Merge cannot rewrite history.
func contradictions(old, reg *sandik.Registry) error {
	var ps []sandik.Problem
	differs := func(field string, i int, format string, args ...any) {
		ps = append(ps, sandik.Problem{Field: fmt.Sprintf("%s[%d]", field, i), Rule: sandik.RuleConflict,
			Message: fmt.Sprintf(format, args...)})
	}
	for i, a := range reg.Areas {
		if o, ok := old.Area(a.Code); ok && o != a {
			differs("areas", i, "area %q is stored with different data", a.Code)
		}
	}
	for i, e := range reg.Elections {
		if o, ok := old.Election(e.Code); ok && (o.Name != e.Name || !o.Date.Equal(e.Date) || o.Quorum != e.Quorum) {
			differs("elections", i, "election %q is stored with different data", e.Code)
		}
	}
	for i, rc := range reg.Races {
		o, ok := old.Race(rc.Code)
		if ok && (o.Name != rc.Name || o.Election != rc.Election || o.Scope != rc.Scope || !slices.Equal(o.Choices, rc.Choices)) {
			differs("races", i, "race %q is stored with different data", rc.Code)
		}
	}
	for i, g := range reg.Registrations {
		if n, ok := old.Registered(g.Election, g.Box); ok && n != g.Registered {
			differs("registrations", i, "box %q is stored with %d registered voters for %q, not %d",
				g.Box, n, g.Election, g.Registered)
		}
	}
	if len(ps) > 0 {
		return &sandik.Error{Code: sandik.EConflict, Message: "the registry contradicts the stored one; nothing was saved", Problems: ps}
	}
	return nil
}

// copyNew copies the records of reg that old lacks into the tables, in
// reg's order, which the identity column ord then keeps.
func copyNew(ctx context.Context, tx pgx.Tx, old, reg *sandik.Registry) error {
	var areas, elections, races, choices, regs [][]any
	for _, a := range reg.Areas {
		if _, ok := old.Area(a.Code); !ok {
			var parent any
			if a.Parent != "" {
				parent = string(a.Parent)
			}
			areas = append(areas, []any{string(a.Code), parent, int32(a.Level), a.Name, a.YSKID})
		}
	}
	for _, e := range reg.Elections {
		if _, ok := old.Election(e.Code); !ok {
			elections = append(elections, []any{string(e.Code), e.Name, e.Date.Format(time.RFC3339Nano), int32(e.Quorum)})
		}
	}
	for _, rc := range reg.Races {
		if _, ok := old.Race(rc.Code); ok {
			continue
		}
		races = append(races, []any{string(rc.Code), string(rc.Election), rc.Name, string(rc.Scope)})
		for pos, ch := range rc.Choices {
			choices = append(choices, []any{string(rc.Code), int32(pos), string(ch.Code), ch.Name})
		}
	}
	for _, g := range reg.Registrations {
		if _, ok := old.Registered(g.Election, g.Box); !ok {
			regs = append(regs, []any{string(g.Election), string(g.Box), g.Registered})
		}
	}
	for _, c := range []struct {
		table, what string
		cols        []string
		rows        [][]any
	}{
		{"areas", "area", []string{"code", "parent", "level", "name", "ysk_id"}, areas},
		{"elections", "election", []string{"code", "name", "date", "quorum"}, elections},
		{"races", "race", []string{"code", "election", "name", "scope"}, races},
		{"race_choices", "race choice", []string{"race", "pos", "code", "name"}, choices},
		{"registrations", "registration", []string{"election", "box", "registered"}, regs},
	} {
		if len(c.rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			return wrapInsert(err, c.what)
		}
	}
	return nil
}
