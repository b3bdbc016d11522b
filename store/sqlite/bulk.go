package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// bulkRows is the size of a change from which it is loaded as a bulk
// load: a whole organisation imported at once (a million people, two
// million terms) spent most of its time keeping secondary indexes in
// step row by row, each insert landing on a random page of an index far
// larger than the page cache.
const bulkRows = sqlstore.BulkRows

// bulkLoad runs load (inside the writer's open transaction on c) with
// the indexes named dropped and a page cache sized for about rows rows;
// load calls rebuild once its rows are in, which builds the indexes
// again from their stored definitions, sorting each once (load may
// finish work of its own beside it). Only indexes load never reads
// through may be named: a check of the load would otherwise scan the
// table. The transaction holds the drop: if load or a rebuild fails,
// its rollback brings the indexes back as they were, and readers never
// see a table without them.
func bulkLoad(ctx context.Context, c *sql.Conn, rows int, names []string, load func(rebuild func() error) error) error {
	var cache int64
	if err := c.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache); err != nil {
		return fmt.Errorf("read the page cache size: %w", err)
	}
	// About 200 bytes a row across table, indexes and the log's leaves;
	// never less than the cache it has, never more than 1 GiB.
	want := min(max(-cache, int64(rows)*200/1024), 1<<20)
	if _, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = %d", -want)); err != nil {
		return fmt.Errorf("grow the page cache for a bulk load: %w", err)
	}
	defer c.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA cache_size = %d", cache))

	q := "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND name IN (" +
		strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ") + ") ORDER BY name"
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = n
	}
	rs, err := c.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read the indexes %v: %w", names, err)
	}
	type index struct{ name, sql string }
	var indexes []index
	for rs.Next() {
		var ix index
		if err := rs.Scan(&ix.name, &ix.sql); err != nil {
			rs.Close()
			return err
		}
		indexes = append(indexes, ix)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return err
	}
	if len(indexes) != len(names) {
		return fmt.Errorf("a bulk load wants the indexes %v; the schema has %d of them", names, len(indexes))
	}
	for _, ix := range indexes {
		if _, err := c.ExecContext(ctx, `DROP INDEX "`+ix.name+`"`); err != nil {
			return fmt.Errorf("drop index %s for a bulk load: %w", ix.name, err)
		}
	}
	rebuilt := false
	rebuild := func() error {
		rebuilt = true
		for _, ix := range indexes {
			if _, err := c.ExecContext(ctx, ix.sql); err != nil {
				return fmt.Errorf("build index %s again after a bulk load: %w", ix.name, err)
			}
		}
		return nil
	}
	if err := load(rebuild); err != nil {
		return err
	}
	if !rebuilt {
		return fmt.Errorf("a bulk load returned without building the indexes %v again", names)
	}
	return nil
}
