package center

import (
	"context"

	"github.com/sandik-dev/sandik"
)

// Paper custody and the chains an objection's case file lists: who
// held each wet-signed copy, and for each sheet photo who brought it,
// who typed it and what was decided.

// RecordCustody appends a custody event to a box's chain for u, who
// must be allowed to enter the box or handle objections there.
func (c *Center) RecordCustody(ctx context.Context, u sandik.User, e sandik.CustodyEvent) (sandik.CustodyEvent, error) {
	reg := c.Registry()
	if _, ok := reg.Area(e.Box); !ok {
		return e, sandik.Errorf(sandik.ENotFound, "no box %q", e.Box)
	}
	if err := reg.Allow(u, sandik.ActionSubmit, e.Box); err != nil {
		if reg.Allow(u, sandik.ActionHandleCases, e.Box) != nil {
			return e, err
		}
	}
	if e.Race != "" {
		if _, err := c.engine.Load().Box(e.Race, e.Box); err != nil {
			return e, sandik.Invalid("invalid custody event", []sandik.Problem{{Field: "race", Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
		}
	}
	e.By, e.Recorded, e.Seq = u.ID, c.now(), 0
	if err := e.Validate(); err != nil {
		return e, err
	}
	return c.store.AppendCustody(ctx, e)
}

// Custody returns a box's chain of custody to u if u may read the box.
func (c *Center) Custody(ctx context.Context, u sandik.User, box sandik.AreaCode) ([]sandik.CustodyEvent, error) {
	reg := c.Registry()
	if _, ok := reg.Area(box); !ok {
		return nil, sandik.Errorf(sandik.ENotFound, "no box %q", box)
	}
	if err := reg.Allow(u, sandik.ActionReadBox, box); err != nil {
		return nil, err
	}
	return c.store.Custody(ctx, box)
}

// PhotoChain is the chain of custody of one sheet photo an objection
// relies on: who brought it and when (its SHA-256, or the address it is
// kept at), each time it was handed to a volunteer to type and how that
// ended, and the decisions coordinators took on the box's figures.
type PhotoChain struct {
	Photo     sandik.SheetPhoto
	Keyings   []sandik.KeyingLease // of this photo, by time handed out
	Decisions []sandik.Submission  // the box's adjudications in this race, in log order
}

// BoxChain is what a case file shows of one box: its photos' chains and
// the chain of the wet-signed paper.
type BoxChain struct {
	Box    sandik.AreaCode
	Photos []PhotoChain
	Paper  []sandik.CustodyEvent
}

// EvidenceChains returns, for each box of race in boxes that u may read,
// the chains of custody a case file lists: every sheet photo of the box
// with its keyings and the box's decisions, and the paper's chain.
// Boxes with neither photo nor paper event are left out.
func (c *Center) EvidenceChains(ctx context.Context, u sandik.User, race sandik.RaceCode, boxes []sandik.AreaCode) ([]BoxChain, error) {
	reg := c.Registry()
	var out []BoxChain
	for _, box := range boxes {
		if reg.Allow(u, sandik.ActionReadBox, box) != nil {
			continue
		}
		ps, err := c.store.SheetPhotos(ctx, sandik.SheetPhotoFilter{Race: race, Box: box})
		if err != nil {
			return nil, err
		}
		paper, err := c.store.Custody(ctx, box)
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 && len(paper) == 0 {
			continue
		}
		bc := BoxChain{Box: box, Paper: paper}
		if len(ps) > 0 {
			ls, err := c.store.Leases(ctx, sandik.LeaseFilter{Race: race, Box: box})
			if err != nil {
				return nil, err
			}
			d, err := c.View(u).Box(ctx, race, box)
			if err != nil {
				return nil, err
			}
			var decisions []sandik.Submission
			for _, e := range d.Entries {
				if e.Kind == sandik.KindAdjudication {
					decisions = append(decisions, e)
				}
			}
			for _, p := range ps {
				pc := PhotoChain{Photo: p, Decisions: decisions}
				for _, l := range ls {
					if l.Photo == p.Sum {
						pc.Keyings = append(pc.Keyings, l)
					}
				}
				bc.Photos = append(bc.Photos, pc)
			}
		}
		out = append(out, bc)
	}
	return out, nil
}
