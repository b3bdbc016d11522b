package rehearse

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/loadclient"
)

// readResult is what the dashboard readers saw.
type readResult struct {
	lat    []time.Duration
	errors map[int]int64
}

// readDashboards runs readers that each read an area's totals every
// period until ctx ends, as coordinators' dashboards poll: the country,
// a province or a district of any race, at random. Latency runs from the
// intended time of the read.
func readDashboards(ctx context.Context, n *Night, hosts []string, token string, readers int, period time.Duration) readResult {
	var areas []sandik.AreaCode
	for _, a := range n.Registry.Areas {
		if a.Level <= sandik.LevelIlce {
			areas = append(areas, a.Code)
		}
	}
	res := readResult{errors: map[int]int64{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for r := range readers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(n.seed, uint64(r)))
			// A dashboard is a browser, which accepts gzip.
			c := &loadclient.Client{Addr: hosts[r%len(hosts)], Gzip: true}
			defer c.Close()
			var lat []time.Duration
			errs := map[int]int64{}
			// Readers start spread over one period, not all at once.
			next := time.Now().Add(time.Duration(rng.Int64N(int64(period))))
			timer := time.NewTimer(0)
			defer timer.Stop()
			for {
				timer.Reset(time.Until(next))
				select {
				case <-timer.C:
				case <-ctx.Done():
					mu.Lock()
					res.lat = append(res.lat, lat...)
					for k, v := range errs {
						res.errors[k] += v
					}
					mu.Unlock()
					return
				}
				rc := n.Races[rng.IntN(len(n.Races))]
				area := areas[rng.IntN(len(areas))]
				code, _, _, err := c.Do("GET", "/api/v1/races/"+string(rc.Code)+"/totals/"+string(area), "Bearer "+token, nil)
				switch {
				case err != nil:
					if ctx.Err() == nil {
						errs[-1]++
					}
				case code == 200:
					lat = append(lat, time.Since(next))
				default:
					errs[code]++
				}
				next = next.Add(period)
				if behind := time.Since(next); behind > period {
					// A reader that fell behind skips the reads it missed
					// rather than firing them back to back.
					next = next.Add(behind.Truncate(period))
				}
			}
		})
	}
	wg.Wait()
	slices.Sort(res.lat)
	return res
}

// sseResult is what the live pages' event streams saw.
type sseResult struct {
	opened, failed int
	// cut counts streams the server ended during the night (a slow
	// subscriber dropped by the broker, say); each was opened again after
	// the two seconds the server's retry field asks for, as a browser
	// does. reopenFailed counts reconnections refused.
	cut, reopenFailed int
	events            int64
	firstErr          error
}

// watchLive holds clients event streams of the race overview's country
// page open until ctx ends, as the wall screens of a centre do, and counts
// the events they get.
func watchLive(ctx context.Context, n *Night, hosts []string, cookie string, clients int) sseResult {
	var res sseResult
	var events atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			rc := n.Races[i%len(n.Races)]
			path := "/races/" + string(rc.Code) + "/areas/TR/live"
			for first := true; ctx.Err() == nil; first = false {
				opened, cut, err := streamLive(ctx, hosts[i%len(hosts)], path, cookie, &events)
				if !opened && ctx.Err() != nil {
					return // the night ended while it was opening
				}
				mu.Lock()
				switch {
				case !opened && first:
					res.failed++
				case !opened:
					res.reopenFailed++
				case first:
					res.opened++
				}
				if !opened && res.firstErr == nil {
					res.firstErr = err
				}
				if cut {
					res.cut++
				}
				mu.Unlock()
				if !opened && first {
					return
				}
				select {
				case <-time.After(2 * time.Second):
				case <-ctx.Done():
				}
			}
		})
	}
	wg.Wait()
	res.events = events.Load()
	return res
}

// streamLive reads one event stream until ctx ends. cut is true when the
// server ended it first.
func streamLive(ctx context.Context, host, path, cookie string, events *atomic.Int64) (opened, cut bool, err error) {
	conn, err := net.DialTimeout("tcp", host, 10*time.Second)
	if err != nil {
		return false, false, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	// Connection: close, so that a stream the server ends ends the
	// connection too rather than waiting, kept alive, for a next request.
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\nConnection: close\r\nCookie: %s\r\n\r\n", path, host, cookie)
	r := bufio.NewReaderSize(conn, 32<<10)
	status, err := r.ReadString('\n')
	if err != nil || !strings.Contains(status, " 200 ") {
		return false, false, fmt.Errorf("live stream answered %q: %v", strings.TrimSpace(status), err)
	}
	for {
		line, err := r.ReadSlice('\n')
		if err != nil && err != bufio.ErrBufferFull {
			return true, ctx.Err() == nil, nil
		}
		if bytes.HasPrefix(line, []byte("event: totals")) {
			events.Add(1)
		}
	}
}
