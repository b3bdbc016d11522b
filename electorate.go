package sandik

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ElectorBasis is why a person is in a congress's electorate.
type ElectorBasis string

// The bases of membership.
const (
	BasisMandate ElectorBasis = "mandate" // an elected delegate or an activated substitute
	BasisNatural ElectorBasis = "natural" // ex officio, by a position held on the day
)

// Elector is one member of a congress's electorate (divan listesi) as
// computed on its day, or as frozen when the list was approved. A person
// who sits both by mandate and ex officio is one elector, by mandate.
// Box is the ballot box they vote at (1…), the list split in name order.
type Elector struct {
	Congress CongressID   `json:"congress"`
	Person   PersonID     `json:"person"`
	Name     string       `json:"name"`
	Basis    ElectorBasis `json:"basis"`
	Mandate  MandateID    `json:"mandate,omitempty"`
	Replaces MandateID    `json:"replaces,omitempty"`
	Position PositionID   `json:"position,omitempty"`
	Kind     KindCode     `json:"kind,omitempty"`
	Camp     string       `json:"camp,omitempty"`
	Box      int          `json:"box"`
}

// Electorate computes c's electorate on its day: the mandates for its
// level and unit sitting that day (MandateStates), then the holders that
// day of a position of a kind in c.Natural in c's unit (or, for a rule
// with Below, a unit under it), each person once, in name order, split
// over the boxes. units must hold c's unit and those under it; names
// gives people's names. A term or mandate that ended the day before is
// out; one that ends that day is in.
func Electorate(c Congress, mandates []Mandate, terms []Position, units []Unit, names map[PersonID]string) []Elector {
	byPerson := map[PersonID]Elector{}
	var own []Mandate
	for _, m := range mandates {
		if m.Level == c.Level && m.Unit == c.Unit {
			own = append(own, m)
		}
	}
	for _, s := range MandateStates(own, c.Date) {
		if !s.Sitting() {
			continue
		}
		if _, dup := byPerson[s.Person]; dup {
			continue
		}
		byPerson[s.Person] = Elector{Congress: c.ID, Person: s.Person, Basis: BasisMandate, Mandate: s.ID, Replaces: s.Replaces, Camp: s.Camp}
	}
	under := subtree(c.Unit, units)
	for _, t := range terms {
		if !t.HeldOn(c.Date) {
			continue
		}
		if _, dup := byPerson[t.Person]; dup {
			continue
		}
		for _, r := range c.Natural {
			if r.Kind == t.Kind && (t.Unit == c.Unit || r.Below && under[t.Unit]) {
				byPerson[t.Person] = Elector{Congress: c.ID, Person: t.Person, Basis: BasisNatural, Position: t.ID, Kind: t.Kind}
				break
			}
		}
	}
	out := make([]Elector, 0, len(byPerson))
	for _, e := range byPerson {
		e.Name = names[e.Person]
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Elector) int {
		return cmp.Or(strings.Compare(strings.Map(FoldRune, a.Name), strings.Map(FoldRune, b.Name)), strings.Compare(string(a.Person), string(b.Person)))
	})
	boxes := max(c.Boxes, 1)
	for i := range out {
		// Contiguous slices in name order, as the hall's boxes are
		// labelled (A–F, G–M …); the first boxes take the remainder.
		out[i].Box = i*boxes/max(len(out), 1) + 1
	}
	return out
}

// subtree returns the units strictly under root.
func subtree(root UnitCode, units []Unit) map[UnitCode]bool {
	kids := map[UnitCode][]UnitCode{}
	for _, u := range units {
		if u.Parent != "" {
			kids[u.Parent] = append(kids[u.Parent], u.Code)
		}
	}
	out := map[UnitCode]bool{}
	var walk func(UnitCode)
	walk = func(u UnitCode) {
		for _, k := range kids[u] {
			if !out[k] {
				out[k] = true
				walk(k)
			}
		}
	}
	walk(root)
	return out
}

// Checkin is a delegate checked in at the door, identity confirmed by
// the committee at Desk.
type Checkin struct {
	Congress CongressID `json:"congress"`
	Person   PersonID   `json:"person"`
	Mandate  MandateID  `json:"mandate,omitempty"`
	Desk     string     `json:"desk"`
	By       UserID     `json:"by"`
	At       time.Time  `json:"at"`
}

// Rules of a check-in, as stable keys for translation.
const (
	RuleNotOnList = "not_on_list"
	RuleCheckedIn = "checked_in"
	RuleNoMandate = "no_mandate"
	RuleNotFrozen = "not_frozen"
	RuleFrozen    = "frozen"
	RuleApproved  = "approved"
)

// CheckCheckin decides whether person may be checked in against the
// frozen electorate: refused when not on it — and a substitute whose
// mandate did not pass to them is not on it, which the refusal says —
// and the elector it checks in otherwise. Twice is the store's refusal
// (the key), so that two desks cannot both pass it.
func CheckCheckin(electorate []Elector, mandates []MandateState, person PersonID) (Elector, error) {
	for _, e := range electorate {
		if e.Person == person {
			return e, nil
		}
	}
	for _, m := range mandates {
		if m.Person == person && m.Status == MandateSubstitute {
			return Elector{}, &Error{Code: EForbidden, Message: fmt.Sprintf("%s is a substitute (yedek %d) whose mandate has not passed to them", person, m.Substitute),
				Problems: []Problem{{Field: "person", Rule: RuleNoMandate, Message: fmt.Sprintf("substitute %d of %s: no elected delegate's mandate has ended for them to take", m.Substitute, m.Group)}}}
		}
	}
	return Elector{}, &Error{Code: EForbidden, Message: fmt.Sprintf("%s is not on the congress's list", person),
		Problems: []Problem{{Field: "person", Rule: RuleNotOnList, Message: "is not on the frozen list of delegates"}}}
}
