// Package api is Sandık's JSON API under /api/v1, with /healthz: result
// sheets in, totals, boxes, conflicts, comparisons, anomalies and
// objection cases out, for observers' apps, scripts and other systems.
// Every route but the description and the health check takes a bearer
// token; what a user may read comes from the Center's view for that user.
// Handling, errors and metrics are the shared base's (web/handler); the
// route table is routes.go.
package api

import (
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/snapshot"
)

// Config holds what the API needs beside the Center. Zero values are not
// defaults here: web.New fills them in.
type Config struct {
	MaxBodyBytes  int64 // bodies of single sheets, cases and changes
	MaxBatchBytes int64 // bodies of batches
	// WaitTimeout bounds how long ?wait=1 waits for the tally to reflect a
	// new submission.
	WaitTimeout time.Duration
	// Now is the clock deadlines are read against; the Center's when nil.
	Now func() time.Time
	// OpenAPI is the API's description, served at /api/v1/openapi.yaml.
	OpenAPI []byte
	// PublicSnapshots publishes every area's totals without an account
	// (snapshots.go); off, the snapshot routes answer 404.
	PublicSnapshots bool
	// Snapshots bound the snapshots kept in memory.
	Snapshots snapshot.Options
}

// API serves the JSON routes of one Center.
type API struct {
	c   *center.Center
	b   *handler.Base
	cfg Config
	now func() time.Time
	// snaps holds the public snapshots; nil when they are off.
	snaps *snapshot.Cache
	// snapWaits bounds the requests waiting at once for a version past
	// this instance's (awaitSnapshot); snapWaitsRefused counts those that
	// found every place taken and were answered at once.
	snapWaits        chan struct{}
	snapWaitsRefused atomic.Int64
	// totals keeps encoded answers of an area's live totals.
	totals *totalsCache
}

// Mount registers the API's routes on b.
func Mount(b *handler.Base, c *center.Center, cfg Config) {
	a := &API{c: c, b: b, cfg: cfg, now: cfg.Now}
	if a.now == nil {
		a.now = c.Now
	}
	a.totals = newTotalsCache(totalsCacheBytes)
	b.RegisterMetrics(a.totals.metrics()...)
	a.snapshots()
	a.routes()
}
