package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"sandik": func() { os.Exit(runMain()) },
	})
}

// TestScripts runs the CLI scenarios in testdata/script, each in a fresh
// directory with its own database.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script"})
}

// binOnPath is the "sandik" testscript.Main puts on PATH: this test
// binary, running runMain as the real one does, and already built.
func binOnPath(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("sandik")
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// runSandik runs the command in-process with no environment.
func runSandik(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	return code, out.String(), errb.String()
}
