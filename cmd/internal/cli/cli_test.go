package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// Run turns what a subcommand returns into an exit code and a message
// that names the program and the subcommand.
func TestRunExitCodes(t *testing.T) {
	cmds := map[string]Command{
		"ok":   {Summary: "succeeds", Run: func(*Env, []string) error { return nil }},
		"fail": {Summary: "fails", Run: func(*Env, []string) error { return errors.New("it broke") }},
		"flags": {Summary: "parses flags", Run: func(e *Env, args []string) error {
			fs := e.Flags("flags", "flags [flags]")
			fs.Int("n", 0, "a number")
			return e.Parse(fs, args)
		}},
	}
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{nil, 2, ""},
		{[]string{"help"}, 0, ""},
		{[]string{"ok"}, 0, ""},
		{[]string{"fail"}, 1, "prog fail: it broke"},
		{[]string{"nope"}, 2, `prog: unknown command "nope"`},
		{[]string{"flags", "-n", "x"}, 2, "Usage: prog flags [flags]"},
		{[]string{"flags", "-h"}, 0, "Usage: prog flags [flags]"},
	} {
		var stdout, stderr bytes.Buffer
		e := &Env{Prog: "prog", Ctx: context.Background(), Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
			Getenv: func(string) string { return "" }}
		if code := e.Run("Title", cmds, tc.args); code != tc.code || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tc.args, code, stderr.String(), tc.code, tc.stderr)
		}
	}
}

// A SANDIK_ variable sets a flag; the command line wins over it.
func TestParseReadsTheEnvironmentFirst(t *testing.T) {
	env := map[string]string{"SANDIK_LOG_LEVEL": "debug", "SANDIK_DB": "from-env.db"}
	e := &Env{Prog: "prog", Stderr: &bytes.Buffer{}, Getenv: func(k string) string { return env[k] }}
	fs := e.Flags("x", "x")
	var sf StoreFlags
	sf.Register(fs)
	if err := e.Parse(fs, []string{"-db", "flag.db"}); err != nil {
		t.Fatal(err)
	}
	if sf.LogLevel != "debug" || sf.DB != "flag.db" {
		t.Errorf("%+v", sf)
	}
}
