package sandik

import "fmt"

// UserID is a user's login name.
type UserID string

// Role decides what a user may do.
type Role string

const (
	RoleObserver    Role = "observer"    // müşahit: submits sheets of boxes
	RoleVolunteer   Role = "volunteer"   // data entry at the centre
	RoleCoordinator Role = "coordinator" // sees everything, adjudicates conflicts
	RoleAdmin       Role = "admin"       // also manages the registry and users
	RoleLawyer      Role = "lawyer"      // reads results, files and follows objections (itiraz)
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleObserver, RoleVolunteer, RoleCoordinator, RoleAdmin, RoleLawyer:
		return true
	}
	return false
}

// CanAdjudicate reports whether the role may settle conflicts.
func (r Role) CanAdjudicate() bool { return r == RoleCoordinator || r == RoleAdmin }

// CanSubmit reports whether the role may enter sheets: everyone but
// lawyers, who contest figures and must not also type them.
func (r Role) CanSubmit() bool { return r.Valid() && r != RoleLawyer }

// SeesAllEntries reports whether the role may see every typing of a sheet.
// Double entry is blind only for those who type: observers and volunteers.
func (r Role) SeesAllEntries() bool { return r == RoleCoordinator || r == RoleAdmin || r == RoleLawyer }

// CanManageCases reports whether the role may draft, file and record
// objections.
func (r Role) CanManageCases() bool { return r == RoleLawyer || r == RoleCoordinator || r == RoleAdmin }

// User is a person with access to the centre. Tokens are stored only as
// hashes, by the store. Areas limit where the user works (see
// Registry.Allow); they are kept sorted and without repeats.
//
// Person links the user to a person of the organisation, whose current
// positions give rights too (see org.Effective). Removed marks a user
// taken out of use: their token was replaced by one nobody holds, and
// their id stays taken so that what they did stays theirs.
type User struct {
	ID      UserID     `json:"id"`
	Name    string     `json:"name"`
	Role    Role       `json:"role"`
	Areas   []AreaCode `json:"areas,omitempty"`
	Person  PersonID   `json:"person,omitempty"`
	Removed bool       `json:"removed,omitempty"`
}

// Validate checks a new user's fields.
func (u User) Validate() error {
	var ps problems
	if err := ValidateCode(string(u.ID)); err != nil {
		ps.add("id", RuleInvalidValue, "%v", err)
	}
	if u.Name == "" {
		ps.add("name", RuleRequired, "is required")
	}
	if !u.Role.Valid() {
		ps.add("role", RuleInvalidValue, "unknown role %q (want observer, volunteer, coordinator, admin or lawyer)", u.Role)
	}
	ps = append(ps, areaCodeProblems(u.Areas)...)
	if u.Person != "" {
		if err := ValidateCode(string(u.Person)); err != nil {
			ps.add("person", RuleInvalidValue, "%v", err)
		}
	}
	if u.Role == RoleAdmin && len(u.Areas) > 0 {
		ps.add("areas", RuleInvalidValue, "an administrator works everywhere; areas would be ignored")
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid user %q", u.ID), ps)
	}
	return nil
}

// MaxUserAreas bounds the areas of one user: an observer watches a few
// boxes, a coordinator a district; thousands would be a mistake.
const MaxUserAreas = 1000

func areaCodeProblems(codes []AreaCode) problems {
	var ps problems
	if len(codes) > MaxUserAreas {
		ps.add("areas", RuleInvalidValue, "at most %d areas per user (got %d)", MaxUserAreas, len(codes))
		return ps
	}
	seen := make(map[AreaCode]int, len(codes))
	for i, c := range codes {
		field := fmt.Sprintf("areas[%d]", i)
		if err := ValidateCode(string(c)); err != nil {
			ps.add(field, RuleInvalidValue, "area code %v", err)
			continue
		}
		if j, dup := seen[c]; dup {
			ps.add(field, RuleDuplicate, "area %q is already given as areas[%d]", c, j)
			continue
		}
		seen[c] = i
	}
	return ps
}
