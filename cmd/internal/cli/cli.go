// Package cli is what the sandik and sandik-bench commands share: the
// frame of subcommands whose flags SANDIK_* variables also set, and the
// database, centre and HTTP server they open the same way.
package cli

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

// Env gives a command its environment, so tests pass their own.
type Env struct {
	Prog   string // the command's name, as usage and errors show it
	Ctx    context.Context
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// Command is one subcommand.
type Command struct {
	Summary string
	Run     func(e *Env, args []string) error
}

// ErrUsage means the flags were wrong; the flag package has said why.
var ErrUsage = errors.New("usage")

// Run runs the subcommand args name and returns the exit code; title heads
// the usage.
func (e *Env) Run(title string, cmds map[string]Command, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		e.usage(e.Stdout, title, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(e.Stderr, "%s: unknown command %q\n", e.Prog, args[0])
		e.usage(e.Stderr, title, cmds)
		return 2
	}
	err := c.Run(e, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, ErrUsage):
		return 2
	}
	msg := err.Error()
	var se *sandik.Error
	if errors.As(err, &se) && len(se.Problems) > 0 {
		// The problems follow one per line; the summary names them once.
		msg = strings.TrimSuffix(msg, se.Error()) + se.Message
	}
	fmt.Fprintf(e.Stderr, "%s %s: %s\n", e.Prog, args[0], msg)
	for _, p := range sandik.ProblemsOf(err) {
		fmt.Fprintf(e.Stderr, "  %s\n", p)
	}
	return 1
}

func (e *Env) usage(w io.Writer, title string, cmds map[string]Command) {
	fmt.Fprintln(w, title)
	fmt.Fprintf(w, "\nUsage: %s <command> [flags]\n\nCommands:\n", e.Prog)
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-13s %s\n", n, cmds[n].Summary)
	}
	fmt.Fprintln(w, "\nEvery flag can also be set as SANDIK_<FLAG> (for example SANDIK_DB, SANDIK_ADDR).")
	fmt.Fprintf(w, "Run '%s <command> -h' for a command's flags.\n", e.Prog)
}
