package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/commitq"
)

// The benchmarks' bodies, shared by both backends so that their figures
// measure the same thing.

// AppendParallel appends one submission per operation from parallel
// callers and reports throughput and how the store's writer grouped
// them; stats reads the writer's counters.
func AppendParallel(b *testing.B, s sandik.LogWriter, stats func() commitq.Stats, next func() sandik.Submission) {
	before := stats()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Append(context.Background(), []sandik.Submission{next()}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "subs/s")
	after := stats()
	commits := float64(after.Commits - before.Commits)
	b.ReportMetric(float64(after.Requests-before.Requests)/commits, "calls/commit")
	b.ReportMetric(float64((after.CommitTime-before.CommitTime).Microseconds())/commits, "µs/commit")
}

// SaveRegistry is an import of reg into a new store from open: the first
// save, the same registry again, which writes nothing, and loading it
// back.
func SaveRegistry(b *testing.B, reg *sandik.Registry, open func(testing.TB) sandik.RegistryStore) {
	b.Logf("%d areas, %d races, %d registrations", len(reg.Areas), len(reg.Races), len(reg.Registrations))
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s := open(b)
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
