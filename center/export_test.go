package center

// KeyingQueueLoaded reports whether the keying queue has read the store.
func (c *Center) KeyingQueueLoaded() bool { return c.keys.loaded.Load() }
