package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/resultfile"
)

// Sink is where an import goes: the centre.
type Sink interface {
	Registry() *sandik.Registry
	ImportRegistry(ctx context.Context, reg *sandik.Registry) error
	AppendImported(ctx context.Context, in []sandik.ImportedSheet) ([]sandik.Receipt, error)
}

// Format of a result table.
type Format int

const (
	FormatText Format = iota // TSV/CSV, UTF-8 or UTF-16
	FormatXLSX
)

// FormatOf guesses a table's format from its file name.
func FormatOf(name string) Format {
	if strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		return FormatXLSX
	}
	return FormatText
}

// Opener opens a file afresh; a table is read twice.
type Opener func() (io.ReadCloser, error)

// Result counts what an import did.
type Result struct {
	Written  int // sheets appended
	Replayed int // sheets already in the log (the same file imported again)
	// LastSeq is the highest log position of the import's sheets, for
	// waiting until the totals show them.
	LastSeq int64
	// Photos counts the photo references newly kept (observer imports).
	Photos int
}

func (r *Result) count(rs []sandik.Receipt) {
	for _, rc := range rs {
		if rc.Replayed {
			r.Replayed++
		} else {
			r.Written++
		}
		r.LastSeq = max(r.LastSeq, rc.Seq)
	}
}

// BatchSize is how many sheets go into one append.
const BatchSize = 1000

// Progress is told how many rows of the second pass are stored so far.
type Progress func(done, total int)

// Check reads a table once and returns its plan against base without
// storing anything: what `sandik check` prints, and the first pass of
// ImportTable.
func Check(open Opener, format Format, base *sandik.Registry, opts TableOptions) (*Plan, error) {
	r, closeAll, err := openTable(open, format)
	if err != nil {
		return nil, err
	}
	defer closeAll()
	opts.HeaderLine = r.HeaderLine()
	p, err := NewTablePlanner(base, r.Choices(), opts)
	if err != nil {
		return nil, err
	}
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read table: %w", err)
		}
		p.Add(row)
	}
	return p.Finish()
}

// ImportTable imports a YSK-format table in two passes: the first checks
// every row and plans the registry additions (a file with any row that
// cannot be stored changes nothing), the second appends the sheets in
// batches. Should the second pass fail half-way (the database went away),
// importing the file again completes it: rows already stored are
// recognised by their ids.
func ImportTable(ctx context.Context, sink Sink, open Opener, format Format, opts TableOptions, progress Progress) (*Plan, Result, error) {
	plan, err := Check(open, format, sink.Registry(), opts)
	if err != nil {
		return nil, Result{}, err
	}
	if err := sink.ImportRegistry(ctx, plan.Registry); err != nil {
		return nil, Result{}, fmt.Errorf("merge the table's areas and races: %w", err)
	}
	ap := newAppender(ctx, sink, plan.Rows, progress)
	batch := make([]sandik.ImportedSheet, 0, BatchSize)
	err = plan.Sheets(open, format, func(_ int, in sandik.ImportedSheet) bool {
		batch = append(batch, in)
		if len(batch) < BatchSize {
			return true
		}
		sent := ap.send(batch)
		batch = make([]sandik.ImportedSheet, 0, BatchSize)
		return sent
	})
	if err == nil && len(batch) > 0 {
		ap.send(batch)
	}
	res, aerr := ap.wait()
	if err != nil {
		return plan, res, err
	}
	return plan, res, aerr
}

// InFlight is how many batches an import keeps on their way to the store
// at once, so reading the next rows overlaps the commit of the last ones.
const InFlight = 3

// appender stores batches from InFlight goroutines; the first error stops
// it. Batches are independent (a box appears once in a file), so their
// order in the log does not matter.
type appender struct {
	ctx      context.Context
	sink     Sink
	total    int
	progress Progress
	batches  chan []sandik.ImportedSheet
	wg       sync.WaitGroup
	mu       sync.Mutex
	res      Result
	err      error
	failed   chan struct{}
	fail     sync.Once
}

func newAppender(ctx context.Context, sink Sink, total int, progress Progress) *appender {
	a := &appender{ctx: ctx, sink: sink, total: total, progress: progress,
		batches: make(chan []sandik.ImportedSheet), failed: make(chan struct{})}
	for range InFlight {
		a.wg.Go(a.work)
	}
	return a
}

func (a *appender) work() {
	for b := range a.batches {
		rs, err := a.sink.AppendImported(a.ctx, b)
		a.mu.Lock()
		if err != nil {
			if a.err == nil {
				a.err = err
			}
			a.mu.Unlock()
			a.fail.Do(func() { close(a.failed) })
			continue
		}
		a.res.count(rs)
		done := a.res.Written + a.res.Replayed
		if a.progress != nil {
			a.progress(done, a.total)
		}
		a.mu.Unlock()
	}
}

// send queues a batch; false means an earlier batch failed and the import
// must stop.
func (a *appender) send(b []sandik.ImportedSheet) bool {
	select {
	case a.batches <- b:
		return true
	case <-a.failed:
		return false
	}
}

func (a *appender) wait() (Result, error) {
	close(a.batches)
	a.wg.Wait()
	return a.res, a.err
}

func openTable(open Opener, format Format) (*resultfile.Reader, func(), error) {
	f, err := open()
	if err != nil {
		return nil, nil, err
	}
	var r *resultfile.Reader
	if format == FormatXLSX {
		r, err = resultfile.NewXLSXReader(f, "")
	} else {
		r, err = resultfile.NewReader(f)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return r, func() { r.Close(); f.Close() }, nil
}

// PhotoSink is a Sink that keeps references to sheet photos kept
// elsewhere (the centre does).
type PhotoSink interface {
	ImportSheetPhotoRefs(ctx context.Context, ps []sandik.SheetPhoto) (created int, err error)
}

// ImportObserver stores a planned observer import: registry first, then
// the sheets in batches, then the photos' addresses when sink keeps
// them. The photos come after the sheets so that a volunteer is never
// handed a photo of a box whose network entry is not in yet.
func ImportObserver(ctx context.Context, sink Sink, plan *ObserverPlan, progress Progress) (Result, error) {
	if err := sink.ImportRegistry(ctx, plan.Registry); err != nil {
		return Result{}, fmt.Errorf("merge the observer files' schools and boxes: %w", err)
	}
	ap := newAppender(ctx, sink, len(plan.Sheets), progress)
	for i := 0; i < len(plan.Sheets); i += BatchSize {
		if !ap.send(plan.Sheets[i:min(i+BatchSize, len(plan.Sheets))]) {
			break
		}
	}
	res, err := ap.wait()
	if err != nil {
		return res, err
	}
	if ps, ok := sink.(PhotoSink); ok && len(plan.Photos) > 0 {
		n, err := ps.ImportSheetPhotoRefs(ctx, plan.Photos)
		res.Photos = n
		if err != nil {
			return res, fmt.Errorf("keep the sheets' photo addresses: %w", err)
		}
	}
	return res, nil
}
