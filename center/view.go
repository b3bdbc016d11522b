package center

// Moved returns two channels for live views: the first closes when the
// totals next move, the second when a registry import replaces the tally
// engine (whose own signal would then never fire). Either means: look at
// Seq again.
func (c *Center) Moved() (changed, replaced <-chan struct{}) {
	c.swapMu.Lock()
	defer c.swapMu.Unlock()
	return c.engine.Load().Changed(), c.swapped
}
