package rehearse

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sandik-dev/sandik/cmd/internal/loadclient"
)

// Sizes of the HTTP faults.
const (
	slowWriters  = 8  // half finish within the fault, half would take twice the body timeout
	slowReaders  = 8  // read an answer a byte at a time through a small window
	abandoned    = 64 // bodies cut off half-way
	overloadConn = 64
)

// slowClients sends bodies a byte at a time and reads answers as slowly:
// those within the body timeout must be acknowledged, those beyond it cut
// by the server at about the timeout, and the regular load's latency
// (Before and During) must not suffer.
func (env *faultEnv) slowClients(ctx context.Context, r *FaultResult) {
	type outcome struct {
		slow     bool
		code     int
		took     time.Duration
		num      int64
		err      error
		gotBytes int
	}
	var mu sync.Mutex
	var outs []outcome
	var wg sync.WaitGroup
	var buf bytes.Buffer
	for i := range slowWriters {
		num, ok := env.corr.take()
		if !ok {
			break
		}
		p, k := env.corr.entry(num)
		env.n.correctionJSON(&buf, num, p, k)
		body := slices.Clone(buf.Bytes())
		slow := i%2 == 1
		// Well within the timeout, or a starved machine's late ticks
		// would make it a slow one.
		span := min(env.length*8/10, env.bodyTimeout/2)
		if slow {
			span = 2 * env.bodyTimeout
		}
		every := span / time.Duration(len(body))
		host, auth := env.hosts[i%len(env.hosts)], "Bearer "+env.typists[typistOf(p, k, len(env.typists))]
		wg.Go(func() {
			t0 := time.Now()
			code, err := trickle(ctx, host, auth, body, every, env.bodyTimeout+span+10*time.Second)
			switch {
			case code/100 == 2:
				env.corr.set(num, corrAcked)
			case code == 408 || code == 429 || code == 503:
				env.corr.set(num, corrRefused)
			}
			mu.Lock()
			outs = append(outs, outcome{slow: slow, code: code, took: time.Since(t0), num: num, err: err})
			mu.Unlock()
		})
	}
	for i := range slowReaders {
		host := env.hosts[i%len(env.hosts)]
		path := "/api/v1/races/" + string(env.n.Races[i%len(env.n.Races)].Code) + "/totals/TR"
		wg.Go(func() {
			t0 := time.Now()
			got, err := readSlowly(ctx, host, path, "Bearer "+env.coordinator, env.length)
			mu.Lock()
			outs = append(outs, outcome{code: -2, took: time.Since(t0), gotBytes: got, err: err})
			mu.Unlock()
		})
	}
	wg.Wait()
	var fastOK, fastN, slowN, slowCut, readBytes int
	var slowMax time.Duration
	var notes []string
	for _, o := range outs {
		switch {
		case o.code == -2:
			readBytes += o.gotBytes
		case o.slow:
			slowN++
			slowMax = max(slowMax, o.took)
			if o.code/100 != 2 {
				slowCut++
			}
		default:
			fastN++
			if o.code/100 == 2 {
				fastOK++
			} else {
				notes = append(notes, fmt.Sprintf("a body sent within the timeout answered %d (%v)", o.code, o.err))
			}
		}
	}
	r.Summary = fmt.Sprintf("%d bodies sent a byte at a time within the %s body timeout: %d acknowledged; %d sent too slowly: %d cut by the server, the last after %.1f s; %d slow readers took %d bytes in %s",
		fastN, env.bodyTimeout, fastOK, slowN, slowCut, slowMax.Seconds(), slowReaders, readBytes, env.length)
	switch {
	case fastOK < fastN:
		r.Problem = strings.Join(notes, "; ")
	case slowCut < slowN || slowMax > env.bodyTimeout+5*time.Second:
		r.Problem = fmt.Sprintf("of %d bodies slower than the body timeout (%s), %d were cut, the last after %.1f s: a slow client is not bounded", slowN, env.bodyTimeout, slowCut, slowMax.Seconds())
	}
}

// trickle posts body a byte every every, reading the answer as it comes:
// the server may answer (a timeout) before the body is all sent.
func trickle(ctx context.Context, host, auth string, body []byte, every, limit time.Duration) (int, error) {
	conn, err := net.DialTimeout("tcp", host, 10*time.Second)
	if err != nil {
		return -1, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	conn.SetDeadline(time.Now().Add(limit))
	answered := make(chan struct{})
	var code int
	var rerr error
	go func() {
		defer close(answered)
		code, rerr = readStatus(bufio.NewReader(conn))
	}()
	if _, err := fmt.Fprintf(conn, "POST /api/v1/submissions HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", host, auth, len(body)); err != nil {
		return -1, err
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for i := range body {
		if _, err := conn.Write(body[i : i+1]); err != nil {
			break // the server closed it: its answer, if any, is read below
		}
		select {
		case <-t.C:
		case <-answered:
			return code, rerr
		}
	}
	<-answered
	return code, rerr
}

func readStatus(r *bufio.Reader) (int, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return -1, err
	}
	if len(line) < 12 {
		return -1, fmt.Errorf("bad status line %q", line)
	}
	code, err := strconv.Atoi(line[9:12])
	if err != nil {
		return -1, fmt.Errorf("bad status line %q", line)
	}
	return code, nil
}

// readSlowly asks for path and reads the answer a byte at a time through
// a small receive window for d, then hangs up; it returns the bytes read.
func readSlowly(ctx context.Context, host, path, auth string, d time.Duration) (int, error) {
	conn, err := net.DialTimeout("tcp", host, 10*time.Second)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetReadBuffer(1024)
	}
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\nConnection: close\r\n\r\n", path, host, auth); err != nil {
		return 0, err
	}
	end := time.Now().Add(d)
	t := time.NewTicker(d / 200)
	defer t.Stop()
	one := make([]byte, 1)
	got := 0
	for time.Now().Before(end) {
		conn.SetReadDeadline(end)
		if _, err := conn.Read(one); err != nil {
			return got, nil // all read, or the server gave up on us
		}
		got++
		<-t.C
	}
	return got, nil
}

// disconnectMidBody opens connections that send half a body and hang up:
// nothing of them may be logged (the check proves it) and the servers'
// goroutines must come back to what they were.
func (env *faultEnv) disconnectMidBody(ctx context.Context, r *FaultResult) {
	// The load moves the count: the most of five reads is the count
	// before, which the half bodies held must top by half their number,
	// and which the count must come back to (with a slack) once they are
	// let go.
	_, base, err := env.metrics.goroutinesRange(5, 100*time.Millisecond)
	if err != nil {
		r.Problem, r.Summary = err.Error(), err.Error()
		return
	}
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	var buf bytes.Buffer
	for i := range abandoned {
		num, ok := env.corr.take()
		if !ok {
			break
		}
		env.corr.set(num, corrAbandoned)
		p, k := env.corr.entry(num)
		env.n.correctionJSON(&buf, num, p, k)
		host := env.hosts[i%len(env.hosts)]
		c, err := net.DialTimeout("tcp", host, 10*time.Second)
		if err != nil {
			r.Problem = fmt.Sprintf("connect: %v", err)
			break
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "POST /api/v1/submissions HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
			host, env.typists[typistOf(p, k, len(env.typists))], buf.Len())
		c.Write(buf.Bytes()[:buf.Len()/2])
	}
	// The servers hold a goroutine per connection waiting for the rest;
	// a starved machine may take a while to accept them all. A bounded
	// poll: only the servers' count says when they hold them.
	held := 0.0
	for t0 := time.Now(); time.Since(t0) < 5*time.Second && ctx.Err() == nil; sleepCtx(ctx, 50*time.Millisecond) {
		if g, err := env.metrics.goroutinesMax(1, 0); err == nil {
			held = max(held, g)
		}
		if held >= base+float64(len(conns))/2 {
			break
		}
	}
	for _, c := range conns {
		c.(*net.TCPConn).SetLinger(0) // a reset, not a polite close
		c.Close()
	}
	n := len(conns)
	conns = nil
	t0 := time.Now()
	after, back := held, false
	// A bounded poll of the servers' own count: nothing else says when
	// their goroutines have returned. The regular load moves the count
	// too, hence the slack of 10.
	for time.Since(t0) < 30*time.Second && ctx.Err() == nil {
		if after, err = env.metrics.goroutinesMax(1, 0); err == nil && after <= base+10 {
			back = true
			break
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
	r.Goroutines = []float64{base, held, after}
	r.Summary = fmt.Sprintf("%d connections sent half a body and hung up: server goroutines %.0f before (most of 5 reads), %.0f while held, %.0f after", n, base, held, after)
	if back {
		r.Summary += fmt.Sprintf(", back within %.1f s", time.Since(t0).Seconds())
	} else if r.Problem == "" {
		r.Problem = fmt.Sprintf("the servers' goroutines were %.0f 30 s after %d half-sent bodies were dropped, %.0f before", after, n, base)
	}
}

// overload sends twice the load's rate more for the fault's length, one
// try each: the servers must shed what they cannot take at once (503 or
// 429 with Retry-After) and acknowledge only what they wrote.
func (env *faultEnv) overload(ctx context.Context, r *FaultResult) {
	o := &Overload{Rate: 2 * env.baseRate}
	r.Overload = o
	type sent struct {
		num int64
		at  time.Time
	}
	work := make(chan sent, 1<<14)
	start := time.Now()
	go func() {
		defer close(work)
		every := time.Duration(float64(time.Second) / o.Rate)
		for at := time.Duration(0); at < env.length; at += every {
			if wait := time.Until(start.Add(at)); wait > 0 && !sleepCtx(ctx, wait) {
				return
			}
			num, ok := env.corr.take()
			if !ok {
				return
			}
			select {
			case work <- sent{num, start.Add(at)}:
			case <-ctx.Done():
				return
			}
		}
	}()
	var mu sync.Mutex
	var shedLat, shedAnswer, ackLat []time.Duration
	var wg sync.WaitGroup
	for w := range overloadConn {
		wg.Go(func() {
			c := &loadclient.Client{Addr: env.hosts[w%len(env.hosts)]}
			defer c.Close()
			var buf bytes.Buffer
			for s := range work {
				p, k := env.corr.entry(s.num)
				env.n.correctionJSON(&buf, s.num, p, k)
				sentAt := time.Now()
				code, retry, _, err := c.Do("POST", "/api/v1/submissions", "Bearer "+env.typists[typistOf(p, k, len(env.typists))], buf.Bytes())
				d, answer := time.Since(s.at), time.Since(sentAt)
				mu.Lock()
				o.Sent++
				switch {
				case err != nil:
					o.Other++
				case code/100 == 2:
					env.corr.set(s.num, corrAcked)
					o.Acked++
					ackLat = append(ackLat, d)
				case code == 503 || code == 429:
					env.corr.set(s.num, corrRefused)
					if code == 503 {
						o.Shed503++
					} else {
						o.Shed429++
					}
					if retry > 0 {
						o.WithRetry++
					}
					shedLat = append(shedLat, d)
					shedAnswer = append(shedAnswer, answer)
				default:
					o.Other++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(shedLat)
	slices.Sort(shedAnswer)
	slices.Sort(ackLat)
	o.ShedLatency, o.ShedAnswer, o.AckLatency = latencyOf(shedLat), latencyOf(shedAnswer), latencyOf(ackLat)
	r.Summary = fmt.Sprintf("%.0f entries/s more (3× the load's %.0f/s) for %s, one try each: %d sent, %d acknowledged (p99 %s), %d refused with 503 and %d with 429",
		o.Rate, env.baseRate, env.length, o.Sent, o.Acked, msText(o.AckLatency.P99), o.Shed503, o.Shed429)
	if shed := o.Shed503 + o.Shed429; shed > 0 {
		r.Summary += fmt.Sprintf(" (%d with Retry-After; from the intended send time to the refusal p50 %s, p99 %s; from the request's sending p50 %s, p99 %s)",
			o.WithRetry, msText(o.ShedLatency.P50), msText(o.ShedLatency.P99), msText(o.ShedAnswer.P50), msText(o.ShedAnswer.P99))
	} else {
		r.Summary += " (the servers took it all: 3× was within their capacity)"
	}
	r.Summary += fmt.Sprintf(", %d other", o.Other)
	if shed := o.Shed503 + o.Shed429; shed > 0 && o.WithRetry < shed {
		r.Problem = fmt.Sprintf("%d of %d refusals for load carried no Retry-After", shed-o.WithRetry, shed)
	}
}
