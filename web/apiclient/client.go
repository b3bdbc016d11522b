// Package apiclient talks to a running centre's JSON API (/api/v1) as any
// client would: the demo's simulated night drives the server through it.
package apiclient

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxAnswer bounds the body read from one answer.
const MaxAnswer = 1 << 20

// Client posts to one server.
type Client struct {
	base string
	http *http.Client
}

// New returns a client of the server at base (e.g. "http://127.0.0.1:8080")
// that keeps up to conns connections alive between requests: one per
// concurrent caller.
func New(base string, conns int) *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = max(conns, 1) * 2
	tr.MaxIdleConnsPerHost = max(conns, 1) * 2
	return &Client{base: strings.TrimRight(base, "/"), http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// Post sends a JSON body to path with the API token and returns the
// answer's status, its body (read to the end, at most MaxAnswer, so the
// connection is reused) and the wait a Retry-After header asks for. An
// error means no answer arrived.
func (c *Client) Post(ctx context.Context, path, token string, body []byte) (status int, answer []byte, retryAfter time.Duration, err error) {
	return c.do(ctx, http.MethodPost, path, token, body)
}

// Get reads path with the API token, answering as Post does.
func (c *Client) Get(ctx context.Context, path, token string) (status int, answer []byte, retryAfter time.Duration, err error) {
	return c.do(ctx, http.MethodGet, path, token, nil)
}

func (c *Client) do(ctx context.Context, method, path, token string, body []byte) (status int, answer []byte, retryAfter time.Duration, err error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, 0, err
	}
	defer resp.Body.Close()
	answer, err = io.ReadAll(io.LimitReader(resp.Body, MaxAnswer))
	if err != nil {
		return 0, nil, 0, fmt.Errorf("read the answer to %s %s: %w", method, path, err)
	}
	io.Copy(io.Discard, resp.Body) // past the limit: drained so the connection is reused
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		retryAfter = time.Duration(s) * time.Second
	}
	return resp.StatusCode, answer, retryAfter, nil
}
