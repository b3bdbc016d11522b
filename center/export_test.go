package center

// KeyingQueueLoaded reports whether the keying queue has read the store.
func (c *Center) KeyingQueueLoaded() bool { return c.keys.loaded.Load() }

// WaitKeyingQueueRead waits for the keying queue's first read, started
// when the centre opened, to be over.
func (c *Center) WaitKeyingQueueRead() { <-c.warmed }
