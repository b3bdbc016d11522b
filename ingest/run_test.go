package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/ingest"
	"github.com/sandik-dev/sandik/synth"
)

// flakySink loses its database after a number of batches.
type flakySink struct {
	*center.Center
	left atomic.Int32
}

var errGone = errors.New("database went away")

func (f *flakySink) AppendImported(ctx context.Context, in []sandik.ImportedSheet) ([]sandik.Receipt, error) {
	if f.left.Add(-1) < 0 {
		return nil, errGone
	}
	return f.Center.AppendImported(ctx, in)
}

// An import cut off half-way is completed by importing the file again:
// rows already stored are recognised, none is stored twice.
func TestInterruptedImportCompletesOnRetry(t *testing.T) {
	ctx := context.Background()
	c := newCenter(t)
	shape := synth.National
	// 2,000 boxes: two full batches. The appender sends them at once, so
	// either may be the one the sink takes; both the same size keeps what
	// the first attempt stored independent of which one that is.
	shape.Provinces, shape.DistrictsPerIl, shape.MahallesPerIlce = 1, 4, 100
	var buf bytes.Buffer
	rows, err := synth.WriteYSKTable(&buf, shape, 9)
	if err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()
	sink := &flakySink{Center: c}
	sink.left.Store(1)
	_, first, err := ingest.ImportTable(ctx, sink, bytesOpener(file), ingest.FormatText, officialOpts(), nil)
	if !errors.Is(err, errGone) {
		t.Fatalf("err %v, want the sink's", err)
	}
	if rows != 2*ingest.BatchSize {
		t.Fatalf("%d rows, want two full batches of %d", rows, ingest.BatchSize)
	}
	if first.Written != ingest.BatchSize {
		t.Errorf("first attempt stored %d, want one batch of %d", first.Written, ingest.BatchSize)
	}
	plan, res, err := ingest.ImportTable(ctx, c, bytesOpener(file), ingest.FormatText, officialOpts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Rows != rows || res.Written != rows-first.Written || res.Replayed != first.Written {
		t.Errorf("retry of %d rows: %+v after %d stored", rows, res, first.Written)
	}
	if err := c.WaitFor(ctx, res.LastSeq); err != nil {
		t.Fatal(err)
	}
	if c.Seq() != int64(rows) {
		t.Errorf("log holds %d submissions, want %d", c.Seq(), rows)
	}
}
