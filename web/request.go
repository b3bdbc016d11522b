package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/strict"
)

// Shapes of the request bodies.
var (
	sheetShape = strict.ShapeOf(reflect.TypeFor[sandik.SheetInput]())
	batchShape = strict.ShapeOf(reflect.TypeFor[batchInput]())
)

// batchInput is the body of a batch submission.
type batchInput struct {
	Items []sandik.SheetInput `json:"items"`
}

// readJSON reads a JSON body of at most limit bytes and decodes it
// strictly into v, which must have shape sh.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, limit int64, sh *strict.Shape, v any) error {
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	if r.ContentLength > limit {
		return tooLarge(limit)
	}
	buf := getBuffer()
	defer putBuffer(buf)
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit)); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return tooLarge(limit)
		}
		return sandik.Errorf(eBadRequest, "could not read the request body: %v", err)
	}
	return strict.Decode(buf.Bytes(), sh, v)
}

func tooLarge(limit int64) error {
	return sandik.Errorf(sandik.ETooLarge, "the request body is larger than %d bytes", limit)
}

// checkContentType accepts application/json, in UTF-8 if a charset is
// named.
func checkContentType(ct string) error {
	if ct == "application/json" {
		return nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err == nil && mt == "application/json" {
		if cs, ok := params["charset"]; !ok || strings.EqualFold(cs, "utf-8") {
			return nil
		}
	}
	if ct == "" {
		ct = "none"
	}
	return sandik.Errorf(eUnsupportedMedia, "the body must be JSON sent with Content-Type: application/json (got %s)", ct)
}

// badParam names a malformed query parameter.
func badParam(name, format string, args ...any) error {
	e := sandik.Errorf(eBadRequest, "invalid query parameter %q", name)
	e.Problems = []sandik.Problem{{Field: name, Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf(format, args...)}}
	return e
}

// boolParam reads an optional boolean query parameter ("1", "true", "0",
// "false"; present without a value means true).
func boolParam(r *http.Request, name string) (bool, error) {
	if r.URL.RawQuery == "" {
		return false, nil
	}
	q := r.URL.Query()
	if !q.Has(name) {
		return false, nil
	}
	switch v := q.Get(name); v {
	case "", "1", "true":
		return true, nil
	case "0", "false":
		return false, nil
	default:
		return false, badParam(name, "must be 1, true, 0 or false (got %q)", v)
	}
}

// intParam reads an optional integer query parameter within [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badParam(name, "must be a whole number from %d to %d (got %q)", lo, hi, v)
	}
	return n, nil
}
