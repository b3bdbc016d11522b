package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/strict"
)

// Error codes of the HTTP layer alone, beside the domain's. Codes are
// stable: clients switch on them.
const (
	eBadRequest                        = strict.EBadRequest       // the body or a parameter is malformed
	eUnsupportedMedia sandik.ErrorCode = "unsupported_media_type" // the body is not application/json
	eMethodNotAllowed sandik.ErrorCode = "method_not_allowed"
)

// statusFor is the one place where an error becomes an HTTP status.
func statusFor(code sandik.ErrorCode) int {
	switch code {
	case sandik.EInvalid:
		return http.StatusUnprocessableEntity
	case sandik.ENotFound:
		return http.StatusNotFound
	case sandik.EConflict:
		return http.StatusConflict
	case sandik.EUnauthorized:
		return http.StatusUnauthorized
	case sandik.EForbidden:
		return http.StatusForbidden
	case sandik.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case sandik.EUnavailable:
		return http.StatusServiceUnavailable
	case eBadRequest:
		return http.StatusBadRequest
	case eUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case eMethodNotAllowed:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// errorBody is the shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code     sandik.ErrorCode `json:"code"`
	Message  string           `json:"message"`
	Problems []sandik.Problem `json:"problems,omitempty"`
}

// writeError answers with err's status and the error body. Internal errors
// are logged and answered with a generic message: no detail leaks.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := sandik.CodeOf(err)
	if code == sandik.EInternal || code == "" {
		code = sandik.EInternal
		if errors.Is(err, r.Context().Err()) && r.Context().Err() != nil {
			// The client went away or the request timed out: nothing to
			// fix on our side, and nobody reads the answer.
			code = sandik.EUnavailable
			err = sandik.Errorf(code, "the request was cancelled")
		} else {
			s.log.LogAttrs(r.Context(), slog.LevelError, "request failed",
				slog.String("method", r.Method), slog.String("route", routeOf(r)), slog.Any("err", err))
		}
	}
	status := statusFor(code)
	switch status {
	case http.StatusUnauthorized:
		// RFC 6750: say which scheme, and whether a token was offered.
		if r.Header.Get("Authorization") != "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sandik", error="invalid_token"`)
		} else {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sandik"`)
		}
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "1")
	}
	msg, problems := sandik.MessageOf(err), sandik.ProblemsOf(err)
	if code == sandik.EInternal {
		// Even an *Error marked internal may carry internals in its text.
		msg, problems = "internal error", nil
	}
	s.writeJSON(w, status, errorBody{Error: errorDetail{Code: code, Message: msg, Problems: problems}})
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return bufPool.Get().(*bytes.Buffer) }

// putBuffer returns b to the pool unless it grew large (a big batch): one
// such buffer kept forever would pin its memory.
func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 256<<10 {
		return
	}
	b.Reset()
	bufPool.Put(b)
}

// writeJSON renders v into a buffer first, so that an encoding failure
// still yields a clean 500 rather than half a body, then writes it.
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		s.log.Error("encode response", "err", err)
		buf.Reset()
		buf.WriteString(`{"error":{"code":"internal","message":"internal error"}}` + "\n")
		status = http.StatusInternalServerError
	}
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(buf.Len())}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

var jsonContentType = []string{"application/json; charset=utf-8"}
