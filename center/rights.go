package center

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"reflect"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
)

// Effective returns the user Registry.Allow decides on for stored (as
// the store holds them): their own role and areas, the rights of their
// linked person's current terms and their grants, combined by
// org.Effective at the centre's now; and the instant that next changes.
//
// An answer is kept, as Authenticate keeps users, for the user cache's
// TTL and no later than that next change, while the store's user
// generation stands still (every write of users, rights, terms, units and
// assignments moves it) and this process changed no user: the pages'
// live streams check their session every second, and each reading of
// rights was four or five queries, which at a night's peak kept the
// SQLite read pool busy enough that a dashboard's sign-in waited 40 ms
// for a connection.
func (c *Center) Effective(ctx context.Context, stored sandik.User) (sandik.User, time.Time, error) {
	now := c.now()
	if c.userTTL <= 0 {
		return c.effective(ctx, stored, now)
	}
	// The generation is read before the rights: a change committed while
	// they are read moves it, and the answer kept under the older one is
	// never used.
	gen, err := c.store.UserGeneration(ctx)
	if err != nil {
		return sandik.User{}, time.Time{}, fmt.Errorf("rights of user %q: %w", stored.ID, err)
	}
	if v, ok := c.rights.Load(stored.ID); ok {
		if cr := v.(cachedRights); cr.gen == gen && !now.Before(cr.read) && now.Before(cr.expires) && reflect.DeepEqual(cr.stored, stored) {
			return cr.user, cr.next, nil
		}
	}
	tokens := c.tokenGen.Load()
	u, next, err := c.effective(ctx, stored, now)
	if err != nil {
		return u, next, err
	}
	expires := now.Add(c.userTTL)
	if !next.IsZero() && next.Before(expires) {
		expires = next
	}
	if c.tokenGen.Load() == tokens {
		c.rights.Store(stored.ID, cachedRights{stored: stored, user: u, next: next, read: now, expires: expires, gen: gen})
	}
	return u, next, nil
}

// cachedRights is an answer of Effective, for the stored user it was
// read for.
type cachedRights struct {
	stored, user  sandik.User
	next          time.Time
	read, expires time.Time
	gen           int64
}

// effective is Effective read from the store.
func (c *Center) effective(ctx context.Context, stored sandik.User, now time.Time) (sandik.User, time.Time, error) {
	src, err := c.sources(ctx, stored)
	if err != nil {
		return sandik.User{}, time.Time{}, fmt.Errorf("rights of user %q: %w", stored.ID, err)
	}
	// Observers' boxes from assignments (Config.ObserverBoxes); without
	// them an observer's boxes are their stored areas.
	var boxes []sandik.AreaCode
	if c.observerBoxes != nil && stored.Person != "" {
		if boxes, err = c.observerBoxes(ctx, stored.Person); err != nil {
			return sandik.User{}, time.Time{}, fmt.Errorf("observer boxes of user %q: %w", stored.ID, err)
		}
	}
	u, next := org.Effective(stored, src, boxes, now)
	return u, next, nil
}

// EffectiveUser is Effective without the next change, for callers that
// read the user at every request (the pages' sessions).
func (c *Center) EffectiveUser(ctx context.Context, stored sandik.User) (sandik.User, error) {
	u, _, err := c.Effective(ctx, stored)
	return u, err
}

// sources reads what gives stored rights besides their own role.
func (c *Center) sources(ctx context.Context, stored sandik.User) (org.Sources, error) {
	var src org.Sources
	grants, err := c.store.Grants(ctx, sandik.GrantFilter{User: stored.ID})
	if err != nil {
		return src, err
	}
	src.Grants = grants
	if stored.Person == "" {
		return src, nil
	}
	terms, err := c.store.Positions(ctx, sandik.PositionFilter{Person: stored.Person})
	if err != nil || len(terms) == 0 {
		return src, err
	}
	rights, err := c.store.KindRights(ctx)
	if err != nil {
		return src, err
	}
	src.Terms = terms
	src.KindRights = sandik.MergeKindRights(nil, rights)
	areas := map[sandik.UnitCode]sandik.AreaCode{}
	for _, p := range terms {
		if _, ok := areas[p.Unit]; ok || src.KindRights[p.Kind] == "" {
			continue
		}
		un, err := c.store.Unit(ctx, p.Unit)
		if err != nil {
			return src, err
		}
		areas[p.Unit] = un.Area
	}
	src.UnitArea = func(code sandik.UnitCode) (sandik.AreaCode, bool) { a, ok := areas[code]; return a, ok }
	return src, nil
}

// user returns the stored user id; ENotFound if there is none.
func (c *Center) user(ctx context.Context, id sandik.UserID) (sandik.User, error) {
	users, err := c.store.Users(ctx)
	if err != nil {
		return sandik.User{}, err
	}
	for _, u := range users {
		if u.ID == id {
			return u, nil
		}
	}
	return sandik.User{}, sandik.Errorf(sandik.ENotFound, "user %q not found", id)
}

// CreateUserAs creates u for actor (as Effective made them) and returns
// the new user's token, shown once. An administrator creates anyone; a
// coordinator only below their role within their areas (org.MayGive).
// A linked person must exist, and their current terms' rights must be
// the actor's to give too.
func (c *Center) CreateUserAs(ctx context.Context, actor sandik.User, u sandik.User) (string, error) {
	if err := org.MayGive(c.Registry(), actor, u.Role, u.Areas); err != nil {
		return "", err
	}
	if err := c.mayLink(ctx, actor, u.Person); err != nil {
		return "", err
	}
	return c.CreateUser(ctx, u)
}

// mayLink checks that person exists and that actor may give the rights
// its current terms give.
func (c *Center) mayLink(ctx context.Context, actor sandik.User, person sandik.PersonID) error {
	if person == "" {
		return nil
	}
	if _, err := c.store.Person(ctx, person); sandik.CodeOf(err) == sandik.ENotFound {
		return sandik.Invalid("invalid user", []sandik.Problem{{Field: "person", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("no person %q", person)}})
	} else if err != nil {
		return err
	}
	if actor.Role == sandik.RoleAdmin {
		return nil
	}
	src, err := c.sources(ctx, sandik.User{Person: person})
	if err != nil {
		return err
	}
	at := sandik.DateOf(c.now())
	for _, p := range src.Terms {
		role := src.KindRights[p.Kind]
		area, ok := src.UnitArea(p.Unit)
		if role == "" || !ok || !(p.HeldOn(at) || p.Start > at) {
			continue
		}
		if err := org.MayGive(c.Registry(), actor, role, []sandik.AreaCode{area}); err != nil {
			return fmt.Errorf("person %q holds %s (%s): %w", person, p.Kind, p.ID, err)
		}
	}
	return nil
}

// LinkPerson links user id to person (empty: unlinks) for actor, who
// must be able to manage the user and give what the person's terms give.
func (c *Center) LinkPerson(ctx context.Context, actor sandik.User, id sandik.UserID, person sandik.PersonID) (sandik.User, error) {
	u, err := c.user(ctx, id)
	if err != nil {
		return u, err
	}
	if err := org.MayGive(c.Registry(), actor, u.Role, u.Areas); err != nil {
		return u, err
	}
	if err := c.mayLink(ctx, actor, person); err != nil {
		return u, err
	}
	if err := c.store.LinkPerson(ctx, id, person); err != nil {
		return u, err
	}
	c.forget(id)
	u.Person = person
	return u, nil
}

// RemoveUserAs takes user id out of use for actor: an administrator any
// user, a coordinator those they could have created. Their token stops
// working at once on every instance and their sessions end.
func (c *Center) RemoveUserAs(ctx context.Context, actor sandik.User, id sandik.UserID) error {
	u, err := c.user(ctx, id)
	if err != nil {
		return err
	}
	if u.ID == actor.ID {
		return sandik.Errorf(sandik.EForbidden, "user %q may not remove themselves", id)
	}
	if u.Removed {
		return sandik.Errorf(sandik.EConflict, "user %q was removed already", id)
	}
	if err := org.MayGive(c.Registry(), actor, u.Role, u.Areas); err != nil {
		return err
	}
	if err := c.store.RemoveUser(ctx, id, HashToken(NewToken())); err != nil {
		return err
	}
	c.forget(id)
	return nil
}

// GrantAs stores g for actor: its areas in the registry, its role and
// areas the actor's to give. From defaults to now; GrantedBy is the
// actor.
func (c *Center) GrantAs(ctx context.Context, actor sandik.User, g sandik.Grant) (sandik.Grant, error) {
	g.GrantedBy = actor.ID
	if g.From.IsZero() {
		g.From = c.now()
	}
	if g.ID == "" {
		b := make([]byte, 6)
		rand.Read(b)
		g.ID = sandik.GrantID("y-" + hex.EncodeToString(b))
	}
	g.Areas = sandik.NormalizeAreas(g.Areas)
	ps := append(sandik.ProblemsOf(g.Validate()), sandik.ProblemsOf(c.Registry().CheckAreas(g.Areas))...)
	if len(ps) > 0 {
		return g, sandik.Invalid(fmt.Sprintf("invalid grant %q", g.ID), dedupe(ps))
	}
	if err := org.MayGive(c.Registry(), actor, g.Role, g.Areas); err != nil {
		return g, err
	}
	if err := c.store.SaveGrant(ctx, g); err != nil {
		return g, err
	}
	c.forget(g.User)
	return g, nil
}

// RevokeGrantAs ends grant id of user now, for an actor who could have
// given it; ENotFound if the user has no such grant.
func (c *Center) RevokeGrantAs(ctx context.Context, actor sandik.User, user sandik.UserID, id sandik.GrantID) (sandik.Grant, error) {
	g, err := c.store.Grant(ctx, id)
	if err != nil {
		return g, err
	}
	if g.User != user {
		return g, sandik.Errorf(sandik.ENotFound, "user %q has no grant %q", user, id)
	}
	if err := org.MayGive(c.Registry(), actor, g.Role, g.Areas); err != nil {
		return g, err
	}
	if err := c.store.RevokeGrant(ctx, id, c.now(), actor.ID); err != nil {
		return g, err
	}
	c.forget(g.User)
	return c.store.Grant(ctx, id)
}

// GrantsOf returns the grants of user id, for the user themselves or an
// actor who may manage them.
func (c *Center) GrantsOf(ctx context.Context, actor sandik.User, id sandik.UserID) ([]sandik.Grant, error) {
	if actor.ID != id {
		u, err := c.user(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := org.MayGive(c.Registry(), actor, u.Role, u.Areas); err != nil {
			return nil, err
		}
	}
	return c.store.Grants(ctx, sandik.GrantFilter{User: id})
}

// SaveKindRights changes the table of kinds' rights, as an
// administrator: it changes what every holder of those kinds may do.
func (c *Center) SaveKindRights(ctx context.Context, actor sandik.User, rs []sandik.KindRight) error {
	if actor.Role != sandik.RoleAdmin {
		return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not change what positions give; administrators may", actor.ID, actor.Role)
	}
	if err := c.store.SaveKindRights(ctx, rs); err != nil {
		return err
	}
	c.forget("")
	return nil
}

// mayRecord checks that actor may record or end a term of kind in a
// unit of area: the role the kind gives must be theirs to give there.
func (c *Center) mayRecord(ctx context.Context, actor sandik.User, kind sandik.KindCode, area sandik.AreaCode) error {
	if actor.Role == sandik.RoleAdmin {
		return nil
	}
	rights, err := c.store.KindRights(ctx)
	if err != nil {
		return err
	}
	role := sandik.MergeKindRights(nil, rights)[kind]
	if role == "" {
		return nil
	}
	if err := org.MayGive(c.Registry(), actor, role, []sandik.AreaCode{area}); err != nil {
		return fmt.Errorf("a %s gives the role %s: %w", kind, role, err)
	}
	return nil
}

// KindRights returns the role each kind of position gives, the defaults
// with the stored table laid over them.
func (c *Center) KindRights(ctx context.Context) (map[sandik.KindCode]sandik.Role, error) {
	rights, err := c.store.KindRights(ctx)
	if err != nil {
		return nil, err
	}
	return sandik.MergeKindRights(nil, rights), nil
}

// UsersOf returns the users actor may manage (org.MayGive over their
// stored role and areas), by id: every user for an administrator, those
// below them in their areas for a coordinator; anyone else is refused.
func (c *Center) UsersOf(ctx context.Context, actor sandik.User) ([]sandik.User, error) {
	if !actor.Role.CanAdjudicate() {
		return nil, sandik.Errorf(sandik.EForbidden, "user %q (%s) may not list users; coordinators and administrators may", actor.ID, actor.Role)
	}
	users, err := c.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	out := []sandik.User{}
	for _, u := range users {
		if org.MayGive(c.Registry(), actor, u.Role, u.Areas) == nil {
			out = append(out, u)
		}
	}
	return out, nil
}
