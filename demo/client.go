package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
)

// The simulator talks to a running server like any client would, through
// the public API (POST /api/v1/submissions and
// POST /api/v1/races/{race}/boxes/{box}/adjudication), over a Transport:
// web/apiclient in the binary, anything answering like it in tests.

// Transport posts a JSON body to a path of the centre's API with an API
// token, and returns the answer's status, body and the wait a Retry-After
// asks for; an error means no answer arrived. web/apiclient.Client is one.
type Transport interface {
	Post(ctx context.Context, path, token string, body []byte) (status int, answer []byte, retryAfter time.Duration, err error)
}

// The statuses the simulator tells apart (RFC 9110).
const (
	statusOK            = 200
	statusCreated       = 201
	statusUnauthorized  = 401
	statusForbidden     = 403
	statusConflict      = 409
	statusUnprocessable = 422
	statusTooMany       = 429
	statusServerError   = 500
)

// reply is what the simulator needs from one response.
type reply struct {
	status     int
	replayed   bool
	warnings   int
	message    string        // of an error body
	retryAfter time.Duration // from a Retry-After header
}

// path returns where an event is sent.
func path(ev *Event) string {
	if ev.Kind == sandik.KindAdjudication {
		return "/api/v1/races/" + url.PathEscape(string(ev.Race)) + "/boxes/" + url.PathEscape(string(ev.Box)) + "/adjudication"
	}
	return "/api/v1/submissions"
}

// body encodes an event as the API's sandik.SheetInput.
func body(ev *Event, id string, captured time.Time, choices []sandik.Choice) ([]byte, error) {
	t := &ev.Sheet
	num := func(v int64) *int64 { return &v }
	in := sandik.SheetInput{
		ID: sandik.SubmissionID(id), Race: ev.Race, Box: ev.Box, Source: ev.Source, Reason: ev.Reason,
		CapturedAt: &captured, Registered: num(t.Registered), Voted: num(t.Voted),
		ValidWithoutObjection: num(t.ValidWithoutObjection), ValidUponObjection: num(t.ValidUponObjection),
		ValidTotal: num(t.ValidTotal), Invalid: num(t.Invalid),
		Votes: make(map[sandik.ChoiceCode]*int64, len(choices)),
	}
	if t.VotedByLaw > 0 {
		in.VotedByLaw = num(t.VotedByLaw)
	}
	for i, c := range choices {
		in.Votes[c.Code] = num(t.Votes[i])
	}
	return json.Marshal(in)
}

// post sends one request and reads the parts of the answer the simulator
// counts.
func post(ctx context.Context, api Transport, path, token string, payload []byte) (reply, error) {
	status, raw, wait, err := api.Post(ctx, path, token, payload)
	if err != nil {
		return reply{}, err
	}
	r := reply{status: status, retryAfter: wait}
	if status < 300 {
		var ok struct {
			Replayed bool     `json:"replayed"`
			Warnings []string `json:"warnings"`
		}
		if err := json.Unmarshal(raw, &ok); err != nil {
			return r, fmt.Errorf("HTTP %d: undecodable answer: %w", status, err)
		}
		r.replayed, r.warnings = ok.Replayed, len(ok.Warnings)
		return r, nil
	}
	var bad struct {
		Error struct {
			Code     string           `json:"code"`
			Message  string           `json:"message"`
			Problems []sandik.Problem `json:"problems"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &bad) == nil && bad.Error.Message != "" {
		parts := []string{bad.Error.Message}
		for _, p := range bad.Error.Problems {
			parts = append(parts, p.String())
		}
		r.message = fmt.Sprintf("HTTP %d: %s", status, strings.Join(parts, "; "))
	} else {
		r.message = fmt.Sprintf("HTTP %d: %s", status, strings.TrimSpace(string(raw[:min(len(raw), 200)])))
	}
	return r, nil
}
