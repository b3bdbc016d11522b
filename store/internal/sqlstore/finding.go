package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// Findings implements sandik.FindingStore.
func (o Org) Findings(ctx context.Context, id sandik.MeetingID) ([]sandik.Finding, error) {
	return All(ctx, o.db, "read findings of "+string(id), func(row Row) (sandik.Finding, error) {
		var f sandik.Finding
		var districts string
		err := row.Scan(&f.Meeting, &f.ID, &f.Table, &f.Kind, &f.Text, &districts)
		for d := range strings.SplitSeq(districts, "\n") {
			if d != "" {
				f.Districts = append(f.Districts, sandik.UnitCode(d))
			}
		}
		return f, err
	}, o.q(`SELECT meeting_id, id, table_n, kind, text, districts FROM meeting_findings WHERE meeting_id = ? ORDER BY table_n, kind, id`), string(id))
}

// AddFinding writes a finding of a table stored.
func (t OrgTx) AddFinding(ctx context.Context, f sandik.Finding) ([]ledger.Record, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	n, _, err := One(ctx, t.db, "read table", scanInt, t.q(`SELECT count(*) FROM meeting_tables WHERE meeting_id = ? AND n = ?`), string(f.Meeting), f.Table)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, invalidMeeting("table", "meeting %q has no table %d", f.Meeting, f.Table)
	}
	districts := make([]string, len(f.Districts))
	for i, d := range f.Districts {
		if _, err := t.Unit(ctx, d); err != nil {
			return nil, meetingField(err, fmt.Sprintf("districts[%d]", i))
		}
		districts[i] = string(d)
	}
	err = t.Exec(ctx, t.q(`INSERT INTO meeting_findings (meeting_id, id, table_n, kind, text, districts) VALUES (?, ?, ?, ?, ?, ?)`),
		string(f.Meeting), f.ID, f.Table, string(f.Kind), f.Text, strings.Join(districts, "\n"))
	if err != nil && t.Unique != nil && t.Unique(err) {
		return nil, conflict("id", "finding %q exists already", f.ID)
	}
	if err != nil {
		return nil, err
	}
	return []ledger.Record{ledger.FindingRecord(f)}, nil
}
