package sandik

import (
	"fmt"
	"slices"
	"strings"
)

// Action is something a user asks to do to an area; Allow decides it.
type Action int

const (
	// ActionSubmit enters a box's result sheet.
	ActionSubmit Action = iota + 1
	// ActionReadBox reads a box's entries (blind or not is the role's
	// business, not the scope's).
	ActionReadBox
	// ActionAdjudicate settles a box's conflict.
	ActionAdjudicate
	// ActionHandleCases drafts, files and records objections about an area.
	ActionHandleCases
)

func (a Action) String() string {
	switch a {
	case ActionSubmit:
		return "submit sheets"
	case ActionReadBox:
		return "read box entries"
	case ActionAdjudicate:
		return "adjudicate"
	case ActionHandleCases:
		return "handle objections"
	}
	return fmt.Sprintf("action %d", int(a))
}

// Allow is the one policy function: it decides whether u may do act on
// area (a box or any area above one) and, when not, says why in an
// EForbidden error. u is the effective user (org.Effective): their own
// role and areas combined with what their person's positions and their
// grants give at the moment of asking.
//
// The role decides what a user may do; the user's areas (görev yeri: the
// areas a user is assigned to) decide where. An administrator may act
// anywhere. An observer (müşahit) stands at given boxes and may act only
// within the areas assigned to them: without any, nowhere. Every other
// role without areas works for the whole centre, and with areas — a
// district coordinator, a volunteer team for one district, a lawyer for
// one board — only within them.
func (r *Registry) Allow(u User, act Action, area AreaCode) error {
	var may bool
	switch act {
	case ActionSubmit:
		may = u.Role.CanSubmit()
	case ActionReadBox:
		may = u.Role.Valid()
	case ActionAdjudicate:
		may = u.Role.CanAdjudicate()
	case ActionHandleCases:
		may = u.Role.CanManageCases()
	}
	if !may {
		return Errorf(EForbidden, "user %q (%s) may not %s", u.ID, u.Role, act)
	}
	if r.InScope(u, area) {
		return nil
	}
	if len(u.Areas) == 0 {
		return Errorf(EForbidden, "user %q (%s) has no assigned boxes yet; an administrator assigns them with `sandik user assign`", u.ID, u.Role)
	}
	return Errorf(EForbidden, "%s is outside the areas of user %q (%s); they may %s only within %s",
		area, u.ID, u.Role, act, joinCodes(u.Areas))
}

// InScope reports whether area lies within the areas u works in,
// whatever the role may do there.
func (r *Registry) InScope(u User, area AreaCode) bool {
	if !u.Scoped() {
		return true
	}
	for _, a := range u.Areas {
		if r.Contains(a, area) {
			return true
		}
	}
	return false
}

// Overlaps reports whether any part of area lies within u's areas: the
// area itself is in scope, or it holds one of them. Listings use it to
// decide whether to show an area at all, then filter what lies inside.
func (r *Registry) Overlaps(u User, area AreaCode) bool {
	if r.InScope(u, area) {
		return true
	}
	for _, a := range u.Areas {
		if r.Contains(area, a) {
			return true
		}
	}
	return false
}

// Scoped reports whether the user's work is limited to their areas.
func (u User) Scoped() bool {
	return u.Role != RoleAdmin && (u.Role == RoleObserver || len(u.Areas) > 0)
}

// CheckAreas checks area codes given for a user: each well formed, given
// once, and an area of the registry. Problems name the field "areas[i]".
func (r *Registry) CheckAreas(codes []AreaCode) error {
	ps := areaCodeProblems(codes)
	bad := make(map[string]bool, len(ps))
	for _, p := range ps {
		bad[p.Field] = true
	}
	for i, c := range codes {
		field := fmt.Sprintf("areas[%d]", i)
		if _, ok := r.Area(c); !ok && !bad[field] && !bad["areas"] {
			ps.add(field, RuleUnknownArea, "area %q is not in the registry", c)
		}
	}
	if len(ps) > 0 {
		slices.SortStableFunc(ps, func(a, b Problem) int { return fieldIndex(a.Field) - fieldIndex(b.Field) })
		return Invalid("invalid areas", ps)
	}
	return nil
}

// fieldIndex is i of "areas[i]", for ordering problems as the codes were
// given.
func fieldIndex(field string) int {
	var i int
	fmt.Sscanf(field, "areas[%d]", &i)
	return i
}

// NormalizeAreas sorts codes and drops repeats, so a user's areas compare
// and store the same whichever order they were given in.
func NormalizeAreas(codes []AreaCode) []AreaCode {
	out := slices.Clone(codes)
	slices.Sort(out)
	return slices.Compact(out)
}

func joinCodes(codes []AreaCode) string {
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// AssignedBoxes returns the boxes of rc within u's areas, in tree order,
// at most limit: what an observer picks from. It is nil for a user who is
// not scoped, who may pick any box.
func (r *Registry) AssignedBoxes(u User, rc *Race, limit int) []AreaCode {
	if !u.Scoped() {
		return nil
	}
	out := []AreaCode{}
	seen := map[AreaCode]bool{}
	var walk func(code AreaCode) bool
	walk = func(code AreaCode) bool {
		a, ok := r.AreaRef(code)
		if !ok {
			return true
		}
		if len(out) >= limit {
			return false
		}
		if a.Level == LevelSandik {
			if !seen[code] && r.InRace(rc, code) {
				seen[code] = true
				out = append(out, code)
			}
			return true
		}
		for _, c := range r.Children(code) {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	for _, a := range u.Areas {
		if !walk(a) {
			break
		}
	}
	return out
}

// AllowTotals decides whether u may read area's totals, which for a box
// are that box's figures. A box's totals are its typings, so only those
// who see every entry read them, and only inside their areas. A user
// limited to areas reads anything inside them and, above them, the
// totals of districts and wider areas (aggregates of many boxes), never
// those of a neighbourhood or box outside.
func (r *Registry) AllowTotals(u User, area AreaCode) error {
	if !u.Role.Valid() {
		return Errorf(EForbidden, "user %q has no role", u.ID)
	}
	a, ok := r.Area(area)
	if !ok {
		return nil // the tally says it does not exist
	}
	if a.Level == LevelSandik && !u.Role.SeesAllEntries() {
		return Errorf(EForbidden, "a box's totals are its typings, blind to user %q (%s); read the box's own entries instead", u.ID, u.Role)
	}
	if r.InScope(u, area) || (a.Level <= LevelIlce && r.Overlaps(u, area)) {
		return nil
	}
	return Errorf(EForbidden, "%s is outside the areas of user %q (%s)", area, u.ID, u.Role)
}

// DefaultBlindMinBoxes is the least number of boxes an area must hold for
// those who type sheets to read its totals: one box's figures among
// twenty cannot be told apart, nor copied as an "independent" entry.
const DefaultBlindMinBoxes = 20

// TotalsAccess is what AllowTotalsOf grants of an area's totals.
type TotalsAccess struct {
	// Pending: figures and counts made from entries not yet verified
	// (provisional totals; boxes reported, pending or in conflict) may be
	// read. Only those who see every entry read them: a typist reading a
	// mahalle of one box, or one district just before and after another
	// person's entry, would read that entry.
	Pending bool
	// MinBoxes is the least number of boxes of an area, the one read and
	// each child listed, whose figures may be read; 0 for any.
	MinBoxes int
}

// AllowTotalsOf decides what u may read of area's totals: AllowTotals
// decides whether at all, the role what. Those who type sheets (blind
// double entry) read verified totals only, of areas of at least minBlind
// boxes.
func (r *Registry) AllowTotalsOf(u User, area AreaCode, minBlind int) (TotalsAccess, error) {
	if err := r.AllowTotals(u, area); err != nil {
		return TotalsAccess{}, err
	}
	if u.Role.SeesAllEntries() {
		return TotalsAccess{Pending: true}, nil
	}
	return TotalsAccess{MinBoxes: max(minBlind, 1)}, nil
}

// Allows reports whether an area of boxes boxes may be read.
func (a TotalsAccess) Allows(boxes int) bool { return boxes >= a.MinBoxes }

// Children decides which children of an area of total boxes may be
// listed, given each child's boxes. A child below MinBoxes is left out,
// and so is the smallest listed child while those left out hold fewer
// than MinBoxes boxes together, for the area less its listed children
// is itself a total: a district of 25 boxes listing its mahalle of 24
// would give away the one box of the other by subtraction. Areas form a
// tree, so every total that can be made from the areas listed anywhere
// is then a union of parts of MinBoxes boxes or more.
func (a TotalsAccess) Children(total int, boxes []int) []bool {
	show := make([]bool, len(boxes))
	if a.MinBoxes <= 1 {
		for i := range show {
			show[i] = true
		}
		return show
	}
	hidden := total
	var order []int
	for i, n := range boxes {
		if n >= a.MinBoxes {
			show[i] = true
			hidden -= n
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(x, y int) int { return boxes[x] - boxes[y] })
	for _, i := range order {
		if hidden == 0 || hidden >= a.MinBoxes {
			break
		}
		show[i] = false
		hidden += boxes[i]
	}
	return show
}

// AllowPending decides whether u may read what unverified entries make:
// the conflict queue, anomaly flags and comparisons of sheets with
// official figures. Each names or measures a box's pending typings, which
// those who type must not see (double entry is blind).
func AllowPending(u User) error {
	if u.Role.SeesAllEntries() {
		return nil
	}
	return Errorf(EForbidden, "user %q (%s) types sheets, so does not see what others typed: conflicts, anomaly flags and comparisons are for coordinators and lawyers", u.ID, u.Role)
}
