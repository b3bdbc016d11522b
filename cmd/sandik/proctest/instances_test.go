package proctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/proctest"
	"github.com/sandik-dev/sandik/store/postgres"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/tally"
)

// TestTwoInstancesAgree starts two `sandik serve` on one PostgreSQL
// database, submits to both at once over HTTP, and checks that both show
// the same totals, equal to the sum of what was acknowledged.
func TestTwoInstancesAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two real servers")
	}
	st, reg, token, urls := twoInstances(t, nil)
	const workers, each = 8, 150
	var (
		mu     sync.Mutex
		wg     sync.WaitGroup
		acked  = map[sandik.SubmissionID]int64{} // id → valid total
		failed []string
	)
	for w := range workers {
		wg.Go(func() {
			client := &http.Client{Timeout: 10 * time.Second}
			for k := range each {
				i := w*each + k // one box each: the expected totals are a plain sum
				id, body, _ := crashSubmission(reg, i, false)
				code := post(context.Background(), client, urls[(w+k)%2], token, body)
				mu.Lock()
				if code == http.StatusCreated {
					acked[id] = int64(i%97) + 150
				} else {
					failed = append(failed, fmt.Sprintf("%s: HTTP %d", id, code))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(failed) > 0 {
		t.Fatalf("%d submissions not acknowledged, first %s", len(failed), failed[0])
	}
	var want int64
	for _, v := range acked {
		want += v
	}
	head, err := st.LastSeq(context.Background())
	if err != nil || head != int64(workers*each) {
		t.Fatalf("log head %d (%v), want %d", head, err, workers*each)
	}
	a, b := totalsAt(t, urls[0], token, head), totalsAt(t, urls[1], token, head)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("the instances disagree:\n%+v\n%+v", a.Totals, b.Totals)
	}
	if got := a.Totals.Provisional.ValidTotal; got != want || a.Totals.BoxesReported != len(acked) {
		t.Fatalf("totals: valid %d over %d boxes; brute-force sum %d over %d", got, a.Totals.BoxesReported, want, len(acked))
	}
}

// twoInstances prepares a PostgreSQL database, lets prepare add to it,
// and starts two `sandik serve` on it with flags added, stopped with
// SIGTERM when the test ends. It returns the store, the registry, a
// coordinator's token and the instances' URLs.
func twoInstances(t *testing.T, prepare func(sandik.Store), flags ...string) (*postgres.Store, *sandik.Registry, string, []string) {
	t.Helper()
	url := pgtest.Schema(t)
	_, bin := proctest.BuildSandik(t)
	st := proctest.OpenPostgres(t, url)
	reg, token := proctest.PrepareStore(t, st)
	if prepare != nil {
		prepare(st)
	}
	urls := make([]string, 2)
	for i := range urls {
		u, proc, _ := startServerLog(t, bin, url, os.Stderr, flags...)
		urls[i] = u
		t.Cleanup(func() { proc.Process.Signal(syscall.SIGTERM); proc.Wait() })
	}
	return st, reg, token, urls
}

// totalsAt polls an instance until its totals of race1 in TR reflect the
// log up to head, and returns them.
func totalsAt(t *testing.T, base, token string, head int64) tally.AreaTotals {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/races/race1/totals/TR", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var at tally.AreaTotals
		err = json.NewDecoder(resp.Body).Decode(&at)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET totals at %s: HTTP %d, %v", base, resp.StatusCode, err)
		}
		if at.Seq >= head {
			return at
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: totals stuck at seq %d, log head %d", base, at.Seq, head)
		}
		<-tick.C
	}
}

// TestKillOneInstance SIGKILLs one of two instances sharing PostgreSQL
// while both take submissions. Every acknowledged submission must be in
// the log with its content, nothing refused may be, and the survivor's
// totals must equal a recount of the log; a restarted instance catches
// up to the same totals.
func TestKillOneInstance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds, runs and kills real servers")
	}
	url := pgtest.Schema(t)
	_, bin := proctest.BuildSandik(t)
	st := proctest.OpenPostgres(t, url)
	reg, token := proctest.PrepareStore(t, st)
	victim, vproc, _ := startServer(t, bin, url)
	survivor, sproc, _ := startServer(t, bin, url)
	t.Cleanup(func() { sproc.Process.Signal(syscall.SIGTERM); sproc.Wait() })
	var (
		mu      sync.Mutex
		wg      sync.WaitGroup
		acked   = map[sandik.SubmissionID]string{}
		refused = map[sandik.SubmissionID]bool{}
		killed  = make(chan struct{})
		toDead  int
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for w := range 8 {
		target := []string{victim, survivor}[w%2]
		wg.Go(func() {
			client := &http.Client{Timeout: 5 * time.Second}
			for i := w * 100_000; ctx.Err() == nil; i++ {
				id, body, want := crashSubmission(reg, i, i%17 == 0)
				code := post(ctx, client, target, token, body)
				mu.Lock()
				switch {
				case code/100 == 2:
					acked[id] = want
				case code == http.StatusUnprocessableEntity:
					refused[id] = true
				case code == 0 && target == victim:
					toDead++
				}
				mu.Unlock()
				if code == 0 && target == victim {
					select {
					case <-killed:
						return // the victim is gone; its clients give up
					default:
					}
				}
			}
		})
	}
	time.AfterFunc(400*time.Millisecond, func() {
		vproc.Process.Signal(syscall.SIGKILL)
		close(killed)
	})
	// The survivor keeps taking submissions after the kill.
	time.AfterFunc(900*time.Millisecond, cancel)
	wg.Wait()
	vproc.Wait()
	t.Logf("acknowledged %d, refused %d, cut off at the victim %d", len(acked), len(refused), toDead)
	restarted, rproc, _ := startServer(t, bin, url)
	t.Cleanup(func() { rproc.Process.Signal(syscall.SIGTERM); rproc.Wait() })
	// The victim's database connection may still commit the batch it had
	// sent when it died, after the load ended: compare only over a log
	// that stood still while both instances were read and it was recounted.
	for attempt := 1; ; attempt++ {
		head, err := st.LastSeq(context.Background()) // ctx ended the load
		if err != nil {
			t.Fatal(err)
		}
		want, boxes := proctest.CheckStore(t, st, acked, refused)
		got := totalsAt(t, survivor, token, head)
		again := totalsAt(t, restarted, token, head)
		after, err := st.LastSeq(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if after != head || got.Seq != head || again.Seq != head {
			if attempt == 5 {
				t.Fatalf("the log kept growing after the load ended: seq %d to %d", head, after)
			}
			continue
		}
		if got.Totals.Provisional.ValidTotal != want || got.Totals.BoxesReported != boxes {
			t.Fatalf("survivor's totals: valid %d over %d boxes; recount of the log: %d over %d",
				got.Totals.Provisional.ValidTotal, got.Totals.BoxesReported, want, boxes)
		}
		if !reflect.DeepEqual(again, got) {
			t.Fatalf("the restarted instance disagrees with the survivor:\n%+v\n%+v", again.Totals, got.Totals)
		}
		return
	}
}

// TestTwoInstancesNameSnapshotsAlike: two instances on one database, each
// box entered once on each and so verified, publish every province's
// snapshot under the same version number with the same bytes, and either
// answers the version the other's index names, as readers behind one
// cache are sent to either.
func TestTwoInstancesNameSnapshotsAlike(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two real servers")
	}
	var second string
	st, reg, token, urls := twoInstances(t, func(st sandik.Store) {
		c, err := center.Open(t.Context(), center.Config{Store: st})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if second, err = c.CreateUser(t.Context(), sandik.User{ID: "crash2", Name: "Second Entry", Role: sandik.RoleCoordinator}); err != nil {
			t.Fatal(err)
		}
	}, "-public-snapshots")
	client := &http.Client{Timeout: 10 * time.Second}
	const boxes = 120
	for i := range boxes {
		// Boxes 41 apart: every province gets some.
		_, body, _ := crashSubmission(reg, i*41, false)
		if code := post(t.Context(), client, urls[i%2], token, body); code != http.StatusCreated {
			t.Fatalf("first entry %d: HTTP %d", i, code)
		}
		body = bytes.Replace(body, []byte(`"crash-`), []byte(`"second-`), 1)
		if code := post(t.Context(), client, urls[(i+1)%2], second, body); code != http.StatusCreated {
			t.Fatalf("second entry %d: HTTP %d", i, code)
		}
	}
	head, err := st.LastSeq(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range urls {
		totalsAt(t, u, token, head)
	}
	get := func(u string) (int, []byte, http.Header) {
		t.Helper()
		resp, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, body, resp.Header
	}
	var verified int
	for _, a := range reg.Areas {
		if a.Level != sandik.LevelIl {
			continue
		}
		var idx [2]struct {
			Version int64  `json:"version"`
			URL     string `json:"url"`
		}
		var docs [2][]byte
		var tags [2]string
		for i, u := range urls {
			code, body, _ := get(u + "/api/v1/snapshots/race1/" + string(a.Code))
			if code != http.StatusOK || json.Unmarshal(body, &idx[i]) != nil {
				t.Fatalf("%s index of %s: HTTP %d %s", u, a.Code, code, body)
			}
		}
		for i, u := range urls {
			// The version the other instance's index names.
			code, body, h := get(u + idx[1-i].URL)
			if code != http.StatusOK {
				t.Fatalf("%s asked for %s: HTTP %d %s", u, idx[1-i].URL, code, body)
			}
			docs[i], tags[i] = body, h.Get("ETag")
		}
		if idx[0].Version != idx[1].Version || idx[0].Version == 0 || !bytes.Equal(docs[0], docs[1]) || tags[0] != tags[1] {
			t.Fatalf("%s: versions %d and %d, tags %s and %s, documents\n%s\n%s", a.Code, idx[0].Version, idx[1].Version, tags[0], tags[1], docs[0], docs[1])
		}
		var doc struct {
			Verified int `json:"boxes_verified"`
		}
		json.Unmarshal(docs[0], &doc)
		verified += doc.Verified
	}
	if verified != boxes {
		t.Fatalf("the provinces' snapshots count %d boxes verified, want %d", verified, boxes)
	}
}
