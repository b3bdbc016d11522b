package center

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
)

// FeedBatch is one reading of an official feed: every row it served,
// where and when.
type FeedBatch struct {
	SourceURL string
	SeenAt    time.Time
	Sheets    []sandik.ImportedSheet // Source official
	// State is saved once the batch is stored, so a restart that finds it
	// knows the body was stored whole.
	State sandik.FeedState
	// Unchanged counts the rows its reader left out of Sheets, each
	// checked and found equal to its box's official figures
	// (SameOfficial), none twice: most of a republished national page,
	// whose 200,000 rows held as sheets were the page's largest part in
	// memory (60 MB). They count in the result's Rows and Unchanged.
	Unchanged int
}

// SameOfficial reports whether t equals the official figures the tally
// holds for the box: a feed's row that RecordOfficial would skip.
func (c *Center) SameOfficial(race sandik.RaceCode, box sandik.AreaCode, t *sandik.Tutanak) bool {
	return c.engine.Load().SameOfficial(race, box, t)
}

// FeedResult says what a batch changed.
type FeedResult struct {
	Rows      int // rows in the batch
	Changed   int // rows whose figures differ from the box's latest official ones
	Written   int // of those, appended now (the rest were in the log already)
	Alerts    []sandik.FeedAlert
	LastSeq   int64
	Unchanged int
}

// RecordOfficial stores one reading of an official feed. Every row is
// checked first; one that cannot be stored refuses the whole batch and
// nothing is written. A row equal to its box's latest official figures is
// not stored again: following a national feed costs only its changes.
// For the rest, their provenance and the alerts they raise (a changed
// box; a box that starts or stops disagreeing with its verified sheet)
// are saved first, then the figures are appended, then the feed's state.
// Should the process stop between those steps, the next reading does the
// same work again with the same ids, and the store keeps everything once:
// a restart resumes without duplicates and raises each alert once.
func (c *Center) RecordOfficial(ctx context.Context, b FeedBatch) (FeedResult, error) {
	eng := c.engine.Load()
	reg := eng.Registry()
	now := c.now()
	if b.SeenAt.IsZero() {
		b.SeenAt = now
	}
	if b.Unchanged < 0 {
		return FeedResult{}, sandik.Invalid("the feed's reading is not valid; nothing was stored",
			[]sandik.Problem{{Field: "unchanged", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("%d rows left out as unchanged is not a count", b.Unchanged)}})
	}
	res := FeedResult{Rows: len(b.Sheets) + b.Unchanged, Unchanged: b.Unchanged}
	var (
		problems []sandik.Problem
		changed  []sandik.ImportedSheet
		provs    []sandik.Provenance
		alerts   []sandik.FeedAlert
		seen     = make(map[[2]string]int, len(b.Sheets))
	)
	for i := range b.Sheets {
		in := &b.Sheets[i]
		prefix := fmt.Sprintf("rows[%d].", i)
		if in.Source != sandik.SourceOfficial {
			problems = append(problems, sandik.Problem{Field: prefix + "source", Rule: sandik.RuleInvalidValue, Message: "a feed's rows are official figures"})
			continue
		}
		key := [2]string{string(in.Race), string(in.Box)}
		if j, dup := seen[key]; dup {
			problems = append(problems, sandik.Problem{Field: prefix + "box", Rule: sandik.RuleDuplicate,
				Message: fmt.Sprintf("box %s of race %s is also row %d", in.Box, in.Race, j)})
			continue
		}
		seen[key] = i
		// A row equal to the box's stored official figures was checked
		// when they were stored: most of a republished page is skipped
		// here without a hash, a check or a copy of the box's state.
		if eng.SameOfficial(in.Race, in.Box, &in.Sheet) {
			res.Unchanged++
			continue
		}
		st, _ := eng.Box(in.Race, in.Box) // a box the race lacks is refused by NewImported
		s, err := reg.NewImported(in, now, prefix)
		if err != nil {
			problems = append(problems, sandik.ProblemsOf(err)...)
			continue
		}
		changed = append(changed, *in)
		changed[len(changed)-1].ID = s.ID
		provs = append(provs, sandik.Provenance{Submission: s.ID, Race: s.Race, Box: s.Box, SourceURL: b.SourceURL, FirstSeen: b.SeenAt.UTC()})
		as, err := c.alertsFor(ctx, reg, &st, &s, b)
		if err != nil {
			return res, err
		}
		alerts = append(alerts, as...)
	}
	if len(problems) > 0 {
		return res, sandik.Invalid(fmt.Sprintf("the feed's reading of %s is not valid; nothing was stored", b.SourceURL), problems)
	}
	res.Changed = len(changed)
	if len(changed) > 0 {
		added, err := c.store.SaveFeed(ctx, provs, alerts, sandik.FeedState{})
		if err != nil {
			return res, err
		}
		res.Alerts = added
		for start := 0; start < len(changed); start += MaxBatch {
			rs, err := c.AppendImported(ctx, changed[start:min(start+MaxBatch, len(changed))])
			if err != nil {
				return res, err
			}
			for _, r := range rs {
				if !r.Replayed {
					res.Written++
				}
				res.LastSeq = max(res.LastSeq, r.Seq)
			}
		}
		if err := c.WaitFor(ctx, res.LastSeq); err != nil {
			return res, err
		}
	}
	if b.State.Feed != "" {
		b.State.Versions += int64(res.Written)
		if _, err := c.store.SaveFeed(ctx, nil, nil, b.State); err != nil {
			return res, err
		}
	}
	return res, nil
}

// alertsFor returns the alerts s raises over the box's state before it.
func (c *Center) alertsFor(ctx context.Context, reg *sandik.Registry, st *tally.BoxState, s *sandik.Submission, b FeedBatch) ([]sandik.FeedAlert, error) {
	rc, _ := reg.Race(s.Race)
	var out []sandik.FeedAlert
	mk := func(kind sandik.AlertKind, from sandik.SubmissionID, cs []sandik.FieldChange) sandik.FeedAlert {
		return sandik.FeedAlert{ID: sandik.AlertID(kind, s.ID), Kind: kind, Race: s.Race, Box: s.Box, At: b.SeenAt.UTC(), From: from, To: s.ID,
			Changes: cs, SourceURL: b.SourceURL, Summary: sandik.VoteSummary(cs)}
	}
	if st.Official != nil {
		from, err := c.lastOfficial(ctx, s.Race, s.Box)
		if err != nil {
			return nil, err
		}
		out = append(out, mk(sandik.AlertChanged, from, sandik.DiffSheets(rc, *st.Official, s.Sheet)))
	}
	if st.Resolved != nil {
		before := st.Official != nil && !st.Official.Equal(*st.Resolved)
		after := !s.Sheet.Equal(*st.Resolved)
		switch {
		case after && !before:
			out = append(out, mk(sandik.AlertDisagrees, "", sandik.DiffSheets(rc, *st.Resolved, s.Sheet)))
		case before && !after:
			out = append(out, mk(sandik.AlertAgrees, "", []sandik.FieldChange{}))
		}
	}
	return out, nil
}

// lastOfficial is the id of a box's latest official figures in the log.
func (c *Center) lastOfficial(ctx context.Context, race sandik.RaceCode, box sandik.AreaCode) (sandik.SubmissionID, error) {
	subs, err := c.store.BoxSubmissions(ctx, race, box)
	if err != nil {
		return "", fmt.Errorf("official versions of %s: %w", box, err)
	}
	for i := len(subs) - 1; i >= 0; i-- {
		if subs[i].Source == sandik.SourceOfficial {
			return subs[i].ID, nil
		}
	}
	return "", nil
}

// OfficialVersion is one official publication of a box's figures, with
// its provenance and what changed from the one before.
type OfficialVersion struct {
	Submission sandik.SubmissionID  `json:"submission"`
	Seq        int64                `json:"seq"`
	Sheet      sandik.Tutanak       `json:"-"`
	FirstSeen  time.Time            `json:"first_seen"`
	SourceURL  string               `json:"source_url"` // empty for a file imported by hand
	Changes    []sandik.FieldChange `json:"changes"`    // from the version before; empty for the first
	Summary    string               `json:"summary"`
	Warnings   sandik.Warnings      `json:"-"`
}

// OfficialVersions returns every official version of a box, oldest
// first. Official figures are published, but their changes are read
// beside the verified sheets: those who see every entry read them, within
// their areas.
func (v *View) OfficialVersions(ctx context.Context, race sandik.RaceCode, box sandik.AreaCode) ([]OfficialVersion, error) {
	if err := v.reg.Allow(v.user, sandik.ActionReadBox, box); err != nil {
		return nil, err
	}
	if !v.user.Role.SeesAllEntries() {
		return nil, sandik.Errorf(sandik.EForbidden, "user %q (%s) does not read official versions beside the sheets", v.user.ID, v.user.Role)
	}
	rc, ok := v.reg.Race(race)
	if !ok {
		return nil, sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	subs, err := v.c.store.BoxSubmissions(ctx, race, box)
	if err != nil {
		return nil, fmt.Errorf("official versions of %s: %w", box, err)
	}
	subs = slices.DeleteFunc(subs, func(s sandik.Submission) bool { return s.Source != sandik.SourceOfficial })
	ids := make([]sandik.SubmissionID, len(subs))
	for i := range subs {
		ids[i] = subs[i].ID
	}
	provs, err := v.c.store.Provenances(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]OfficialVersion, 0, len(subs))
	for i, s := range subs {
		ov := OfficialVersion{Submission: s.ID, Seq: s.Seq, Sheet: s.Sheet, FirstSeen: s.ReceivedAt, Changes: []sandik.FieldChange{}, Warnings: s.Warnings}
		if p, ok := provs[s.ID]; ok {
			ov.FirstSeen, ov.SourceURL = p.FirstSeen, p.SourceURL
		}
		if i > 0 {
			ov.Changes = sandik.DiffSheets(rc, subs[i-1].Sheet, s.Sheet)
			ov.Summary = sandik.VoteSummary(ov.Changes)
		}
		out = append(out, ov)
	}
	return out, nil
}

// Alerts returns the feed's alerts after n that the user may read: those
// who see every entry, of boxes within their areas; of box only when box
// is set.
func (v *View) Alerts(ctx context.Context, after int64, box sandik.AreaCode, limit int) ([]sandik.FeedAlert, error) {
	if !v.user.Role.SeesAllEntries() {
		return nil, sandik.Errorf(sandik.EForbidden, "user %q (%s) does not read the official feed's alerts", v.user.ID, v.user.Role)
	}
	if box != "" {
		if err := v.reg.Allow(v.user, sandik.ActionReadBox, box); err != nil {
			return nil, err
		}
	}
	out := []sandik.FeedAlert{}
	// A scoped reader's alerts are filtered after reading; pages are read
	// until the limit is filled or the alerts end.
	for len(out) < limit {
		as, err := v.c.store.Alerts(ctx, after, box, limit)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if v.reg.InScope(v.user, a.Box) && len(out) < limit {
				out = append(out, a)
			}
		}
		if len(as) < limit {
			break
		}
		after = as[len(as)-1].N
	}
	return out, nil
}

// FeedState returns what a follower of feed kept at its last reading;
// ENotFound before its first.
func (c *Center) FeedState(ctx context.Context, feed string) (sandik.FeedState, error) {
	return c.store.FeedState(ctx, feed)
}
