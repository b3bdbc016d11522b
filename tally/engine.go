package tally

import (
	"context"

	"github.com/sandik-dev/sandik"
)

// Engine holds the live totals of every race of a registry.
type Engine struct {
	reg *sandik.Registry
}

// New returns an engine with every race at zero.
func New(reg *sandik.Registry) *Engine { return &Engine{reg: reg} }

// Registry returns the registry the engine was built for.
func (e *Engine) Registry() *sandik.Registry { return e.reg }

// Apply feeds submissions in Seq order; ones at or below Seq are skipped.
func (e *Engine) Apply(subs []sandik.Submission) { panic("todo") }

// Seq returns the last applied log position.
func (e *Engine) Seq() int64 { panic("todo") }

// WaitFor blocks until Seq reaches seq or ctx ends.
func (e *Engine) WaitFor(ctx context.Context, seq int64) error { panic("todo") }

// Totals returns an area's totals for a race with its children's.
func (e *Engine) Totals(race sandik.RaceCode, area sandik.AreaCode) (AreaTotals, error) {
	panic("todo")
}

// Box returns one box's state in a race.
func (e *Engine) Box(race sandik.RaceCode, box sandik.AreaCode) (BoxState, error) { panic("todo") }

// Conflicts lists boxes in conflict, oldest first.
func (e *Engine) Conflicts(race sandik.RaceCode, area sandik.AreaCode, limit int) ([]Conflict, error) {
	panic("todo")
}
