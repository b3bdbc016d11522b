package center

import (
	"context"
)

// reloadRegistry picks up a registry that another process saved — `sandik
// import` into a running server's database, or another instance sharing
// PostgreSQL. The follower calls it when the log holds submissions the
// registry in force does not know: those were written against a newer
// registry. The engine is rebuilt over the stored registry, so the
// skipped submissions count from now on.
func (c *Center) reloadRegistry(ctx context.Context) {
	c.importMu.Lock()
	defer c.importMu.Unlock()
	stored, err := c.store.LoadRegistry(ctx)
	if err != nil {
		c.log.Error("reload registry", "err", err)
		return
	}
	cur := c.Registry()
	if len(stored.Areas) == len(cur.Areas) && len(stored.Races) == len(cur.Races) &&
		len(stored.Elections) == len(cur.Elections) && len(stored.Registrations) == len(cur.Registrations) {
		return // the same registry: the skipped submissions really fit none
	}
	merged, err := cur.Merge(stored)
	if err != nil {
		c.log.Error("reload registry: the stored registry contradicts the one in force", "err", err)
		return
	}
	eng, err := c.rebuild(ctx, merged)
	if err != nil {
		c.log.Error("reload registry", "err", err)
		return
	}
	if err := c.install(ctx, eng); err != nil {
		c.log.Error("reload registry", "err", err)
		return
	}
	c.log.Info("registry reloaded", "areas", len(merged.Areas), "races", len(merged.Races))
}
