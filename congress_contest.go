package sandik

import (
	"fmt"
	"slices"
	"time"
)

// ContestKind is what a contest of a congress elects.
type ContestKind string

// The kinds of contest.
const (
	ContestChair     ContestKind = "baskan"  // the unit's chair
	ContestBoard     ContestKind = "yonetim" // the unit's board
	ContestDelegates ContestKind = "delege"  // delegates to the upper congress
)

// BallotKind is how a contest's ballot is marked.
type BallotKind string

// The kinds of ballot.
const (
	BallotSingle BallotKind = "tek"    // one mark, for one candidate
	BallotBlock  BallotKind = "blok"   // one mark, for one whole list
	BallotCarsaf BallotKind = "carsaf" // every candidate on one sheet; mark up to Seats
)

// TieRule orders candidates with equal votes at a seat's edge.
type TieRule string

// The tie rules.
const (
	TieLot       TieRule = "kura" // a drawing of lots, from a seed recorded with the result
	TieAge       TieRule = "yas"  // the elder first
	TieListOrder TieRule = "sira" // the order of the lists, then the rank on the list
)

// Contest is one vote of a congress. Race is the race of the congress's
// election its sheets are entered for, set when counting opens; the
// candidates or lists on the ballot are then fixed.
type Contest struct {
	Congress    CongressID  `json:"congress"`
	Code        string      `json:"code"`
	Title       string      `json:"title"`
	Kind        ContestKind `json:"kind"`
	Ballot      BallotKind  `json:"ballot"`
	Seats       int         `json:"seats"`
	Substitutes int         `json:"substitutes"`
	Tie         TieRule     `json:"tie"`
	// Position is the kind of position the winners hold for the term.
	Position KindCode `json:"position"`
	// TermEnd is the last day of the winners' term (empty: open).
	TermEnd Date     `json:"term_end,omitempty"`
	Race    RaceCode `json:"race,omitempty"`
}

// Validate checks c's own fields.
func (c Contest) Validate() error {
	var ps problems
	if err := ValidateCode(c.Code); err != nil {
		ps.add("code", RuleInvalidValue, "%v", err)
	} else if len(c.Code) > 16 {
		ps.add("code", RuleTooLarge, "at most 16 characters")
	}
	nameProblems(&ps, "title", c.Title, true)
	if !slices.Contains([]ContestKind{ContestChair, ContestBoard, ContestDelegates}, c.Kind) {
		ps.add("kind", RuleInvalidValue, "unknown kind %q (want baskan, yonetim or delege)", c.Kind)
	}
	if !slices.Contains([]BallotKind{BallotSingle, BallotBlock, BallotCarsaf}, c.Ballot) {
		ps.add("ballot", RuleInvalidValue, "unknown ballot %q (want tek, blok or carsaf)", c.Ballot)
	}
	if !slices.Contains([]TieRule{TieLot, TieAge, TieListOrder}, c.Tie) {
		ps.add("tie", RuleInvalidValue, "unknown tie rule %q (want kura, yas or sira)", c.Tie)
	}
	if c.Seats < 1 || c.Seats > MaxCongressSeats {
		ps.add("seats", RuleInvalidValue, "must be between 1 and %d (got %d)", MaxCongressSeats, c.Seats)
	}
	if c.Ballot == BallotSingle && c.Seats != 1 {
		ps.add("seats", RuleInvalidValue, "a single-choice ballot elects one (got %d); use çarşaf or blok for more", c.Seats)
	}
	if c.Substitutes < 0 || c.Substitutes > MaxCongressSeats {
		ps.add("substitutes", RuleInvalidValue, "must be between 0 and %d (got %d)", MaxCongressSeats, c.Substitutes)
	}
	if c.Kind == ContestChair && c.Seats != 1 {
		ps.add("seats", RuleInvalidValue, "a chair is one")
	}
	if err := ValidateCode(string(c.Position)); err != nil {
		ps.add("position", RuleInvalidValue, "%v", err)
	}
	if c.TermEnd != "" {
		if _, err := ParseDate(string(c.TermEnd)); err != nil {
			ps.add("term_end", RuleInvalidValue, "%v", err)
		}
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid contest %q", c.Code), ps)
	}
	return nil
}

// ListCandidate is a candidate on a list, in rank order. Born is the
// birth day the candidate declared, for the age tie rule.
type ListCandidate struct {
	Person PersonID `json:"person"`
	Name   string   `json:"name"`
	Born   Date     `json:"born,omitempty"`
}

// CandidateList is one version of a list (or a single candidacy, a list
// of one) for a contest, submitted by a named person at a time. Lists
// are append-only: a change is a new version, and every version stays
// readable — what each camp submitted when is the record when camps
// dispute it. Withdrawn takes the list off the ballot from its version.
// Camp is the list's camp (the slate's name), for the seat counts.
type CandidateList struct {
	Congress    CongressID      `json:"congress"`
	Contest     string          `json:"contest"`
	Code        string          `json:"code"`
	Version     int             `json:"version"`
	Name        string          `json:"name"`
	Camp        string          `json:"camp"`
	Candidates  []ListCandidate `json:"candidates"`
	Withdrawn   bool            `json:"withdrawn,omitempty"`
	SubmittedBy PersonID        `json:"submitted_by"`
	SubmittedAt time.Time       `json:"submitted_at"`
	RecordedBy  UserID          `json:"recorded_by"`
}

// Validate checks l's own fields.
func (l CandidateList) Validate() error {
	var ps problems
	if err := ValidateCode(l.Code); err != nil {
		ps.add("code", RuleInvalidValue, "%v", err)
	} else if len(l.Code) > 16 {
		ps.add("code", RuleTooLarge, "at most 16 characters")
	}
	if l.Version < 1 {
		ps.add("version", RuleInvalidValue, "versions count from 1 (got %d)", l.Version)
	}
	nameProblems(&ps, "name", l.Name, true)
	nameProblems(&ps, "camp", l.Camp, false)
	if err := ValidateCode(string(l.SubmittedBy)); err != nil {
		ps.add("submitted_by", RuleRequired, "the person who submitted the list %v", err)
	}
	if l.SubmittedAt.IsZero() {
		ps.add("submitted_at", RuleRequired, "is required")
	}
	if !l.Withdrawn && (len(l.Candidates) == 0 || len(l.Candidates) > MaxListCandidates) {
		ps.add("candidates", RuleInvalidValue, "a list has 1 to %d candidates (got %d)", MaxListCandidates, len(l.Candidates))
	}
	seen := map[PersonID]int{}
	for i, c := range l.Candidates {
		f := fmt.Sprintf("candidates[%d]", i)
		if err := ValidateCode(string(c.Person)); err != nil {
			ps.add(f+".person", RuleInvalidValue, "%v", err)
		} else if j, dup := seen[c.Person]; dup {
			ps.add(f+".person", RuleDuplicate, "%s is on the list already as candidates[%d]", c.Person, j)
		}
		seen[c.Person] = i
		nameProblems(&ps, f+".name", c.Name, true)
		if c.Born != "" {
			if _, err := ParseDate(string(c.Born)); err != nil {
				ps.add(f+".born", RuleInvalidValue, "%v", err)
			}
		}
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid list %q", l.Code), ps)
	}
	return nil
}

// CurrentLists returns the latest version of each list not withdrawn, in
// the order the lists were first submitted (the ballot's list order).
func CurrentLists(versions []CandidateList) []CandidateList {
	type at struct {
		first, latest int
	}
	idx := map[string]*at{}
	var order []string
	for i, l := range versions {
		a, ok := idx[l.Code]
		if !ok {
			a = &at{first: i, latest: i}
			idx[l.Code] = a
			order = append(order, l.Code)
		}
		if l.Version >= versions[a.latest].Version {
			a.latest = i
		}
	}
	var out []CandidateList
	for _, code := range order {
		if l := versions[idx[code].latest]; !l.Withdrawn {
			out = append(out, l)
		}
	}
	return out
}

// Ballot is what stands on a contest's ballot: the race's choices and,
// for each, the candidates it elects in order and its camp.
type Ballot struct {
	Choices []Choice
	// Slates[i] are the candidates choice i elects in order: one for a
	// candidate, the whole list for a block list.
	Slates [][]ListCandidate
	Camps  []string
	// Order[i] is the choice's place in the list order (list, then rank).
	Order []int
}

// BallotOf lays out contest c's ballot from the current lists: a
// candidate per choice for single and çarşaf ballots (lists in order,
// then their ranks; a person on two lists stands once, for the first),
// a list per choice for block ballots.
func BallotOf(c Contest, lists []CandidateList) (Ballot, error) {
	var b Ballot
	if len(lists) == 0 {
		return b, Invalid("no lists", []Problem{{Field: "lists", Rule: RuleRequired, Message: fmt.Sprintf("contest %q has no list on its ballot", c.Code)}})
	}
	seen := map[PersonID]bool{}
	for _, l := range lists {
		if c.Ballot == BallotBlock {
			b.Choices = append(b.Choices, Choice{Code: ChoiceCode(l.Code), Name: l.Name})
			b.Slates = append(b.Slates, l.Candidates)
			b.Camps = append(b.Camps, l.Camp)
			b.Order = append(b.Order, len(b.Order))
			continue
		}
		for _, cand := range l.Candidates {
			if seen[cand.Person] {
				continue
			}
			seen[cand.Person] = true
			b.Choices = append(b.Choices, Choice{Code: ChoiceCode(cand.Person), Name: cand.Name})
			b.Slates = append(b.Slates, []ListCandidate{cand})
			b.Camps = append(b.Camps, l.Camp)
			b.Order = append(b.Order, len(b.Order))
		}
	}
	if len(b.Choices) > MaxChoices {
		return b, Invalid("too many candidates", []Problem{{Field: "lists", Rule: RuleTooLarge, Message: fmt.Sprintf("a ballot holds at most %d choices (got %d)", MaxChoices, len(b.Choices))}})
	}
	if c.Ballot == BallotCarsaf && len(b.Choices) < c.Seats {
		return b, Invalid("too few candidates", []Problem{{Field: "lists", Rule: RuleInvalidValue, Message: fmt.Sprintf("a çarşaf for %d seats needs at least %d candidates (got %d)", c.Seats, c.Seats, len(b.Choices))}})
	}
	return b, nil
}

// RaceOf is the race contest c's sheets are entered for.
func (c Contest) RaceOf(g Congress, b Ballot) Race {
	r := Race{Code: RaceCode(fmt.Sprintf("kongre-%s-%s", g.ID, c.Code)), Election: g.Election(), Name: g.Title + ": " + c.Title, Scope: g.Hall(), Choices: b.Choices}
	if c.Ballot == BallotCarsaf {
		r.Marks = c.Seats
	}
	return r
}
