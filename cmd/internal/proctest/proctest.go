// Package proctest holds the helpers that the tests of cmd/sandik and of
// cmd/sandik/proctest share: building the real binary, filling a store
// with a synthetic registry and a user, checking a store's log against
// what clients were told, and opening a PostgreSQL store for a test.
package proctest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/store/postgres"
	"github.com/sandik-dev/sandik/synth"
)

// BuildSandik gives the test the real binary in a fresh directory of its
// own. It builds the command by import path, so it works from any
// package's directory inside the module. In a test binary run through
// Main it is built once and linked into each test's directory: a link of
// the binary takes 3–4 s here, and a package of process tests asked for
// it nine times.
func BuildSandik(t *testing.T) (dir, bin string) {
	dir = t.TempDir()
	bin = filepath.Join(dir, "sandik")
	if shared == nil {
		if err := build(bin); err != nil {
			t.Fatal(err)
		}
		return dir, bin
	}
	shared.once.Do(func() { shared.err = build(shared.bin) })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	if err := linkOrCopy(shared.bin, bin); err != nil {
		t.Fatal(err)
	}
	return dir, bin
}

// shared is the binary a test binary run through Main builds once.
var shared *sharedBuild

type sharedBuild struct {
	once sync.Once
	bin  string
	err  error
}

// Main runs a package's tests with the binary built at most once, and
// removes it after them.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "sandik-proctest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "proctest:", err)
		os.Exit(1)
	}
	shared = &sharedBuild{bin: filepath.Join(dir, "sandik")}
	code := m.Run()
	os.RemoveAll(dir) //nolint:errcheck // a temporary directory left behind is no failure of the tests
	os.Exit(code)
}

func build(bin string) error {
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/sandik-dev/sandik/cmd/sandik").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %w\n%s", err, out)
	}
	return nil
}

// linkOrCopy puts the built binary at dst: a hard link, or a copy where
// the two directories lie on different file systems.
func linkOrCopy(src, dst string) error {
	if os.Link(src, dst) == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy the built binary: %w", err)
	}
	return out.Close()
}

// PrepareStore imports a synthetic registry of 4,000 boxes and one race
// into st and adds a volunteer, whose token it returns.
func PrepareStore(t *testing.T, st sandik.Store) (*sandik.Registry, string) {
	ctx := context.Background()
	c, err := center.Open(ctx, center.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reg, err := synth.Registry(synth.Shape{Provinces: 4, DistrictsPerIl: 5, MahallesPerIlce: 10, BuildingsPerMah: 5, BoxesPerBuilding: 4,
		Races: 1, Choices: 4, RegisteredPerBox: 300})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ImportRegistry(ctx, reg); err != nil {
		t.Fatal(err)
	}
	// A coordinator: the checks read provisional totals, which double
	// entry keeps from those who only type.
	token, err := c.CreateUser(ctx, sandik.User{ID: "crash", Name: "Crash Test", Role: sandik.RoleCoordinator})
	if err != nil {
		t.Fatal(err)
	}
	return reg, token
}

// CheckStore checks st's log against what the clients were told and the
// totals of a fresh centre against a recount of the log, which it returns.
func CheckStore(t *testing.T, st sandik.Store, acked map[sandik.SubmissionID]string, refused map[sandik.SubmissionID]bool) (validTotal int64, boxes int) {
	ctx := context.Background()
	logged := map[sandik.SubmissionID]string{}
	for after := int64(0); ; {
		page, err := st.Since(ctx, after, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, s := range page {
			if _, dup := logged[s.ID]; dup {
				t.Errorf("id %s is in the log twice", s.ID)
			}
			logged[s.ID] = fmt.Sprintf("%s|%s|%d", s.Race, s.Box, s.Sheet.ValidTotal)
		}
		after = page[len(page)-1].Seq
	}
	lost, changed, unexpected := 0, 0, 0
	for id, want := range acked {
		got, ok := logged[id]
		switch {
		case !ok:
			lost++
		case got != want:
			changed++
		}
	}
	for id := range refused {
		if _, ok := logged[id]; ok {
			unexpected++
		}
	}
	t.Logf("acknowledged %d, refused %d, in the log %d", len(acked), len(refused), len(logged))
	if lost+changed+unexpected > 0 || len(acked) == 0 {
		t.Fatalf("lost %d, changed %d, refused but present %d (acknowledged %d)", lost, changed, unexpected, len(acked))
	}
	c, err := center.Open(ctx, center.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Boxes are reused, always by the same user, so each later entry of a
	// box is a correction: a box counts with its latest entry.
	latest := map[sandik.AreaCode]int64{}
	for after := int64(0); ; {
		page, _ := st.Since(ctx, after, 10_000)
		if len(page) == 0 {
			break
		}
		for _, s := range page {
			latest[s.Box] = s.Sheet.ValidTotal
		}
		after = page[len(page)-1].Seq
	}
	var want int64
	for _, v := range latest {
		want += v
	}
	tot, err := c.View(cli.Operator()).Totals("race1", "TR")
	if err != nil {
		t.Fatal(err)
	}
	if tot.Totals.Provisional.ValidTotal != want || tot.Totals.BoxesReported != len(latest) {
		t.Fatalf("totals: valid %d over %d boxes; recount: %d over %d", tot.Totals.Provisional.ValidTotal, tot.Totals.BoxesReported, want, len(latest))
	}
	return want, len(latest)
}

// OpenPostgres opens the store at url for a test, closed when it ends.
func OpenPostgres(t *testing.T, url string) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), postgres.Options{URL: url, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
