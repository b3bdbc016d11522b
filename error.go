// Package sandik holds the domain of an election coordination centre:
// areas, elections and races, result sheets (tutanak), submissions, users,
// and the contracts the storage and HTTP layers implement. It imports
// neither HTTP nor SQL.
package sandik

import (
	"errors"
	"fmt"
	"strings"
)

// ErrorCode classifies an error so that every layer can map it to its own
// vocabulary (an HTTP status, a CLI exit code) in one place.
type ErrorCode string

const (
	EInvalid      ErrorCode = "invalid"      // the input breaks a rule; Problems says which
	ENotFound     ErrorCode = "not_found"    // the thing asked for does not exist
	EConflict     ErrorCode = "conflict"     // the same id was used for different content
	EUnauthorized ErrorCode = "unauthorized" // no valid credentials
	EForbidden    ErrorCode = "forbidden"    // credentials valid, action not allowed
	ETooLarge     ErrorCode = "too_large"    // body or file over its limit
	EUnavailable  ErrorCode = "unavailable"  // overloaded or shutting down; retry later
	EInternal     ErrorCode = "internal"     // a bug or an infrastructure failure
)

// Problem is one broken rule of an input. Field is a path such as
// "votes.CHP" or "items[3].valid_total"; Line is the 1-based line of a file
// when the input came from one. Rule is a stable machine key that the
// interface translates; Message is the English text.
type Problem struct {
	Field   string `json:"field,omitempty"`
	Line    int    `json:"line,omitempty"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	// Want and Got carry the figures of an arithmetic rule so that a
	// translated message can say by how much the sheet is off.
	Want *int64 `json:"want,omitempty"`
	Got  *int64 `json:"got,omitempty"`
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Error is the one error type the domain returns for expected failures.
type Error struct {
	Code     ErrorCode
	Message  string
	Problems []Problem
}

func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return e.Message
	}
	parts := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		parts = append(parts, p.String())
	}
	return e.Message + ": " + strings.Join(parts, "; ")
}

// Errorf builds an *Error with a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds an EInvalid error carrying every problem found.
func Invalid(message string, problems []Problem) *Error {
	return &Error{Code: EInvalid, Message: message, Problems: problems}
}

// CodeOf returns the code of the first *Error in err's chain, EInternal for
// any other non-nil error, and "" for nil.
func CodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ProblemsOf returns the problems of the first *Error in err's chain.
func ProblemsOf(err error) []Problem {
	var e *Error
	if errors.As(err, &e) {
		return e.Problems
	}
	return nil
}

// MessageOf returns the user-facing message of err: the *Error's message,
// or a generic text for internal errors so that no internals leak.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// problems accumulates Problems; the zero value is ready to use.
type problems []Problem

func (ps *problems) add(field, rule, format string, args ...any) {
	*ps = append(*ps, Problem{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

func (ps *problems) addSum(field, rule string, want, got int64, format string, args ...any) {
	w, g := want, got
	*ps = append(*ps, Problem{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...), Want: &w, Got: &g})
}
