package center

import (
	"context"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/orgmem"
)

// KeyingQueueLoaded reports whether the keying queue has read the store.
func (c *Center) KeyingQueueLoaded() bool { return c.keys.loaded.Load() }

// WaitKeyingQueueRead waits for the keying queue's first read, started
// when the centre opened, to be over.
func (c *Center) WaitKeyingQueueRead() { <-c.warmed }

// ChartIndex returns the charts in memory if they are current, nil if
// charts are read from the store.
func (c *Center) ChartIndex(ctx context.Context) *orgmem.Index { return c.currentCharts(ctx) }

// CoverageCached reports whether the next read of the coverage of area
// for election answers from the cache.
func (c *Center) CoverageCached(ctx context.Context, election sandik.ElectionCode, area sandik.AreaCode) bool {
	gen, err := c.store.UserGeneration(ctx)
	if err != nil {
		return false
	}
	c.covCache.mu.Lock()
	defer c.covCache.mu.Unlock()
	_, ok := c.covCache.areas[coverageKey{election, area}]
	return ok && c.covCache.gen == gen
}
