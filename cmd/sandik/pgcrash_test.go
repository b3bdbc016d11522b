package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// privateCluster is a PostgreSQL server of the test's own, which it may
// crash without touching the machine's shared server.
type privateCluster struct {
	t        *testing.T
	bin, dir string
	port     int
}

// newPrivateCluster initialises and starts a cluster in a temporary
// directory. It needs the server's binaries and, when run as root, the
// postgres account; without them it skips, unless CI asks for PostgreSQL.
func newPrivateCluster(t *testing.T) *privateCluster {
	t.Helper()
	miss := func(format string, args ...any) {
		if os.Getenv("CI") == "true" {
			t.Fatalf(format, args...)
		}
		t.Skipf(format, args...)
	}
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(bins) == 0 {
		miss("no PostgreSQL server binaries under /usr/lib/postgresql")
	}
	dir, err := os.MkdirTemp("", "sandik-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			miss("running as root without a postgres account: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	c := &privateCluster{t: t, bin: filepath.Dir(bins[len(bins)-1]), dir: dir, port: port}
	c.run("initdb", "-D", c.data(), "-A", "trust", "-U", "postgres", "--no-sync")
	c.start()
	t.Cleanup(func() { c.pgctl("stop", "-m", "immediate") })
	return c
}

func (c *privateCluster) data() string { return filepath.Join(c.dir, "data") }

func (c *privateCluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// run runs a server program, as the postgres account when the test is root.
func (c *privateCluster) run(prog string, args ...string) error {
	c.t.Helper()
	path := filepath.Join(c.bin, prog)
	cmd := exec.Command(path, args...)
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Logf("%s %v: %v\n%s", prog, args, err, out)
	}
	return err
}

func (c *privateCluster) pgctl(args ...string) error {
	return c.run("pg_ctl", append([]string{"-D", c.data(), "-l", filepath.Join(c.dir, "log"), "-w"}, args...)...)
}

// start starts the server with durable settings (fsync and
// synchronous_commit are the defaults) on its own port and socket dir.
func (c *privateCluster) start() {
	c.t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", c.port, c.dir)
	if err := c.pgctl("-o", opts, "start"); err != nil {
		c.t.Fatal("start PostgreSQL")
	}
}

// TestPostgresCrashLosesNothing stops PostgreSQL with `pg_ctl stop -m
// immediate` (a crash: no checkpoint, no clean shutdown) while a `sandik
// serve` on it takes submissions, starts it again, and checks that the
// server recovers without a restart, that every acknowledged submission is
// in the log with its content and nothing refused is, and that the
// server's totals equal a recount of the log (RELIABILITY.md, durability).
func TestPostgresCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a PostgreSQL server of its own and crashes it")
	}
	pg := newPrivateCluster(t)
	_, bin := buildSandik(t)
	st := openPostgres(t, pg.url())
	reg, token := prepareStore(t, st)
	url, proc, _ := startServer(t, bin, pg.url())
	t.Cleanup(func() { proc.Process.Signal(syscall.SIGTERM); proc.Wait() })

	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		acked    = map[sandik.SubmissionID]string{}
		refused  = map[sandik.SubmissionID]bool{}
		failures int
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for w := range 8 {
		wg.Go(func() {
			client := &http.Client{Timeout: 5 * time.Second}
			for i := w * 100_000; ctx.Err() == nil; i++ {
				id, body, want := crashSubmission(reg, i, i%17 == 0)
				code := post(ctx, client, url, token, body)
				mu.Lock()
				switch {
				case code/100 == 2:
					acked[id] = want
				case code == http.StatusUnprocessableEntity:
					refused[id] = true
				default:
					failures++
				}
				mu.Unlock()
			}
		})
	}
	crashed := make(chan struct{})
	time.AfterFunc(500*time.Millisecond, func() {
		defer close(crashed)
		if err := pg.pgctl("stop", "-m", "immediate"); err != nil {
			t.Error("pg_ctl stop -m immediate failed")
		}
	})
	<-crashed
	mu.Lock()
	before := len(acked)
	mu.Unlock()
	pg.start()
	// Submissions go on being taken after the database is back, by the
	// same server process.
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	for {
		mu.Lock()
		after := len(acked)
		mu.Unlock()
		if after >= before+200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not recover: %d acknowledged before the crash, %d 30 s after", before, after)
		}
		<-tick.C
	}
	tick.Stop()
	cancel()
	wg.Wait()
	t.Logf("acknowledged %d (%d before the crash), refused %d, failed while the database was down %d", len(acked), before, len(refused), failures)
	if failures == 0 {
		t.Error("no request failed: the crash did not happen during the load")
	}
	check := openPostgres(t, pg.url())
	want, boxes := checkStore(t, check, acked, refused)
	head, err := check.LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := totalsAt(t, url, token, head)
	if got.Totals.Provisional.ValidTotal != want || got.Totals.BoxesReported != boxes {
		t.Fatalf("totals after the crash: valid %d over %d boxes; recount of the log: %d over %d",
			got.Totals.Provisional.ValidTotal, got.Totals.BoxesReported, want, boxes)
	}
}
