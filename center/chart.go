package center

import (
	"context"
	"sync"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
)

// chartCache keeps units' records (what their charts are drawn from on
// any day, so a chart of another day is only arithmetic on dates) for
// the user generation they were read at. Every write of units, people
// and terms moves that generation (terms give rights), an erasure too,
// on this instance at once and on others at the store's notice; so the
// records are good exactly while it stands still, and the chart of a
// unit looked at again is drawn from memory, not from two reads of the
// store under the night's load.
type chartCache struct {
	mu    sync.Mutex
	gen   int64
	units map[sandik.UnitCode]*sandik.UnitRecords
}

// maxCachedCharts bounds the units kept (about 10 KiB each for the 60
// terms of a national organisation's average unit): beyond it the cache
// starts again, so a user walking all 33,000 units of a national
// organisation cannot grow it without end.
const maxCachedCharts = 1024

// UnitChart returns the chart of unit code as of at for u, and the units
// under it that u may see, by code: ENotFound if there is no such unit,
// EForbidden unless u may read the organisation in its area.
func (c *Center) UnitChart(ctx context.Context, u sandik.User, code sandik.UnitCode, at sandik.Date) (org.Chart, []sandik.Unit, error) {
	var src *sandik.UnitRecords
	var kinds []sandik.PositionKind
	if x := c.currentCharts(ctx); x != nil {
		recs, ok := x.Records(code)
		if !ok {
			return org.Chart{}, nil, sandik.Errorf(sandik.ENotFound, "no unit %q", code)
		}
		src, kinds = &recs, x.Kinds()
	} else {
		var err error
		if src, err = c.chartSource(ctx, code); err != nil {
			return org.Chart{}, nil, err
		}
		if kinds, err = c.PositionKinds(ctx); err != nil {
			return org.Chart{}, nil, err
		}
	}
	if err := c.OrgAllow(u, src.Unit.Area, false); err != nil {
		return org.Chart{}, nil, err
	}
	children := []sandik.Unit{}
	for _, k := range src.Children {
		if c.OrgAllow(u, k.Area, false) == nil {
			children = append(children, k)
		}
	}
	chart := org.ChartOf(src.Unit, at, kinds, src.Terms, func(id sandik.PersonID) string { return src.Names[id] })
	return chart, children, nil
}

// chartSource returns the records of code's chart, from the cache or read
// and kept. It is shared: callers must not change it.
func (c *Center) chartSource(ctx context.Context, code sandik.UnitCode) (*sandik.UnitRecords, error) {
	gen, err := c.store.UserGeneration(ctx)
	if err != nil {
		return nil, err
	}
	cc := &c.charts
	cc.mu.Lock()
	if cc.gen != gen || cc.units == nil {
		cc.gen, cc.units = gen, map[sandik.UnitCode]*sandik.UnitRecords{}
	}
	src, ok := cc.units[code]
	cc.mu.Unlock()
	if ok {
		return src, nil
	}
	// Read outside the lock; two readers of one unit both read, and the
	// second's answer is the same.
	recs, err := c.store.UnitRecords(ctx, code)
	if err != nil {
		return nil, err
	}
	src = &recs
	cc.mu.Lock()
	// Kept only if nothing moved while it was read.
	if cc.gen == gen {
		if len(cc.units) >= maxCachedCharts {
			cc.units = map[sandik.UnitCode]*sandik.UnitRecords{}
		}
		cc.units[code] = src
	}
	cc.mu.Unlock()
	return src, nil
}
