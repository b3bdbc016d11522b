package center

import "github.com/sandik-dev/sandik"

// PublicReader is who a reader without an account is to the policy: one
// who types sheets, without areas. What such a reader may read of the
// totals is what a volunteer at the centre may: verified and official
// figures only, of areas of at least Config.BlindMinBoxes boxes, no box on
// its own and nothing that pending entries make. No figure in it belongs
// to a person, and none can be read off for a single box.
var PublicReader = sandik.User{ID: "public", Name: "public", Role: sandik.RoleVolunteer}

// PublicView returns the view of the state a reader without an account
// gets: the public snapshots of the totals are made through it.
func (c *Center) PublicView() *View { return c.View(PublicReader) }

// BlindMinBoxes is the least number of boxes of an area whose totals those
// who type sheets, and the public, may read.
func (c *Center) BlindMinBoxes() int { return c.blindMin }
