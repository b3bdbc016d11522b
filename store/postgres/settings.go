package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
)

// PutSetting implements sandik.SettingStore. The version test is in the
// statement itself: of writers racing from one version, the first row
// lock decides, and the others find the row changed (an update re-checks
// its condition on the committed row) or the key taken (an insert that
// does nothing on conflict).
func (s *Store) PutSetting(ctx context.Context, st sandik.Setting, prev int) error {
	if err := st.Check(prev); err != nil {
		return fmt.Errorf("postgres: save setting %q: %w", st.Key, err)
	}
	query, args := `UPDATE settings SET value = $1, version = $2, updated_by = $3, updated_at = $4 WHERE key = $5 AND version = $6`,
		[]any{string(st.Value), st.Version, string(st.UpdatedBy), nanos(st.UpdatedAt), st.Key, prev}
	if prev == 0 {
		query, args = `INSERT INTO settings (value, version, updated_by, updated_at, key) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (key) DO NOTHING`, args[:5]
	}
	tag, err := s.pool.Exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("postgres: save setting %q: %w", st.Key, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var cur int
	if err := s.pool.QueryRow(ctx, `SELECT version FROM settings WHERE key = $1`, st.Key).Scan(&cur); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: save setting %q: %w", st.Key, err)
	}
	return fmt.Errorf("postgres: save setting %q: %w", st.Key, sandik.Errorf(sandik.EConflict, "setting %q is at version %d, not %d", st.Key, cur, prev))
}

// Setting implements sandik.SettingStore.
func (s *Store) Setting(ctx context.Context, key string) (sandik.Setting, error) {
	st, err := scanSetting(s.pool.QueryRow(ctx, `SELECT key, value::text, version, updated_by, updated_at FROM settings WHERE key = $1`, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return sandik.Setting{}, sandik.Errorf(sandik.ENotFound, "no setting %q is stored", key)
	}
	if err != nil {
		return sandik.Setting{}, fmt.Errorf("postgres: read setting %q: %w", key, err)
	}
	return st, nil
}

// Settings implements sandik.SettingStore.
func (s *Store) Settings(ctx context.Context) ([]sandik.Setting, error) {
	rows, err := s.pool.Query(ctx, `SELECT key, value::text, version, updated_by, updated_at FROM settings ORDER BY key COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("postgres: read settings: %w", err)
	}
	defer rows.Close()
	out := []sandik.Setting{}
	for rows.Next() {
		st, err := scanSetting(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: read settings: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: read settings: %w", err)
	}
	return out, nil
}

func scanSetting(row pgx.Row) (sandik.Setting, error) {
	var (
		st    sandik.Setting
		value string
		at    int64
	)
	if err := row.Scan(&st.Key, &value, &st.Version, &st.UpdatedBy, &at); err != nil {
		return sandik.Setting{}, err
	}
	st.Value, st.UpdatedAt = []byte(value), fromNanos(at)
	return st, nil
}
