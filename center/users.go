package center

import (
	"context"
	"fmt"
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
// is where users[i] came from, for the problems. All or nothing: every
// problem is returned at once and nothing is written.
func (c *Center) ImportUsers(ctx context.Context, source string, users []sandik.User, lines []int) (issued []Issued, reassigned int, err error) {
	existing, err := c.store.Users(ctx)
	if err != nil {
		return nil, 0, err
	}
	byID := make(map[sandik.UserID]sandik.User, len(existing))
	for _, u := range existing {
		byID[u.ID] = u
	}
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
		if old, ok := byID[u.ID]; ok {
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

// columnOf is the column of a user's field: "areas" for "areas[2]".
func columnOf(field string) string {
	col, _, _ := strings.Cut(field, "[")
	return col
}
