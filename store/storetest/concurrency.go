package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

var concurrencyTests = []test{
	{"ManyWriters", testManyWriters},
	{"RetriesOfOneID", testConcurrentRetries},
	{"ReadersDuringWrites", testReadersDuringWrites},
}

// testManyWriters appends from many goroutines at once, the way observers'
// phones do on election night: every receipt has its own seq and every
// submission is in the log exactly once.
func testManyWriters(t *testing.T, o Opener) {
	s := o.Open(t)
	const writers, calls, per = 16, 20, 3
	var wg sync.WaitGroup
	receipts := make([][]sandik.Receipt, writers)
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for c := range calls {
				rs, err := s.Append(context.Background(), Subs(fmt.Sprintf("w%d-c%d", w, c), per))
				if err != nil {
					errs <- err
					return
				}
				receipts[w] = append(receipts[w], rs...)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent Append: %v", err)
	}
	seqs := map[int64]sandik.SubmissionID{}
	for _, rs := range receipts {
		for _, r := range rs {
			if other, dup := seqs[r.Seq]; dup {
				t.Fatalf("seq %d given to both %q and %q", r.Seq, other, r.ID)
			}
			seqs[r.Seq] = r.ID
		}
	}
	all := All(t, s)
	if len(all) != writers*calls*per {
		t.Fatalf("log holds %d submissions, want %d", len(all), writers*calls*per)
	}
	for _, sub := range all {
		if seqs[sub.Seq] != sub.ID {
			t.Fatalf("log has %q at seq %d, receipts said %q", sub.ID, sub.Seq, seqs[sub.Seq])
		}
	}
}

// testConcurrentRetries sends the same submission from many goroutines,
// like a phone retrying over a flaky connection: one row, one seq, and
// exactly one caller told it wrote it.
func testConcurrentRetries(t *testing.T, o Opener) {
	s := o.Open(t)
	const n = 24
	sub := Sub("retried", Box1, 4, 5, 6)
	receipts := make([]sandik.Receipt, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			rs, err := s.Append(context.Background(), []sandik.Submission{sub})
			errs[i] = err
			if err == nil {
				receipts[i] = rs[0]
			}
		})
	}
	wg.Wait()
	written := 0
	for i, r := range receipts {
		if errs[i] != nil {
			t.Fatalf("retry %d: %v", i, errs[i])
		}
		if r.Seq != receipts[0].Seq || !r.ReceivedAt.Equal(receipts[0].ReceivedAt) {
			t.Errorf("retry %d got receipt %+v, retry 0 got %+v", i, r, receipts[0])
		}
		if !r.Replayed {
			written++
		}
	}
	if written != 1 {
		t.Errorf("%d callers were told they wrote the submission, want 1", written)
	}
	if all := All(t, s); len(all) != 1 {
		t.Errorf("log holds %d submissions, want 1", len(all))
	}
}

// testReadersDuringWrites follows the log the way the tally does while
// writers append: what a reader sees is always a prefix of the final log.
func testReadersDuringWrites(t *testing.T, o Opener) {
	s := o.Open(t)
	const writers, calls = 4, 15
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for c := range calls {
				if _, err := s.Append(ctx, Subs(fmt.Sprintf("rw%d-%d", w, c), 2)); err != nil {
					t.Errorf("Append: %v", err)
					return
				}
			}
		})
	}
	var seen []sandik.Submission
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		default:
		}
		after := int64(0)
		if len(seen) > 0 {
			after = seen[len(seen)-1].Seq
		}
		page, err := s.Since(ctx, after, 7)
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, page...)
		if len(page) == 0 && !finished {
			if err := s.WaitFor(ctx, after, 10*time.Millisecond); err != nil {
				t.Fatal(err)
			}
		}
	}
	seen = append(seen, All(t, s)[len(seen):]...)
	if d := sameSubs(All(t, s), seen); d != "" {
		t.Fatalf("a follower saw something other than the log (-want +got):\n%s", d)
	}
}
