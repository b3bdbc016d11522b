package center

import (
	"context"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/orgmem"
)

// Contacts under KVKK: a person's phones, e-mail and note are shown only
// as sandik.MaySeeContact allows, every showing of a phone or e-mail is
// in the log before it is shown, and a user is shown at most
// Config.ContactViewsPerMinute contacts in any minute.

// ShowContact returns p as u may see it, p's home unit working in area:
// with its phones, e-mail and note when the table allows, without them
// otherwise. Showing a phone or an e-mail is logged (who, whose, when,
// which fields) in this call; if the log refuses it — over the minute's
// limit (sandik.ETooMany) or failing — p comes back without them, with
// the error.
func (c *Center) ShowContact(ctx context.Context, u sandik.User, p sandik.Person, area sandik.AreaCode) (sandik.Person, error) {
	out, err := c.ShowContacts(ctx, u, []sandik.Person{p}, func(sandik.UnitCode) sandik.AreaCode { return area })
	return out[0], err
}

// ShowContacts is ShowContact for a list, logged in one write: areaOf
// gives each home unit's area. Over the limit, or when the log fails,
// every contact of the list is hidden and the error says why; the list
// itself is still good to show.
func (c *Center) ShowContacts(ctx context.Context, u sandik.User, people []sandik.Person, areaOf func(sandik.UnitCode) sandik.AreaCode) ([]sandik.Person, error) {
	reg := c.Registry()
	out := make([]sandik.Person, len(people))
	allowed := make([]bool, len(people))
	var views []sandik.ContactView
	at := c.now()
	for i, p := range people {
		out[i] = p.HideContact()
		if allowed[i] = reg.AllowContact(u, areaOf(p.Home)) == nil; !allowed[i] {
			continue
		}
		if fields := p.ContactFields(); sandik.Logged(fields) {
			views = append(views, sandik.ContactView{User: u.ID, Person: p.ID, At: at, Fields: fields})
		}
	}
	if len(views) > 0 {
		if _, err := c.store.LogContactViews(ctx, views, c.viewsPerMinute); err != nil {
			return out, fmt.Errorf("log views of contacts: %w", err)
		}
	}
	for i, p := range people {
		if allowed[i] {
			out[i] = p
		}
	}
	return out, nil
}

// allowPersonalData lets administrators only read the log, export and
// erase: each reaches every person's data, whatever their unit.
func allowPersonalData(u sandik.User, what string) error {
	if u.Role != sandik.RoleAdmin {
		return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not %s; administrators may", u.ID, u.Role, what)
	}
	return nil
}

// ContactViews returns the log of views f selects, for an administrator.
func (c *Center) ContactViews(ctx context.Context, u sandik.User, f sandik.ContactViewFilter) ([]sandik.ContactView, error) {
	if err := allowPersonalData(u, "read the log of contact views"); err != nil {
		return nil, err
	}
	return c.store.ContactViews(ctx, f)
}

// ExportPerson returns everything held about a person, for an
// administrator: the record with its contacts (a view, logged like any
// other, before the log is read), the home unit, every term held, every
// view of their contacts and the users linked to them.
func (c *Center) ExportPerson(ctx context.Context, u sandik.User, id sandik.PersonID) (sandik.PersonExport, error) {
	var x sandik.PersonExport
	if err := allowPersonalData(u, "export a person"); err != nil {
		return x, err
	}
	p, err := c.store.Person(ctx, id)
	if err != nil {
		return x, err
	}
	if x.Home, err = c.store.Unit(ctx, p.Home); err != nil {
		return x, err
	}
	if x.Person, err = c.ShowContact(ctx, u, p, x.Home.Area); err != nil {
		return x, err
	}
	if x.Positions, err = c.store.Positions(ctx, sandik.PositionFilter{Person: id}); err != nil {
		return x, err
	}
	if x.Views, err = c.store.ContactViews(ctx, sandik.ContactViewFilter{Person: id}); err != nil {
		return x, err
	}
	if x.Users, err = c.store.LinkedUsers(ctx, id); err != nil {
		return x, err
	}
	return x, nil
}

// ErasePerson erases a person's name, phones, e-mail and note for an
// administrator, today in İstanbul, for reason (required; kept with the
// erased record, so it must not repeat what is erased). The terms they
// held stay, held by a removed person.
func (c *Center) ErasePerson(ctx context.Context, u sandik.User, id sandik.PersonID, reason string) error {
	if err := allowPersonalData(u, "erase a person"); err != nil {
		return err
	}
	if err := sandik.CheckEraseReason(reason); err != nil {
		return err
	}
	// The index shows a removed person, its name overwritten, before
	// this returns (KVKK).
	return c.writeOrg(ctx, true, func() error { return c.store.ErasePerson(ctx, id, sandik.DateOf(c.now()), reason) },
		func(x *orgmem.Index, gen int64) error { return x.Erase(id, gen) })
}
