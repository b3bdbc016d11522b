package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// Flags returns a flag set for the subcommand name whose output goes to
// stderr.
func (e *Env) Flags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(e.Prog+" "+name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.Stderr, "Usage: %s %s\n\nFlags (each also as SANDIK_<NAME>, for example SANDIK_DB):\n", e.Prog, usage)
		fs.PrintDefaults()
	}
	return fs
}

// Parse fills a flag set from SANDIK_* variables first and the command
// line second, so a flag given on the command line wins.
func (e *Env) Parse(fs *flag.FlagSet, args []string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := "SANDIK_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := e.Getenv(name); v != "" && err == nil {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = fmt.Errorf("%s=%q: %v", name, v, serr)
			}
		}
	})
	if err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return ErrUsage
	}
	return nil
}

// StoreFlags are the settings every command that opens the database shares.
type StoreFlags struct {
	DB        string
	Unsafe    bool
	LogLevel  string
	LogFormat string
	// Rules is a JSON file of objection deadline rules (serve only).
	Rules string

	// BlindMin is -blind-min-boxes (serve only): center.Config.BlindMinBoxes.
	BlindMin int
	// LedgerKey is the file of the key that signs the ledger (serve, log
	// verify); empty means beside the database (LedgerKeyPath).
	LedgerKey string
	// Serve is set by the commands that serve: they verify the ledger at
	// start and sign it.
	Serve bool
	// Unverified is the reason to serve a ledger that does not verify
	// (serve only); empty refuses to.
	Unverified string
	// MmapMiB is -sqlite-mmap-mib: how much of an SQLite file its read
	// connections map (0: none). Flags not registered leave the store's
	// default.
	MmapMiB    int
	registered bool
}

// mmapBytes is MmapMiB as sqlite.Options.MmapSize: 0 for the store's
// default, negative for none.
func (s *StoreFlags) mmapBytes() int64 {
	switch {
	case !s.registered:
		return 0
	case s.MmapMiB <= 0:
		return -1
	}
	return int64(s.MmapMiB) << 20
}

// RegisterLedger adds the flag of the ledger's key.
func (s *StoreFlags) RegisterLedger(fs *flag.FlagSet) {
	fs.StringVar(&s.LedgerKey, "ledger-key", "", "file of the Ed25519 key that signs the ledger's checkpoints, generated (mode 0600) if missing; default DB.ledger.key beside an SQLite file; for PostgreSQL, one named after the URL in the user's configuration directory")
}

// LedgerKeyPath is the ledger key's file: the flag's, or one beside the
// database.
func (s *StoreFlags) LedgerKeyPath() string {
	switch {
	case s.LedgerKey != "":
		return s.LedgerKey
	case strings.HasPrefix(s.DB, "postgres://") || strings.HasPrefix(s.DB, "postgresql://"):
		// One key per database, found again by every instance of this
		// user that serves it: named after the URL without its password.
		sum := sha256.Sum256([]byte(DisplayDB(s.DB)))
		name := "sandik-ledger-" + hex.EncodeToString(sum[:6]) + ".key"
		if dir, err := os.UserConfigDir(); err == nil {
			return filepath.Join(dir, "sandik", name)
		}
		return name
	}
	return s.DB + ".ledger.key"
}

func (s *StoreFlags) Register(fs *flag.FlagSet) {
	fs.StringVar(&s.DB, "db", "sandik.db", "SQLite database file, or a postgres:// URL for a database several instances share")
	fs.BoolVar(&s.Unsafe, "unsafe-durability", false, "start even if the database's durability settings are unsafe (logged)")
	fs.StringVar(&s.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&s.LogFormat, "log-format", "text", "log format: text or json")
	// The map reads the log faster from the cache but counts every page
	// read as resident: a rebuild of a national night leaves ~900 MiB of
	// the file in the process's RSS. 0 reads through the cache without
	// it, as fast for the rebuild (BENCHMARKS.md) and in under 1 GiB.
	s.registered = true
	fs.IntVar(&s.MmapMiB, "sqlite-mmap-mib", 4096, "MiB of an SQLite database file its read connections map into memory; 0 maps none (the national night then stays under 1 GiB of RSS, docs/runbook.md)")
}

func (s *StoreFlags) Logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s.LogLevel)); err != nil {
		return nil, fmt.Errorf("-log-level %q: want debug, info, warn or error", s.LogLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch s.LogFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("-log-format %q: want text or json", s.LogFormat)
}
