package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/sandik-dev/sandik/cmd/internal/cli"
)

func commands() map[string]cli.Command {
	return map[string]cli.Command{
		"serve":  {Summary: "run the coordination centre's server", Run: cmdServe},
		"demo":   {Summary: "build a demo İstanbul election, serve it and replay a simulated night", Run: cmdDemo},
		"import": {Summary: "import the registry from CSV, official YSK results, or observer network files", Run: cmdImport},
		"check":  {Summary: "check a result file and flag unusual boxes without importing it", Run: cmdCheck},
		"user":   {Summary: "add, list users and reset their API tokens", Run: cmdUser},
		"org":    {Summary: "import or export the organisation: units, people, positions (CSV)", Run: cmdOrg},
		"visits": {Summary: "list visits and the overdue board of commitments of an area (tab-separated or CSV)", Run: cmdVisits},
		"backup": {Summary: "copy the SQLite database, while the server runs, into a checked backup file", Run: cmdBackup},
		"log":    {Summary: "verify the tamper-evident log of every write, or a receipt from it", Run: cmdLog},

		"follow": {Summary: "follow an official per-box results feed into the database", Run: cmdFollow},
		"feed":   {Summary: "serve a scripted fake official feed for rehearsals (feed serve SCRIPT)", Run: cmdFeed},

		"migrate-store": {Summary: "copy a whole database between SQLite and PostgreSQL, verified by totals", Run: cmdMigrateStore},
		"rehearse":      {Summary: "replay a synthetic national night through the real HTTP API and report what was lost and how fast", Run: cmdRehearse},

		"bench":       {Summary: "moved to the sandik-bench command", Run: movedToBench("")},
		"screenshots": {Summary: "moved to the sandik-bench command", Run: movedToBench("screenshots")},
	}
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &cli.Env{Prog: "sandik", Ctx: ctx, Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv}
	return e.Run("Sandık — election-night coordination centre", commands(), args)
}

// movedToBench answers the documented `sandik bench …` and `sandik
// screenshots` with the command line that now does it, rather than with
// "unknown command".
func movedToBench(sub string) func(e *cli.Env, args []string) error {
	return func(e *cli.Env, args []string) error {
		line := strings.Join(append(strings.Fields("sandik-bench "+sub), args...), " ")
		return fmt.Errorf("moved to the sandik-bench command (go run ./cmd/sandik-bench), so the server binary carries no benchmark or browser code; run: %s", line)
	}
}
