package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// The first SQLite release with the fix for the WAL-reset bug that could
// corrupt a database written by several connections.
const minMajor, minMinor, minPatch = 3, 51, 3

// sqlQuerier is a connection, a pool or a transaction.
type sqlQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// checkDurability reads back the settings SQLite actually applied: a
// pragma SQLite ignores or a filesystem that refuses WAL must stop the
// store from acknowledging writes it could lose. With unsafe set the
// shortfall is logged instead.
func checkDurability(ctx context.Context, c sqlQuerier, unsafe bool, log *slog.Logger) error {
	problems, err := durabilityProblems(ctx, c)
	if err != nil {
		return fmt.Errorf("check durability settings: %w", err)
	}
	return sqlstore.Durability("SQLite", problems, unsafe, log)
}

func durabilityProblems(ctx context.Context, c sqlQuerier) ([]string, error) {
	var (
		journal, version string
		sync, fk         int
		problems         []string
	)
	for _, q := range []struct {
		sql  string
		dest any
	}{
		{"PRAGMA journal_mode", &journal},
		{"PRAGMA synchronous", &sync},
		{"PRAGMA foreign_keys", &fk},
		{"SELECT sqlite_version()", &version},
	} {
		if err := c.QueryRowContext(ctx, q.sql).Scan(q.dest); err != nil {
			return nil, fmt.Errorf("%s: %w", q.sql, err)
		}
	}
	if !strings.EqualFold(journal, "wal") {
		problems = append(problems, fmt.Sprintf("journal_mode is %s, want wal", journal))
	}
	if sync < 2 {
		// NORMAL in WAL mode can roll back committed transactions on power loss.
		problems = append(problems, fmt.Sprintf("synchronous is %d, want 2 (FULL) or 3 (EXTRA)", sync))
	}
	if fk != 1 {
		problems = append(problems, "foreign_keys is off")
	}
	ok, err := versionAtLeast(version, [3]int{minMajor, minMinor, minPatch})
	if err != nil {
		return nil, err
	}
	if !ok {
		problems = append(problems, fmt.Sprintf("SQLite %s is older than %d.%d.%d", version, minMajor, minMinor, minPatch))
	}
	return problems, nil
}

func versionAtLeast(v string, want [3]int) (bool, error) {
	parts := strings.Split(v, ".")
	if len(parts) < 2 || len(parts) > 4 {
		return false, fmt.Errorf("cannot parse SQLite version %q", v)
	}
	var got [3]int
	for i := 0; i < len(parts) && i < 3; i++ {
		n, err := strconv.Atoi(parts[i])
		if err != nil {
			return false, errors.Join(fmt.Errorf("cannot parse SQLite version %q", v), err)
		}
		got[i] = n
	}
	for i := range got {
		if got[i] != want[i] {
			return got[i] > want[i], nil
		}
	}
	return true, nil
}
