package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sandik-dev/sandik"
)

// env gives the command its environment, so tests pass their own.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// operator is who the command line reads the centre as: an administrator,
// who has no areas and so sees it whole.
func operator() sandik.User {
	return sandik.User{ID: "sandik", Name: "sandik", Role: sandik.RoleAdmin}
}

type command struct {
	summary string
	run     func(e *env, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"serve":  {"run the coordination centre's server", cmdServe},
		"demo":   {"build a demo İstanbul election, serve it and replay a simulated night", cmdDemo},
		"import": {"import the registry from CSV, official YSK results, or observer network files", cmdImport},
		"check":  {"check a result file and flag unusual boxes without importing it", cmdCheck},
		"user":   {"add, list users and reset their API tokens", cmdUser},
		"bench":  {"measure tally, submission and rebuild speed", cmdBench},

		"migrate-store": {"copy a whole database between SQLite and PostgreSQL, verified by totals", cmdMigrateStore},
		"screenshots":   {"photograph the dashboard's pages over a demo night with headless Chromium", cmdScreenshots},
	}
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "sandik: unknown command %q\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	err := c.run(e, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	msg := err.Error()
	var se *sandik.Error
	if errors.As(err, &se) && len(se.Problems) > 0 {
		// The problems follow one per line; the summary names them once.
		msg = strings.TrimSuffix(msg, se.Error()) + se.Message
	}
	fmt.Fprintf(stderr, "sandik %s: %s\n", args[0], msg)
	for _, p := range sandik.ProblemsOf(err) {
		fmt.Fprintf(stderr, "  %s\n", p)
	}
	return 1
}

// errUsage means the flags were wrong; the flag package has said why.
var errUsage = errors.New("usage")

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "Sandık — election-night coordination centre")
	fmt.Fprintln(w, "\nUsage: sandik <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-13s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nEvery flag can also be set as SANDIK_<FLAG> (for example SANDIK_DB, SANDIK_ADDR).")
	fmt.Fprintln(w, "Run 'sandik <command> -h' for a command's flags.")
}
