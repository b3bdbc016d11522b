package proctest

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/proctest"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
)

// TestPostgresKillNineLosesNothing is the kill -9 test on PostgreSQL
// (RELIABILITY.md, durability): a real `sandik serve` on a schema of the
// test's own takes submissions over HTTP at a steady rate and is killed
// with SIGKILL at a random moment, cycle after cycle. Each restart must be
// ready within 5 s; at the end every acknowledged submission must be in
// the log with its content, nothing refused may be, no id may be there
// twice, and the totals a restarted server gives must equal a recount of
// the log. SANDIK_CRASH_CYCLES sets the number of cycles (default 40;
// 1,000 long).
func TestPostgresKillNineLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real server on PostgreSQL")
	}
	// The crash tests each run a server (and one a database) of their own;
	// they wait mostly on start-ups and flushes, so two at a time.
	t.Parallel()
	cycles := crashCycles(t, "SANDIK_CRASH_CYCLES", 40)
	db := pgtest.Schema(t)
	_, bin := proctest.BuildSandik(t)
	st := proctest.OpenPostgres(t, db)
	reg, token := proctest.PrepareStore(t, st)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d, cycles %d", seed, cycles)
	rng := rand.New(rand.NewPCG(seed, 3))
	logs := newServerLog(t)
	load := newCrashLoad(reg, token, 800)
	var ready []time.Duration
	began := time.Now()
	for cycle := range cycles {
		url, proc, took := startServerLog(t, bin, db, logs)
		ready = append(ready, took)
		if took > 5*time.Second {
			t.Fatalf("cycle %d: ready after %s, want < 5 s", cycle, took)
		}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(time.Duration(50+rng.IntN(250))*time.Millisecond, func() {
			proc.Process.Signal(syscall.SIGKILL)
			cancel()
		})
		load.run(ctx, url)
		proc.Wait()
		// A server that died of something else would pass for a kill.
		if ws := proc.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("cycle %d: the server ended with %s before it was killed", cycle, proc.ProcessState)
		}
	}
	elapsed := time.Since(began)
	acked, refused, unknown := load.counts()
	if refused == 0 {
		t.Fatal("nothing was refused: the check that refused submissions stay out proved nothing")
	}
	url, proc, took := startServerLog(t, bin, db, logs)
	t.Cleanup(func() { proc.Process.Signal(syscall.SIGTERM); proc.Wait() })
	ready = append(ready, took)
	if took > 5*time.Second {
		t.Fatalf("last start: ready after %s, want < 5 s", took)
	}
	checkServed(t, st, url, token, load)
	p50, slowest := spread(ready)
	t.Logf("%d SIGKILL cycles in %s at %d submissions/s: acknowledged %d, lost 0, refused %d (none in the log), "+
		"cut off by the kill %d; ready p50 %s, max %s over %d starts",
		cycles, elapsed.Round(time.Millisecond), load.rate, acked, refused, unknown,
		p50.Round(time.Millisecond), slowest.Round(time.Millisecond), len(ready))
}

// checkServed checks the log against what the clients were told
// (proctest.CheckStore), and the totals the server at url gives against a recount
// of the log. A killed server's PostgreSQL backend may still commit the
// batch it was sent, and a request whose client gave up may still be
// committed, so the log can grow while it is read: the comparison counts
// only over a log that stood still through it, and is made again if not.
func checkServed(t *testing.T, st sandik.Store, url, token string, load *crashLoad) {
	t.Helper()
	ctx := context.Background()
	for attempt := 1; ; attempt++ {
		head, err := st.LastSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := totalsAt(t, url, token, head)
		want, boxes := proctest.CheckStore(t, st, load.acked, load.refused)
		after, err := st.LastSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after == head && got.Seq == head {
			if got.Totals.Provisional.ValidTotal != want || got.Totals.BoxesReported != boxes {
				t.Fatalf("served totals at seq %d: valid %d over %d boxes; recount of the log: %d over %d",
					head, got.Totals.Provisional.ValidTotal, got.Totals.BoxesReported, want, boxes)
			}
			return
		}
		if attempt == 5 {
			t.Fatalf("the log grew during each of 5 checks, last from seq %d to %d", head, after)
		}
		t.Logf("the log grew from seq %d to %d during the check: checking again", head, after)
	}
}

// spread returns the median and the maximum of ds, which it sorts.
func spread(ds []time.Duration) (median, slowest time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[len(ds)-1]
}

// serverLog keeps the last part of what servers write to stderr, and
// shows it when the test fails: the log of a server under a crash test
// is long and of no interest when nothing is lost.
type serverLog struct {
	mu  sync.Mutex
	buf []byte
}

func newServerLog(t *testing.T) *serverLog {
	l := &serverLog{}
	t.Cleanup(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if t.Failed() && len(l.buf) > 0 {
			t.Logf("end of the servers' log:\n%s", l.buf)
		}
	})
	return l
}

func (l *serverLog) Write(p []byte) (int, error) {
	const keep = 64 << 10
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	if len(l.buf) > 2*keep {
		l.buf = append(l.buf[:0], l.buf[len(l.buf)-keep:]...)
	}
	return len(p), nil
}
