package proctest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/sandik-dev/sandik/cmd/internal/proctest"
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
// serve` on it takes submissions at a steady rate, starts it again, and
// does so cycle after cycle. The same server process must take
// submissions again after each crash, without a restart; at the end every
// acknowledged submission must be in the log with its content, nothing
// refused may be, and the server's totals must equal a recount of the log
// (RELIABILITY.md, durability). SANDIK_PG_CRASH_CYCLES sets the number of
// crashes (default 3).
func TestPostgresCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a PostgreSQL server of its own and crashes it")
	}
	// The crash tests each run a server (and one a database) of their own;
	// they wait mostly on start-ups and flushes, so two at a time.
	t.Parallel()
	cycles := crashCycles(t, "SANDIK_PG_CRASH_CYCLES", 3)
	pg := newPrivateCluster(t)
	_, bin := proctest.BuildSandik(t)
	st := proctest.OpenPostgres(t, pg.url())
	reg, token := proctest.PrepareStore(t, st)
	url, proc, _ := startServerLog(t, bin, pg.url(), newServerLog(t))
	t.Cleanup(func() { proc.Process.Signal(syscall.SIGTERM); proc.Wait() })
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d, cycles %d", seed, cycles)
	rng := rand.New(rand.NewPCG(seed, 4))

	load := newCrashLoad(reg, token, 800)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	loaded := make(chan struct{})
	go func() { defer close(loaded); load.run(ctx, url) }()
	var recovered []time.Duration
	began := time.Now()
	for cycle := range cycles {
		// The crash comes after a random number of acknowledgements, so at
		// a random point of the steady load.
		acked, _, _ := load.counts()
		waitAcked(t, load, acked+50+rng.IntN(300), fmt.Sprintf("cycle %d, before the crash", cycle))
		_, _, cutBefore := load.counts()
		if err := pg.pgctl("stop", "-m", "immediate"); err != nil {
			t.Fatalf("cycle %d: pg_ctl stop -m immediate failed", cycle)
		}
		down, _, _ := load.counts()
		pg.start()
		back := time.Now()
		waitAcked(t, load, down+1, fmt.Sprintf("cycle %d, after PostgreSQL started again", cycle))
		took := time.Since(back)
		recovered = append(recovered, took)
		if took > 5*time.Second {
			t.Errorf("cycle %d: first acknowledgement %s after PostgreSQL was back, want < 5 s", cycle, took)
		}
		if _, _, cut := load.counts(); cut == cutBefore {
			t.Errorf("cycle %d: no request failed: the crash did not happen during the load", cycle)
		}
	}
	// Some more after the last crash: the server goes on taking them.
	acked, _, _ := load.counts()
	waitAcked(t, load, acked+200, "after the last crash")
	elapsed := time.Since(began)
	cancel()
	<-loaded
	acked, refused, unknown := load.counts()
	if refused == 0 {
		t.Fatal("nothing was refused: the check that refused submissions stay out proved nothing")
	}
	checkServed(t, st, url, token, load)
	p50, slowest := spread(recovered)
	t.Logf("%d database crashes in %s at %d submissions/s: acknowledged %d, lost 0, refused %d (none in the log), "+
		"failed or cut off %d; first acknowledgement after PostgreSQL was back p50 %s, max %s",
		cycles, elapsed.Round(time.Millisecond), load.rate, acked, refused, unknown,
		p50.Round(time.Millisecond), slowest.Round(time.Millisecond))
}

// waitAcked waits until load has n acknowledgements, failing the test
// after 30 s; when names the moment in the message.
func waitAcked(t *testing.T, load *crashLoad, n int, when string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		acked, _, unknown := load.counts()
		if acked >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d acknowledged (%d failed) after 30 s, want %d: the server did not recover", when, acked, unknown, n)
		}
		<-tick.C
	}
}
