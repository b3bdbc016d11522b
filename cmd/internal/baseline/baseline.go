// Package baseline holds the two servers sandik-bench measures Sandık
// against in the same run (issue 23):
//
//   - the prototype, the limit: an HTTP handler that decodes Sandık's
//     submission body and hands it to one group-commit goroutine, which
//     writes each batch durably and only then answers; nothing else.
//   - the field's way, what typical tally systems do: one row per result
//     (race, box, choice → votes) written by each submission, and an
//     area's totals added up by SUM … GROUP BY on every read.
//
// Both write to a database of their own beside Sandık's: a SQLite file
// with WAL and synchronous=FULL through the same pure-Go driver, or a
// schema of their own in the PostgreSQL database, created for the run
// and dropped after it. Neither is part of the server.
package baseline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// maxBody bounds a submission's body, as Sandık's API does.
const maxBody = 1 << 20

// Submission is Sandık's submission body (POST /api/v1/submissions) as
// the baselines read it: the same fields, decoded the same strict way
// (unknown fields and trailing data refused).
type Submission struct {
	ID                    string           `json:"id"`
	Race                  string           `json:"race"`
	Box                   string           `json:"box"`
	Source                string           `json:"source"`
	CapturedAt            string           `json:"captured_at"`
	Reason                string           `json:"reason"`
	Decision              string           `json:"decision"`
	Registered            *int64           `json:"registered"`
	VotedByLaw            *int64           `json:"voted_by_law"`
	Voted                 *int64           `json:"voted"`
	ValidWithoutObjection *int64           `json:"valid_without_objection"`
	ValidUponObjection    *int64           `json:"valid_upon_objection"`
	ValidTotal            *int64           `json:"valid_total"`
	InvalidTotal          *int64           `json:"invalid_total"`
	Votes                 map[string]int64 `json:"votes"`
}

// readSubmission reads and decodes a request's body; the raw bytes come
// back too, for the prototype keeps them as they came.
func readSubmission(w http.ResponseWriter, r *http.Request) (Submission, []byte, error) {
	var s Submission
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return s, nil, fmt.Errorf("body: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, nil, fmt.Errorf("body: %w", err)
	}
	if dec.More() {
		return s, nil, errors.New("body: data after the JSON object")
	}
	switch {
	case s.ID == "":
		return s, nil, errors.New("id: missing")
	case len(s.ID) > 128:
		return s, nil, errors.New("id: longer than 128 bytes")
	case s.Race == "":
		return s, nil, errors.New("race: missing")
	case s.Box == "":
		return s, nil, errors.New("box: missing")
	}
	return s, raw, nil
}

// answer writes a small JSON answer with its length, so that the load
// generator's minimal client can read it.
func answer(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// answerError answers {"error": msg}.
func answerError(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(map[string]string{"error": msg})
	answer(w, status, b)
}

// answerID acknowledges a durable submission with its id.
func answerID(w http.ResponseWriter, id string) {
	b := make([]byte, 0, len(id)+10)
	b = append(b, `{"id":`...)
	b = strconv.AppendQuote(b, id)
	b = append(b, '}')
	answer(w, http.StatusOK, b)
}
