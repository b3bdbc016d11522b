package center_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik/store/sqlite"
)

// BenchmarkNextSheet200 hands out sheets to 200 volunteers at once on
// SQLite: each asks for the next sheet and types it, over and over; the
// time of the asking alone is measured, once the queue is loaded. Run
// with a fixed count, e.g.
// go test ./center -run x -bench NextSheet200 -benchtime 4000x
func BenchmarkNextSheet200(b *testing.B) {
	const vols = 200
	boxes := max(b.N, 2*vols)
	st, err := sqlite.Open(context.Background(), sqlite.Options{Path: b.TempDir() + "/k.db"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	f := openKeying(b, st, boxes, 2)
	photo := sheetPhoto(b, 1)
	ctx := context.Background()
	for i := range boxes {
		if _, _, err := f.c.AddSheetPhoto(ctx, f.obs, keyRace, keyBox(i), photo); err != nil {
			b.Fatal(err)
		}
	}
	// The first request after a start reads every photo and lease into
	// the queue, under its lock; with the volunteers all asking at once
	// that one read (tens of ms) is every volunteer's first wait, 200 of
	// the samples, and it alone made the p99. It happens once a start,
	// so it is done here, before the clock, by the uploader (who is
	// handed nothing).
	if _, _, err := f.c.NextSheet(ctx, f.obs); err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	var lat []time.Duration
	work := make(chan struct{}, b.N)
	for range b.N {
		work <- struct{}{}
	}
	close(work)
	b.ResetTimer()
	var wg sync.WaitGroup
	for v := range vols {
		wg.Go(func() {
			u := volunteer(v)
			mine := make([]time.Duration, 0, b.N/vols+1)
			for range work {
				t0 := time.Now()
				task, ok, err := f.c.NextSheet(ctx, u)
				mine = append(mine, time.Since(t0))
				if err != nil {
					b.Error(err)
					return
				}
				if !ok {
					continue
				}
				if _, err := f.c.TypeSheet(ctx, u, task.Lease, typing(100, 50)); err != nil {
					b.Error(err)
					return
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) == 0 {
		return
	}
	q := func(p float64) float64 {
		return float64(lat[min(int(p*float64(len(lat))), len(lat)-1)].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}
