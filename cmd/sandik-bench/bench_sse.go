package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/cmd/internal/loadclient"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/synth"
	"github.com/sandik-dev/sandik/web"
	"github.com/sandik-dev/sandik/web/handler"
)

// benchSSE measures how fast live pages learn of submissions: many
// clients hold the overview's event stream open while sheets arrive at a
// fixed rate over HTTP; for every acknowledged submission and every
// client, the delay runs from the submission's intended send time to the
// arrival of the first event whose version includes it. Server, clients
// and load generator share the machine.
func benchSSE(e *cli.Env, args []string) error {
	fs := e.Flags("sse", "sse [flags]")
	clients := fs.Int("clients", 1000, "live pages holding an event stream open")
	rate := fs.Int("rate", 2000, "submissions per second (open model)")
	duration := fs.Duration("duration", 20*time.Second, "how long submissions flow")
	workers := fs.Int("workers", 64, "connections of the load generator")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if *clients < 1 || *rate < 1 || *duration <= 0 || *workers < 1 {
		return fmt.Errorf("-clients, -rate and -workers must be ≥ 1 and -duration > 0")
	}
	tmp, err := os.MkdirTemp("", "sandik-bench-sse-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	log := slog.New(slog.DiscardHandler)
	st, err := sqlite.Open(e.Ctx, sqlite.Options{Path: filepath.Join(tmp, "sse.db"), Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	shape := synth.Shape{Provinces: 10, DistrictsPerIl: 10, MahallesPerIlce: 20, BuildingsPerMah: 5, BoxesPerBuilding: 2,
		Races: 5, Choices: 10, RegisteredPerBox: 350}
	reg, err := synth.Registry(shape)
	if err != nil {
		return err
	}
	c, err := center.Open(e.Ctx, center.Config{Store: st, Logger: log})
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.ImportRegistry(e.Ctx, reg); err != nil {
		return err
	}
	tokens := make([]string, 16)
	for i := range tokens {
		u := sandik.User{ID: sandik.UserID(fmt.Sprintf("bench%d", i)), Name: "Bench", Role: sandik.RoleVolunteer}
		if tokens[i], err = c.CreateUser(e.Ctx, u); err != nil {
			return err
		}
	}
	coordToken, err := c.CreateUser(e.Ctx, sandik.User{ID: "watcher", Name: "Watcher", Role: sandik.RoleCoordinator})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ws := web.New(web.Config{Center: c, Logger: log, Limits: benchLimits()})
	srv := ws.HTTPServer(addr)
	go srv.Serve(ln)
	defer srv.Close()
	defer ws.Close()
	fmt.Fprintf(e.Stdout, "machine: %s\nsynthetic registry: %d boxes × %d races; %d live clients on the overview of race1, country level; %d submissions/s for %s\n",
		machine(), shape.Boxes(), shape.Races, *clients, *rate, *duration)

	cookie, err := benchLogin(addr, coordToken)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(e.Ctx)
	defer cancel()
	streams := make([]*sseClient, *clients)
	var ready sync.WaitGroup
	for i := range streams {
		streams[i] = &sseClient{}
		ready.Add(1)
		go streams[i].run(ctx, addr, "/races/race1/areas/TR/live", cookie, ready.Done)
	}
	ready.Wait()
	failed := 0
	for _, s := range streams {
		if s.err != nil {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d streams failed to open: %v", failed, *clients, streams[0].err)
	}

	gen := newSheetGen(reg)
	cpu0 := readCPU()
	sends := submitAtRate(e, addr, gen, tokens, *workers, *rate, *duration)
	cpu := readCPU().self - cpu0.self
	// Let the last events arrive, then stop the clients.
	last, err := st.LastSeq(e.Ctx)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && !allSeen(streams, last) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	for _, s := range streams {
		<-s.done
	}

	// Map each acknowledged submission to its log position.
	sentAt := make(map[int64]time.Time, len(sends.at))
	for after := int64(0); ; {
		page, err := st.Since(e.Ctx, after, 50_000)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for _, s := range page {
			if i, err := strconv.ParseInt(strings.TrimPrefix(string(s.ID), "h"), 10, 64); err == nil {
				if t, ok := sends.at[i]; ok {
					sentAt[s.Seq] = t
				}
			}
		}
		after = page[len(page)-1].Seq
	}
	var delays []time.Duration
	missed := 0
	for _, s := range streams {
		prev := s.snapshot
		for _, ev := range s.events {
			for q := prev + 1; q <= ev.seq; q++ {
				if t, ok := sentAt[q]; ok {
					delays = append(delays, ev.at.Sub(t))
				}
			}
			prev = max(prev, ev.seq)
		}
		for q := prev + 1; q <= last; q++ {
			if _, ok := sentAt[q]; ok {
				missed++
			}
		}
	}
	slices.Sort(delays)
	pct := func(p float64) time.Duration {
		if len(delays) == 0 {
			return 0
		}
		return delays[int(p*float64(len(delays)-1))].Round(time.Millisecond)
	}
	events := 0
	for _, s := range streams {
		events += len(s.events)
	}
	fmt.Fprintf(e.Stdout, "submissions: %d acknowledged in %s = %.0f/s; errors %v; submit latency p99 %s\n",
		len(sends.at), sends.took.Round(time.Millisecond), float64(len(sends.at))/sends.took.Seconds(), sends.errors, sends.p99.Round(time.Millisecond))
	fmt.Fprintf(e.Stdout, "events: %d received by %d clients (%.1f per client per second); dropped as slow by the server: %d; streams cut: %d\n",
		events, *clients, float64(events)/float64(*clients)/sends.took.Seconds(), ws.DroppedSubscribers(), cutStreams(streams))
	fmt.Fprintf(e.Stdout, "submit → event delay over %d (submission, client) pairs: p50 %s  p90 %s  p99 %s  max %s; never delivered %d\n",
		len(delays), pct(0.5), pct(0.9), pct(0.99), pct(1), missed)
	// The streams' share of it: run again with -clients 1 for the rest.
	fmt.Fprintf(e.Stdout, "CPU while submissions flowed: this process %.1f s over %s on %d CPUs (server, live clients and load generator; %.0f µs per event received)\n",
		cpu.Seconds(), sends.took.Round(time.Millisecond), runtime.NumCPU(), float64(cpu.Microseconds())/float64(max(events, 1)))
	return nil
}

func allSeen(streams []*sseClient, seq int64) bool {
	for _, s := range streams {
		if s.lastSeq.Load() < seq {
			return false
		}
	}
	return true
}

func cutStreams(streams []*sseClient) int {
	n := 0
	for _, s := range streams {
		if s.cut {
			n++
		}
	}
	return n
}

// benchLogin signs in like a browser and returns the session cookie.
func benchLogin(addr, token string) (string, error) {
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm("http://"+addr+"/login", url.Values{"token": {token}})
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if strings.HasSuffix(ck.Name, "sandik_session") {
			return ck.Name + "=" + ck.Value, nil
		}
	}
	return "", fmt.Errorf("login answered %d without a session cookie", resp.StatusCode)
}

// sseClient holds one event stream open over a raw connection and notes
// when each event arrived.
type sseClient struct {
	snapshot int64
	events   []sseArrival
	lastSeq  atomic.Int64
	err      error
	cut      bool // the stream ended before the benchmark did
	done     chan struct{}
}

type sseArrival struct {
	seq int64
	at  time.Time
}

func (s *sseClient) run(ctx context.Context, addr, path, cookie string, ready func()) {
	s.done = make(chan struct{})
	defer close(s.done)
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		s.err = err
		ready()
		return
	}
	defer conn.Close()
	go func() { <-ctx.Done(); conn.Close() }()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\nCookie: %s\r\n\r\n", path, addr, cookie)
	r := bufio.NewReaderSize(conn, 64<<10)
	status, err := r.ReadString('\n')
	if err != nil || !strings.Contains(status, " 200 ") {
		s.err = fmt.Errorf("stream answered %q: %v", strings.TrimSpace(status), err)
		ready()
		return
	}
	first := true
	var id int64
	for {
		line, err := r.ReadSlice('\n')
		if err != nil && err != bufio.ErrBufferFull {
			if ctx.Err() == nil {
				s.cut = true
			}
			if first {
				s.err = err
				ready()
			}
			return
		}
		switch {
		case bytes.HasPrefix(line, []byte("id: ")):
			id, _ = strconv.ParseInt(string(bytes.TrimSpace(line[4:])), 10, 64)
		case bytes.HasPrefix(line, []byte("event: totals")):
			now := time.Now()
			if first {
				first = false
				s.snapshot = id
				s.lastSeq.Store(id)
				ready()
				continue
			}
			s.events = append(s.events, sseArrival{id, now})
			s.lastSeq.Store(id)
		}
	}
}

type sendResult struct {
	at     map[int64]time.Time // submission number → intended send time, acknowledged ones only
	took   time.Duration
	errors map[int]int
	p99    time.Duration
}

// submitAtRate sends sheets at a constant rate (open model) with the
// bench's minimal HTTP client and records when each acknowledged one was
// meant to be sent.
func submitAtRate(e *cli.Env, addr string, gen *sheetGen, tokens []string, workers, rate int, d time.Duration) sendResult {
	res := sendResult{at: map[int64]time.Time{}, errors: map[int]int{}}
	ctx, cancel := benchContext(e, d)
	defer cancel()
	type slot struct {
		i  int64
		at time.Time
	}
	slots := make(chan slot, rate)
	go func() {
		defer close(slots)
		interval := time.Second / time.Duration(rate)
		t0 := time.Now()
		for k := int64(0); ctx.Err() == nil; k++ {
			at := t0.Add(time.Duration(k) * interval)
			if wait := time.Until(at); wait > 0 {
				select {
				case <-time.After(wait):
				case <-ctx.Done():
					return
				}
			}
			select {
			case slots <- slot{k + 1, at}:
			case <-ctx.Done():
				return
			}
		}
	}()
	var mu sync.Mutex
	var lat []time.Duration
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			client := &loadclient.Client{Addr: addr}
			defer client.Close()
			var buf bytes.Buffer
			for sl := range slots {
				buf.Reset()
				gen.json(&buf, sl.i)
				code, err := client.Post("/api/v1/submissions", tokens[gen.user(sl.i)], buf.Bytes())
				mu.Lock()
				switch {
				case err != nil:
					if ctx.Err() == nil {
						res.errors[-1]++
					}
				case code/100 == 2:
					res.at[sl.i] = sl.at
					lat = append(lat, time.Since(sl.at))
				default:
					res.errors[code]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.took = time.Since(start)
	slices.Sort(lat)
	if len(lat) > 0 {
		res.p99 = lat[int(0.99*float64(len(lat)-1))]
	}
	return res
}

// benchLimits are none: a benchmark's few synthetic clients stand for
// thousands of users, and it measures the server, not one user's share.
func benchLimits() *handler.Limits { return &handler.Limits{} }
