// Package migration reads a backend's embedded schema migrations and
// applies the pending ones. Both backends number theirs alike
// (0001_init.sql, 0002_itiraz.sql…), so a schema version means the same
// change in SQLite and PostgreSQL.
package migration

import (
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Migration is one numbered change of the schema.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Load reads the migrations/NNNN_name.sql files of fsys and insists that
// the numbers run 1, 2, 3… without gaps or repeats.
func Load(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, name := range names {
		base := path.Base(name)
		num, rest, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 {
			return nil, fmt.Errorf("migration %s: name must look like 0001_name.sql", base)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: strings.TrimSuffix(rest, ".sql"), SQL: string(b)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %04d_%s: want number %04d (numbers must run from 0001 without gaps or repeats)", m.Version, m.Name, i+1)
		}
	}
	return ms, nil
}

// Apply applies the migrations of ms after version current, in order,
// each with apply, which runs it and records it in one transaction (and
// may find it applied meanwhile by another process). A database at a
// version ms does not reach is refused: this program does not know it.
// Each migration applied is logged with attrs.
func Apply(ms []Migration, current int, apply func(Migration) error, log *slog.Logger, attrs ...any) error {
	if current > len(ms) {
		return fmt.Errorf("database schema version %d is newer than this program knows (%d); use a newer sandik", current, len(ms))
	}
	for _, m := range ms[current:] {
		if err := apply(m); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		log.Info("applied migration", append([]any{"version", m.Version, "name", m.Name}, attrs...)...)
	}
	return nil
}
