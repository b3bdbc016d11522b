package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/store/postgres"
	"github.com/sandik-dev/sandik/store/sqlite"
)

// App is an open store with the centre running on it.
type App struct {
	Store  sandik.Store
	Center *center.Center
}

func OpenApp(ctx context.Context, sf *StoreFlags, log *slog.Logger) (*App, error) {
	rules, err := ReadDeadlineRules(sf.Rules)
	if err != nil {
		return nil, err
	}
	if sf.MmapMiB < 0 || sf.MmapMiB > 1<<20 {
		return nil, fmt.Errorf("-sqlite-mmap-mib %d: want 0 (none) to %d", sf.MmapMiB, 1<<20)
	}
	st, err := openStore(ctx, sf.DB, sf.Unsafe, sf.mmapBytes(), log)
	if err != nil {
		return nil, err
	}
	var key string
	if sf.Serve {
		if err := verifyAtStart(ctx, st, sf, log); err != nil {
			st.Close()
			return nil, err
		}
		key = sf.LedgerKeyPath()
	}
	c, err := center.Open(ctx, center.Config{Store: st, Logger: log, DeadlineRules: rules, LedgerKey: key, BlindMinBoxes: sf.BlindMin})
	if err != nil {
		st.Close()
		return nil, err
	}
	return &App{Store: st, Center: c}, nil
}

// WithApp opens the database of sf, logging by its flags, runs fn on it
// and closes it again.
func WithApp(e *Env, sf *StoreFlags, fn func(a *App) error) error {
	log, err := sf.Logger(e.Stderr)
	if err != nil {
		return err
	}
	a, err := OpenApp(e.Ctx, sf, log)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

func (a *App) Close() {
	a.Center.Close()
	a.Store.Close()
}

// OpenStore opens the database db names: a postgres:// or postgresql://
// URL is a PostgreSQL database that several instances may share; anything
// else is the path of an SQLite file, the default.
func OpenStore(ctx context.Context, db string, unsafe bool, log *slog.Logger) (sandik.Store, error) {
	return openStore(ctx, db, unsafe, 0, log)
}

// openStore is OpenStore with the SQLite map's size (sqlite.Options.MmapSize).
func openStore(ctx context.Context, db string, unsafe bool, mmap int64, log *slog.Logger) (sandik.Store, error) {
	var (
		st  sandik.Store
		err error
	)
	if postgres.IsURL(db) {
		st, err = postgres.Open(ctx, postgres.Options{URL: db, Logger: log, Unsafe: unsafe})
	} else {
		st, err = sqlite.Open(ctx, sqlite.Options{Path: db, Logger: log, Unsafe: unsafe, MmapSize: mmap})
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", DisplayDB(db), err)
	}
	return st, nil
}

// DisplayDB is db as it may be shown and logged: a URL loses its password.
func DisplayDB(db string) string {
	if !postgres.IsURL(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "(a PostgreSQL URL that cannot be parsed)"
	}
	return u.Redacted()
}

// ReadDeadlineRules reads a JSON array of objection deadline rules; an
// empty path means the defaults (nil).
func ReadDeadlineRules(path string) ([]itiraz.Rule, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-deadline-rules: %w", err)
	}
	var rules []itiraz.Rule
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rules); err != nil {
		return nil, fmt.Errorf("-deadline-rules %s: %w", path, err)
	}
	if len(rules) == 0 {
		return nil, fmt.Errorf("-deadline-rules %s: no rules", path)
	}
	if err := itiraz.CheckRules(rules); err != nil {
		return nil, fmt.Errorf("-deadline-rules %s: %w", path, err)
	}
	return rules, nil
}

// RequireEmpty refuses a database that holds anything: a log, a registry,
// users, objections or settings.
func RequireEmpty(ctx context.Context, st sandik.Store) error {
	seq, err := st.LastSeq(ctx)
	if err != nil {
		return err
	}
	reg, err := st.LoadRegistry(ctx)
	if err != nil {
		return err
	}
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	events, err := st.CaseEvents(ctx)
	if err != nil {
		return err
	}
	cases := len(events)
	settings, err := st.Settings(ctx)
	if err != nil {
		return err
	}
	if seq > 0 || len(reg.Areas) > 0 || len(reg.Elections) > 0 || len(users) > 0 || cases > 0 || len(settings) > 0 {
		return sandik.Errorf(sandik.EConflict, "the target database is not empty (%d submissions, %d areas, %d users, %d settings); nothing was copied",
			seq, len(reg.Areas), len(users), len(settings))
	}
	return nil
}

// Operator is who the command line reads the centre as: an administrator,
// who has no areas and so sees it whole.
func Operator() sandik.User {
	return sandik.User{ID: "sandik", Name: "sandik", Role: sandik.RoleAdmin}
}
