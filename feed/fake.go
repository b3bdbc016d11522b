package feed

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik"
)

// Script is a scripted night for the fake feed (`sandik feed serve`):
// steps at times after the start, each publishing boxes (new or changed
// figures), or serving garbage or a partial page for a while.
type Script struct {
	Steps []Step `json:"steps"`
}

// Step is one moment of a scripted night.
type Step struct {
	At      Duration  `json:"at"`
	Boxes   []FakeBox `json:"boxes,omitempty"`
	Garbage string    `json:"garbage,omitempty"` // served as the body instead of the page
	Partial bool      `json:"partial,omitempty"` // the page loses its last box but still counts it
}

// FakeBox is a published box in DefaultMapping's names.
type FakeBox struct {
	Box                   string           `json:"box"`
	Race                  string           `json:"race,omitempty"`
	Registered            int64            `json:"registered"`
	VotedByLaw            int64            `json:"voted_by_law,omitempty"`
	Voted                 int64            `json:"voted"`
	ValidWithoutObjection int64            `json:"valid_without_objection"`
	ValidUponObjection    int64            `json:"valid_upon_objection"`
	ValidTotal            int64            `json:"valid_total"`
	Invalid               int64            `json:"invalid_total"`
	Votes                 map[string]int64 `json:"votes"`
}

// Duration reads "90s" or "3m" in a script.
type Duration time.Duration

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"3m\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// ParseScript reads a script strictly: unknown fields refused, steps in
// time order.
func ParseScript(b []byte) (*Script, error) {
	var s Script
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, sandik.Invalid("invalid feed script", []sandik.Problem{{Field: "script", Rule: sandik.RuleInvalidValue, Message: err.Error()}})
	}
	var ps []sandik.Problem
	for i, st := range s.Steps {
		if i > 0 && st.At < s.Steps[i-1].At {
			ps = append(ps, sandik.Problem{Field: fmt.Sprintf("steps[%d].at", i), Rule: sandik.RuleInvalidValue, Message: "steps must be in time order"})
		}
		for j, b := range st.Boxes {
			if b.Box == "" {
				ps = append(ps, sandik.Problem{Field: fmt.Sprintf("steps[%d].boxes[%d].box", i, j), Rule: sandik.RuleRequired, Message: "is required"})
			}
		}
	}
	if len(s.Steps) == 0 {
		ps = append(ps, sandik.Problem{Field: "steps", Rule: sandik.RuleRequired, Message: "a script has at least one step"})
	}
	if len(ps) > 0 {
		return nil, sandik.Invalid("invalid feed script", ps)
	}
	return &s, nil
}

// page is what the fake serves at one step.
type page struct {
	body []byte
	etag string
	mod  time.Time
}

// Fake serves a scripted night. The step in force is the last one whose
// time has come (Now − Start), unless a test sets it with Set.
type Fake struct {
	Start time.Time
	Now   func() time.Time

	pages []page
	mu    sync.Mutex
	set   int // -1: by the clock

	Requests    atomic.Int64
	Conditional atomic.Int64 // requests carrying If-None-Match or If-Modified-Since
	NotModified atomic.Int64
}

// NewFake renders every step's page once.
func NewFake(s *Script, start time.Time) (*Fake, error) {
	f := &Fake{Start: start, Now: time.Now, set: -1}
	boxes := map[string]int{}
	var order []FakeBox
	for _, st := range s.Steps {
		for _, b := range st.Boxes {
			if i, ok := boxes[b.Box+"|"+b.Race]; ok {
				order[i] = b
			} else {
				boxes[b.Box+"|"+b.Race] = len(order)
				order = append(order, b)
			}
		}
		var body []byte
		switch {
		case st.Garbage != "":
			body = []byte(st.Garbage)
		case st.Partial && len(order) > 0:
			var err error
			body, err = json.Marshal(map[string]any{"count": len(order), "boxes": order[:len(order)-1]})
			if err != nil {
				return nil, err
			}
		default:
			var err error
			body, err = json.Marshal(map[string]any{"count": len(order), "boxes": order})
			if err != nil {
				return nil, err
			}
		}
		sum := sha256.Sum256(body)
		f.pages = append(f.pages, page{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, mod: start.Add(time.Duration(st.At)).UTC().Truncate(time.Second)})
		order = append([]FakeBox(nil), order...) // a later step must not change an earlier page
	}
	return f, nil
}

// Set fixes the step served (-1: by the clock again).
func (f *Fake) Set(step int) {
	f.mu.Lock()
	f.set = step
	f.mu.Unlock()
}

// Steps is the number of steps.
func (f *Fake) Steps() int { return len(f.pages) }

func (f *Fake) current() (page, bool) {
	f.mu.Lock()
	set := f.set
	f.mu.Unlock()
	if set >= 0 {
		return f.pages[min(set, len(f.pages)-1)], true
	}
	now := f.Now()
	cur := -1
	for i, p := range f.pages {
		if !p.mod.After(now) {
			cur = i
		}
	}
	if cur < 0 {
		return page{}, false
	}
	return f.pages[cur], true
}

// FakeAnswer is what the fake answers a reading: Status 404 before the
// first step, 304 when the page in force has the ETag asked with, else
// 200 with the page.
type FakeAnswer struct {
	Status       int
	ETag         string
	LastModified time.Time
	Body         []byte
}

// Answer answers a reading conditional on ifNoneMatch and
// ifModifiedSince (empty when not asked); web/feedhttp serves it over
// HTTP.
func (f *Fake) Answer(ifNoneMatch, ifModifiedSince string) FakeAnswer {
	f.Requests.Add(1)
	if ifNoneMatch != "" || ifModifiedSince != "" {
		f.Conditional.Add(1)
	}
	p, ok := f.current()
	if !ok {
		return FakeAnswer{Status: 404, Body: []byte("no results published yet\n")}
	}
	a := FakeAnswer{Status: StatusOK, ETag: p.etag, LastModified: p.mod}
	if ifNoneMatch == p.etag {
		f.NotModified.Add(1)
		a.Status = StatusNotModified
		return a
	}
	a.Body = p.body
	return a
}
