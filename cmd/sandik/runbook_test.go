package main

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
)

// TestRunbook carries out the operator's runbook with the real binary:
// testdata/runbook/runbook.txtar runs its commands in its order, and
// every sandik command of the runbook's shell blocks must be there as
// written, so the runbook cannot name a command or flag that does not
// work.
func TestRunbook(t *testing.T) {
	script, err := os.ReadFile("testdata/runbook/runbook.txtar")
	if err != nil {
		t.Fatal(err)
	}
	ran := map[string]bool{}
	for line := range strings.Lines(string(script)) {
		if cmd, ok := strings.CutPrefix(strings.TrimSpace(line), "exec "); ok {
			// A background command ends in "&" or "&name&".
			if i := strings.Index(cmd, " &"); i >= 0 {
				cmd = cmd[:i]
			}
			ran[cmd] = true
		}
	}
	cmds := runbookCommands(t, "../../docs/runbook.md")
	if len(cmds) < 10 {
		t.Fatalf("the runbook has %d sandik commands in shell blocks; the parser lost them", len(cmds))
	}
	for _, c := range cmds {
		if !ran[c] {
			t.Errorf("the runbook's command %q is not carried out by runbook.txtar", c)
		}
	}
	pg := pgtest.Schema(t)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/runbook",
		Setup: func(env *testscript.Env) error {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			addr := l.Addr().String()
			l.Close()
			env.Setenv("RUNBOOK_ADDR", addr)
			env.Setenv("SANDIK_PG", pg)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){"healthz": healthz, "signin": signin},
	})
}

// runbookCommands returns the sandik command lines of path's ```sh
// blocks, comments cut and shell double quotes dropped (the script
// language has none).
func runbookCommands(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "```"):
			in = !in && line == "```sh"
		case in && strings.HasPrefix(line, "sandik "):
			line, _, _ = strings.Cut(line, " #")
			out = append(out, strings.ReplaceAll(strings.TrimSpace(line), `"`, ""))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// healthz waits up to 10 s for the server at $SANDIK_ADDR to answer
// /healthz with 200, as the runbook's curl does.
func healthz(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) > 0 {
		ts.Fatalf("usage: healthz")
	}
	url := "http://" + ts.Getenv("SANDIK_ADDR") + "/healthz"
	client := &http.Client{Timeout: time.Second}
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-deadline:
			ts.Fatalf("%s did not answer 200 within 10 s (last: %v)", url, err)
		case <-tick.C:
		}
	}
}

// signin asks the server at $SANDIK_ADDR for the races with the token
// that FILE (a tokens file of sandik user import: id,name,role,token)
// holds for user ID, and fails unless the answer is 200; negated, unless
// it is 401 within a second: a server sees another process's change of a
// token at its next poll of the user generation (every 20 ms).
func signin(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: [!] signin FILE ID")
	}
	token := ""
	for line := range strings.Lines(ts.ReadFile(args[0])) {
		f := strings.Split(strings.TrimSpace(line), ",")
		if len(f) == 4 && f[0] == args[1] {
			token = f[3]
		}
	}
	if token == "" {
		ts.Fatalf("no token of %s in %s", args[1], args[0])
	}
	want := http.StatusOK
	if neg {
		want = http.StatusUnauthorized
	}
	deadline := time.After(time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequest(http.MethodGet, "http://"+ts.Getenv("SANDIK_ADDR")+"/api/v1/races", nil)
		ts.Check(err)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
		ts.Check(err)
		resp.Body.Close()
		if resp.StatusCode == want {
			return
		}
		select {
		case <-deadline:
			ts.Fatalf("GET /api/v1/races as %s: %d, want %d", args[1], resp.StatusCode, want)
		case <-tick.C:
		}
	}
}
