package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
)

// This file is the only one of the package that speaks HTTP: the
// simulator talks to a running server like any client would, through the
// public API (POST /api/v1/submissions and
// POST /api/v1/races/{race}/boxes/{box}/adjudication).

// reply is what the simulator needs from one response.
type reply struct {
	status     int
	replayed   bool
	warnings   int
	message    string        // of an error body
	retryAfter time.Duration // from a Retry-After header
}

type apiClient struct {
	base string
	http *http.Client
}

// newHTTPClient returns a client that keeps a connection per worker alive
// between requests.
func newHTTPClient(workers int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = workers * 2
	tr.MaxIdleConnsPerHost = workers * 2
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// path returns where an event is sent.
func (c *apiClient) path(ev *Event) string {
	if ev.Kind == sandik.KindAdjudication {
		return c.base + "/api/v1/races/" + url.PathEscape(string(ev.Race)) + "/boxes/" + url.PathEscape(string(ev.Box)) + "/adjudication"
	}
	return c.base + "/api/v1/submissions"
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
// counts. The body is always read to the end so the connection is reused.
func (c *apiClient) post(ctx context.Context, url, token string, payload []byte) (reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.http.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return reply{}, err
	}
	r := reply{status: resp.StatusCode}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		r.retryAfter = time.Duration(s) * time.Second
	}
	if resp.StatusCode < 300 {
		var ok struct {
			Replayed bool     `json:"replayed"`
			Warnings []string `json:"warnings"`
		}
		if err := json.Unmarshal(raw, &ok); err != nil {
			return r, fmt.Errorf("%s: undecodable answer: %w", resp.Status, err)
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
		r.message = resp.Status + ": " + strings.Join(parts, "; ")
	} else {
		r.message = resp.Status + ": " + strings.TrimSpace(string(raw[:min(len(raw), 200)]))
	}
	return r, nil
}
