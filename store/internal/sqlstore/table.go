package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// Tables implements sandik.TableStore.
func (o Org) Tables(ctx context.Context, id sandik.MeetingID) ([]sandik.Table, error) {
	tables, err := All(ctx, o.db, "read tables of "+string(id), func(row Row) (sandik.Table, error) {
		t := sandik.Table{Members: []sandik.PersonID{}}
		return t, row.Scan(&t.N, &t.Moderator)
	}, o.q(`SELECT n, moderator FROM meeting_tables WHERE meeting_id = ? ORDER BY n`), string(id))
	if err != nil {
		return nil, err
	}
	type seat struct {
		n int
		p sandik.PersonID
	}
	seats, err := All(ctx, o.db, "read seats of "+string(id), func(row Row) (seat, error) {
		var s seat
		return s, row.Scan(&s.n, &s.p)
	}, o.q(`SELECT n, person_id FROM meeting_table_members WHERE meeting_id = ? ORDER BY n, person_id`), string(id))
	if err != nil {
		return nil, err
	}
	for _, s := range seats {
		if s.n >= 1 && s.n <= len(tables) && tables[s.n-1].N == s.n {
			tables[s.n-1].Members = append(tables[s.n-1].Members, s.p)
		}
	}
	return tables, nil
}

// SaveTables replaces a meeting's tables, members stored by id.
func (t OrgTx) SaveTables(ctx context.Context, id sandik.MeetingID, tables []sandik.Table) ([]ledger.Record, error) {
	if err := sandik.ValidateTables(tables); err != nil {
		return nil, err
	}
	if _, err := t.Meeting(ctx, id); err != nil {
		return nil, err
	}
	for i, tb := range tables {
		for j, p := range append(tb.Members, tb.Moderator) {
			if p == "" {
				continue
			}
			if _, err := t.Person(ctx, p); err != nil {
				return nil, meetingField(err, fmt.Sprintf("tables[%d].members[%d]", i, j))
			}
		}
	}
	// Findings are the tables' record of the day: once one is written the
	// seating they were found at stays.
	n, _, err := One(ctx, t.db, "count findings", scanInt, t.q(`SELECT count(*) FROM meeting_findings WHERE meeting_id = ?`), string(id))
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, sandik.Errorf(sandik.EConflict, "meeting %q has %d findings recorded at its tables; the seating stays as it is", id, n)
	}
	if err := t.Exec(ctx, t.q(`DELETE FROM meeting_table_members WHERE meeting_id = ?`), string(id)); err != nil {
		return nil, err
	}
	if err := t.Exec(ctx, t.q(`DELETE FROM meeting_tables WHERE meeting_id = ?`), string(id)); err != nil {
		return nil, err
	}
	stored := make([]sandik.Table, len(tables))
	for i, tb := range tables {
		if err := t.Exec(ctx, t.q(`INSERT INTO meeting_tables (meeting_id, n, moderator) VALUES (?, ?, ?)`), string(id), tb.N, string(tb.Moderator)); err != nil {
			return nil, err
		}
		members := append([]sandik.PersonID(nil), tb.Members...)
		slices.Sort(members)
		for _, p := range members {
			if err := t.Exec(ctx, t.q(`INSERT INTO meeting_table_members (meeting_id, n, person_id) VALUES (?, ?, ?)`), string(id), tb.N, string(p)); err != nil {
				return nil, err
			}
		}
		stored[i] = sandik.Table{N: tb.N, Moderator: tb.Moderator, Members: members}
	}
	return []ledger.Record{ledger.SeatingRecord(id, stored)}, nil
}
