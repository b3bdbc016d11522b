package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sandik-dev/sandik"
)

// The official feed's tables (migration 0016): provenance of official
// figures, alerts and feed state. Reads are Org's, writes OrgTx's, so both
// backends run the same statements.

const alertColumns = `n, id, kind, race, box, at, from_id, to_id, changes, source_url, summary`

func scanAlert(row Row) (sandik.FeedAlert, error) {
	var (
		a       sandik.FeedAlert
		at      int64
		changes string
	)
	if err := row.Scan(&a.N, &a.ID, &a.Kind, &a.Race, &a.Box, &at, &a.From, &a.To, &changes, &a.SourceURL, &a.Summary); err != nil {
		return a, err
	}
	a.At = Time(at)
	a.Changes = []sandik.FieldChange{}
	if err := json.Unmarshal([]byte(changes), &a.Changes); err != nil {
		return a, fmt.Errorf("alert %s: changes: %w", a.ID, err)
	}
	return a, nil
}

// Provenances implements sandik.FeedStore.
func (o Org) Provenances(ctx context.Context, ids []sandik.SubmissionID) (map[sandik.SubmissionID]sandik.Provenance, error) {
	out := make(map[sandik.SubmissionID]sandik.Provenance, len(ids))
	// Chunks keep the statement's parameters under every backend's limit.
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = string(id)
		}
		ps, err := All(ctx, o.db, "read provenance", func(row Row) (sandik.Provenance, error) {
			var (
				p  sandik.Provenance
				at int64
			)
			err := row.Scan(&p.Submission, &p.Race, &p.Box, &p.SourceURL, &at)
			p.FirstSeen = Time(at)
			return p, err
		}, o.q(`SELECT submission_id, race, box, source_url, first_seen FROM official_provenance WHERE submission_id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`), args...)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out[p.Submission] = p
		}
	}
	return out, nil
}

const selectFeedState = `SELECT feed, etag, last_modified, body_hash, polled_at, versions FROM feed_state`

func scanFeedState(row Row) (sandik.FeedState, error) {
	var (
		st sandik.FeedState
		at int64
	)
	err := row.Scan(&st.Feed, &st.ETag, &st.LastModified, &st.BodyHash, &at, &st.Versions)
	st.PolledAt = Time(at)
	return st, err
}

// FeedStates implements sandik.FeedStore.
func (o Org) FeedStates(ctx context.Context) ([]sandik.FeedState, error) {
	return All(ctx, o.db, "read feed states", scanFeedState, o.q(selectFeedState+` ORDER BY feed`))
}

// FeedState implements sandik.FeedStore.
func (o Org) FeedState(ctx context.Context, feed string) (sandik.FeedState, error) {
	st, found, err := One(ctx, o.db, "read feed state", scanFeedState, o.q(selectFeedState+` WHERE feed = ?`), feed)
	if err == nil && !found {
		return st, sandik.Errorf(sandik.ENotFound, "feed %q has no state yet", feed)
	}
	return st, err
}

// Alerts implements sandik.FeedStore.
func (o Org) Alerts(ctx context.Context, after int64, box sandik.AreaCode, limit int) ([]sandik.FeedAlert, error) {
	if box == "" {
		return All(ctx, o.db, "read alerts", scanAlert, o.q(`SELECT `+alertColumns+` FROM feed_alerts WHERE n > ? ORDER BY n LIMIT ?`), after, limit)
	}
	return All(ctx, o.db, "read alerts of "+string(box), scanAlert, o.q(`SELECT `+alertColumns+` FROM feed_alerts WHERE box = ? AND n > ? ORDER BY n LIMIT ?`), string(box), after, limit)
}

// SaveFeed implements sandik.FeedStore in the caller's transaction. The
// caller serialises writers of feed_alerts, so that N is stored in the
// order alerts become visible.
func (t OrgTx) SaveFeed(ctx context.Context, ps []sandik.Provenance, as []sandik.FeedAlert, st sandik.FeedState) ([]sandik.FeedAlert, error) {
	var problems []sandik.Problem
	for i := range ps {
		for _, p := range sandik.ProblemsOf(ps[i].Validate()) {
			p.Field = fmt.Sprintf("provenance[%d].%s", i, p.Field)
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		return nil, sandik.Invalid("invalid provenance; nothing was stored", problems)
	}
	for _, p := range ps {
		if err := t.Exec(ctx, t.q(`INSERT INTO official_provenance (submission_id, race, box, source_url, first_seen) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (submission_id) DO NOTHING`), string(p.Submission), string(p.Race), string(p.Box), p.SourceURL, Nanos(p.FirstSeen)); err != nil {
			return nil, fmt.Errorf("store provenance of %s: %w", p.Submission, err)
		}
	}
	added := []sandik.FeedAlert{}
	for _, a := range as {
		_, exists, err := One(ctx, t.db, "find alert", scanInt, t.q(`SELECT n FROM feed_alerts WHERE id = ?`), a.ID)
		if err != nil {
			return nil, err
		}
		if exists {
			continue // raised already: once per change
		}
		changes, err := json.Marshal(a.Changes)
		if err != nil {
			return nil, fmt.Errorf("alert %s: %w", a.ID, err)
		}
		if err := t.Exec(ctx, t.q(`INSERT INTO feed_alerts (id, kind, race, box, at, from_id, to_id, changes, source_url, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			a.ID, string(a.Kind), string(a.Race), string(a.Box), Nanos(a.At), string(a.From), string(a.To), string(changes), a.SourceURL, a.Summary); err != nil {
			return nil, fmt.Errorf("store alert %s: %w", a.ID, err)
		}
		n, _, err := One(ctx, t.db, "read alert", scanInt, t.q(`SELECT n FROM feed_alerts WHERE id = ?`), a.ID)
		if err != nil {
			return nil, err
		}
		a.N = n
		added = append(added, a)
	}
	if st.Feed != "" {
		if err := t.Exec(ctx, t.q(`INSERT INTO feed_state (feed, etag, last_modified, body_hash, polled_at, versions) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (feed) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, body_hash = excluded.body_hash,
polled_at = excluded.polled_at, versions = excluded.versions`), st.Feed, st.ETag, st.LastModified, st.BodyHash, Nanos(st.PolledAt), st.Versions); err != nil {
			return nil, fmt.Errorf("store state of feed %s: %w", st.Feed, err)
		}
	}
	return added, nil
}
