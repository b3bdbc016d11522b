package registrycsv

import (
	"fmt"
	"io"
	"strings"

	"github.com/sandik-dev/sandik"
)

// UsersFile is the name problems of a users file carry.
const UsersFile = "users.csv"

// The users file lists the people of the centre, one per row: an observer
// network's volunteers with the boxes they stand at, district
// coordinators with their ilçe. It is read by the same rules as the
// registry files (delimiter, byte order mark, header names folded, every
// problem with its line).
var userColumns = columns{required: []string{"id", "name", "role"}, optional: []string{"areas", "person"}}

// roleAliases adds the Turkish words to the role names, folded by
// normalizeName.
var roleAliases = map[string]sandik.Role{
	"observer": sandik.RoleObserver, "musahit": sandik.RoleObserver,
	"volunteer": sandik.RoleVolunteer, "gonullu": sandik.RoleVolunteer,
	"coordinator": sandik.RoleCoordinator, "koordinator": sandik.RoleCoordinator,
	"admin": sandik.RoleAdmin, "yonetici": sandik.RoleAdmin,
	"lawyer": sandik.RoleLawyer, "avukat": sandik.RoleLawyer,
}

// UserRow is one user of a users file and the line it was on.
type UserRow struct {
	Line int
	User sandik.User
}

// ReadUsers reads a users file: columns id, name, role and, optionally,
// areas (area codes separated by spaces or "|") and person (the id of
// the person of the organisation the user is, whose terms give rights). Every row is checked on
// its own (sandik.User.Validate) and ids must not repeat; whether the
// areas exist is the registry's business, not the file's. It returns
// every problem, each with its line, as one EInvalid error.
func ReadUsers(src io.Reader) ([]UserRow, error) {
	ps := &collector{}
	t, err := openTable(UsersFile, src, userColumns, ps)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, usersErr(ps)
	}
	id, name, role, areas, person := t.col("id"), t.col("name"), t.col("role"), t.col("areas"), t.col("person")
	var rows []UserRow
	seen := map[sandik.UserID]int{}
	for {
		rec, line, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		u := sandik.User{ID: sandik.UserID(rec[id]), Name: rec[name], Role: sandik.Role(rec[role]), Person: sandik.PersonID(field(rec, person))}
		if r, ok := roleAliases[normalizeName(rec[role])]; ok {
			u.Role = r
		}
		for _, a := range strings.FieldsFunc(field(rec, areas), func(r rune) bool { return r == '|' || r == ' ' || r == '\t' }) {
			u.Areas = append(u.Areas, sandik.AreaCode(a))
		}
		for _, p := range sandik.ProblemsOf(u.Validate()) {
			col, _, _ := strings.Cut(p.Field, "[")
			ps.add(UsersFile, line, col, p.Rule, "%s", p.Message)
		}
		if first, dup := seen[u.ID]; dup && u.ID != "" {
			ps.add(UsersFile, line, "id", sandik.RuleDuplicate, "user %q is already on line %d", u.ID, first)
			continue
		}
		seen[u.ID] = line
		rows = append(rows, UserRow{Line: line, User: u})
	}
	if len(ps.list) > 0 || ps.more > 0 {
		return nil, usersErr(ps)
	}
	if len(rows) == 0 {
		return nil, sandik.Invalid("the users file has no users", []sandik.Problem{{Field: UsersFile, Line: 2, Rule: sandik.RuleRequired, Message: "no user after the header"}})
	}
	return rows, nil
}

func usersErr(ps *collector) error {
	err := ps.err()
	e := err.(*sandik.Error)
	n := len(e.Problems)
	e.Message = fmt.Sprintf("the users file has %d problem(s); nothing was changed", n)
	return e
}
