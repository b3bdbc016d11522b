package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/synth"
)

// orgShapes are the organisations `submit -org` can load before its run.
var orgShapes = map[string]synth.OrgShape{
	"tenth":    {Il: 81, Ilce: 973, Mahalle: 3200, People: 100_000, Positions: 200_000},
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
		u := units[rng.IntN(len(units))]
		url := fmt.Sprintf("http://%s/api/v1/units/%s?at=%04d-06-15", addr, u.Code, 2012+rng.IntN(14))
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
