package handler

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/web/strict"
)

// ReadJSON reads a JSON body of at most limit bytes and decodes it
// strictly into v, which must have shape sh.
func ReadJSON(w http.ResponseWriter, r *http.Request, limit int64, sh *strict.Shape, v any) error {
	if err := CheckContentType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	if r.ContentLength > limit {
		return TooLarge(limit)
	}
	if rb, ok := r.Body.(*readBody); ok {
		// Write has read it already, within the budgets.
		return strict.Decode(rb.b, sh, v)
	}
	buf := GetBuffer()
	defer PutBuffer(buf)
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit)); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return TooLarge(limit)
		}
		return sandik.Errorf(EBadRequest, "could not read the request body: %v", err)
	}
	return strict.Decode(buf.Bytes(), sh, v)
}

// TooLarge refuses a body over limit bytes.
func TooLarge(limit int64) error {
	return sandik.Errorf(sandik.ETooLarge, "the request body is larger than %d bytes", limit)
}

// CheckContentType accepts application/json, in UTF-8 if a charset is
// named.
func CheckContentType(ct string) error {
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
	return sandik.Errorf(EUnsupportedMedia, "the body must be JSON sent with Content-Type: application/json (got %s)", ct)
}

// BadParam names a malformed query parameter.
func BadParam(name, format string, args ...any) error {
	e := sandik.Errorf(EBadRequest, "invalid query parameter %q", name)
	e.Problems = []sandik.Problem{{Field: name, Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf(format, args...)}}
	return e
}

// BoolParam reads an optional boolean query parameter ("1", "true", "0",
// "false"; present without a value means true).
func BoolParam(r *http.Request, name string) (bool, error) {
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
		return false, BadParam(name, "must be 1, true, 0 or false (got %q)", v)
	}
}

// IntParam reads an optional integer query parameter within [lo, hi].
func IntParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, BadParam(name, "must be a whole number from %d to %d (got %q)", lo, hi, v)
	}
	return n, nil
}

// ThresholdsFrom reads the anomaly thresholds a request tunes, as the
// API's anomalies and the comparison page both take them: base (those in
// force), with any query parameter named like a threshold's JSON key
// replacing it for this request only.
func ThresholdsFrom(r *http.Request, base anomaly.Thresholds) (anomaly.Thresholds, error) {
	th := base
	q := r.URL.Query()
	for _, key := range anomaly.ThresholdKeys() {
		v := q.Get(key)
		if v == "" {
			continue
		}
		if err := th.Set(key, v); err != nil {
			return th, BadParam(key, "%v", err)
		}
	}
	return th, th.Validate()
}

// BodyBytes returns the body Write read whole, without copying it; ok is
// false when the route's body was not read by Write.
func BodyBytes(r *http.Request) (data []byte, ok bool) {
	if rb, is := r.Body.(*readBody); is {
		return rb.b, true
	}
	return nil, false
}
