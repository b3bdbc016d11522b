package center

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
)

// coverageCache keeps, for the registry and the user generation it was
// filled at, the people counted at each box per election and the
// coverage of each area asked for. Every write of assignments moves the
// user generation (they give observers their boxes), on this instance at
// once and on others by the store's notice, so an entry is good exactly
// while both stand still, with one exception: this centre's own write
// of assignments, when it was the only move of the generation, updates
// the counts of the boxes it touched and drops only the coverages of
// the areas above them (writeAssignments). A district coordinator's
// page, the map and the API then answer from memory on election night
// instead of reading every assignment of the area at each request.
type coverageCache struct {
	mu  sync.Mutex
	reg *sandik.Registry
	gen int64
	// watchers are changed in place by writeAssignments, under wmu:
	// coverages are computed from them outside mu, under wmu read.
	wmu      sync.RWMutex
	watchers map[sandik.ElectionCode]map[sandik.AreaCode]int
	areas    map[coverageKey]org.Coverage
	// write makes this centre's writes of assignments one at a time, so
	// the generation after one tells whether it was the only move.
	write sync.Mutex
	// warming holds the elections whose every area is being computed in
	// the background.
	warming map[sandik.ElectionCode]bool
}

type coverageKey struct {
	election sandik.ElectionCode
	area     sandik.AreaCode
}

// minCachedCoverages bounds the areas kept for a registry with fewer
// areas: beyond the bound the cache starts again. The bound is the
// registry's own areas twice over (two elections' worth) otherwise, so
// the coverages of every area of an election are kept at once, and a
// user walking every area of the country cannot grow it past what the
// registry holds.
const minCachedCoverages = 4096

// coverage returns the coverage of area for election, from the cache or
// computed and kept. The result is shared: callers must not change it.
func (c *Center) coverage(ctx context.Context, reg *sandik.Registry, election sandik.ElectionCode, area sandik.AreaCode) (org.Coverage, error) {
	gen, err := c.store.UserGeneration(ctx)
	if err != nil {
		return org.Coverage{}, err
	}
	return c.coverageAt(ctx, reg, election, area, gen, true)
}

// errCacheMoved ends a warm-up whose cache moved on.
var errCacheMoved = errors.New("the coverage cache moved on")

// coverageAt is coverage at the user generation gen. A cache at another
// generation is started again at gen when reset is set; otherwise
// errCacheMoved is returned: the warm-up must not empty a cache that a
// write of this centre is about to move on itself (writeAssignments),
// which it would between the write's commit and its update of the cache.
func (c *Center) coverageAt(ctx context.Context, reg *sandik.Registry, election sandik.ElectionCode, area sandik.AreaCode, gen int64, reset bool) (org.Coverage, error) {
	cc := &c.covCache
	key := coverageKey{election, area}
	cc.mu.Lock()
	if cc.reg != reg || cc.gen != gen {
		if !reset {
			cc.mu.Unlock()
			return org.Coverage{}, errCacheMoved
		}
		cc.reset(reg, gen)
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
	cc.wmu.RLock()
	cov, err := org.CoverageFrom(reg, election, area, w)
	cc.wmu.RUnlock()
	if err != nil {
		return cov, err
	}
	cc.mu.Lock()
	// Kept only if nothing moved while it was computed.
	warm := false
	if cc.reg == reg && cc.gen == gen {
		if !ok {
			if _, other := cc.watchers[election]; !other {
				cc.watchers[election] = w
				warm = !cc.warming[election]
				cc.warming[election] = true
			}
		}
		if len(cc.areas) >= max(minCachedCoverages, 2*len(reg.Areas)) {
			cc.areas = map[coverageKey]org.Coverage{}
		}
		cc.areas[key] = cov
	}
	cc.mu.Unlock()
	if warm && c.bg != nil {
		c.bgWork.Go(func() { c.warmCoverage(c.bg, reg, election, gen) })
	}
	return cov, nil
}

// reset empties the cache for reg at gen; cc.mu is held.
func (cc *coverageCache) reset(reg *sandik.Registry, gen int64) {
	cc.reg, cc.gen = reg, gen
	cc.wmu.Lock()
	cc.watchers = map[sandik.ElectionCode]map[sandik.AreaCode]int{}
	cc.wmu.Unlock()
	cc.areas = map[coverageKey]org.Coverage{}
	cc.warming = map[sandik.ElectionCode]bool{}
}

// warmCoverage computes the coverage of every area above the boxes of
// election once its counts are read, while the cache stays at reg and
// gen: a random area then answers from memory, not by walking a
// province's boxes and sorting its gaps under the night's load. It stops
// when the cache moves on.
func (c *Center) warmCoverage(ctx context.Context, reg *sandik.Registry, election sandik.ElectionCode, gen int64) {
	for _, a := range reg.Areas {
		if a.Level == sandik.LevelSandik {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		if _, err := c.coverageAt(ctx, reg, election, a.Code, gen, false); err != nil {
			return
		}
	}
}

// WarmCoverage computes the coverage of every area of election now, as a
// first read of it starts in the background: for an operator (or a
// benchmark) who wants the night's first readers answered from memory.
// It returns how long it took.
func (c *Center) WarmCoverage(ctx context.Context, election sandik.ElectionCode) (time.Duration, error) {
	t0 := time.Now()
	reg := c.Registry()
	gen, err := c.store.UserGeneration(ctx)
	if err != nil {
		return 0, err
	}
	if _, err := c.coverage(ctx, reg, election, reg.Areas[0].Code); err != nil {
		return 0, err
	}
	c.warmCoverage(ctx, reg, election, gen)
	return time.Since(t0), ctx.Err()
}

// writeAssignments runs write, this centre's write of the assignments
// as (added or removed). If it was the only move of the user generation
// since the cache was filled, the counts of the boxes it touched are
// read again and only the coverages of the areas above them dropped;
// otherwise the cache starts again at the next read, as for a write made
// elsewhere.
func (c *Center) writeAssignments(ctx context.Context, as []sandik.Assignment, write func() error) error {
	cc := &c.covCache
	cc.write.Lock()
	defer cc.write.Unlock()
	before, err := c.store.UserGeneration(ctx)
	if err != nil {
		return err
	}
	if err := write(); err != nil {
		return err
	}
	after, err := c.store.UserGeneration(ctx)
	if err != nil || after != before+1 {
		return nil
	}
	cc.mu.Lock()
	reg, keep := cc.reg, cc.gen == before && cc.reg != nil
	cc.mu.Unlock()
	if !keep {
		return nil
	}
	counts := map[coverageKey]int{}
	for _, a := range as {
		k := coverageKey{a.Election, a.Box}
		if _, done := counts[k]; done {
			continue
		}
		got, err := c.store.Assignments(ctx, sandik.AssignmentFilter{Election: a.Election, Box: a.Box})
		if err != nil {
			return nil // the cache starts again at the next read
		}
		counts[k] = org.Watchers(a.Election, got)[a.Box]
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.reg != reg || cc.gen != before {
		return nil
	}
	cc.wmu.Lock()
	for k, n := range counts {
		if w, ok := cc.watchers[k.election]; ok {
			if n == 0 {
				delete(w, k.area)
			} else {
				w[k.area] = n
			}
		}
	}
	cc.wmu.Unlock()
	for k := range counts {
		for a := k.area; a != ""; {
			delete(cc.areas, coverageKey{k.election, a})
			ref, ok := reg.AreaRef(a)
			if !ok {
				break
			}
			a = ref.Parent
		}
	}
	cc.gen = after
	return nil
}
