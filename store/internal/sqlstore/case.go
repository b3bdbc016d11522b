package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/sandik-dev/sandik"
)

// CaseEventRow is a case event as the case_events table keeps it: the
// columns it is found by, and the whole event as JSON in Payload.
type CaseEventRow struct {
	Case    string
	Version int
	Kind    string
	User    string
	At      int64 // Unix nanoseconds
	Payload []byte
}

// AppendCaseEvent stores e in the store called name: insert writes its
// row, and unique tells the violation of a unique key, which means the
// case already has an event of e.Version: EConflict, someone changed the
// case meanwhile.
func AppendCaseEvent(ctx context.Context, name string, e sandik.CaseEvent, unique func(error) bool,
	insert func(ctx context.Context, r CaseEventRow) error) error {
	payload, err := json.Marshal(e)
	if err == nil {
		err = insert(ctx, CaseEventRow{Case: string(e.Case), Version: e.Version, Kind: string(e.Kind), User: string(e.User),
			At: e.At.UnixNano(), Payload: payload})
	}
	if unique(err) {
		err = fmt.Errorf("%w: %w", sandik.Errorf(sandik.EConflict, "case %s was changed meanwhile (version %d exists); reload it", e.Case, e.Version), err)
	}
	if err != nil {
		return fmt.Errorf("%s: append event %d of case %s: %w", name, e.Version, e.Case, err)
	}
	return nil
}

func scanCaseEvent(row Row) (sandik.CaseEvent, error) {
	var (
		payload []byte
		e       sandik.CaseEvent
	)
	if err := row.Scan(&payload); err != nil {
		return e, err
	}
	if err := json.Unmarshal(payload, &e); err != nil {
		return e, fmt.Errorf("decode case event: %w", err)
	}
	return e, nil
}

// CaseEvents reads the events query selects, one payload column each.
func CaseEvents(ctx context.Context, db DB, query string, args ...any) ([]sandik.CaseEvent, error) {
	return All(ctx, db, "read case events", scanCaseEvent, query, args...)
}

// CaseEventsOf reads one case's events, which query selects by the case's
// id; ENotFound if it has none.
func CaseEventsOf(ctx context.Context, db DB, query string, id sandik.CaseID) ([]sandik.CaseEvent, error) {
	es, err := CaseEvents(ctx, db, query, string(id))
	if err == nil && len(es) == 0 {
		return nil, sandik.Errorf(sandik.ENotFound, "case %s does not exist", id)
	}
	return es, err
}

// PutEvidence stores data in the store called name under its checksum:
// exec runs insert with the checksum, the size and the bytes. An empty
// file is EInvalid, one over sandik.MaxEvidenceBytes ETooLarge.
func PutEvidence(ctx context.Context, name string, data []byte, exec Exec, insert string) (string, error) {
	if len(data) == 0 {
		return "", sandik.Invalid("empty evidence", []sandik.Problem{{Field: "file", Rule: sandik.RuleRequired, Message: "the evidence file is empty"}})
	}
	if len(data) > sandik.MaxEvidenceBytes {
		return "", sandik.Errorf(sandik.ETooLarge, "an evidence file holds at most %d bytes (got %d)", sandik.MaxEvidenceBytes, len(data))
	}
	sum := sandik.EvidenceChecksum(data)
	if err := exec(ctx, insert, sum, len(data), data); err != nil {
		return "", fmt.Errorf("%s: store evidence %s: %w", name, sum, err)
	}
	return sum, nil
}

// Evidence reads the file query selects by its checksum and checks it, so
// that a damaged file is never handed out as the one filed.
func Evidence(ctx context.Context, db DB, query, sum string) ([]byte, error) {
	data, found, err := One(ctx, db, "read evidence "+sum, scanBytes, query, sum)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return nil, sandik.Errorf(sandik.ENotFound, "no evidence with checksum %s", sum)
	}
	if got := sandik.EvidenceChecksum(data); got != sum {
		return nil, fmt.Errorf("%s: evidence %s is damaged: its bytes hash to %s", db.Name, sum, got)
	}
	return data, nil
}

// EvidenceSums reads the checksums query selects.
func EvidenceSums(ctx context.Context, db DB, query string) ([]string, error) {
	return All(ctx, db, "list evidence", scanString, query)
}
