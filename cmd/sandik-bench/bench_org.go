package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/promhist"
	"github.com/sandik-dev/sandik/synth"
)

// orgShapes are the organisations `submit -org` can load before its run.
var orgShapes = map[string]synth.OrgShape{
	"tenth":    {Il: 81, Ilce: 973, Mahalle: 3200, People: 100_000, Positions: 200_000, Assignments: 25_000},
	"national": synth.NationalOrg,
}

// probe is what the organisation's reads measured while the submit load
// ran: their latencies, sorted, and the answers other than 200.
type probe struct {
	lat  []time.Duration
	errs map[int]int
}

func (p *probe) pct(q float64) time.Duration {
	if len(p.lat) == 0 {
		return 0
	}
	return p.lat[int(q*float64(len(p.lat)-1))].Round(10 * time.Microsecond)
}

// probeCharts asks for the chart of a random unit as of a random day
// every interval until ctx ends, as an administrator on addr, and
// measures each answer whole (status, headers and body read).
func probeCharts(ctx context.Context, addr, token string, units []sandik.Unit, every time.Duration) *probe {
	return probeGets(ctx, addr, token, every, func(rng *rand.Rand) string {
		u := units[rng.IntN(len(units))]
		return fmt.Sprintf("/api/v1/units/%s?at=%04d-06-15", u.Code, 2012+rng.IntN(14))
	})
}

// probeCoverage asks for the coverage of a random area (any level above
// the boxes) of election every interval until ctx ends.
func probeCoverage(ctx context.Context, addr, token string, election sandik.ElectionCode, areas []sandik.AreaCode, every time.Duration) *probe {
	return probeGets(ctx, addr, token, every, func(rng *rand.Rand) string {
		return fmt.Sprintf("/api/v1/elections/%s/coverage/%s", election, areas[rng.IntN(len(areas))])
	})
}

// observersAt assigns a person of c to about nine boxes in ten of the
// first election of reg, as the demo does, and returns the areas above
// the boxes, for probeCoverage.
func observersAt(reg *sandik.Registry, c sandik.OrgChange) (sandik.ElectionCode, []sandik.Assignment, []sandik.AreaCode) {
	e := reg.Elections[0].Code
	var as []sandik.Assignment
	var areas []sandik.AreaCode
	at := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	boxes := 0
	for _, a := range reg.Areas {
		if a.Level != sandik.LevelSandik {
			areas = append(areas, a.Code)
			continue
		}
		if _, ok := reg.Registered(e, a.Code); !ok {
			continue
		}
		if boxes++; boxes%10 == 0 {
			continue // a gap
		}
		as = append(as, sandik.Assignment{Election: e, Box: a.Code, Person: c.People[len(as)%len(c.People)].ID, AssignedAt: at, AssignedBy: "bench"})
	}
	return e, as, areas
}

// probeGets asks for the path next makes every interval until ctx ends,
// as the holder of token on addr, and measures each answer whole.
func probeGets(ctx context.Context, addr, token string, every time.Duration, next func(*rand.Rand) string) *probe {
	p := &probe{errs: map[int]int{}}
	client := &http.Client{Timeout: 10 * time.Second}
	rng := rand.New(rand.NewPCG(3, 17))
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			slices.Sort(p.lat)
			return p
		case <-tick.C:
		}
		url := "http://" + addr + next(rng)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			p.errs[-1]++
			continue
		}
		req.Header.Set("Authorization", "Bearer "+token)
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				p.errs[-1]++
			}
			continue
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			p.errs[resp.StatusCode]++
			continue
		}
		p.lat = append(p.lat, time.Since(t0))
	}
}

// Routes whose origin time the benchmark reports beside its clients'.
const (
	chartRoute    = "GET /api/v1/units/{code}"
	coverageRoute = "GET /api/v1/elections/{election}/coverage/{area}"
	totalsRoute   = "GET /api/v1/races/{race}/totals/{area}"
)

// originTimes reads the request histograms of the server at addr: how
// long the server itself took to answer each route (200s), without the
// time a request waited in the load generator's process or in the
// kernel, which on these shared cores is most of what a client measures.
func originTimes(ctx context.Context, addr string) (map[string]promhist.Histogram, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read %s/metrics: %w", addr, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("read %s/metrics: answered %d: %v", addr, resp.StatusCode, err)
	}
	return promhist.Routes(body, "200")
}

// originLine describes the origin's own time for route between two
// readings of its histograms.
func originLine(before, after map[string]promhist.Histogram, route string) string {
	h := after[route].Sub(before[route])
	if h.Count() == 0 {
		return "none answered"
	}
	ms := func(s float64) string { return strconv.FormatFloat(s*1000, 'f', 2, 64) + "ms" }
	return fmt.Sprintf("%.0f answered; p50 %s  p99 %s  within 1 ms %.1f%%  within 5 ms %.1f%%",
		h.Count(), ms(h.Quantile(0.5)), ms(h.Quantile(0.99)), 100*h.Within(0.001), 100*h.Within(0.005))
}
