package cli

import (
	"context"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/demo"
)

// WorkshopSeeded says what SeedWorkshop made.
type WorkshopSeeded struct {
	Invited, CheckedIn, Answers int
	Meeting                     sandik.Meeting
	Survey                      sandik.Survey
}

// SeedWorkshop adds the demo's workshop (demo.Workshop) to the demo's
// organisation (demo.Organisation): the mayors of fourteen districts, the
// meeting of today with its invitations,
// four in five invitees checked in at the door, and the survey with its
// first question answered, closed and revealed and its second open.
func SeedWorkshop(ctx context.Context, c *center.Center) (WorkshopSeeded, error) {
	var out WorkshopSeeded
	op := Operator()
	ch := demo.WorkshopOrg(c.Registry(), sandik.DateOf(c.Now().AddDate(-2, 0, 0)))
	if len(ch.Positions) == 0 {
		return out, nil
	}
	if err := c.SaveOrg(ctx, op, ch); err != nil {
		return out, fmt.Errorf("workshop: %w", err)
	}
	m, invs, err := c.CreateMeeting(ctx, op, demo.Workshop(c.Now()))
	if err != nil {
		return out, fmt.Errorf("workshop: %w", err)
	}
	s, err := c.CreateSurvey(ctx, op, demo.WorkshopSurvey())
	if err != nil {
		return out, fmt.Errorf("workshop survey: %w", err)
	}
	out.Meeting, out.Survey, out.Invited = m, s, len(invs)
	var tokens []string
	for i, inv := range invs {
		if i%5 == 4 {
			continue // one in five has not come
		}
		ci, err := c.CheckInWithCode(ctx, m.ID, m.Code, inv.Person)
		if err != nil {
			return out, fmt.Errorf("workshop check-in: %w", err)
		}
		tokens = append(tokens, ci.Token)
	}
	out.CheckedIn = len(tokens)
	for _, n := range []int{1, 2} {
		if err := c.SetQuestion(ctx, op, s.ID, n, sandik.QuestionOpen, false); err != nil {
			return out, err
		}
	}
	for i, tok := range tokens {
		for _, n := range []int{1, 2} {
			if n == 2 && i%3 == 0 {
				continue // the second question is still being answered
			}
			if err := c.Answer(ctx, s.ID, n, s.JoinCode, tok, demo.WorkshopAnswer(i, n)); err != nil {
				return out, fmt.Errorf("workshop answer: %w", err)
			}
			out.Answers++
		}
	}
	if err := c.SetQuestion(ctx, op, s.ID, 1, sandik.QuestionClosed, true); err != nil {
		return out, err
	}
	// The sister-district model, a decision of the workshop for the first
	// district, due in a fortnight.
	if len(ch.Positions) > 0 {
		if _, err := c.AddDecision(ctx, op, m.ID, sandik.Decision{Text: "Kardeş ilçe eşleşmelerini hazırla (sentetik)", OwnerUnit: ch.Positions[0].Unit,
			Due: sandik.DateOf(c.Now().AddDate(0, 0, 14))}); err != nil {
			return out, fmt.Errorf("workshop decision: %w", err)
		}
	}
	return out, nil
}
