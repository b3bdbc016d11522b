package tally

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/synth"
)

// BenchmarkApply measures box changes per second on one core: each
// submission changes one box's figures in a race of 20 choices whose boxes
// sit 5 levels below the top (country, il, ilçe, mahalle, building).
func BenchmarkApply(b *testing.B) {
	shape := synth.Shape{Provinces: 20, DistrictsPerIl: 10, MahallesPerIlce: 20, BuildingsPerMah: 5, BoxesPerBuilding: 2,
		Races: 1, Choices: 20, RegisteredPerBox: 350}
	reg, err := synth.Registry(shape)
	if err != nil {
		b.Fatal(err)
	}
	subs := synth.Entries(reg, 2, 1)
	b.ReportAllocs()
	b.ResetTimer()
	var e *Engine
	applied := 0
	for i := 0; i < b.N; i++ {
		if applied%len(subs) == 0 {
			b.StopTimer()
			e = New(reg)
			b.StartTimer()
		}
		s := &subs[applied%len(subs)]
		s.Seq = int64(applied%len(subs) + 1)
		e.Apply(subs[applied%len(subs) : applied%len(subs)+1])
		applied++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "changes/s")
}

// BenchmarkBoxFlood measures one more entry of a box that one person has
// already entered prior times, with a thousand different sheets, beside one
// honest entry: the cost must not grow with prior. "rebuild" applies the
// flood of 429,000 rows in pages of 1,000, as a restart does.
func BenchmarkBoxFlood(b *testing.B) {
	shape := synth.Shape{Provinces: 2, DistrictsPerIl: 2, MahallesPerIlce: 2, BuildingsPerMah: 2, BoxesPerBuilding: 2,
		Races: 1, Choices: 20, RegisteredPerBox: 350}
	reg, err := synth.Registry(shape)
	if err != nil {
		b.Fatal(err)
	}
	honest := synth.Entries(reg, 1, 1)[0]
	honest.Seq = 1
	// floodLog returns the attacker's entries from the from-th, n of them.
	floodLog := func(from, n int) []sandik.Submission {
		log := make([]sandik.Submission, n)
		for i := range log {
			s := honest
			s.Seq, s.User, s.ID = int64(from+i+2), "attacker", sandik.SubmissionID(fmt.Sprint(from+i))
			s.Sheet.Votes = slices.Clone(s.Sheet.Votes)
			s.Sheet.Votes[0] = int64((from + i) % 1000)
			log[i] = s
		}
		return log
	}
	for _, prior := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("prior=%d", prior), func(b *testing.B) {
			e := New(reg)
			e.Apply([]sandik.Submission{honest})
			for i := 0; i < prior; i += 1000 {
				e.Apply(floodLog(i, 1000))
			}
			next := floodLog(prior, 1000)
			seq := next[0].Seq
			runtime.GC() // the prior pages are garbage: not a heap to scan
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				s := &next[i%len(next)]
				s.Seq = seq
				seq++
				e.Apply(next[i%len(next) : i%len(next)+1])
			}
			st, err := e.Box(honest.Race, honest.Box)
			if err != nil || len(st.Entries) != 2 {
				b.Fatalf("box lists %d entries (%v), want the honest one and the attacker's", len(st.Entries), err)
			}
			rt := e.races[honest.Race]
			b.ReportMetric(float64(len(rt.boxes[rt.boxIdx[honest.Box]].entries)), "held")
		})
	}
	b.Run("rebuild=429000", func(b *testing.B) {
		log := append([]sandik.Submission{honest}, floodLog(0, 429_000)...)
		b.ReportAllocs()
		for b.Loop() {
			e := New(reg)
			for i := 0; i < len(log); i += 1000 {
				e.Apply(log[i:min(len(log), i+1000)])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(log)), "ns/entry")
	})
}

// BenchmarkReadDuringApply measures how long readers of the country's
// totals wait while a follower that fell behind applies a page of 50,000
// submissions (a tenth of a national night's shape), with the lock held
// for a chunk at a time as Apply does, and for the whole page as it did.
// The metrics are the readers' p99 and longest read.
func BenchmarkReadDuringApply(b *testing.B) {
	reg, err := synth.Registry(memoryShape)
	if err != nil {
		b.Fatal(err)
	}
	subs := synth.Entries(reg, 2, 1)[:50_000]
	for i := range subs {
		subs[i].Seq = int64(i + 1)
	}
	rc := reg.Races[0]
	for _, bc := range []struct {
		name  string
		chunk int
	}{{"chunked", applyChunkSize}, {"chunk64", 64}, {"chunk256", 256}, {"whole", len(subs)}} {
		b.Run(bc.name, func(b *testing.B) {
			var waits []time.Duration
			for range b.N {
				e := New(reg)
				e.chunk = bc.chunk
				done := make(chan struct{})
				var wg sync.WaitGroup
				var mu sync.Mutex
				for range 2 {
					wg.Go(func() {
						// A dashboard's read every half millisecond, not a
						// reader spinning: readers wait, they do not
						// compete for the cores.
						tick := time.NewTicker(500 * time.Microsecond)
						defer tick.Stop()
						var mine []time.Duration
						for {
							select {
							case <-done:
								mu.Lock()
								waits = append(waits, mine...)
								mu.Unlock()
								return
							case <-tick.C:
							}
							start := time.Now()
							if _, err := e.Totals(rc.Code, rc.Scope); err != nil {
								b.Error(err)
							}
							mine = append(mine, time.Since(start))
						}
					})
				}
				e.Apply(subs)
				close(done)
				wg.Wait()
			}
			slices.Sort(waits)
			if len(waits) > 0 {
				b.ReportMetric(float64(waits[len(waits)*99/100].Microseconds()), "p99-µs")
				b.ReportMetric(float64(waits[len(waits)-1].Microseconds()), "max-µs")
			}
		})
	}
}
