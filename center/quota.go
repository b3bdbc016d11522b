package center

import (
	"context"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
)

// boxKey is one box in one race.
type boxKey struct {
	race sandik.RaceCode
	box  sandik.AreaCode
}

// checkQuotas refuses entries over a box's quotas: a person enters a box
// of a race at most maxPerPerson times (corrections included), and at most
// maxPeople people enter it. An observer's batch of a thousand sheets for
// their own box filled the log with nothing the tally counts.
//
// Counts come from the tally and the batch itself, so a batch over a
// quota is refused whole, however it is sent. The tally follows the log
// a moment behind, and two requests checked at once do not see each
// other: each of them fits the quota, so a person gets past it by at most
// a quota per request in flight at the same moment (the server bounds
// those), and the log stays bounded per box.
//
// A retry of entries already in the log writes nothing (Store.Append) and
// does not count again; the log is asked only when a quota would break.
func (c *Center) checkQuotas(ctx context.Context, eng *tally.Engine, user sandik.User, subs []sandik.Submission, items []int) error {
	type count struct {
		n     int
		first int // index in subs
	}
	batch := map[boxKey]*count{}
	var order []boxKey
	ids := make(map[sandik.SubmissionID]bool, len(subs))
	for i := range subs {
		if ids[subs[i].ID] {
			continue // given twice alike: written once
		}
		ids[subs[i].ID] = true
		k := boxKey{subs[i].Race, subs[i].Box}
		if batch[k] == nil {
			batch[k] = &count{first: i}
			order = append(order, k)
		}
		batch[k].n++
	}
	var problems []sandik.Problem
	for _, k := range order {
		people, mine, err := eng.EntryCounts(k.race, k.box, user.ID)
		if err != nil {
			continue // a box the tally does not know yet has had no entry
		}
		if mine == 0 {
			people++
		}
		n := batch[k].n
		if mine+n <= c.maxPerPerson && people <= c.maxPeople {
			continue
		}
		if n, err = c.newEntries(ctx, subs, k); err != nil {
			return err
		}
		if n == 0 || (mine+n <= c.maxPerPerson && people <= c.maxPeople) {
			continue
		}
		field := "box"
		if len(subs) > 1 {
			field = fmt.Sprintf("items[%d].box", items[batch[k].first])
		}
		msg := fmt.Sprintf("box %s of race %s has had %d entries by user %q, and takes at most %d per person (corrections included); this would make %d. A coordinator settles the box if it needs more",
			k.box, k.race, mine, user.ID, c.maxPerPerson, mine+n)
		if mine+n <= c.maxPerPerson {
			msg = fmt.Sprintf("box %s of race %s has been entered by %d people, the most it takes; user %q is not among them. A coordinator settles the box",
				k.box, k.race, people-1, user.ID)
		}
		problems = append(problems, sandik.Problem{Field: field, Rule: sandik.RuleOverQuota, Message: msg})
	}
	if len(problems) == 0 {
		return nil
	}
	msg := "the result sheet is over its box's entry quota; nothing was written"
	if len(subs) > 1 {
		msg = "the batch is over its boxes' entry quotas; nothing was written"
	}
	return sandik.Invalid(msg, problems)
}

// newEntries counts the entries of box k in subs that are not already in
// the log with the same content.
func (c *Center) newEntries(ctx context.Context, subs []sandik.Submission, k boxKey) (int, error) {
	n := 0
	ids := map[sandik.SubmissionID]bool{}
	for i := range subs {
		if subs[i].Race != k.race || subs[i].Box != k.box || ids[subs[i].ID] {
			continue
		}
		ids[subs[i].ID] = true
		old, err := c.store.Submission(ctx, subs[i].ID)
		switch {
		case sandik.CodeOf(err) == sandik.ENotFound:
			n++
		case err != nil:
			return 0, fmt.Errorf("entry quota: %w", err)
		case old.Hash != subs[i].Hash:
			n++ // the store refuses the reuse of the id
		}
	}
	return n, nil
}
