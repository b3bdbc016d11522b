package center

import (
	"context"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/blob"
)

// Sheet photos: uploaded here (checked, cleaned, kept by SHA-256) or
// kept elsewhere (an observer network's address), each queued for
// keying (keying.go) and served only to those who may read its box.

// AddSheetPhoto checks, cleans and keeps a photo of box's sheet of race
// for u, who must be allowed to enter that box. created is false when
// the same photo was kept for the box and race already.
func (c *Center) AddSheetPhoto(ctx context.Context, u sandik.User, race sandik.RaceCode, box sandik.AreaCode, data []byte) (sandik.SheetPhoto, bool, error) {
	if !u.Role.CanSubmit() {
		return sandik.SheetPhoto{}, false, sandik.Errorf(sandik.EForbidden, "user %q (%s) may not submit sheets", u.ID, u.Role)
	}
	reg := c.Registry()
	if _, ok := reg.Race(race); !ok {
		return sandik.SheetPhoto{}, false, sandik.Errorf(sandik.ENotFound, "no race %q", race)
	}
	if err := reg.Allow(u, sandik.ActionSubmit, box); err != nil {
		return sandik.SheetPhoto{}, false, err
	}
	if _, err := c.engine.Load().Box(race, box); err != nil {
		return sandik.SheetPhoto{}, false, err
	}
	q := c.keys
	select {
	case q.decodes <- struct{}{}:
	case <-ctx.Done():
		return sandik.SheetPhoto{}, false, ctx.Err()
	}
	p, err := blob.Clean(data, blob.DefaultLimits())
	<-q.decodes
	if err != nil {
		return sandik.SheetPhoto{}, false, err
	}
	if err := c.store.PutBlob(ctx, p.Sum, p.Data); err != nil {
		return sandik.SheetPhoto{}, false, fmt.Errorf("keep photo %s: %w", p.Sum, err)
	}
	sp, created, err := c.store.AddSheetPhoto(ctx, sandik.SheetPhoto{Race: race, Box: box, Sum: p.Sum, By: u.ID, At: c.now(),
		Bytes: p.Size, Width: p.Width, Height: p.Height})
	if err != nil {
		return sp, false, err
	}
	if created {
		q.mu.Lock()
		if q.loaded.Load() {
			q.addPhoto(sp)
		}
		q.mu.Unlock()
	}
	return sp, created, nil
}

// ImportSheetPhotoRefs keeps the addresses of photos kept elsewhere (an
// observer network's image_url) as photos of their boxes' sheets, for an
// import: they are queued for keying like photos uploaded here, and
// shown as links. Each is checked — a known race and box of it, an
// http(s) address (sandik.PhotoURL, which also gives the form kept) —
// before any is written; the same address for the same box again is
// kept once. created counts the new ones.
func (c *Center) ImportSheetPhotoRefs(ctx context.Context, ps []sandik.SheetPhoto) (created int, err error) {
	eng := c.engine.Load()
	var probs []sandik.Problem
	addrs := make([]string, len(ps))
	for i, p := range ps {
		field := fmt.Sprintf("photos[%d]", i)
		addr, msg := sandik.PhotoURL(p.URL)
		if msg != "" {
			probs = append(probs, sandik.Problem{Field: field + ".url", Rule: sandik.RuleInvalidValue, Message: "photo address " + msg})
		}
		addrs[i] = addr
		if _, err := eng.Box(p.Race, p.Box); err != nil {
			probs = append(probs, sandik.Problem{Field: field + ".box", Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)})
		}
		if err := sandik.ValidateCode(string(p.By)); err != nil {
			probs = append(probs, sandik.Problem{Field: field + ".by", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("user %q %v", p.By, err)})
		}
		if len(probs) >= 20 {
			break
		}
	}
	if len(probs) > 0 {
		return 0, sandik.Invalid("invalid photo references; none was kept", probs)
	}
	now := c.now()
	q := c.keys
	// A few dozen to a transaction: one commit each made Adana's 6,373
	// addresses cost seconds.
	batch := make([]sandik.SheetPhoto, 0, sandik.MaxPhotoBatch)
	for start := 0; start < len(ps); start += sandik.MaxPhotoBatch {
		batch = batch[:0]
		for i := start; i < min(start+sandik.MaxPhotoBatch, len(ps)); i++ {
			p := ps[i]
			p.URL = addrs[i]
			p.Sum, p.Bytes, p.Width, p.Height = sandik.RefSum(p.URL), 0, 0, 0
			if p.At.IsZero() {
				p.At = now
			}
			batch = append(batch, p)
		}
		kept, err := c.store.AddSheetPhotos(ctx, batch)
		if err != nil {
			return created, err
		}
		created += len(kept)
		q.mu.Lock()
		if q.loaded.Load() {
			for _, sp := range kept {
				q.addPhoto(sp)
			}
		}
		q.mu.Unlock()
	}
	return created, nil
}

// SheetPhotos returns the photos of a box (of every race when race is
// empty) if u may read the box.
func (c *Center) SheetPhotos(ctx context.Context, u sandik.User, race sandik.RaceCode, box sandik.AreaCode) ([]sandik.SheetPhoto, error) {
	if err := c.Registry().Allow(u, sandik.ActionReadBox, box); err != nil {
		return nil, err
	}
	return c.store.SheetPhotos(ctx, sandik.SheetPhotoFilter{Race: race, Box: box})
}

// SheetPhoto returns a sheet photo's bytes to u if u may read a box it
// shows, or holds a lease of it. Any other photo is not found, whether
// it exists or not.
func (c *Center) SheetPhoto(ctx context.Context, u sandik.User, sum string) ([]byte, error) {
	if !validSum(sum) {
		return nil, sandik.Errorf(sandik.ENotFound, "no photo %q", sum)
	}
	ps, err := c.store.SheetPhotos(ctx, sandik.SheetPhotoFilter{Sum: sum})
	if err != nil {
		return nil, err
	}
	if len(ps) > 0 && ps[0].URL != "" {
		// A reference: the bytes are on another server, and the address
		// is given with the box's photos to those who may read it.
		return nil, sandik.Errorf(sandik.ENotFound, "photo %s is kept elsewhere; its address is listed with the box's photos", sum)
	}
	reg := c.Registry()
	for _, p := range ps {
		if reg.Allow(u, sandik.ActionReadBox, p.Box) == nil {
			return c.store.Blob(ctx, sum)
		}
	}
	if len(ps) > 0 {
		ls, err := c.store.Leases(ctx, sandik.LeaseFilter{User: u.ID, Race: ps[0].Race, Box: ps[0].Box})
		if err != nil {
			return nil, err
		}
		if len(ls) > 0 {
			return c.store.Blob(ctx, sum)
		}
	}
	return nil, sandik.Errorf(sandik.ENotFound, "no sheet photo %s among the boxes user %q may read", sum, u.ID)
}
