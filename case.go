package sandik

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The words of objection cases (itiraz) that the store contract needs:
// a case is kept as the events that made it. The rules of which event may
// follow which, deadlines and margins are package itiraz's, which names
// these types as its own.

// CaseID identifies a case; the centre makes it.
type CaseID string

// CaseEventKind names what happened to a case.
type CaseEventKind string

const (
	CaseCreated       CaseEventKind = "created"  // a draft with its facts
	CaseEdited        CaseEventKind = "edited"   // the draft's facts changed
	CaseFiled         CaseEventKind = "filed"    // handed to the board
	CaseDecided       CaseEventKind = "decided"  // the board's decision
	CaseAppealed      CaseEventKind = "appealed" // filed with the next board
	CaseWithdrawn     CaseEventKind = "withdrawn"
	CaseEvidenceAdded CaseEventKind = "evidence" // a document added
)

// CaseEvent is one change of a case, recorded with who made it and when.
// The fields a kind does not use stay empty.
type CaseEvent struct {
	Case    CaseID        `json:"case"`
	Version int           `json:"version"` // 1 for created, then one more per event
	Kind    CaseEventKind `json:"kind"`
	User    UserID        `json:"user"`
	At      time.Time     `json:"at"`

	Draft     *CaseDraft `json:"draft,omitempty"`     // created, edited
	When      time.Time  `json:"when,omitzero"`       // filed, decided, appealed: when it happened at the board
	Reference string     `json:"reference,omitempty"` // filed, appealed
	Outcome   CaseStatus `json:"outcome,omitempty"`   // decided: accepted, partly_accepted or rejected
	Decision  string     `json:"decision,omitempty"`  // decided: the board's reasoning, summarised
	Granted   []int64    `json:"granted,omitempty"`   // decided partly: the change granted per choice
	// Deadline is set by the centre from the rules on created and appealed.
	Trigger  time.Time     `json:"trigger,omitzero"`
	Deadline time.Time     `json:"deadline,omitzero"`
	Reason   string        `json:"reason,omitempty"` // withdrawn
	Evidence *CaseEvidence `json:"evidence,omitempty"`
}

// Board is an election board (seçim kurulu) a case is filed with; each
// decides objections against the one below (Law 298 art. 111).
type Board string

const (
	BoardSandik Board = "sandik" // sandık kurulu: the box board
	BoardIlce   Board = "ilce"   // ilçe seçim kurulu: district board
	BoardIl     Board = "il"     // il seçim kurulu: provincial board
	BoardYSK    Board = "ysk"    // Yüksek Seçim Kurulu: final
)

// Boards lists the boards from the bottom up.
var Boards = []Board{BoardSandik, BoardIlce, BoardIl, BoardYSK}

// Valid reports whether b is a known board.
func (b Board) Valid() bool { return slices.Contains(Boards, b) }

// Next returns the board an appeal goes to; false for YSK, which is final.
func (b Board) Next() (Board, bool) {
	i := slices.Index(Boards, b)
	if i < 0 || i == len(Boards)-1 {
		return "", false
	}
	return Boards[i+1], true
}

// CaseGround is why a case is brought.
type CaseGround string

const (
	GroundDiscrepancy  CaseGround = "discrepancy"   // official figures differ from the signed sheet
	GroundInvalidVotes CaseGround = "invalid_votes" // invalid votes to be reviewed
	GroundProcedure    CaseGround = "procedure"     // a procedural irregularity
	GroundOther        CaseGround = "other"
)

// CaseGrounds lists every ground.
var CaseGrounds = []CaseGround{GroundDiscrepancy, GroundInvalidVotes, GroundProcedure, GroundOther}

// CaseRemedy is what a case asks for.
type CaseRemedy string

const (
	RemedyRecount       CaseRemedy = "recount"        // yeniden sayım
	RemedyInvalidReview CaseRemedy = "invalid_review" // review of the invalid ballots
	RemedyCorrection    CaseRemedy = "correction"     // correction of the record
	RemedyAnnulment     CaseRemedy = "annulment"      // iptal
)

// CaseRemedies lists every remedy.
var CaseRemedies = []CaseRemedy{RemedyRecount, RemedyInvalidReview, RemedyCorrection, RemedyAnnulment}

// CaseStatus is where a case stands.
type CaseStatus string

const (
	CaseStatusDraft     CaseStatus = "draft"
	CaseStatusFiled     CaseStatus = "filed"
	CaseStatusAccepted  CaseStatus = "accepted"
	CaseStatusPartly    CaseStatus = "partly_accepted"
	CaseStatusRejected  CaseStatus = "rejected"
	CaseStatusAppealed  CaseStatus = "appealed" // filed with the next board
	CaseStatusWithdrawn CaseStatus = "withdrawn"
)

// CaseStatuses lists every status in the order of the flow.
var CaseStatuses = []CaseStatus{CaseStatusDraft, CaseStatusFiled, CaseStatusAppealed, CaseStatusAccepted,
	CaseStatusPartly, CaseStatusRejected, CaseStatusWithdrawn}

// Open reports whether the case still waits for a filing or a decision.
func (s CaseStatus) Open() bool {
	return s == CaseStatusDraft || s == CaseStatusFiled || s == CaseStatusAppealed
}

// Decided reports whether a board has decided the case.
func (s CaseStatus) Decided() bool {
	return s == CaseStatusAccepted || s == CaseStatusPartly || s == CaseStatusRejected
}

// CaseEvidence is a document of a case (a sheet photo, a minute), kept
// with its SHA-256 so that what is filed can be shown unchanged.
type CaseEvidence struct {
	Name      string    `json:"name"`
	MediaType string    `json:"media_type"`
	Size      int64     `json:"size"`
	SHA256    string    `json:"sha256"` // hex
	AddedBy   UserID    `json:"added_by"`
	AddedAt   time.Time `json:"added_at"`
}

// MaxEvidenceBytes bounds one evidence file (a phone photo of a sheet, a
// scanned decision).
const MaxEvidenceBytes = 20 << 20

// EvidenceChecksum returns the hex SHA-256 of data, as evidence is kept
// under.
func EvidenceChecksum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// CaseDraft is what a user writes into a case before it is filed.
type CaseDraft struct {
	Race   RaceCode   `json:"race"`
	Boxes  []AreaCode `json:"boxes"`
	Areas  []AreaCode `json:"areas"`
	Ground CaseGround `json:"ground"`
	Remedy CaseRemedy `json:"remedy"`
	Board  Board      `json:"board"`
	Filer  string     `json:"filer"`
	Title  string     `json:"title"`
	Body   string     `json:"body"`
	Claim  []int64    `json:"claim"`
}

// Limits of the text of a case.
const (
	MaxCaseTitle   = 300
	MaxCaseBody    = 20000
	MaxCaseTargets = 5000 // boxes and areas of one case
	// MaxCaseClaim bounds a claim per choice: more than Türkiye's whole
	// electorate, so any real claim fits and sums of claims cannot overflow.
	MaxCaseClaim = 100_000_000
)

// Check validates a draft against the registry, returning every problem.
func (d *CaseDraft) Check(reg *Registry) []Problem {
	var ps []Problem
	add := func(field, rule, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	rc, ok := reg.Race(d.Race)
	if !ok {
		add("race", RuleUnknownRace, "race %q does not exist", d.Race)
	}
	if len(d.Boxes)+len(d.Areas) == 0 {
		add("boxes", RuleRequired, "a case concerns at least one box or area")
	}
	if len(d.Boxes)+len(d.Areas) > MaxCaseTargets {
		add("boxes", RuleTooLarge, "a case concerns at most %d boxes and areas", MaxCaseTargets)
	}
	for i, b := range d.Boxes {
		a, found := reg.Area(b)
		switch {
		case !found || a.Level != LevelSandik:
			add(fmt.Sprintf("boxes[%d]", i), RuleUnknownBox, "ballot box %q does not exist", b)
		case ok && !reg.InRace(rc, b):
			add(fmt.Sprintf("boxes[%d]", i), RuleBoxNotInRace, "ballot box %q does not take part in race %q", b, d.Race)
		}
	}
	for i, a := range d.Areas {
		if _, found := reg.Area(a); !found {
			add(fmt.Sprintf("areas[%d]", i), RuleUnknownArea, "area %q does not exist", a)
		} else if ok && !reg.Contains(rc.Scope, a) {
			add(fmt.Sprintf("areas[%d]", i), RuleInvalidValue, "area %q is outside race %q", a, d.Race)
		}
	}
	if !slices.Contains(CaseGrounds, d.Ground) {
		add("ground", RuleInvalidValue, "ground %q is not one of %s", d.Ground, joinNames(CaseGrounds))
	}
	if !slices.Contains(CaseRemedies, d.Remedy) {
		add("remedy", RuleInvalidValue, "remedy %q is not one of %s", d.Remedy, joinNames(CaseRemedies))
	}
	if !d.Board.Valid() {
		add("board", RuleInvalidValue, "board %q is not one of %s", d.Board, joinNames(Boards))
	}
	text := func(field, v string, max int, required bool) {
		switch {
		case required && strings.TrimSpace(v) == "":
			add(field, RuleRequired, "is required")
		case len(v) > max:
			add(field, RuleTooLarge, "is longer than %d bytes", max)
		case !utf8.ValidString(v):
			add(field, RuleInvalidValue, "is not valid UTF-8")
		}
	}
	text("filer", d.Filer, MaxCaseTitle, true)
	text("title", d.Title, MaxCaseTitle, true)
	text("body", d.Body, MaxCaseBody, false)
	if ok && d.Claim != nil && len(d.Claim) != len(rc.Choices) {
		add("claim", RuleInvalidValue, "the claim has %d numbers; race %q has %d choices", len(d.Claim), d.Race, len(rc.Choices))
	}
	for i, v := range d.Claim {
		if v > MaxCaseClaim || v < -MaxCaseClaim {
			add(fmt.Sprintf("claim[%d]", i), RuleTooLarge, "%d votes is more than an electorate holds (at most %d either way)", v, MaxCaseClaim)
		}
	}
	return ps
}

// joinNames lists the values a field may take, for a message.
func joinNames[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}
