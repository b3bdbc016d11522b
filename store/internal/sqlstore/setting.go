package sqlstore

import (
	"context"

	"github.com/sandik-dev/sandik"
)

// Settings are selected as key, value (as text), version, updated_by and
// updated_at.
func scanSetting(row Row) (sandik.Setting, error) {
	var (
		st    sandik.Setting
		value string
		at    int64
	)
	if err := row.Scan(&st.Key, &value, &st.Version, &st.UpdatedBy, &at); err != nil {
		return sandik.Setting{}, err
	}
	st.Value, st.UpdatedAt = []byte(value), Time(at)
	return st, nil
}

// Setting reads the setting query selects by its key; ENotFound if none
// is stored.
func Setting(ctx context.Context, db DB, query, key string) (sandik.Setting, error) {
	st, found, err := One(ctx, db, "read setting "+key, scanSetting, query, key)
	if err == nil && !found {
		return st, sandik.Errorf(sandik.ENotFound, "no setting %q is stored", key)
	}
	return st, err
}

// Settings reads the settings query selects.
func Settings(ctx context.Context, db DB, query string) ([]sandik.Setting, error) {
	return All(ctx, db, "read settings", scanSetting, query)
}

// SettingMoved is the answer to a save over a version no longer stored.
func SettingMoved(key string, cur, prev int) error {
	return sandik.Errorf(sandik.EConflict, "setting %q is at version %d, not %d", key, cur, prev)
}
