package postgres

import (
	"context"
	"errors"
	"fmt"
	"github.com/sandik-dev/sandik/ledger"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
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
		[]any{string(st.Value), st.Version, string(st.UpdatedBy), sqlstore.Nanos(st.UpdatedAt), st.Key, prev}
	if prev == 0 {
		query, args = `INSERT INTO settings (value, version, updated_by, updated_at, key) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (key) DO NOTHING`, args[:5]
	}
	saved := false
	err := s.inTxLogged(ctx, func(tx pgx.Tx) ([]ledger.Record, error) {
		tag, err := tx.Exec(ctx, query, args...)
		if err != nil || tag.RowsAffected() != 1 {
			return nil, err
		}
		saved = true
		// The leaf hashes the value as it reads back: jsonb keeps its
		// own form of the JSON, not the bytes sent.
		db := sqlstore.DB{Name: "postgres", Query: queryOn(tx)}
		back, err := sqlstore.Setting(ctx, db, `SELECT key, value::text, version, updated_by, updated_at FROM settings WHERE key = $1`, st.Key)
		return []ledger.Record{ledger.SettingRecord(back)}, err
	})
	if err != nil {
		return fmt.Errorf("postgres: save setting %q: %w", st.Key, err)
	}
	if saved {
		return nil
	}
	var cur int
	if err := s.pool.QueryRow(ctx, `SELECT version FROM settings WHERE key = $1`, st.Key).Scan(&cur); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: save setting %q: %w", st.Key, err)
	}
	return fmt.Errorf("postgres: save setting %q: %w", st.Key, sqlstore.SettingMoved(st.Key, cur, prev))
}

// Setting implements sandik.SettingStore.
func (s *Store) Setting(ctx context.Context, key string) (sandik.Setting, error) {
	return sqlstore.Setting(ctx, s.db, `SELECT key, value::text, version, updated_by, updated_at FROM settings WHERE key = $1`, key)
}

// Settings implements sandik.SettingStore.
func (s *Store) Settings(ctx context.Context) ([]sandik.Setting, error) {
	return sqlstore.Settings(ctx, s.db, `SELECT key, value::text, version, updated_by, updated_at FROM settings ORDER BY key COLLATE "C"`)
}
