package center

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/orgmem"
)

// chartMemory holds the whole organisation's charts in memory
// (orgmem.Index), loaded in the background at open and kept in step by
// this centre's own writes of units, people and terms. A write made
// elsewhere (another instance, `sandik org import`, a tool on the file)
// moves the store's organisation generation past the index's; the
// centre learns of it when the user generation moves (every such write
// moves both), answers charts from the store meanwhile and loads the
// index again in the background.
type chartMemory struct {
	// write makes this centre's writes of the organisation and their
	// application to the index one at a time, so the generation after a
	// write tells whether it was the only one since the index's.
	write sync.Mutex
	idx   atomic.Pointer[orgmem.Index]

	// seen is the organisation generation read when the user generation
	// was last seen to move: read again only when it moves again.
	seenMu   sync.Mutex
	seenOK   bool
	seenUser int64
	seenOrg  int64

	kick   chan struct{} // asks the loader to load again; buffered 1
	loaded chan struct{} // closed when the first load is over, done or not
	done   chan struct{} // closed when the loader has stopped
}

// chartLoadTries bounds the loads tried in a row while the organisation
// keeps changing under them; the next change asks again.
const chartLoadTries = 3

// startChartMemory starts the loader, which loads at once and then
// whenever asked until ctx ends.
func (c *Center) startChartMemory(ctx context.Context) {
	m := &c.chartMem
	m.kick = make(chan struct{}, 1)
	m.loaded = make(chan struct{})
	m.done = make(chan struct{})
	go func() {
		defer close(m.done)
		first := true
		for {
			took := c.loadCharts(ctx)
			if first {
				close(m.loaded)
				first = false
			}
			// At most half of a core for loads while another process
			// writes the organisation over and over: as long a rest as
			// the load took.
			rest := time.NewTimer(took)
			select {
			case <-ctx.Done():
				rest.Stop()
				return
			case <-rest.C:
			}
			select {
			case <-ctx.Done():
				return
			case <-m.kick:
			}
		}
	}()
}

// loadCharts loads the index unless the one held is current, and returns
// how long it took.
func (c *Center) loadCharts(ctx context.Context) time.Duration {
	m := &c.chartMem
	if x := m.idx.Load(); x != nil {
		// A centre's own write moves the generation before the index
		// catches up with it, and a reader seeing that asks for a load;
		// under the write lock the index has caught up.
		m.write.Lock()
		gen, err := c.store.OrgGeneration(ctx)
		current := err == nil && gen == x.Gen()
		m.write.Unlock()
		if current {
			return 0
		}
	}
	start := time.Now()
	x, err := orgmem.Load(ctx, c.store, chartLoadTries)
	took := time.Since(start)
	if err != nil {
		if ctx.Err() == nil {
			c.log.Warn("the organisation's charts were not loaded into memory; they are read from the store until the next change", "err", err, "took", took.Round(time.Millisecond))
		}
		return took
	}
	m.write.Lock()
	// Only a newer index replaces the one held: a slow load (the one at
	// the start, say) of the generation already held would drop the
	// writes this centre applied to it meanwhile in step.
	if old := m.idx.Load(); old == nil || old.Gen() < x.Gen() {
		m.idx.Store(x)
	}
	m.write.Unlock()
	c.log.Info("the organisation's charts are held in memory", "generation", x.Gen(), "took", took.Round(time.Millisecond))
	return took
}

// LoadCharts loads the organisation's charts into memory now, unless
// those held are current, as the loader does in the background after a
// write made elsewhere; for a tool that has just written a whole
// organisation to the store under a running centre (sandik-bench). It
// returns how long the load took, 0 if none was needed.
func (c *Center) LoadCharts(ctx context.Context) time.Duration { return c.loadCharts(ctx) }

// ask asks the loader to load again, unless it has been asked already.
func (m *chartMemory) ask() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// current returns the index if it holds the organisation as the store
// does now, nil otherwise (not loaded yet, or behind a write made
// elsewhere, and then a load is asked for).
func (c *Center) currentCharts(ctx context.Context) *orgmem.Index {
	m := &c.chartMem
	x := m.idx.Load()
	if x == nil {
		return nil
	}
	user, err := c.store.UserGeneration(ctx)
	if err != nil {
		return nil
	}
	m.seenMu.Lock()
	ok, seenUser, org := m.seenOK, m.seenUser, m.seenOrg
	m.seenMu.Unlock()
	if !ok || seenUser != user {
		// Read after the user generation: it holds every write that
		// moved that one, and a later write moves that one again.
		if org, err = c.store.OrgGeneration(ctx); err != nil {
			return nil
		}
		m.seenMu.Lock()
		m.seenOK, m.seenUser, m.seenOrg = true, user, org
		m.seenMu.Unlock()
	}
	// An index ahead of what was seen holds this centre's own write,
	// whose notice has not come round yet.
	if org > x.Gen() {
		m.ask()
		return nil
	}
	return x
}

// writeOrg runs write, a write of the organisation by this centre, and
// then apply to the index if the write was the only one since the
// index's generation; otherwise the index is loaded again. orgWrite
// false is a write that moves no organisation generation (assignments
// alone).
func (c *Center) writeOrg(ctx context.Context, orgWrite bool, write func() error, apply func(x *orgmem.Index, gen int64) error) error {
	m := &c.chartMem
	m.write.Lock()
	defer m.write.Unlock()
	if err := write(); err != nil {
		return err
	}
	x := m.idx.Load()
	if x == nil || !orgWrite {
		return nil
	}
	gen, err := c.store.OrgGeneration(ctx)
	switch {
	case err != nil:
		c.log.Warn("the organisation's generation was not read after a write; its charts are loaded again", "err", err)
		m.ask()
	case gen != x.Gen()+1:
		// Another process wrote too: the index is behind more than
		// this write, and readers see it is.
		m.ask()
	default:
		if err := apply(x, gen); err != nil {
			// The store took what the index cannot: partly applied,
			// the index is dropped and read again whole.
			m.idx.Store(nil)
			c.log.Error("a write of the organisation was not applied to its charts in memory; they are loaded again", "err", err)
			m.ask()
		}
	}
	return nil
}

// orgChanges reports whether ch writes more than assignments.
func orgChanges(ch sandik.OrgChange) bool {
	return len(ch.Kinds)+len(ch.Units)+len(ch.People)+len(ch.Positions) > 0
}
