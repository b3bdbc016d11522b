package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sandik-dev/sandik"
)

// PutSetting implements sandik.SettingStore. The version test is in the
// statement itself (an insert that does nothing when the key exists, an
// update only of the version read), so it holds whichever process writes.
func (s *Store) PutSetting(ctx context.Context, st sandik.Setting, prev int) error {
	if err := st.Check(prev); err != nil {
		return fmt.Errorf("sqlite: save setting %q: %w", st.Key, err)
	}
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		var res sql.Result
		var err error
		if prev == 0 {
			res, err = c.ExecContext(ctx, `INSERT INTO settings (key, value, version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (key) DO NOTHING`, st.Key, string(st.Value), st.Version, string(st.UpdatedBy), nanos(st.UpdatedAt))
		} else {
			res, err = c.ExecContext(ctx, `UPDATE settings SET value = ?, version = ?, updated_by = ?, updated_at = ? WHERE key = ? AND version = ?`,
				string(st.Value), st.Version, string(st.UpdatedBy), nanos(st.UpdatedAt), st.Key, prev)
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var cur int
		if err := c.QueryRowContext(ctx, `SELECT version FROM settings WHERE key = ?`, st.Key).Scan(&cur); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return sandik.Errorf(sandik.EConflict, "setting %q is at version %d, not %d", st.Key, cur, prev)
	})
	if err != nil {
		return fmt.Errorf("sqlite: save setting %q: %w", st.Key, err)
	}
	return nil
}

// Setting implements sandik.SettingStore.
func (s *Store) Setting(ctx context.Context, key string) (sandik.Setting, error) {
	st, err := scanSetting(s.read.QueryRowContext(ctx, `SELECT key, value, version, updated_by, updated_at FROM settings WHERE key = ?`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return sandik.Setting{}, sandik.Errorf(sandik.ENotFound, "no setting %q is stored", key)
	}
	if err != nil {
		return sandik.Setting{}, fmt.Errorf("sqlite: read setting %q: %w", key, err)
	}
	return st, nil
}

// Settings implements sandik.SettingStore.
func (s *Store) Settings(ctx context.Context) ([]sandik.Setting, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT key, value, version, updated_by, updated_at FROM settings ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read settings: %w", err)
	}
	defer rows.Close()
	out := []sandik.Setting{}
	for rows.Next() {
		st, err := scanSetting(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: read settings: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read settings: %w", err)
	}
	return out, nil
}

func scanSetting(row interface{ Scan(...any) error }) (sandik.Setting, error) {
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
