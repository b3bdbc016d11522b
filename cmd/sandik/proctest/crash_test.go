package proctest

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/proctest"
	"github.com/sandik-dev/sandik/store/sqlite"
)

// TestKillNineLosesNothing submits over real HTTP to a real `sandik serve`,
// kills it with SIGKILL at a random moment, restarts it, and checks that
// every acknowledged submission is in the log with its content, nothing
// refused is, the database is intact and the totals equal a recount.
// SANDIK_CRASH_CYCLES sets the number of cycles (default 100; 1,000 long).
func TestKillNineLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real server")
	}
	// The crash tests each run a server (and one a database) of their own;
	// they wait mostly on start-ups and flushes, so two at a time.
	t.Parallel()
	cycles := crashCycles(t, "SANDIK_CRASH_CYCLES", 100)
	dir, bin := proctest.BuildSandik(t)
	db := filepath.Join(dir, "crash.db")
	reg, token := prepareCrashDB(t, db)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d (cycles %d)", seed, cycles)
	rng := rand.New(rand.NewPCG(seed, 2))
	load := newCrashLoad(reg, token, 0)
	for cycle := 0; cycle < cycles; cycle++ {
		url, proc, ready := startServer(t, bin, db)
		if ready > 5*time.Second {
			t.Fatalf("cycle %d: ready after %s, want < 5 s", cycle, ready)
		}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(time.Duration(50+rng.IntN(250))*time.Millisecond, func() {
			proc.Process.Signal(syscall.SIGKILL)
			cancel()
		})
		load.run(ctx, url)
		proc.Wait()
	}
	checkCrashDB(t, db, reg, load.acked, load.refused)
}

// crashCycles reads a number of crash cycles from the environment
// variable name, def when it is unset.
func crashCycles(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

// crashLoad is the clients' side of a crash test: eight workers submit
// with ids never used before, every 17th submission breaking a rule so
// that refusals happen too, and it keeps what the server answered.
type crashLoad struct {
	reg   *sandik.Registry
	token string
	// rate is submissions per second over all workers, each worker at an
	// even pace; at 0 a worker sends its next one on the last one's answer.
	rate int

	mu      sync.Mutex
	acked   map[sandik.SubmissionID]string // id → race|box|valid total
	refused map[sandik.SubmissionID]bool
	unknown int // no answer or an error: it may or may not have been committed
	next    int // number of the first submission of the next run
}

func newCrashLoad(reg *sandik.Registry, token string, rate int) *crashLoad {
	return &crashLoad{reg: reg, token: token, rate: rate,
		acked: map[sandik.SubmissionID]string{}, refused: map[sandik.SubmissionID]bool{}}
}

// run submits to url until ctx ends, and returns once every worker has
// its last answer. Runs must not overlap.
func (l *crashLoad) run(ctx context.Context, url string) {
	const workers = 8
	var wg sync.WaitGroup
	for w := range workers {
		start := l.next + w*100_000
		wg.Go(func() {
			client := &http.Client{Timeout: 5 * time.Second}
			var pace <-chan time.Time
			if l.rate > 0 {
				tick := time.NewTicker(workers * time.Second / time.Duration(l.rate))
				defer tick.Stop()
				pace = tick.C
			}
			for i := start; ctx.Err() == nil; i++ {
				if pace != nil {
					select {
					case <-ctx.Done():
						return
					case <-pace:
					}
				}
				id, body, want := crashSubmission(l.reg, i, i%17 == 0)
				code := post(ctx, client, url, l.token, body)
				l.mu.Lock()
				switch {
				case code/100 == 2:
					l.acked[id] = want
				case code == http.StatusUnprocessableEntity:
					l.refused[id] = true
				default:
					l.unknown++
				}
				l.mu.Unlock()
			}
		})
	}
	wg.Wait()
	l.next += workers * 100_000
}

// counts returns how many submissions have been acknowledged, refused and
// left without a clear answer so far.
func (l *crashLoad) counts() (acked, refused, unknown int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked), len(l.refused), l.unknown
}

func prepareCrashDB(t *testing.T, db string) (*sandik.Registry, string) {
	st, err := sqlite.Open(context.Background(), sqlite.Options{Path: db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	return proctest.PrepareStore(t, st)
}

// startServer starts `sandik serve` on a free port and waits until /healthz
// answers, returning how long that took. The server's log goes to stderr.
func startServer(t *testing.T, bin, db string) (string, *exec.Cmd, time.Duration) {
	return startServerLog(t, bin, db, os.Stderr)
}

// startServerLog is startServer with the server's log going to w and
// flags added to its command line. A server
// still running when the test ends is killed then.
func startServerLog(t *testing.T, bin, db string, w io.Writer, flags ...string) (string, *exec.Cmd, time.Duration) {
	t.Helper()
	start := time.Now()
	// One token stands for a whole network of observers here: no per-user
	// or per-address rate.
	args := append([]string{"serve", "-db", db, "-addr", "127.0.0.1:0", "-log-level", "warn",
		"-user-write-rate", "off", "-addr-write-rate", "off"}, flags...)
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Killing a process that has been waited for does nothing: the
	// callers' own cleanups, registered later, run first.
	t.Cleanup(func() {
		if cmd.Process.Kill() == nil {
			cmd.Wait()
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("server said nothing: %v", err)
	}
	go io.Copy(io.Discard, out)
	_, url, ok := strings.Cut(line, "serving ")
	if !ok {
		t.Fatalf("unexpected first line %q", line)
	}
	url, _, _ = strings.Cut(url, " ")
	poll := time.NewTicker(10 * time.Millisecond)
	defer poll.Stop()
	for range poll.C {
		resp, err := http.Get(url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return url, cmd, time.Since(start)
			}
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("not healthy after 10 s: %v", err)
		}
	}
	panic("unreachable")
}

// crashSubmission makes submission i: each goes to its own box so the
// expected totals are a plain sum; every 17th breaks a rule on purpose.
func crashSubmission(reg *sandik.Registry, i int, broken bool) (sandik.SubmissionID, []byte, string) {
	boxes := reg.RaceBoxes("race1")
	box := boxes[i%len(boxes)]
	id := sandik.SubmissionID(fmt.Sprintf("crash-%d", i))
	a := int64(i % 97)
	valid := a + 150
	if broken {
		valid++
	}
	body := fmt.Sprintf(`{"id":%q,"race":"race1","box":%q,"source":"entry","registered":300,"voted":%d,`+
		`"valid_without_objection":%d,"valid_upon_objection":0,"valid_total":%d,"invalid_total":5,`+
		`"votes":{"P01":%d,"P02":100,"P03":30,"P04":20}}`, id, box, valid+5, valid, valid, a)
	return id, []byte(body), fmt.Sprintf("race1|%s|%d", box, valid)
}

func post(ctx context.Context, c *http.Client, url, token string, body []byte) int {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/api/v1/submissions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0 // unknown outcome: the server may or may not have committed it
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func checkCrashDB(t *testing.T, db string, _ *sandik.Registry, acked map[sandik.SubmissionID]string, refused map[sandik.SubmissionID]bool) {
	ctx := context.Background()
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	var integrity string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check: %q %v", integrity, err)
	}
	raw.Close()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	proctest.CheckStore(t, st, acked, refused)
}
