package proctest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sandik-dev/sandik/cmd/internal/proctest"
)

// signIn opens a page session for token and returns a client that
// carries its cookie.
func signIn(t *testing.T, base, token string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: 256}}
	resp, err := c.PostForm(base+"/login", url.Values{"token": {token}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	return c
}

// procStatus reads a field of the server's /proc status, in KiB.
func procStatus(t *testing.T, pid int, field string) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

func openFDs(t *testing.T, pid int) int {
	t.Helper()
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatal(err)
	}
	return len(fds)
}

// TestStreamFloodFromOneSession: one session asks for 20,000 live
// streams, 200 at a time. It keeps the 8 a session may hold; every other
// request is refused at once (429), the server's descriptors stay few,
// and another user's stream, /healthz and a submission still work.
func TestStreamFloodFromOneSession(t *testing.T) {
	if testing.Short() {
		t.Skip("a flood of 20,000 requests")
	}
	dir, bin := proctest.BuildSandik(t)
	db := filepath.Join(dir, "flood.db")
	reg, token := prepareCrashDB(t, db)
	base, cmd, _ := startServer(t, bin, db)
	pid := cmd.Process.Pid
	attacker := signIn(t, base, token)
	live := base + "/races/race1/areas/TR/live"
	fdsBefore := openFDs(t, pid)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var held, refused, other atomic.Int64
	var wg sync.WaitGroup
	const total, parallel = 20_000, 200
	next := atomic.Int64{}
	var holds sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			for next.Add(1) <= total {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, live, nil)
				resp, err := attacker.Do(req)
				if err != nil {
					other.Add(1)
					continue
				}
				switch resp.StatusCode {
				case http.StatusOK:
					held.Add(1)
					holds.Go(func() { io.Copy(io.Discard, resp.Body); resp.Body.Close() }) // kept open until the end
				case http.StatusTooManyRequests:
					refused.Add(1)
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				default:
					other.Add(1)
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		})
	}
	wg.Wait()
	fdsDuring := openFDs(t, pid)
	t.Logf("%d streams held, %d refused, %d other; server descriptors %d before, %d with the held streams", held.Load(), refused.Load(), other.Load(), fdsBefore, fdsDuring)
	if held.Load() > 8 {
		t.Errorf("one session holds %d streams, want at most 8", held.Load())
	}
	if refused.Load() < total-8-int64(parallel) || other.Load() > 0 {
		t.Errorf("%d refused and %d otherwise answered of %d", refused.Load(), other.Load(), total)
	}
	if fdsDuring > fdsBefore+parallel+64 {
		t.Errorf("the server holds %d descriptors after the flood (was %d)", fdsDuring, fdsBefore)
	}

	// The night goes on for everyone else.
	if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz after the flood: %v %v", resp, err)
	}
	_, body, _ := crashSubmission(reg, 1, false)
	if code := post(context.Background(), http.DefaultClient, base, token, body); code != http.StatusCreated && code != http.StatusOK {
		t.Errorf("a submission after the flood: %d", code)
	}
	cancel()
	holds.Wait()
}

// TestBigBodiesFromOneUserBoundMemory: 200 connections of one user send
// 8 MiB bodies at once. The user's body budget (32 MiB) refuses most at
// once; the server's peak resident memory stays under 512 MiB, and
// afterwards another request is served.
func TestBigBodiesFromOneUserBoundMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("1.6 GB of request bodies")
	}
	dir, bin := proctest.BuildSandik(t)
	db := filepath.Join(dir, "bodies.db")
	reg, token := prepareCrashDB(t, db)
	base, cmd, _ := startServer(t, bin, db)
	pid := cmd.Process.Pid
	before := procStatus(t, pid, "VmHWM")

	// A batch of sheets padded to 8 MiB: valid JSON, as an attacker would
	// send to reach the decoder.
	var buf bytes.Buffer
	buf.WriteString(`{"submissions":[`)
	for i := 0; buf.Len() < 8<<20; i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		_, b, _ := crashSubmission(reg, i, false)
		buf.Write(b)
	}
	buf.WriteString(`]}`)
	body := buf.Bytes()

	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200}, Timeout: 2 * time.Minute}
	for range 200 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/submissions/batch", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			code := 0
			if resp, err := client.Do(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				code = resp.StatusCode
			}
			mu.Lock()
			statuses[code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	peak := procStatus(t, pid, "VmHWM")
	t.Logf("answers %v; server peak RSS %d MiB before, %d MiB after 200 × %d MiB bodies", statuses, before>>10, peak>>10, len(body)>>20)
	if peak > 512<<10 {
		t.Errorf("peak RSS %d MiB, want under 512 MiB", peak>>10)
	}
	if statuses[http.StatusTooManyRequests]+statuses[http.StatusRequestEntityTooLarge]+statuses[0] < 150 {
		t.Errorf("most of one user's 200 big bodies should be refused: %v", statuses)
	}
	if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz after the bodies: %v %v", resp, err)
	}
}
