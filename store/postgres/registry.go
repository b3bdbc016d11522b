package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
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
		recs, err := sqlstore.Unsaved(ctx, queryOn(tx), registryOrder, reg)
		if err != nil {
			return err
		}
		return copyNew(ctx, tx, recs)
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
		reg, err = sqlstore.ReadRegistry(ctx, queryOn(tx), registryOrder)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: load registry: %w", err)
	}
	return reg, nil
}

// registryOrder keeps the records of each table in the order they were
// first stored.
const registryOrder = "ord"

// copyNew copies the records into the tables, in their order, which the
// identity column ord then keeps.
func copyNew(ctx context.Context, tx pgx.Tx, recs sqlstore.Records) error {
	var areas, elections, races, choices, regs [][]any
	for _, a := range recs.Areas {
		var parent any
		if a.Parent != "" {
			parent = string(a.Parent)
		}
		areas = append(areas, []any{string(a.Code), parent, int32(a.Level), a.Name, a.YSKID})
	}
	for _, e := range recs.Elections {
		elections = append(elections, []any{string(e.Code), e.Name, e.Date.Format(time.RFC3339Nano), int32(e.Quorum)})
	}
	for _, rc := range recs.Races {
		races = append(races, []any{string(rc.Code), string(rc.Election), rc.Name, string(rc.Scope), rc.Marks})
		for pos, ch := range rc.Choices {
			choices = append(choices, []any{string(rc.Code), int32(pos), string(ch.Code), ch.Name})
		}
	}
	for _, g := range recs.Registrations {
		regs = append(regs, []any{string(g.Election), string(g.Box), g.Registered})
	}
	for _, c := range []struct {
		table, what string
		cols        []string
		rows        [][]any
	}{
		{"areas", "area", []string{"code", "parent", "level", "name", "ysk_id"}, areas},
		{"elections", "election", []string{"code", "name", "date", "quorum"}, elections},
		{"races", "race", []string{"code", "election", "name", "scope", "marks"}, races},
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
