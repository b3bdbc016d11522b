package postgres

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
	"github.com/sandik-dev/sandik/synth"
)

// BenchmarkAppendConcurrent is election night on one instance: many
// callers, one submission each, every one committed (fsynced by the
// server) before it is answered. The goroutines are callers × GOMAXPROCS.
func BenchmarkAppendConcurrent(b *testing.B) {
	for _, callers := range []int{32, 128} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			s := openAt(b, pgtest.Schema(b))
			var next atomic.Int64
			b.SetParallelism(callers)
			before := s.Stats()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1)
					sub := storetest.Sub(fmt.Sprintf("bench-%d", i), storetest.Box1, i%100, 50)
					if _, err := s.Append(context.Background(), []sandik.Submission{sub}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "subs/s")
			after := s.Stats()
			commits := float64(after.Commits - before.Commits)
			b.ReportMetric(float64(after.Requests-before.Requests)/commits, "calls/commit")
			b.ReportMetric(float64((after.CommitTime-before.CommitTime).Microseconds())/commits, "µs/commit")
		})
	}
}

// BenchmarkSaveRegistry is an import of the whole country (about 200,000
// boxes): the first save, by COPY; the same registry again, which writes
// nothing; and loading it back.
func BenchmarkSaveRegistry(b *testing.B) {
	reg, err := synth.Registry(synth.Shape{Provinces: 81, DistrictsPerIl: 12, MahallesPerIlce: 42, BuildingsPerMah: 5,
		BoxesPerBuilding: 1, Races: 2, Choices: 8, RegisteredPerBox: 350})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d areas, %d races, %d registrations", len(reg.Areas), len(reg.Races), len(reg.Registrations))
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s := openAt(b, pgtest.Schema(b))
		b.StartTimer()
		start := time.Now()
		if err := s.SaveRegistry(ctx, reg); err != nil {
			b.Fatal(err)
		}
		first := time.Since(start)
		start = time.Now()
		if err := s.SaveRegistry(ctx, reg); err != nil {
			b.Fatal(err)
		}
		again := time.Since(start)
		start = time.Now()
		got, err := s.LoadRegistry(ctx)
		if err != nil || len(got.Areas) != len(reg.Areas) {
			b.Fatalf("LoadRegistry: %d areas, %v", len(got.Areas), err)
		}
		b.ReportMetric(first.Seconds(), "s/first-save")
		b.ReportMetric(again.Seconds(), "s/save-again")
		b.ReportMetric(time.Since(start).Seconds(), "s/load")
	}
}
