package center

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sandik-dev/sandik"
)

// Issued is a user created by ImportUsers with the API token they were
// given, shown only once.
type Issued struct {
	User  sandik.User
	Token string
}

// ImportUsers creates the users of a list that do not exist yet, each
// with a new token, and replaces the areas of those that do: how an
// observer network signs up its volunteers and moves them between boxes
// on election eve. A listed user who exists must have the same role (a
// list does not promote anyone) and keeps their name and token. lines[i]
// is where users[i] came from, for the problems. A new user may be linked
// to a person of the organisation (not erased, nobody else's); a listed
// user who exists keeps their link, and naming another is a problem. All
// or nothing: every problem is returned at once and nothing is written.
func (c *Center) ImportUsers(ctx context.Context, source string, users []sandik.User, lines []int) (issued []Issued, reassigned int, err error) {
	existing, err := c.store.Users(ctx)
	if err != nil {
		return nil, 0, err
	}
	byID := make(map[sandik.UserID]sandik.User, len(existing))
	linkedTo := map[sandik.PersonID]sandik.UserID{}
	for _, u := range existing {
		byID[u.ID] = u
		if u.Person != "" {
			linkedTo[u.Person] = u.ID
		}
	}
	people, err := c.listedPeople(ctx, users)
	if err != nil {
		return nil, 0, err
	}
	personLine := map[sandik.PersonID]int{}
	reg := c.Registry()
	var (
		ps     []sandik.Problem
		create []sandik.NewUser
		assign []sandik.User
	)
	for i, u := range users {
		line := lines[i]
		bad := func(field, rule, format string, args ...any) {
			ps = append(ps, sandik.Problem{Field: source + ":" + field, Line: line, Rule: rule, Message: fmt.Sprintf(format, args...)})
		}
		for _, p := range sandik.ProblemsOf(u.Validate()) {
			bad(columnOf(p.Field), p.Rule, "%s", p.Message)
		}
		for _, p := range sandik.ProblemsOf(reg.CheckAreas(u.Areas)) {
			if p.Rule == sandik.RuleUnknownArea {
				bad("areas", p.Rule, "%s", p.Message)
			}
		}
		u.Areas = sandik.NormalizeAreas(u.Areas)
		old, exists := byID[u.ID]
		if u.Person != "" {
			p, known := people[u.Person]
			switch first, dup := personLine[u.Person]; {
			case dup:
				bad("person", sandik.RuleDuplicate, "person %q is already on line %d; a person is one user", u.Person, first)
			case !known:
				bad("person", sandik.RuleInvalidValue, "no person %q in the organisation (import it first with sandik org import)", u.Person)
			case p.Erased != "":
				bad("person", sandik.RuleInvalidValue, "person %q was erased on %s", u.Person, p.Erased)
			case linkedTo[u.Person] != "" && linkedTo[u.Person] != u.ID:
				bad("person", sandik.RuleDuplicate, "person %q is user %q already", u.Person, linkedTo[u.Person])
			case exists && old.Person != u.Person:
				bad("person", sandik.RuleInvalidValue, "user %q exists linked to %q; a list does not change links (sandik user link does)", u.ID, cmp.Or(string(old.Person), "nobody"))
			}
			personLine[u.Person] = line
		}
		if exists {
			if old.Role != u.Role {
				bad("role", sandik.RuleInvalidValue, "user %q exists as %s; a list does not change roles", u.ID, old.Role)
			}
			assign = append(assign, sandik.User{ID: u.ID, Areas: u.Areas})
			continue
		}
		token := NewToken()
		create = append(create, sandik.NewUser{User: u, TokenHash: HashToken(token)})
		issued = append(issued, Issued{User: u, Token: token})
	}
	if len(ps) > 0 {
		return nil, 0, sandik.Invalid(fmt.Sprintf("%s has %d problem(s); nothing was changed", source, len(ps)), dedupe(ps))
	}
	if err := c.store.SaveUsers(ctx, create, assign); err != nil {
		return nil, 0, err
	}
	for _, u := range assign {
		c.forget(u.ID)
	}
	return issued, len(assign), nil
}

// listedPeople reads the people the users name, by id.
func (c *Center) listedPeople(ctx context.Context, users []sandik.User) (map[sandik.PersonID]sandik.Person, error) {
	var ids []sandik.PersonID
	for _, u := range users {
		if u.Person != "" {
			ids = append(ids, u.Person)
		}
	}
	out := make(map[sandik.PersonID]sandik.Person, len(ids))
	// A chunk keeps a statement's parameters well under the drivers' limits.
	for chunk := range slices.Chunk(ids, 500) {
		ps, err := c.store.People(ctx, sandik.PeopleFilter{IDs: chunk})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out[p.ID] = p
		}
	}
	return out, nil
}

// columnOf is the column of a user's field: "areas" for "areas[2]".
func columnOf(field string) string {
	col, _, _ := strings.Cut(field, "[")
	return col
}
