package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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
)

// benchReaders measures what reaches the origin when the public reads
// through a caching proxy: nginx (from the distribution's package: `apt-get
// install -y nginx-light`) with proxy_cache in front of a server whose
// sheets keep being verified, and simulated readers who read an area's
// snapshot index and follow it to the version it names, like a client.
// It reports the share of the readers' requests that reached the server
// (counted by the server) and how old the readers' figures were: the time
// since the server last found the version they were given current
// (Sandik-Checked-At), an upper bound of their staleness.
func benchReaders(e *cli.Env, args []string) error {
	fs := e.Flags("readers", "readers [flags]")
	requests := fs.Int("requests", 100_000, "readers' requests through nginx, an index and a version each reader")
	readers := fs.Int("readers", 64, "readers reading at once")
	rate := fs.Int("rate", 300, "submissions per second while they read (two entries verify a box)")
	nginxBin := fs.String("nginx", "nginx", "nginx binary")
	workers := fs.Int("nginx-workers", 1, "nginx worker processes")
	raceIndex := fs.Bool("race-index", true, "follow the race's index of every area (one document per race to refresh); false: each area's own index")
	districts := fs.Float64("districts", 0.05, "share of reads of a district (ilçe); the rest read the country (half) and the provinces")
	originAddr := fs.String("origin", "", "host:port of a running sandik with -public-snapshots (sandik demo) to read instead of the benchmark's own server and writes")
	raceCode := fs.String("race", "ibb", "with -origin: the race to read (the demo's metropolitan mayor by default)")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if *requests < 2 || *readers < 1 || *rate < 1 || *workers < 1 || *districts < 0 || *districts > 1 {
		return fmt.Errorf("-requests must be ≥ 2, -readers, -rate, -nginx-workers ≥ 1 and 0 ≤ -districts ≤ 1")
	}
	bin, err := exec.LookPath(*nginxBin)
	if err != nil {
		return fmt.Errorf("nginx is needed (apt-get install -y nginx-light): %w", err)
	}
	tmp, err := os.MkdirTemp("", "sandik-bench-readers-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var o *readersOrigin
	if *originAddr != "" {
		o, err = externalOrigin(*originAddr, *raceCode)
	} else {
		var closeOrigin func()
		o, closeOrigin, err = ownOrigin(e.Ctx, tmp)
		if closeOrigin != nil {
			defer closeOrigin()
		}
	}
	if err != nil {
		return err
	}
	proxy, stopNginx, err := startNginx(e.Ctx, bin, tmp, o.addr, *workers)
	if err != nil {
		return err
	}
	defer stopNginx()
	race, areas := o.race, o.areas
	fmt.Fprintf(e.Stdout, "machine: %s\n%s; nginx %s, %d worker(s), proxy_cache in front\n", machine(), o.desc, nginxVersion(bin), *workers)

	ctx, cancel := context.WithCancel(e.Ctx)
	defer cancel()
	stopWriting := func() (int64, int64) { return 0, 0 }
	if o.write != nil {
		stopWriting = o.write(ctx, *rate)
	}
	index0, version0 := o.counts()

	// The readers.
	type result struct {
		ages     []time.Duration
		statuses map[int]int
		cache    map[string]int
		errs     int
		firstErr error
	}
	results := make([]result, *readers)
	var left atomic.Int64
	left.Store(int64(*requests / 2))
	tr := &http.Transport{MaxIdleConnsPerHost: *readers, MaxConnsPerHost: *readers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range *readers {
		wg.Go(func() {
			res := &results[w]
			res.statuses, res.cache = map[int]int{}, map[string]int{}
			rnd := rand.New(rand.NewPCG(uint64(w), 2026))
			held := map[string]heldIndex{}
			fail := func(err error) {
				res.errs++
				if res.firstErr == nil {
					res.firstErr = err
				}
			}
			for left.Add(-1) >= 0 && ctx.Err() == nil {
				area := pickArea(rnd, areas, *districts, o.external)
				indexURL := "http://" + proxy + "/api/v1/snapshots/" + string(race)
				if !*raceIndex {
					indexURL += "/" + area
				}
				// A reader keeps the index it read last with its ETag, as a
				// browser's cache does, and asks whether it is still current.
				etag := ""
				if last, ok := held[indexURL]; ok {
					etag = last.etag
				}
				resp, body, err := get(ctx, client, indexURL, "If-None-Match", etag)
				if err != nil {
					fail(err)
					continue
				}
				res.statuses[resp.StatusCode]++
				res.cache[resp.Header.Get("X-Cache-Status")]++
				var idx readersIndex
				switch {
				case resp.StatusCode == http.StatusNotModified && etag != "":
					idx = held[indexURL].idx
				case resp.StatusCode == http.StatusOK && json.Unmarshal(body, &idx) == nil:
					held[indexURL] = heldIndex{resp.Header.Get("ETag"), idx}
				default:
					fail(fmt.Errorf("index of %s: %d %.200s", area, resp.StatusCode, body))
					continue
				}
				if *raceIndex {
					n, ok := idx.Areas[area]
					if !ok {
						fail(fmt.Errorf("the race's index does not name %s", area))
						continue
					}
					idx.Version = n
					idx.URL = strings.NewReplacer("{area}", area, "{version}", strconv.FormatInt(n, 10)).Replace(idx.URL)
				}
				checked, err := time.Parse(time.RFC3339Nano, resp.Header.Get("Sandik-Checked-At"))
				if err != nil {
					fail(fmt.Errorf("index of %s: Sandik-Checked-At %q", area, resp.Header.Get("Sandik-Checked-At")))
					continue
				}
				res.ages = append(res.ages, time.Since(checked))
				resp, body, err = get(ctx, client, "http://"+proxy+idx.URL, "", "")
				if err != nil {
					fail(err)
					continue
				}
				res.statuses[resp.StatusCode]++
				res.cache[resp.Header.Get("X-Cache-Status")]++
				if want := `{"version":` + strconv.FormatInt(idx.Version, 10) + `,`; resp.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte(want)) {
					fail(fmt.Errorf("version %s: %d %.80s", idx.URL, resp.StatusCode, body))
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	index1, version1 := o.counts()
	cancel()
	written, writeErrors := stopWriting()

	var ages []time.Duration
	statuses, cache := map[int]int{}, map[string]int{}
	errs := 0
	var firstErr error
	for _, r := range results {
		ages = append(ages, r.ages...)
		for k, v := range r.statuses {
			statuses[k] += v
		}
		for k, v := range r.cache {
			cache[k] += v
		}
		errs += r.errs
		if firstErr == nil {
			firstErr = r.firstErr
		}
	}
	slices.Sort(ages)
	pct := func(p float64) time.Duration {
		if len(ages) == 0 {
			return 0
		}
		return ages[int(p*float64(len(ages)-1))].Round(time.Millisecond)
	}
	sent := 0
	for _, n := range statuses {
		sent += n
	}
	originIndex, originVersion := index1-index0, version1-version0
	reached := originIndex + originVersion
	fmt.Fprintf(e.Stdout, "readers: %d requests through nginx in %s = %.0f/s by %d readers; statuses %v; nginx cache %v; errors %d\n",
		sent, took.Round(time.Millisecond), float64(sent)/took.Seconds(), *readers, statuses, cache, errs)
	if firstErr != nil {
		fmt.Fprintf(e.Stdout, "first error: %v\n", firstErr)
	}
	fmt.Fprintf(e.Stdout, "origin: %d requests (%d index, %d version) = %.3f%% of the readers'; snapshot versions made %s\n",
		reached, originIndex, originVersion, 100*float64(reached)/float64(max(sent, 1)), snapshotsMade(o.addr))
	fmt.Fprintf(e.Stdout, "age of the readers' figures (now − when the server last found their version current): p50 %s  p99 %s  max %s\n",
		pct(0.5), pct(0.99), pct(1))
	if o.write != nil {
		fmt.Fprintf(e.Stdout, "writes meanwhile: %d acknowledged (%.0f/s), %d failed\n", written, float64(written)/took.Seconds(), writeErrors)
	}
	if errs > 0 {
		return fmt.Errorf("%d readers' requests failed", errs)
	}
	return nil
}

// pickArea draws an area as the public reads them on the night: a share
// districts of the reads go to a district, of the rest half to the
// country and half to a province. areas are the country, 81 provinces,
// then the districts. Of another server's areas (external), half the
// reads go to the first (the race's scope), the rest evenly to the others.
func pickArea(rnd *rand.Rand, areas []string, districts float64, external bool) string {
	if external {
		if rnd.IntN(2) == 0 || len(areas) == 1 {
			return areas[0]
		}
		return areas[1+rnd.IntN(len(areas)-1)]
	}
	switch x := rnd.Float64(); {
	case x < districts && len(areas) > 82:
		return areas[82+rnd.IntN(len(areas)-82)]
	case x < districts+(1-districts)/2:
		return areas[0]
	default:
		return areas[1+rnd.IntN(81)]
	}
}

// readersIndex is an area's index, or the race's (Areas).
type readersIndex struct {
	Version int64            `json:"version"`
	URL     string           `json:"url"`
	Areas   map[string]int64 `json:"areas"`
}

// heldIndex is an index a reader read, with its ETag.
type heldIndex struct {
	etag string
	idx  readersIndex
}

func get(ctx context.Context, c *http.Client, url, header, value string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, nil, err
	}
	if value != "" {
		req.Header.Set(header, value)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// snapshotsMade reads the origin's count of versions made from /metrics.
func snapshotsMade(origin string) string {
	resp, err := http.Get("http://" + origin + "/metrics")
	if err != nil {
		return "?"
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, "sandik_snapshot_versions_made_total "); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

func nginxVersion(bin string) string {
	out, _ := exec.Command(bin, "-v").CombinedOutput()
	_, v, _ := strings.Cut(strings.TrimSpace(string(out)), "nginx/")
	return v
}

// nginxConf is the proxy's configuration: deploy/nginx.conf's snapshot
// rules, on loopback, with its files in one directory.
const nginxConf = `daemon off;
%[5]s
worker_processes %[1]d;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path %[2]s/body;
    proxy_temp_path %[2]s/proxy;
    fastcgi_temp_path %[2]s/fastcgi;
    uwsgi_temp_path %[2]s/uwsgi;
    scgi_temp_path %[2]s/scgi;
    proxy_cache_path %[2]s/cache levels=1:2 keys_zone=snapshots:10m max_size=256m inactive=10m use_temp_path=off;
    upstream sandik {
        server %[3]s;
        keepalive 64;
    }
    server {
        listen %[4]s;
        location /api/v1/snapshots/ {
            proxy_pass http://sandik;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache snapshots;
            proxy_cache_lock on;
            proxy_cache_lock_timeout 5s;
            proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;
            proxy_cache_background_update on;
            add_header X-Cache-Status $upstream_cache_status always;
        }
        location / {
            proxy_pass http://sandik;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
`

// startNginx runs nginx in front of origin on a free loopback port until
// stop, and returns the port's address once it accepts.
func startNginx(ctx context.Context, bin, dir, origin string, workers int) (addr string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr = ln.Addr().String()
	ln.Close()
	ndir := filepath.Join(dir, "nginx")
	if err := os.MkdirAll(ndir, 0o700); err != nil {
		return "", nil, err
	}
	// Started by root, nginx's workers would drop to nobody, who may not
	// reach a private temporary directory: they stay the benchmark's user.
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	conf := filepath.Join(ndir, "nginx.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, nginxConf, workers, ndir, origin, addr, user), 0o644); err != nil {
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "-p", ndir, "-c", conf)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start nginx: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop = func() {
		cmd.Process.Signal(os.Interrupt) // nginx: fast shutdown
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			return addr, stop, nil
		}
		select {
		case err := <-exited:
			errLog, _ := os.ReadFile(filepath.Join(ndir, "error.log"))
			return "", nil, fmt.Errorf("nginx exited (%v): %s%s", err, stderr.String(), errLog)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("nginx did not listen on %s within 10 s: %s", addr, stderr.String())
		}
	}
}

// readersOrigin is the server the readers' requests reach through nginx.
type readersOrigin struct {
	addr     string
	race     sandik.RaceCode
	areas    []string // what the readers read: the top area first
	desc     string
	external bool
	// counts returns the snapshot requests that reached the server so
	// far: indexes and versions.
	counts func() (index, version int64)
	// write, when set, keeps sheets being verified until ctx ends; the
	// function it returns waits for the writers and counts their writes.
	write func(ctx context.Context, rate int) (stop func() (written, failed int64))
}

// externalOrigin reads a running server: its race's index names the
// areas, and its /metrics counts the snapshot requests it answered.
func externalOrigin(addr string, race string) (*readersOrigin, error) {
	resp, err := http.Get("http://" + addr + "/api/v1/snapshots/" + race)
	if err != nil {
		return nil, fmt.Errorf("-origin %s: %w", addr, err)
	}
	defer resp.Body.Close()
	var idx readersIndex
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&idx) != nil || len(idx.Areas) == 0 {
		return nil, fmt.Errorf("-origin %s: the race's snapshot index answered %d (is it running with -public-snapshots, and is -race %s one of its races?)", addr, resp.StatusCode, race)
	}
	var areas []string
	for a := range idx.Areas {
		areas = append(areas, a)
	}
	slices.SortFunc(areas, func(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), cmp.Compare(a, b)) })
	counts := func() (int64, int64) {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return 0, 0
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		var index, version int64
		for line := range strings.Lines(string(data)) {
			if !strings.HasPrefix(line, "sandik_http_request_duration_seconds_count{") || !strings.Contains(line, `route="GET /api/v1/snapshots/`) {
				continue
			}
			n, _ := strconv.ParseFloat(strings.TrimSpace(line[strings.LastIndexByte(line, ' ')+1:]), 64)
			if strings.Contains(line, "{version}") {
				version += int64(n)
			} else {
				index += int64(n)
			}
		}
		return index, version
	}
	return &readersOrigin{addr: addr, race: sandik.RaceCode(race), areas: areas, external: true, counts: counts,
		desc: fmt.Sprintf("origin: the running server at %s, race %s, %d public areas (counted from its /metrics)", addr, race, len(areas))}, nil
}

// ownOrigin serves a synthetic country whose sheets the benchmark keeps
// verifying, counting the snapshot requests that reach it.
func ownOrigin(ctx context.Context, tmp string) (*readersOrigin, func(), error) {
	var closers []func()
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	log := slog.New(slog.DiscardHandler)
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(tmp, "readers.db"), Logger: log})
	if err != nil {
		return nil, closeAll, err
	}
	closers = append(closers, func() { st.Close() })
	// 81 provinces of 4 districts of 40 boxes: every district is public
	// (at least 20 boxes), its mahalle are not.
	shape := synth.Shape{Provinces: 81, DistrictsPerIl: 4, MahallesPerIlce: 4, BuildingsPerMah: 5, BoxesPerBuilding: 2,
		Races: 1, Choices: 10, RegisteredPerBox: 350}
	reg, err := synth.Registry(shape)
	if err != nil {
		return nil, closeAll, err
	}
	c, err := center.Open(ctx, center.Config{Store: st, Logger: log})
	if err != nil {
		return nil, closeAll, err
	}
	closers = append(closers, func() { c.Close() })
	if err := c.ImportRegistry(ctx, reg); err != nil {
		return nil, closeAll, err
	}
	tokens := make([]string, 16)
	for i := range tokens {
		u := sandik.User{ID: sandik.UserID(fmt.Sprintf("bench%d", i)), Name: "Bench", Role: sandik.RoleVolunteer}
		if tokens[i], err = c.CreateUser(ctx, u); err != nil {
			return nil, closeAll, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, closeAll, err
	}
	addr := ln.Addr().String()
	ws := web.New(web.Config{Center: c, Logger: log, Limits: benchLimits(), PublicSnapshots: true})
	var index, version atomic.Int64
	srv := ws.HTTPServer(addr)
	h := srv.Handler
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, "/api/v1/snapshots/"); ok {
			if strings.Count(rest, "/") <= 1 {
				index.Add(1)
			} else {
				version.Add(1)
			}
		}
		h.ServeHTTP(w, r)
	})
	go srv.Serve(ln)
	closers = append(closers, func() { srv.Close(); ws.Close() })

	var areas []string // TR, then provinces, then districts
	for _, level := range []sandik.AreaLevel{sandik.LevelCountry, sandik.LevelIl, sandik.LevelIlce} {
		for _, a := range reg.Areas {
			if a.Level == level {
				areas = append(areas, string(a.Code))
			}
		}
	}
	o := &readersOrigin{addr: addr, race: reg.Races[0].Code, areas: areas,
		desc:   fmt.Sprintf("synthetic registry: %d boxes, race %s; %d public areas (country, 81 il, ilçe)", shape.Boxes(), reg.Races[0].Code, len(areas)),
		counts: func() (int64, int64) { return index.Load(), version.Load() }}
	o.write = func(ctx context.Context, rate int) func() (int64, int64) {
		// The i-th pair of submissions is two people's agreeing entries
		// of one box: boxes keep being verified.
		gen := newSheetGen(reg)
		pairs := int64(len(gen.pairs))
		var written, failed atomic.Int64
		var writers sync.WaitGroup
		next := make(chan int64)
		writers.Go(func() {
			defer close(next)
			tick := time.NewTicker(time.Second / time.Duration(rate))
			defer tick.Stop()
			for j := int64(0); ; j++ {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				k, p, round := j%2, (j/2)%pairs, j/(2*pairs)
				select {
				case next <- (2*round+k)*pairs + p:
				case <-ctx.Done():
					return
				}
			}
		})
		for range 32 {
			writers.Go(func() {
				client := &loadclient.Client{Addr: addr}
				defer client.Close()
				var buf bytes.Buffer
				for i := range next {
					buf.Reset()
					gen.json(&buf, i)
					code, err := client.Post("/api/v1/submissions", tokens[gen.user(i)], buf.Bytes())
					if err != nil || code/100 != 2 {
						failed.Add(1)
						continue
					}
					written.Add(1)
				}
			})
		}
		return func() (int64, int64) {
			writers.Wait()
			return written.Load(), failed.Load()
		}
	}
	return o, closeAll, nil
}
