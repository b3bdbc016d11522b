package sandik

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Sheet photos, blind keying and paper custody. A photo of a box's
// signed result sheet reaches the centre before the paper does; remote
// volunteers type it blind, each typing an ordinary entry of the box
// under the volunteer's name, so the double-entry quorum decides as for
// any other entry. Who holds each wet-signed copy is a chain of custody
// events per box, appended and never changed.

// SheetPhoto is one photo of a box's sheet for one race, kept in the
// blob store by the SHA-256 of its cleaned bytes — or, when URL is set,
// a reference to a photo whose bytes live elsewhere (an observer
// network's server): then Sum is the SHA-256 of the URL (RefSum) and
// the size fields are 0.
type SheetPhoto struct {
	Seq    int64     `json:"-"` // order of arrival in the store
	Race   RaceCode  `json:"race"`
	Box    AreaCode  `json:"box"`
	Sum    string    `json:"sha256"`
	By     UserID    `json:"by"`
	At     time.Time `json:"at"`
	Bytes  int       `json:"bytes"`
	Width  int       `json:"width"`
	Height int       `json:"height"`
	URL    string    `json:"url,omitempty"`
}

// MaxPhotoBatch bounds the photos of one AddSheetPhotos.
const MaxPhotoBatch = 64

// MaxPhotoURL bounds a photo reference's length; the observer network's
// addresses are under 200 characters.
const MaxPhotoURL = 1000

// PhotoURL checks s as the address of a photo kept elsewhere and
// returns it in its one written form: an absolute http or https URL with
// a host, no user or password, no control characters, at most
// MaxPhotoURL bytes once written. Anything else (javascript:, data:,
// file:, a relative path) is refused, for the address is shown to users
// as a link. Spaces inside the path are kept, escaped (%20): the
// observer network's own addresses carry them ("…/Adana OveO
// Tutanak/WhatsApp Image 2023-05-14 at 21.10.44.jpeg"). problem is empty
// when s is fine, else says what is wrong.
func PhotoURL(s string) (addr, problem string) {
	switch {
	case s == "":
		return "", "is empty"
	case len(s) > MaxPhotoURL:
		return "", fmt.Sprintf("is %d bytes long; a photo address is at most %d", len(s), MaxPhotoURL)
	case strings.TrimSpace(s) != s:
		return "", "begins or ends with a space"
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == unicode.ReplacementChar }) >= 0:
		return "", "holds a control character"
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", "is not a URL"
	}
	switch {
	case u.Scheme == "":
		return "", "is not an absolute address (want https://…)"
	case u.Scheme != "https" && u.Scheme != "http":
		return "", fmt.Sprintf("must begin with https:// or http:// (got %q)", cut(u.Scheme, 20)+":")
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return "", "has no host"
	case strings.ContainsAny(u.Host, " \t"):
		return "", "has a space in its host"
	case u.User != nil:
		return "", "must not carry a user name or password"
	}
	addr = u.String()
	if len(addr) > MaxPhotoURL {
		return "", fmt.Sprintf("is %d bytes long once escaped; a photo address is at most %d", len(addr), MaxPhotoURL)
	}
	return addr, ""
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// RefSum is the Sum a photo reference is kept under: the SHA-256 of its
// address, so the same address for the same box is recorded once.
func RefSum(u string) string {
	h := sha256.Sum256([]byte("url:" + u))
	return hex.EncodeToString(h[:])
}

// SheetPhotoFilter selects sheet photos; zero fields select all.
type SheetPhotoFilter struct {
	Race  RaceCode
	Box   AreaCode
	Sum   string
	After int64 // Seq above
}

// LeaseID names one hand-out of a sheet to a volunteer.
type LeaseID string

// LeaseOutcome is how a lease ended; empty while it is open.
type LeaseOutcome string

// The ends of a lease.
const (
	LeaseTyped    LeaseOutcome = "typed"    // the volunteer typed the sheet
	LeaseReported LeaseOutcome = "reported" // the volunteer sent it to a coordinator
)

// ReportReason is why a volunteer could not type a photo.
type ReportReason string

// The reasons a photo goes to a coordinator.
const (
	ReportUnreadable ReportReason = "unreadable" // okunamıyor
	ReportNotASheet  ReportReason = "not_a_sheet"
	ReportWrongBox   ReportReason = "wrong_box"
)

// ReportReasons lists every reason.
func ReportReasons() []ReportReason {
	return []ReportReason{ReportUnreadable, ReportNotASheet, ReportWrongBox}
}

// KeyingLease is one sheet handed to one volunteer until Expires. A
// lease not finished by then gives the sheet back to the queue; the
// volunteer may still type it, for a typing is an entry like any other.
type KeyingLease struct {
	ID         LeaseID      `json:"id"`
	Race       RaceCode     `json:"race"`
	Box        AreaCode     `json:"box"`
	Photo      string       `json:"sha256"`
	User       UserID       `json:"user"`
	Leased     time.Time    `json:"leased"`
	Expires    time.Time    `json:"expires"`
	Done       time.Time    `json:"done,omitzero"`
	Outcome    LeaseOutcome `json:"outcome,omitempty"`
	Submission SubmissionID `json:"submission,omitempty"`
	Reason     ReportReason `json:"reason,omitempty"`
}

// LeaseFilter selects leases; zero fields select all.
type LeaseFilter struct {
	User    UserID
	Race    RaceCode
	Box     AreaCode
	Outcome LeaseOutcome
}

// CustodyPlace is where a wet-signed copy went.
type CustodyPlace string

// The places a copy goes.
const (
	CustodyObserver CustodyPlace = "musahit" // the observer who signed for it at the box
	CustodyCentre   CustodyPlace = "merkez"  // the coordination centre
	CustodyLawyer   CustodyPlace = "avukat"  // a lawyer, for an objection
	CustodyBoard    CustodyPlace = "kurul"   // an election board
	CustodyArchive  CustodyPlace = "arsiv"   // the party's archive
)

// CustodyPlaces lists every place.
func CustodyPlaces() []CustodyPlace {
	return []CustodyPlace{CustodyObserver, CustodyCentre, CustodyLawyer, CustodyBoard, CustodyArchive}
}

// CustodyEvent is one link of a box's chain of custody: at At, Holder
// (a person's name) at Place took copy Copy of the box's signed sheet.
// Seq numbers a box's events from 1; By and Recorded are who wrote the
// event and when.
type CustodyEvent struct {
	Box      AreaCode     `json:"box"`
	Seq      int          `json:"seq"`
	Race     RaceCode     `json:"race,omitempty"`
	Copy     string       `json:"copy"`
	Holder   string       `json:"holder"`
	Place    CustodyPlace `json:"place"`
	At       time.Time    `json:"at"`
	Note     string       `json:"note,omitempty"`
	By       UserID       `json:"by"`
	Recorded time.Time    `json:"recorded"`
}

// Bounds of a custody event.
const (
	MaxCustodyCopy   = 100
	MaxCustodyNote   = 1000
	MaxCustodyEvents = 200 // per box: a copy changes hands a few times
)

// Validate checks e's own fields.
func (e CustodyEvent) Validate() error {
	var ps problems
	codeProblem(&ps, "box", string(e.Box), true)
	codeProblem(&ps, "race", string(e.Race), false)
	textProblems(&ps, "copy", e.Copy, MaxCustodyCopy)
	nameProblems(&ps, "holder", e.Holder, true)
	if !slices.Contains(CustodyPlaces(), e.Place) {
		ps.add("place", RuleInvalidValue, "unknown place %q (want one of %s)", e.Place, joinKinds(CustodyPlaces()))
	}
	if e.At.IsZero() {
		ps.add("at", RuleRequired, "is required")
	} else if !e.Recorded.IsZero() && e.At.After(e.Recorded.Add(time.Hour)) {
		ps.add("at", RuleInvalidValue, "%s is in the future", e.At.In(Istanbul()).Format("2006-01-02 15:04"))
	}
	if e.Note != "" {
		textProblems(&ps, "note", e.Note, MaxCustodyNote)
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid custody event of box %q", e.Box), ps)
	}
	return nil
}

// KeyingStore keeps sheet photos, keying leases and custody chains.
type KeyingStore interface {
	// AddSheetPhoto records photo p of a box and race; the bytes are
	// already in the blob store. The same sum for the same box and race
	// again writes nothing and returns the photo as first stored with
	// created false.
	AddSheetPhoto(ctx context.Context, p SheetPhoto) (stored SheetPhoto, created bool, err error)
	// AddSheetPhotos records several photos in one transaction, each as
	// AddSheetPhoto would, and returns those newly stored: an import's
	// photo references, a few dozen at a time (MaxPhotoBatch).
	AddSheetPhotos(ctx context.Context, ps []SheetPhoto) (created []SheetPhoto, err error)
	// SheetPhotos returns the photos f selects in Seq order.
	SheetPhotos(ctx context.Context, f SheetPhotoFilter) ([]SheetPhoto, error)
	// SaveLease stores a new open lease; EConflict if its id is taken.
	SaveLease(ctx context.Context, l KeyingLease) error
	// FinishLease ends an open lease with outcome at done; ENotFound if
	// there is no such lease, EConflict if it has ended already.
	FinishLease(ctx context.Context, id LeaseID, done time.Time, outcome LeaseOutcome, sub SubmissionID, reason ReportReason) error
	// Lease returns one lease; ENotFound if none.
	Lease(ctx context.Context, id LeaseID) (KeyingLease, error)
	// Leases returns the leases f selects, oldest first.
	Leases(ctx context.Context, f LeaseFilter) ([]KeyingLease, error)
	// AppendCustody appends e to its box's chain, numbering it after the
	// last, and returns it as stored. Nothing in a chain is ever changed
	// or removed: the tables refuse updates and deletes.
	AppendCustody(ctx context.Context, e CustodyEvent) (CustodyEvent, error)
	// Custody returns a box's chain in order; with box empty, every
	// box's chain, by box (for copying a whole database).
	Custody(ctx context.Context, box AreaCode) ([]CustodyEvent, error)
}
