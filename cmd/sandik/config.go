package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// newFlags returns a flag set whose output goes to stderr.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("sandik "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: sandik %s\n\nFlags (each also as SANDIK_<NAME>, for example SANDIK_DB):\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse fills a flag set from SANDIK_* variables first and the command
// line second, so a flag given on the command line wins.
func parse(e *env, fs *flag.FlagSet, args []string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := "SANDIK_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := e.getenv(name); v != "" && err == nil {
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
		return errUsage
	}
	return nil
}

// storeFlags are the settings every command that opens the database shares.
type storeFlags struct {
	db        string
	unsafe    bool
	logLevel  string
	logFormat string
	// rules is a JSON file of objection deadline rules (serve only).
	rules string

	// blindMin is -blind-min-boxes (serve only): center.Config.BlindMinBoxes.
	blindMin int
}

func (s *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.db, "db", "sandik.db", "SQLite database file, or a postgres:// URL for a database several instances share")
	fs.BoolVar(&s.unsafe, "unsafe-durability", false, "start even if the database's durability settings are unsafe (logged)")
	fs.StringVar(&s.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&s.logFormat, "log-format", "text", "log format: text or json")
}

func (s *storeFlags) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s.logLevel)); err != nil {
		return nil, fmt.Errorf("-log-level %q: want debug, info, warn or error", s.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch s.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("-log-format %q: want text or json", s.logFormat)
}
