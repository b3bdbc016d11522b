package handler

import (
	"log/slog"
	"net/http"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/strict"
)

// Error codes of the HTTP layer alone, beside the domain's. Codes are
// stable: clients switch on them.
const (
	EBadRequest                        = strict.EBadRequest       // the body or a parameter is malformed
	EUnsupportedMedia sandik.ErrorCode = "unsupported_media_type" // the body is not application/json
	EMethodNotAllowed sandik.ErrorCode = "method_not_allowed"
	ETooManyRequests                   = sandik.ETooMany   // over a limit of this client; see Retry-After
	ETimeout          sandik.ErrorCode = "request_timeout" // the body did not arrive in time
	EGone             sandik.ErrorCode = "gone"            // existed once, no longer kept (an expired snapshot)
)

// StatusFor is the one place where an error becomes an HTTP status.
func StatusFor(code sandik.ErrorCode) int {
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
	case EBadRequest:
		return http.StatusBadRequest
	case EUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case EMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case ETooManyRequests:
		return http.StatusTooManyRequests
	case ETimeout:
		return http.StatusRequestTimeout
	case EGone:
		return http.StatusGone
	}
	return http.StatusInternalServerError
}

// ErrorBody is the shape of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong: a stable code, a message for people
// and, for a request that is not valid, every problem with its field.
type ErrorDetail struct {
	Code     sandik.ErrorCode `json:"code"`
	Message  string           `json:"message"`
	Problems []sandik.Problem `json:"problems,omitempty"`
}

// WriteError answers with err's status and the error body. Internal errors
// are logged and answered with a generic message: no detail leaks.
func (b *Base) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	code := sandik.CodeOf(err)
	if code == sandik.EInternal || code == "" {
		code = sandik.EInternal
		if r.Context().Err() != nil {
			// The client went away or the request timed out: nobody reads
			// the answer. The store's own error for a cancelled read
			// (SQLite's "interrupted") is not the context's, so any
			// failure once the request is done counts as cancelled.
			b.log.LogAttrs(r.Context(), slog.LevelDebug, "request cancelled",
				slog.String("method", r.Method), slog.String("route", routeOf(r)), slog.Any("err", err))
			code = sandik.EUnavailable
			err = sandik.Errorf(code, "the request was cancelled")
		} else {
			b.log.LogAttrs(r.Context(), slog.LevelError, "request failed",
				slog.String("method", r.Method), slog.String("route", routeOf(r)), slog.Any("err", err))
		}
	}
	status := StatusFor(code)
	switch status {
	case http.StatusUnauthorized:
		// RFC 6750: say which scheme, and whether a token was offered.
		if r.Header.Get("Authorization") != "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sandik", error="invalid_token"`)
		} else {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sandik"`)
		}
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		SetRetryAfter(w, err)
	}
	msg, problems := sandik.MessageOf(err), sandik.ProblemsOf(err)
	if code == sandik.EInternal {
		// Even an *Error marked internal may carry internals in its text.
		msg, problems = "internal error", nil
	}
	b.WriteJSON(w, status, ErrorBody{Error: ErrorDetail{Code: code, Message: msg, Problems: problems}})
}
