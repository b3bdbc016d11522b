package center

import (
	"context"
	"sync"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
)

// coverageCache keeps, for the registry and the user generation it was
// filled at, the people counted at each box per election and the
// coverage of each area asked for. Every write of assignments moves the
// user generation (they give observers their boxes), on this instance at
// once and on others by the store's notice, so an entry is good exactly
// while both stand still. A district coordinator's page, the map and the
// API then answer from memory on election night instead of reading
// every assignment of the area at each request.
type coverageCache struct {
	mu       sync.Mutex
	reg      *sandik.Registry
	gen      int64
	watchers map[sandik.ElectionCode]map[sandik.AreaCode]int
	areas    map[coverageKey]org.Coverage
}

type coverageKey struct {
	election sandik.ElectionCode
	area     sandik.AreaCode
}

// maxCachedCoverages bounds the areas kept: beyond it the cache starts
// again, so a user walking every area of the country cannot grow it
// without end.
const maxCachedCoverages = 4096

// coverage returns the coverage of area for election, from the cache or
// computed and kept. The result is shared: callers must not change it.
func (c *Center) coverage(ctx context.Context, reg *sandik.Registry, election sandik.ElectionCode, area sandik.AreaCode) (org.Coverage, error) {
	gen, err := c.store.UserGeneration(ctx)
	if err != nil {
		return org.Coverage{}, err
	}
	cc := &c.covCache
	key := coverageKey{election, area}
	cc.mu.Lock()
	if cc.reg != reg || cc.gen != gen {
		cc.reg, cc.gen = reg, gen
		cc.watchers = map[sandik.ElectionCode]map[sandik.AreaCode]int{}
		cc.areas = map[coverageKey]org.Coverage{}
	}
	if cov, ok := cc.areas[key]; ok {
		cc.mu.Unlock()
		return cov, nil
	}
	w, ok := cc.watchers[election]
	cc.mu.Unlock()
	if !ok {
		// Read outside the lock; two readers at once both read, and the
		// second's answer is the same.
		as, err := c.store.Assignments(ctx, sandik.AssignmentFilter{Election: election})
		if err != nil {
			return org.Coverage{}, err
		}
		w = org.Watchers(election, as)
	}
	cov, err := org.CoverageFrom(reg, election, area, w)
	if err != nil {
		return cov, err
	}
	cc.mu.Lock()
	// Kept only if nothing moved while it was computed.
	if cc.reg == reg && cc.gen == gen {
		if !ok {
			cc.watchers[election] = w
		}
		if len(cc.areas) >= maxCachedCoverages {
			cc.areas = map[coverageKey]org.Coverage{}
		}
		cc.areas[key] = cov
	}
	cc.mu.Unlock()
	return cov, nil
}
