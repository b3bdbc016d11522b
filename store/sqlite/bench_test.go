package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
)

// benchSub is a realistic submission: a box of a district race with five
// choices, ids and codes as long as the real ones, a random (version 4)
// UUID as its id.
func benchSub(i int) sandik.Submission { return benchSubID(i, randomID(i)) }

func benchSubID(i int, id sandik.SubmissionID) sandik.Submission {
	votes := []int64{int64(100 + i%97), int64(80 + i%53), int64(20 + i%11), int64(i % 7), 3}
	var valid int64
	for _, v := range votes {
		valid += v
	}
	s := sandik.Submission{
		ID:     id,
		Race:   sandik.RaceCode(fmt.Sprintf("2024-yerel.%02d.bb", i%81)),
		Box:    sandik.AreaCode(fmt.Sprintf("%02d.%04d.%06d.%04d", i%81, i%973, i%50000, 1000+i%9000)),
		User:   sandik.UserID(fmt.Sprintf("observer-%06d", i%200000)),
		Source: sandik.SourceObserver, Kind: sandik.KindEntry,
		CapturedAt: time.Date(2024, 3, 31, 17, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond),
		ReceivedAt: time.Date(2024, 3, 31, 17, 5, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond),
		Sheet: sandik.Tutanak{Registered: 380, Voted: valid + 6, ValidWithoutObjection: valid, ValidTotal: valid,
			Invalid: 6, Votes: votes},
	}
	s.Hash = s.ContentHash()
	return s
}

// randomID looks like the random (version 4) UUIDs that crypto.randomUUID
// gives a phone: the unique index sees keys all over its range.
func randomID(i int) sandik.SubmissionID {
	h := sha256.Sum256(binary.BigEndian.AppendUint64(nil, uint64(i)))
	return sandik.SubmissionID(fmt.Sprintf("%x-%x-4%x-a%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])[:36])
}

// orderedID looks like a time-ordered (version 7) UUID: a rising prefix
// and a random tail, so new keys land at the end of the unique index.
func orderedID(i int) sandik.SubmissionID {
	h := sha256.Sum256(binary.BigEndian.AppendUint64(nil, uint64(i)))
	return sandik.SubmissionID(fmt.Sprintf("%08x-%04x-7%x-a%x-%x", i>>16, i&0xffff, h[6:8], h[8:10], h[10:16])[:36])
}

func benchStore(b testing.TB) *Store {
	b.Helper()
	s, err := Open(context.Background(), Options{Path: filepath.Join(b.TempDir(), "bench.db")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkAppendConcurrent is election night: many callers, one
// submission each, every one durably committed (synchronous=FULL) before
// it is answered. Group commit is what makes this fast. The goroutines are
// callers × GOMAXPROCS.
func BenchmarkAppendConcurrent(b *testing.B) {
	for _, ids := range []struct {
		name string
		fn   func(int) sandik.SubmissionID
	}{{"random", randomID}, {"ordered", orderedID}} {
		for _, callers := range []int{32, 128} {
			b.Run(fmt.Sprintf("ids=%s/callers=%d", ids.name, callers), func(b *testing.B) {
				s := benchStore(b)
				var next atomic.Int64
				b.SetParallelism(callers)
				b.ReportAllocs()
				b.ResetTimer()
				storetest.AppendParallel(b, s, s.Stats, func() sandik.Submission {
					i := int(next.Add(1))
					return benchSubID(i, ids.fn(i))
				})
			})
		}
	}
}

// BenchmarkAppendLargeLog is the same later in the night, with a million
// submissions (200,000 with -short) already in the log: the unique and box
// indexes no longer fit a few pages, so each random key costs a page write.
func BenchmarkAppendLargeLog(b *testing.B) {
	n := 1_000_000
	if testing.Short() {
		n = 200_000
	}
	s := benchStore(b)
	fill(b, s, n)
	for _, ids := range []struct {
		name string
		fn   func(int) sandik.SubmissionID
	}{{"random", randomID}, {"ordered", orderedID}} {
		b.Run("ids="+ids.name, func(b *testing.B) {
			var next atomic.Int64
			next.Store(int64(n) + int64(len(ids.name))<<40) // fresh ids in every run
			b.SetParallelism(128)
			b.ResetTimer()
			storetest.AppendParallel(b, s, s.Stats, func() sandik.Submission {
				i := int(next.Add(1))
				return benchSubID(i, ids.fn(i))
			})
		})
	}
}

// BenchmarkAppendBatch is an import: one caller, 1,000 submissions a call.
func BenchmarkAppendBatch(b *testing.B) {
	s := benchStore(b)
	const per = 1000
	subs := make([]sandik.Submission, per)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		for j := range subs {
			subs[j] = benchSub(i*per + j)
		}
		if _, err := s.Append(context.Background(), subs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*per)/time.Since(start).Seconds(), "subs/s")
}

// BenchmarkSince is the start-up rebuild: the whole log read in pages of
// 50,000, as the tally does. 2,000,000 submissions (a national night);
// 200,000 with -short.
func BenchmarkSince(b *testing.B) {
	n := 2_000_000
	if testing.Short() {
		n = 200_000
	}
	s := benchStore(b)
	fill(b, s, n)
	const page = 50_000
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		total := 0
		var after int64
		for {
			subs, err := s.Since(context.Background(), after, page)
			if err != nil {
				b.Fatal(err)
			}
			total += len(subs)
			if len(subs) < page {
				break
			}
			after = subs[len(subs)-1].Seq
		}
		if total != n {
			b.Fatalf("read %d submissions, want %d", total, n)
		}
	}
	elapsed := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(elapsed.Seconds(), "s/full-read")
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(n), "ns/sub")
}

// fill appends n submissions in large calls from a few goroutines.
func fill(b *testing.B, s *Store, n int) {
	b.Helper()
	const per, workers = 5000, 4
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			subs := make([]sandik.Submission, 0, per)
			for {
				start := int(next.Add(per)) - per
				if start >= n {
					return
				}
				subs = subs[:0]
				for i := start; i < min(start+per, n); i++ {
					subs = append(subs, benchSub(i))
				}
				if _, err := s.Append(context.Background(), subs); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
