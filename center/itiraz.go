package center

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"slices"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
)

// Objections (itiraz) are kept as events in the store and folded on every
// read: a centre files hundreds of cases, not millions, and reading them
// from the store keeps every instance sharing it in agreement.

func (c *Center) cases() (itiraz.Store, error) { return c.store, nil }

func canManage(u sandik.User) error {
	if !u.Role.CanManageCases() {
		return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not handle objections; lawyers, coordinators and admins may", u.ID, u.Role)
	}
	return nil
}

// subjects are the areas a case is about: its boxes and areas, else the
// whole scope of its race.
func subjects(reg *sandik.Registry, race sandik.RaceCode, boxes, areas []sandik.AreaCode) []sandik.AreaCode {
	out := append(slices.Clone(boxes), areas...)
	if len(out) == 0 {
		if rc, ok := reg.Race(race); ok {
			out = append(out, rc.Scope)
		}
	}
	return out
}

// mayHandle decides whether u may handle a case about these subjects:
// every one of them must lie within the user's areas.
func mayHandle(reg *sandik.Registry, u sandik.User, race sandik.RaceCode, boxes, areas []sandik.AreaCode) error {
	if err := canManage(u); err != nil {
		return err
	}
	for _, a := range subjects(reg, race, boxes, areas) {
		if err := reg.Allow(u, sandik.ActionHandleCases, a); err != nil {
			return err
		}
	}
	return nil
}

// DeadlineRules returns the rules deadlines are computed by.
func (c *Center) DeadlineRules() []itiraz.Rule { return slices.Clone(c.rules) }

// deadline computes a board's deadline: from the election's date when
// the board's rule runs from voting day, else from trigger (now when zero).
func (c *Center) deadline(reg *sandik.Registry, race sandik.RaceCode, board itiraz.Board, trigger time.Time) (time.Time, time.Time) {
	rule, ok := itiraz.RuleFor(c.rules, board)
	if !ok {
		return trigger, time.Time{}
	}
	loc := itiraz.Istanbul()
	if rule.Trigger == itiraz.TriggerVotingDay {
		if rc, ok := reg.Race(race); ok {
			if el, ok := reg.Election(rc.Election); ok && !el.Date.IsZero() {
				// The election's date is a calendar day in İstanbul.
				y, m, d := el.Date.In(loc).Date()
				trigger = time.Date(y, m, d, 0, 0, 0, 0, loc)
			}
		}
	}
	if trigger.IsZero() {
		trigger = c.now()
	}
	return trigger, rule.Deadline(trigger, loc)
}

func newCaseID() itiraz.CaseID {
	var b [6]byte
	rand.Read(b[:])
	return itiraz.CaseID("itz-" + hex.EncodeToString(b[:]))
}

// CreateCase drafts a case. trigger is when its deadline runs from, for
// boards whose rule does not run from voting day (zero means now).
func (c *Center) CreateCase(ctx context.Context, u sandik.User, d itiraz.Draft, trigger time.Time) (*itiraz.Case, error) {
	if err := canManage(u); err != nil {
		return nil, err
	}
	is, err := c.cases()
	if err != nil {
		return nil, err
	}
	reg := c.Registry()
	if ps := d.Check(reg); len(ps) > 0 {
		return nil, sandik.Invalid("the case is not valid", ps)
	}
	if err := mayHandle(reg, u, d.Race, d.Boxes, d.Areas); err != nil {
		return nil, err
	}
	withClaim(reg, &d)
	trig, dl := c.deadline(reg, d.Race, d.Board, trigger)
	e := itiraz.Event{Case: newCaseID(), Version: 1, Kind: itiraz.EventCreated, User: u.ID, At: c.now().UTC(), Draft: &d, Trigger: trig, Deadline: dl}
	return record(ctx, is, nil, e)
}

// withClaim gives a draft without a claim one of zeros, one per choice, so
// that it counts in margins and can be partly granted.
func withClaim(reg *sandik.Registry, d *itiraz.Draft) {
	if d.Claim == nil {
		rc, _ := reg.Race(d.Race)
		d.Claim = make([]int64, len(rc.Choices))
	}
}

// record applies e to cur (nil for a new case) and stores it: a change the
// status flow refuses is never stored.
func record(ctx context.Context, is itiraz.Store, cur *itiraz.Case, e itiraz.Event) (*itiraz.Case, error) {
	next, err := itiraz.Apply(cur, e)
	if err != nil {
		return nil, err
	}
	if err := is.AppendCaseEvent(ctx, e); err != nil {
		return nil, err
	}
	return next, nil
}

// Change is a change a user asks of a case, made on the version they saw.
type Change struct {
	Version   int
	Kind      itiraz.EventKind // edited, filed, decided, appealed, withdrawn
	Draft     *itiraz.Draft
	When      time.Time // of filing, decision or appeal; now when zero
	Reference string
	Outcome   itiraz.Status
	Decision  string
	Granted   []int64
	Trigger   time.Time // of an appeal's deadline: the decision's notification; the decision's time when zero
	Reason    string
}

// ChangeCase applies a change to a case. A change made on an older version
// than the stored one is EConflict: someone changed the case meanwhile.
func (c *Center) ChangeCase(ctx context.Context, u sandik.User, id itiraz.CaseID, ch Change) (*itiraz.Case, error) {
	if err := canManage(u); err != nil {
		return nil, err
	}
	is, err := c.cases()
	if err != nil {
		return nil, err
	}
	cur, err := c.View(u).Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if ch.Version != cur.Version {
		return nil, sandik.Errorf(sandik.EConflict, "case %s is at version %d, the change was made on version %d; reload it", id, cur.Version, ch.Version)
	}
	now := c.now().UTC()
	when := ch.When
	if when.IsZero() {
		when = now
	}
	e := itiraz.Event{Case: id, Version: cur.Version + 1, Kind: ch.Kind, User: u.ID, At: now}
	reg := c.Registry()
	switch ch.Kind {
	case itiraz.EventEdited:
		if ch.Draft == nil {
			return nil, sandik.Invalid("an edit needs the case's fields", []sandik.Problem{{Field: "draft", Rule: sandik.RuleRequired, Message: "is required"}})
		}
		if ps := ch.Draft.Check(reg); len(ps) > 0 {
			return nil, sandik.Invalid("the case is not valid", ps)
		}
		if err := mayHandle(reg, u, ch.Draft.Race, ch.Draft.Boxes, ch.Draft.Areas); err != nil {
			return nil, err
		}
		withClaim(reg, ch.Draft)
		e.Draft = ch.Draft
		// Another board runs its deadline from its own trigger: the one
		// given with the change, else voting day or now, by its rule.
		if ch.Draft.Board != cur.Board || ch.Draft.Race != cur.Race || !ch.Trigger.IsZero() {
			e.Trigger, e.Deadline = c.deadline(reg, ch.Draft.Race, ch.Draft.Board, ch.Trigger)
		}
	case itiraz.EventFiled:
		e.When, e.Reference = when, ch.Reference
	case itiraz.EventDecided:
		e.When, e.Outcome, e.Decision, e.Granted = when, ch.Outcome, ch.Decision, ch.Granted
	case itiraz.EventAppealed:
		next, ok := cur.Board.Next()
		if !ok {
			next = cur.Board // Apply refuses it with the reason
		}
		trig := ch.Trigger
		if trig.IsZero() {
			trig = cur.DecidedAt
		}
		e.When, e.Reference = when, ch.Reference
		e.Trigger, e.Deadline = c.deadline(reg, cur.Race, next, trig)
	case itiraz.EventWithdraw:
		if strings.TrimSpace(ch.Reason) == "" {
			return nil, sandik.Invalid("a withdrawal needs a reason", []sandik.Problem{{Field: "reason", Rule: sandik.RuleReasonRequired, Message: "say why the case is withdrawn"}})
		}
		e.Reason = ch.Reason
	default:
		return nil, sandik.Invalid("unknown change", []sandik.Problem{{Field: "kind", Rule: sandik.RuleInvalidValue,
			Message: fmt.Sprintf("kind %q is not edited, filed, decided, appealed or withdrawn", ch.Kind)}})
	}
	if len(ch.Decision) > itiraz.MaxBody || len(ch.Reason) > itiraz.MaxBody || len(ch.Reference) > itiraz.MaxTitle {
		return nil, sandik.Invalid("text too long", []sandik.Problem{{Field: "decision", Rule: sandik.RuleTooLarge, Message: "decision, reason or reference is too long"}})
	}
	return record(ctx, is, cur, e)
}

// AddEvidence stores a document of a case and records it with its
// checksum.
func (c *Center) AddEvidence(ctx context.Context, u sandik.User, id itiraz.CaseID, version int, name, mediaType string, data []byte) (*itiraz.Case, error) {
	if err := canManage(u); err != nil {
		return nil, err
	}
	is, err := c.cases()
	if err != nil {
		return nil, err
	}
	var ps []sandik.Problem
	if n := strings.TrimSpace(name); n == "" || len(n) > 255 || strings.ContainsAny(n, "/\\\x00") {
		ps = append(ps, sandik.Problem{Field: "name", Rule: sandik.RuleInvalidValue, Message: "a file name of 1–255 characters without slashes is required"})
	}
	if _, _, err := mime.ParseMediaType(mediaType); err != nil {
		ps = append(ps, sandik.Problem{Field: "media_type", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("%q is not a media type", mediaType)})
	}
	if len(ps) > 0 {
		return nil, sandik.Invalid("the evidence is not valid", ps)
	}
	cur, err := c.View(u).Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if version != cur.Version {
		return nil, sandik.Errorf(sandik.EConflict, "case %s is at version %d, the evidence was added on version %d; reload it", id, cur.Version, version)
	}
	sum, err := is.PutEvidence(ctx, data)
	if err != nil {
		return nil, err
	}
	now := c.now().UTC()
	e := itiraz.Event{Case: id, Version: cur.Version + 1, Kind: itiraz.EventEvidence, User: u.ID, At: now,
		Evidence: &itiraz.Evidence{Name: strings.TrimSpace(name), MediaType: mediaType, Size: int64(len(data)), SHA256: sum, AddedBy: u.ID, AddedAt: now}}
	return record(ctx, is, cur, e)
}

// evidence returns a stored document by its checksum, verified.
func (c *Center) evidence(ctx context.Context, sum string) ([]byte, error) {
	is, err := c.cases()
	if err != nil {
		return nil, err
	}
	return is.Evidence(ctx, sum)
}

// loadCase returns one case as its events made it, whoever asks.
func (c *Center) loadCase(ctx context.Context, id itiraz.CaseID) (*itiraz.Case, error) {
	is, err := c.cases()
	if err != nil {
		return nil, err
	}
	es, err := is.CaseEventsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	return itiraz.Fold(es)
}

// allCases returns every case of race (all races when empty), by id,
// whoever asks.
func (c *Center) allCases(ctx context.Context, race sandik.RaceCode) ([]*itiraz.Case, error) {
	is, err := c.cases()
	if err != nil {
		return nil, err
	}
	es, err := is.CaseEvents(ctx)
	if err != nil {
		return nil, err
	}
	out := []*itiraz.Case{}
	for i := 0; i < len(es); {
		j := i
		for j < len(es) && es[j].Case == es[i].Case {
			j++
		}
		cs, err := itiraz.Fold(es[i:j])
		if err != nil {
			return nil, err
		}
		if race == "" || cs.Race == race {
			out = append(out, cs)
		}
		i = j
	}
	return out, nil
}

// Now is the centre's clock, for deadlines shown against it.
func (c *Center) Now() time.Time { return c.now() }
