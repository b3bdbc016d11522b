package handler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

// Every error code has its status; anything else is a 500.
func TestStatusFor(t *testing.T) {
	for code, want := range map[sandik.ErrorCode]int{
		sandik.EInvalid:      422,
		sandik.ENotFound:     404,
		sandik.EConflict:     409,
		sandik.EUnauthorized: 401,
		sandik.EForbidden:    403,
		sandik.ETooLarge:     413,
		sandik.EUnavailable:  503,
		sandik.EInternal:     500,
		EBadRequest:          400,
		EUnsupportedMedia:    415,
		EMethodNotAllowed:    405,
		"something_new":      500,
	} {
		if got := StatusFor(code); got != want {
			t.Errorf("StatusFor(%s) = %d, want %d", code, got, want)
		}
	}
}

func TestWriteError(t *testing.T) {
	var logs strings.Builder
	s := New(Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	tests := []struct {
		err      error
		status   int
		code     sandik.ErrorCode
		message  string
		problems int
	}{
		{sandik.Invalid("the result sheet is not valid", []sandik.Problem{{Field: "voted", Rule: "voted_sum", Message: "m"}}), 422, sandik.EInvalid, "the result sheet is not valid", 1},
		{fmt.Errorf("submit: %w", sandik.Errorf(sandik.EConflict, "id %q is taken", "a")), 409, sandik.EConflict, `id "a" is taken`, 0},
		{errors.New("disk I/O error at /var/lib/sandik/sandik.db"), 500, sandik.EInternal, "internal error", 0},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		s.WriteError(rec, httptest.NewRequest("GET", "/x", nil), tt.err)
		var b ErrorBody
		if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
			t.Fatal(err)
		}
		if rec.Code != tt.status || b.Error.Code != tt.code || b.Error.Message != tt.message || len(b.Error.Problems) != tt.problems {
			t.Errorf("%v: %d %+v", tt.err, rec.Code, b.Error)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if strings.Contains(rec.Body.String(), "/var/lib") {
			t.Errorf("internal detail leaked: %s", rec.Body)
		}
	}
	if !strings.Contains(logs.String(), "disk I/O error") {
		t.Errorf("the internal error was not logged: %s", logs.String())
	}
}

// A client that gives up is not an internal error of ours.
func TestWriteErrorCancelled(t *testing.T) {
	var logs strings.Builder
	s := New(Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	req := httptest.NewRequest("POST", "/x", nil)
	ctx, cancel := context.WithCancel(req.Context())
	cancel()
	rec := httptest.NewRecorder()
	s.WriteError(rec, req.WithContext(ctx), fmt.Errorf("append: %w", ctx.Err()))
	if rec.Code != http.StatusServiceUnavailable || logs.Len() != 0 {
		t.Errorf("cancelled request: %d, logs %q", rec.Code, logs.String())
	}
	// The store's own word for a read cut short (SQLite says
	// "interrupted") is no error of ours either once the client is gone.
	rec = httptest.NewRecorder()
	s.WriteError(rec, req.WithContext(ctx), errors.New("survey: interrupted (9)"))
	if rec.Code != http.StatusServiceUnavailable || logs.Len() != 0 {
		t.Errorf("a store error after the client left: %d, logs %q", rec.Code, logs.String())
	}
}

func TestBearer(t *testing.T) {
	for h, want := range map[string]string{
		"Bearer abc":     "abc",
		"bearer abc":     "abc",
		"BEARER  abc  ":  "abc",
		"Bearer":         "",
		"Bearer ":        "",
		"Basic abc":      "",
		"abc":            "",
		"Bearerabc":      "",
		"Token abc":      "",
		"":               "",
		"Bearer a b":     "a b",
		"Bearer sdk_x-y": "sdk_x-y",
	} {
		got, ok := bearer(h)
		if got != want || ok != (want != "") {
			t.Errorf("bearer(%q) = %q, %v", h, got, ok)
		}
	}
}

func TestCheckContentType(t *testing.T) {
	for ct, ok := range map[string]bool{
		"application/json":                  true,
		"application/json; charset=utf-8":   true,
		"Application/JSON; charset=UTF-8":   true,
		"application/json;charset=utf-8":    true,
		"application/json; charset=latin1":  false,
		"application/jsonx":                 false,
		"text/json":                         false,
		"application/x-www-form-urlencoded": false,
		"multipart/form-data; boundary=x":   false,
		"":                                  false,
		"application/json; charset=":        false,
	} {
		err := CheckContentType(ct)
		if (err == nil) != ok || (err != nil && sandik.CodeOf(err) != EUnsupportedMedia) {
			t.Errorf("CheckContentType(%q) = %v", ct, err)
		}
	}
}

func TestQueryParams(t *testing.T) {
	for q, want := range map[string]string{
		"": "false", "wait": "true", "wait=": "true", "wait=1": "true", "wait=true": "true",
		"wait=0": "false", "wait=false": "false", "wait=yes": "error", "other=1": "false",
	} {
		got, err := BoolParam(httptest.NewRequest("POST", "/x?"+q, nil), "wait")
		s := fmt.Sprint(got)
		if err != nil {
			s = "error"
			if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Field != "wait" || sandik.CodeOf(err) != EBadRequest {
				t.Errorf("%q: %v", q, err)
			}
		}
		if s != want {
			t.Errorf("BoolParam(%q) = %s, want %s", q, s, want)
		}
	}
	for q, want := range map[string]string{
		"": "100", "limit=1": "1", "limit=1000": "1000", "limit=0": "error", "limit=1001": "error", "limit=x": "error", "limit=-5": "error",
	} {
		got, err := IntParam(httptest.NewRequest("GET", "/x?"+q, nil), "limit", 100, 1, 1000)
		s := fmt.Sprint(got)
		if err != nil {
			s = "error"
		}
		if s != want {
			t.Errorf("IntParam(%q) = %s, want %s", q, s, want)
		}
	}
}
