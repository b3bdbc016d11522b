// Package feed follows an official per-box results feed through the
// night: it polls a publisher's endpoint with conditional requests,
// refuses garbage and partial pages whole, maps the publisher's field
// names to a result sheet, and hands each reading to the centre, which
// keeps every version with its provenance and raises alerts. It also
// serves a scripted fake feed for rehearsals and tests. It imports no SQL.
package feed

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sandik-dev/sandik"
)

// Format of a feed's body.
type Format string

const (
	FormatJSON Format = "json"
	FormatCSV  Format = "csv"
)

// Mapping names the publisher's fields (docs/feed.md). A JSON feed is a
// document whose Boxes key holds an array of rows and whose Count key the
// number of rows the publisher meant to send; a CSV feed is a header row
// and one row per box, any column not named here being a choice. Choices
// are matched to the race's by code, then by name (case and Turkish
// letters folded).
type Mapping struct {
	Format Format `json:"format"`
	// Kind is the race kind (sandik.RaceKind) of the feed's races; a
	// row's race is the race of that kind whose scope holds its box,
	// unless the row names its race (Race field). Races, instead of a
	// kind, lists the feed's races by code: for races whose codes carry
	// no kind (an election imported before kinds, the demo's).
	Election sandik.ElectionCode `json:"election"`
	Kind     string              `json:"kind,omitempty"`
	Races    []sandik.RaceCode   `json:"races,omitempty"`

	Boxes string `json:"boxes"` // JSON only: key of the rows' array
	Count string `json:"count"` // JSON only: key of the row count; "-" for none
	Votes string `json:"votes"` // JSON only: key of a row's object of votes by choice

	Box                   string `json:"box"`
	Race                  string `json:"race"` // optional column
	Registered            string `json:"registered"`
	VotedByLaw            string `json:"voted_by_law"` // optional
	Voted                 string `json:"voted"`
	ValidWithoutObjection string `json:"valid_without_objection"`
	ValidUponObjection    string `json:"valid_upon_objection"`
	ValidTotal            string `json:"valid_total"`
	Invalid               string `json:"invalid_total"`
}

// DefaultMapping is the mapping of Sandık's own names, which the fake
// feed serves.
func DefaultMapping() Mapping {
	return Mapping{Format: FormatJSON, Boxes: "boxes", Count: "count", Votes: "votes",
		Box: "box", Race: "race", Registered: "registered", VotedByLaw: "voted_by_law", Voted: "voted",
		ValidWithoutObjection: "valid_without_objection", ValidUponObjection: "valid_upon_objection",
		ValidTotal: "valid_total", Invalid: "invalid_total"}
}

// ParseMapping reads a mapping file: a JSON object over DefaultMapping,
// unknown keys refused.
func ParseMapping(b []byte) (Mapping, error) {
	m := DefaultMapping()
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, sandik.Invalid("invalid feed mapping", []sandik.Problem{{Field: "mapping", Rule: sandik.RuleInvalidValue, Message: err.Error()}})
	}
	return m, m.Validate()
}

// Validate checks that every required name is given.
func (m *Mapping) Validate() error {
	var ps []sandik.Problem
	need := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			ps = append(ps, sandik.Problem{Field: field, Rule: sandik.RuleRequired, Message: "names the publisher's field; it is required"})
		}
	}
	switch m.Format {
	case FormatJSON:
		need("boxes", m.Boxes)
		need("count", m.Count)
		need("votes", m.Votes)
	case FormatCSV:
	default:
		ps = append(ps, sandik.Problem{Field: "format", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("format %q is not json or csv", m.Format)})
	}
	if err := sandik.ValidateCode(string(m.Election)); err != nil {
		ps = append(ps, sandik.Problem{Field: "election", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("election %q %v", m.Election, err)})
	}
	switch {
	case len(m.Races) > 0 && m.Kind != "":
		ps = append(ps, sandik.Problem{Field: "kind", Rule: sandik.RuleInvalidValue, Message: "give the feed's races by kind or by code (races), not both"})
	case len(m.Races) > 0:
		for i, rc := range m.Races {
			if err := sandik.ValidateCode(string(rc)); err != nil {
				ps = append(ps, sandik.Problem{Field: fmt.Sprintf("races[%d]", i), Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("race %q %v", rc, err)})
			}
		}
	default:
		if err := sandik.ValidateCode(m.Kind); err != nil {
			ps = append(ps, sandik.Problem{Field: "kind", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("race kind %q %v", m.Kind, err)})
		}
	}
	need("box", m.Box)
	need("registered", m.Registered)
	need("voted", m.Voted)
	need("valid_without_objection", m.ValidWithoutObjection)
	need("valid_upon_objection", m.ValidUponObjection)
	need("valid_total", m.ValidTotal)
	need("invalid_total", m.Invalid)
	if len(ps) > 0 {
		return sandik.Invalid("invalid feed mapping", ps)
	}
	return nil
}
