package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// overload sends sheets from three times as many writers at once as the
// server admits, until at least minShed have been refused and 100
// acknowledged, and checks the
// promise of the write path under load: a refusal comes at once with 503
// or 429 and Retry-After, never after a wait for capacity; and the log
// holds every acknowledged sheet and none of the refused.
func overload(t *testing.T, e *env, writers, minShed int, wantStatus int) {
	t.Helper()
	for i := range writers {
		e.AddUser(sandik.User{ID: sandik.UserID(fmt.Sprintf("load%d", i)), Name: "Load", Role: sandik.RoleVolunteer})
	}
	var (
		mu       sync.Mutex
		acked    = map[string]bool{}
		refused  = map[string]bool{}
		slowest  time.Duration
		other    []string
		shedDone = make(chan struct{})
		once     sync.Once
	)
	var boxes []string // the blind fixture's 64, so that no one enters a box past the quota
	for _, b := range e.Center.Registry().RaceBoxes(webtest.BlindRace) {
		boxes = append(boxes, string(b))
	}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := 0; i < 5000; i++ {
				select {
				case <-shedDone:
					return
				default:
				}
				id := fmt.Sprintf("ov-%d-%d", w, i)
				s := webtest.BlindSheet(id, boxes[(w+i)%len(boxes)], int64(100+i%50), 80, 3)
				start := time.Now()
				r := e.Do("POST", "/api/v1/submissions", fmt.Sprintf("load%d", w), s)
				took := time.Since(start)
				mu.Lock()
				switch {
				case r.Status == http.StatusCreated:
					acked[id] = true
					if len(refused) >= minShed && len(acked) >= 100 {
						once.Do(func() { close(shedDone) })
					}
				case r.Status == wantStatus:
					refused[id] = true
					slowest = max(slowest, took)
					if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 1 {
						other = append(other, fmt.Sprintf("%s: %d without Retry-After", id, r.Status))
					}
					if len(refused) >= minShed && len(acked) >= 100 {
						once.Do(func() { close(shedDone) })
					}
				default:
					other = append(other, fmt.Sprintf("%s: %d %s", id, r.Status, r.Body))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(other) > 0 {
		t.Fatalf("%d answers neither acknowledged nor shed, first %s", len(other), other[0])
	}
	if len(refused) < minShed {
		t.Fatalf("%d refused of %d, want at least %d: the overload was not shed", len(refused), len(refused)+len(acked), minShed)
	}
	if len(acked) < 100 {
		t.Fatalf("%d acknowledged under overload, want at least 100", len(acked))
	}
	// A refusal is at once: nothing in it waits for a slot or a commit.
	if slowest > 2*time.Second {
		t.Errorf("the slowest refusal took %v", slowest)
	}
	inLog := map[string]bool{}
	for after := int64(0); ; {
		page, err := e.Store.Since(t.Context(), after, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, s := range page {
			inLog[string(s.ID)] = true
		}
		after = page[len(page)-1].Seq
	}
	for id := range acked {
		if !inLog[id] {
			t.Errorf("acknowledged %s is not in the log", id)
		}
	}
	for id := range refused {
		if inLog[id] {
			t.Errorf("refused %s is in the log", id)
		}
	}
	t.Logf("%d acknowledged, %d shed (slowest refusal %v)", len(acked), len(refused), slowest)
}

// Three times as many writers as write slots: the rest are shed with 503.
func TestOverloadShedsWriteSlots(t *testing.T) {
	e := newBlindEnv(t, func(c *Config) {
		c.MaxInFlightWrites = 2
		c.Limits = &handler.Limits{}
	})
	overload(t, e, 6, 20, http.StatusServiceUnavailable)
}

// Three times as many bodies as the bytes everyone may have in memory:
// the rest are shed with 503 before a byte of them is read.
func TestOverloadShedsBodyBytes(t *testing.T) {
	e := newBlindEnv(t, func(c *Config) {
		c.MaxInFlightWrites = -1
		size := len(mustJSON(t, webtest.BlindSheet("ov-0-0000", webtest.BlindBigBox, 100, 80, 3)))
		c.Limits = &handler.Limits{BodyBytesTotal: int64(2 * size)}
	})
	overload(t, e, 6, 20, http.StatusServiceUnavailable)
}

// Every append is slower than a nanosecond: while one is under way, even
// the fastest recent one took too long, and writes are refused at once
// until the appends under way are done.
func TestOverloadShedsWriteTime(t *testing.T) {
	e := newBlindEnv(t, func(c *Config) {
		c.MaxInFlightWrites = -1
		c.MaxWriteWait = time.Nanosecond
		c.Limits = &handler.Limits{}
	})
	overload(t, e, 6, 20, http.StatusServiceUnavailable)
	r := e.Do("GET", "/metrics", "", nil)
	const counter = `sandik_http_writes_shed_total{bound="write_time"} `
	i := strings.Index(string(r.Body), counter)
	if i < 0 {
		t.Fatalf("/metrics (%d) has no %s", r.Status, counter)
	}
	line, _, _ := strings.Cut(string(r.Body[i+len(counter):]), "\n")
	if n, err := strconv.ParseFloat(line, 64); err != nil || n < 20 {
		t.Errorf("/metrics counts %q writes shed for their write time, want at least 20", line)
	}
}

// newBlindEnv serves the blind fixture's 64 boxes.
func newBlindEnv(t *testing.T, adjust ...func(*Config)) *env {
	t.Helper()
	e := &env{}
	e.Env = webtest.Start(t, webtest.BlindRegistry(t), openStore, func(w *webtest.Env) (http.Handler, func()) {
		cfg := Config{Center: w.Center, Logger: w.Logger}
		for _, f := range adjust {
			f(&cfg)
		}
		e.srv = New(cfg)
		return e.srv.Handler(), e.srv.Close
	})
	return e
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
