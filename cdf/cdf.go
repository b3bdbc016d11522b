// Package cdf writes the per-box figures Sandık holds — official and
// verified — with their provenance, as open data: the NIST SP 1500-100
// (version 2) Election Results Common Data Format in JSON, and a long CSV.
// It imports the domain only.
package cdf

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/sandik-dev/sandik"
)

// Box is one box's figures in one race, from both sources.
type Box struct {
	Race     sandik.RaceCode
	Box      sandik.AreaCode
	Official *sandik.Tutanak // nil when none
	Verified *sandik.Tutanak // the settled sheet; nil when none
	// Provenance of the official figures: the version's id, when it was
	// first seen and where (empty for a file imported by hand).
	OfficialID     sandik.SubmissionID
	OfficialSeen   time.Time
	OfficialSource string
}

// Input is what a report is made of.
type Input struct {
	Election  sandik.Election
	Registry  *sandik.Registry
	Scope     sandik.AreaCode // the area the report covers
	Races     []*sandik.Race
	Boxes     []Box
	Generated time.Time
}

// The kinds of counts, as CDF's "other" count types.
const (
	OfficialCount = "official-ysk"
	VerifiedCount = "verified-sandik"
)

type text struct {
	Type string     `json:"@type"`
	Text []language `json:"Text"`
}

type language struct {
	Type     string `json:"@type"`
	Content  string `json:"Content"`
	Language string `json:"Language"`
}

func tr(s string) text {
	return text{Type: "ElectionResults.InternationalizedText", Text: []language{{Type: "ElectionResults.LanguageString", Content: s, Language: "tr"}}}
}

type externalID struct {
	Type      string `json:"@type"`
	IDType    string `json:"Type"`
	OtherType string `json:"OtherType,omitempty"`
	Value     string `json:"Value"`
}

type unit struct {
	Type             string       `json:"@type"`
	ID               string       `json:"@id"`
	UnitType         string       `json:"Type"`
	OtherType        string       `json:"OtherType,omitempty"`
	Name             string       `json:"Name"`
	Composing        []string     `json:"ComposingGpUnitIds,omitempty"`
	External         []externalID `json:"ExternalIdentifier"`
	VotersRegistered *int64       `json:"VotersRegistered,omitempty"`
}

type party struct {
	Type string `json:"@type"`
	ID   string `json:"@id"`
	Name text   `json:"Name"`
}

type voteCounts struct {
	Type      string `json:"@type"`
	CountType string `json:"Type"`
	OtherType string `json:"OtherType"`
	GpUnitID  string `json:"GpUnitId"`
	Count     int64  `json:"Count"`
}

type selection struct {
	Type       string       `json:"@type"`
	ID         string       `json:"@id"`
	PartyIDs   []string     `json:"PartyIds"`
	Sequence   int          `json:"SequenceOrder"`
	VoteCounts []voteCounts `json:"VoteCounts"`
}

type summary struct {
	Type      string `json:"@type"`
	CountType string `json:"Type"`
	OtherType string `json:"OtherType"`
	GpUnitID  string `json:"GpUnitId"`
	Cast      int64  `json:"BallotsCast"`
	Rejected  int64  `json:"BallotsRejected"`
}

type contest struct {
	Type       string      `json:"@type"`
	ID         string      `json:"@id"`
	Name       string      `json:"Name"`
	District   string      `json:"ElectoralDistrictId"`
	Selections []selection `json:"BallotSelection"`
	Summaries  []summary   `json:"SummaryCounts"`
}

type election struct {
	Type     string    `json:"@type"`
	Name     text      `json:"Name"`
	Scope    string    `json:"ElectionScopeId"`
	Start    string    `json:"StartDate"`
	End      string    `json:"EndDate"`
	EType    string    `json:"Type"`
	Contests []contest `json:"Contest"`
}

// Report is an ElectionResults.ElectionReport.
type Report struct {
	Type       string     `json:"@type"`
	Format     string     `json:"Format"`
	Generated  string     `json:"GeneratedDate"`
	Issuer     string     `json:"Issuer"`
	IssuerAbbr string     `json:"IssuerAbbreviation"`
	SeqStart   int        `json:"SequenceStart"`
	SeqEnd     int        `json:"SequenceEnd"`
	Status     string     `json:"Status"`
	Vendor     string     `json:"VendorApplicationId"`
	Notes      string     `json:"Notes"`
	Elections  []election `json:"Election"`
	GpUnits    []unit     `json:"GpUnit"`
	Parties    []party    `json:"Party"`
}

func unitID(a sandik.AreaCode) string { return "gp-" + string(a) }

// Build makes the report: every area from the scope down as a reporting
// unit (boxes as precincts), every party once, one party contest per race
// with each box's official and verified votes.
func Build(in Input) Report {
	reg := in.Registry
	r := Report{Type: "ElectionResults.ElectionReport", Format: "precinct-level", Generated: in.Generated.UTC().Format(time.RFC3339),
		Issuer: "Sandık", IssuerAbbr: "SANDIK", SeqStart: 1, SeqEnd: 1, Status: "unofficial-partial", Vendor: "sandik",
		Notes:   "Official figures are the YSK's as Sandık first saw them (source and time in the CSV export); verified figures are observers' copies of the result sheets entered twice and agreeing. Only the YSK's results are official.",
		GpUnits: []unit{}, Parties: []party{}}
	seen := map[sandik.AreaCode]bool{}
	var addUnit func(a sandik.AreaCode)
	addUnit = func(code sandik.AreaCode) {
		if seen[code] {
			return
		}
		seen[code] = true
		a, _ := reg.Area(code)
		u := unit{Type: "ElectionResults.ReportingUnit", ID: unitID(code), Name: a.Name,
			External: []externalID{{Type: "ElectionResults.ExternalIdentifier", IDType: "local-level", Value: string(code)}}}
		if a.YSKID != "" {
			u.External = append(u.External, externalID{Type: "ElectionResults.ExternalIdentifier", IDType: "other", OtherType: "ysk", Value: a.YSKID})
		}
		switch a.Level {
		case sandik.LevelSandik:
			u.UnitType = "precinct"
			if n, ok := reg.Registered(in.Election.Code, code); ok {
				u.VotersRegistered = &n
			}
		case sandik.LevelCountry:
			u.UnitType = "country"
		default:
			u.UnitType, u.OtherType = "other", a.Level.String()
		}
		for _, c := range reg.Children(code) {
			u.Composing = append(u.Composing, unitID(c))
		}
		r.GpUnits = append(r.GpUnits, u)
		for _, c := range reg.Children(code) {
			addUnit(c)
		}
	}
	addUnit(in.Scope)
	parties := map[sandik.ChoiceCode]bool{}
	el := election{Type: "ElectionResults.Election", Name: tr(in.Election.Name), Scope: unitID(in.Scope), EType: "general",
		Start: in.Election.Date.Format(time.DateOnly), End: in.Election.Date.Format(time.DateOnly), Contests: []contest{}}
	byRace := map[sandik.RaceCode][]*Box{}
	for i := range in.Boxes {
		byRace[in.Boxes[i].Race] = append(byRace[in.Boxes[i].Race], &in.Boxes[i])
	}
	for _, rc := range in.Races {
		c := contest{Type: "ElectionResults.PartyContest", ID: "contest-" + string(rc.Code), Name: rc.Name, District: unitID(rc.Scope), Summaries: []summary{}}
		if !seen[rc.Scope] {
			c.District = unitID(in.Scope) // the part of the race the report covers
		}
		for i, ch := range rc.Choices {
			if !parties[ch.Code] {
				parties[ch.Code] = true
				r.Parties = append(r.Parties, party{Type: "ElectionResults.Party", ID: "party-" + string(ch.Code), Name: tr(ch.Name)})
			}
			s := selection{Type: "ElectionResults.PartySelection", ID: "sel-" + string(rc.Code) + "-" + string(ch.Code), PartyIDs: []string{"party-" + string(ch.Code)},
				Sequence: i + 1, VoteCounts: []voteCounts{}}
			for _, b := range byRace[rc.Code] {
				for _, src := range []struct {
					kind string
					t    *sandik.Tutanak
				}{{OfficialCount, b.Official}, {VerifiedCount, b.Verified}} {
					if src.t != nil && i < len(src.t.Votes) {
						s.VoteCounts = append(s.VoteCounts, voteCounts{Type: "ElectionResults.VoteCounts", CountType: "other", OtherType: src.kind, GpUnitID: unitID(b.Box), Count: src.t.Votes[i]})
					}
				}
			}
			c.Selections = append(c.Selections, s)
		}
		for _, b := range byRace[rc.Code] {
			for _, src := range []struct {
				kind string
				t    *sandik.Tutanak
			}{{OfficialCount, b.Official}, {VerifiedCount, b.Verified}} {
				if src.t != nil {
					c.Summaries = append(c.Summaries, summary{Type: "ElectionResults.SummaryCounts", CountType: "other", OtherType: src.kind, GpUnitID: unitID(b.Box),
						Cast: src.t.Voted, Rejected: src.t.Invalid})
				}
			}
		}
		el.Contests = append(el.Contests, c)
	}
	r.Elections = []election{el}
	return r
}

// WriteJSON writes the report.
func WriteJSON(w io.Writer, in Input) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(Build(in)); err != nil {
		return fmt.Errorf("cdf json: %w", err)
	}
	return nil
}

// CSVHeader is the long CSV's header: one row per box, race, source and
// choice, with the provenance of official figures.
var CSVHeader = []string{"election", "race", "box", "box_name", "source", "submission", "first_seen", "source_url",
	"registered", "voted", "valid_total", "invalid_total", "choice", "choice_name", "votes"}

// WriteCSV writes the same figures as a long CSV (UTF-8, comma, RFC 4180),
// for tools that do not read CDF.
func WriteCSV(w io.Writer, in Input, safe func(string) string) error {
	cw := csv.NewWriter(w)
	cw.Write(CSVHeader)
	races := map[sandik.RaceCode]*sandik.Race{}
	for _, rc := range in.Races {
		races[rc.Code] = rc
	}
	for _, b := range in.Boxes {
		rc := races[b.Race]
		if rc == nil {
			continue
		}
		a, _ := in.Registry.Area(b.Box)
		for _, src := range []struct {
			kind, id, seen, url string
			t                   *sandik.Tutanak
		}{{"official", string(b.OfficialID), stamp(b.OfficialSeen), b.OfficialSource, b.Official}, {"verified", "", "", "", b.Verified}} {
			if src.t == nil {
				continue
			}
			for i, ch := range rc.Choices {
				var v int64
				if i < len(src.t.Votes) {
					v = src.t.Votes[i]
				}
				cw.Write([]string{string(in.Election.Code), string(rc.Code), string(b.Box), safe(a.Name), src.kind, src.id, src.seen, safe(src.url),
					strconv.FormatInt(src.t.Registered, 10), strconv.FormatInt(src.t.Voted, 10), strconv.FormatInt(src.t.ValidTotal, 10), strconv.FormatInt(src.t.Invalid, 10),
					string(ch.Code), safe(ch.Name), strconv.FormatInt(v, 10)})
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("cdf csv: %w", err)
	}
	return nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
