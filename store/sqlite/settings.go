package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/sandik-dev/sandik/ledger"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// PutSetting implements sandik.SettingStore. The version test is in the
// statement itself (an insert that does nothing when the key exists, an
// update only of the version read), so it holds whichever process writes.
func (s *Store) PutSetting(ctx context.Context, st sandik.Setting, prev int) error {
	if err := st.Check(prev); err != nil {
		return fmt.Errorf("sqlite: save setting %q: %w", st.Key, err)
	}
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		var res sql.Result
		var err error
		if prev == 0 {
			res, err = c.ExecContext(ctx, `INSERT INTO settings (key, value, version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (key) DO NOTHING`, st.Key, string(st.Value), st.Version, string(st.UpdatedBy), sqlstore.Nanos(st.UpdatedAt))
		} else {
			res, err = c.ExecContext(ctx, `UPDATE settings SET value = ?, version = ?, updated_by = ?, updated_at = ? WHERE key = ? AND version = ?`,
				string(st.Value), st.Version, string(st.UpdatedBy), sqlstore.Nanos(st.UpdatedAt), st.Key, prev)
		}
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return []ledger.Record{ledger.SettingRecord(st)}, err
		}
		var cur int
		if err := c.QueryRowContext(ctx, `SELECT version FROM settings WHERE key = ?`, st.Key).Scan(&cur); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		return nil, sqlstore.SettingMoved(st.Key, cur, prev)
	})
	if err != nil {
		return fmt.Errorf("sqlite: save setting %q: %w", st.Key, err)
	}
	return nil
}

// Setting implements sandik.SettingStore.
func (s *Store) Setting(ctx context.Context, key string) (sandik.Setting, error) {
	return sqlstore.Setting(ctx, s.db, `SELECT key, value, version, updated_by, updated_at FROM settings WHERE key = ?`, key)
}

// Settings implements sandik.SettingStore.
func (s *Store) Settings(ctx context.Context) ([]sandik.Setting, error) {
	return sqlstore.Settings(ctx, s.db, `SELECT key, value, version, updated_by, updated_at FROM settings ORDER BY key`)
}
