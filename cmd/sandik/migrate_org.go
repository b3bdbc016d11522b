package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
)

// The organisation's life between elections, copied by migrate-store
// through the stores' own writes: meetings with their invitations,
// attendance, tables, findings, surveys and their answers, minutes and
// decisions; tours, sister districts, visits with their commitments and
// photos; congresses with their electorate, contests, lists, check-ins,
// approved results and the mandates they gave; the sheets' photos,
// keying leases and paper custody; the official feed's provenance,
// alerts and states. Each keeps its id, author, times,
// versions and order; what a store fills in itself (a visit's area, a
// commitment's) is filled in again and then compared.

// lifeCounts counts what copyLife copied, for the command's report.
type lifeCounts struct {
	meetings, surveys, decisions, visits, commitments, tours, pairs, congresses, mandates int
	photos, blobs, leases, custody, provenance, alerts                                    int
}

// copyLife copies the organisation's life, after the organisation and
// the municipalities (which it refers to) and before the log.
func (m *migration) copyLife(ctx context.Context) error {
	if err := m.copyMeetings(ctx); err != nil {
		return fmt.Errorf("meetings: %w", err)
	}
	if err := m.copyVisits(ctx); err != nil {
		return err
	}
	if err := m.copyCongresses(ctx); err != nil {
		return fmt.Errorf("congresses: %w", err)
	}
	if err := m.copySheetPhotos(ctx); err != nil {
		return fmt.Errorf("sheet photos: %w", err)
	}
	return nil
}

// copyMeetings copies every meeting with what hangs on it. A meeting
// keeps the invitations it was given, not those its rule gives over
// today's terms; an attendee keeps their arrival, mode and departure,
// but not their check-in token (only its hash is kept, and a phone
// checks in again to answer on the new database, as after a sign-in).
func (m *migration) copyMeetings(ctx context.Context) error {
	src, dst := m.src, m.dst
	ms, err := src.Meetings(ctx, sandik.MeetingFilter{})
	if err != nil {
		return err
	}
	for _, mt := range ms {
		invs, err := src.Invitations(ctx, mt.ID)
		if err != nil {
			return err
		}
		if err := dst.RestoreMeeting(ctx, mt, invs); err != nil {
			return err
		}
		att, err := src.Attendance(ctx, mt.ID)
		if err != nil {
			return err
		}
		for _, a := range att {
			var token [32]byte
			rand.Read(token[:])
			left := a.Left
			a.Left = time.Time{}
			if _, _, err := dst.CheckIn(ctx, a, sha256.Sum256(token[:])); err != nil {
				return fmt.Errorf("meeting %q: attendance of %q: %w", mt.ID, a.Person, err)
			}
			if !left.IsZero() {
				if err := dst.Leave(ctx, mt.ID, a.Person, left); err != nil {
					return fmt.Errorf("meeting %q: departure of %q: %w", mt.ID, a.Person, err)
				}
			}
		}
		tables, err := src.Tables(ctx, mt.ID)
		if err != nil {
			return err
		}
		if len(tables) > 0 {
			if err := dst.SaveTables(ctx, mt.ID, tables); err != nil {
				return err
			}
		}
		fs, err := src.Findings(ctx, mt.ID)
		if err != nil {
			return err
		}
		for _, f := range fs {
			if err := dst.AddFinding(ctx, f); err != nil {
				return err
			}
		}
		svs, err := src.Surveys(ctx, mt.ID)
		if err != nil {
			return err
		}
		for _, sv := range svs {
			// A survey is stored with its questions as drafts, as a new
			// one must be; each then takes its answers and its state.
			draft := sv
			draft.Questions = slices.Clone(sv.Questions)
			for i := range draft.Questions {
				draft.Questions[i].State, draft.Questions[i].Revealed = sandik.QuestionDraft, false
			}
			if err := dst.SaveSurvey(ctx, draft); err != nil {
				return err
			}
			for _, q := range sv.Questions {
				qa, err := src.QuestionAnswers(ctx, sv.ID, q.N)
				if err != nil {
					return err
				}
				if len(qa.Marks) > 0 || len(qa.Values) > 0 || len(qa.Tallies) > 0 {
					if err := dst.RestoreAnswers(ctx, sv.ID, q.N, qa); err != nil {
						return err
					}
				}
				if q.State != sandik.QuestionDraft || q.Revealed {
					if err := dst.SetQuestion(ctx, sv.ID, q.N, q.State, q.Revealed); err != nil {
						return err
					}
				}
			}
		}
		m.life.surveys += len(svs)
		ds, err := src.Decisions(ctx, sandik.DecisionFilter{Meeting: mt.ID})
		if err != nil {
			return err
		}
		mins, err := src.Minutes(ctx, mt.ID)
		switch {
		case err == nil:
			if err := dst.CloseMeeting(ctx, mins, ds); err != nil {
				return err
			}
		case sandik.CodeOf(err) == sandik.ENotFound:
			for _, d := range ds {
				if err := dst.SaveDecision(ctx, d); err != nil {
					return err
				}
			}
		default:
			return err
		}
		m.life.decisions += len(ds)
	}
	m.life.meetings = len(ms)
	return nil
}

// copyVisits copies tours, sister pairs, visits with their photos and
// commitments, each followed one after the one it follows.
func (m *migration) copyVisits(ctx context.Context) error {
	src, dst := m.src, m.dst
	tours, err := src.Tours(ctx)
	if err != nil {
		return fmt.Errorf("tours: %w", err)
	}
	for _, t := range tours {
		// A stop's status (pending, postponed, visited) is stored as it is.
		if err := dst.SaveTour(ctx, t); err != nil {
			return fmt.Errorf("tours: %w", err)
		}
	}
	m.life.tours = len(tours)
	pairs, err := src.SisterPairs(ctx)
	if err != nil {
		return fmt.Errorf("sister pairs: %w", err)
	}
	for _, p := range pairs {
		if err := dst.SaveSisterPair(ctx, p); err != nil {
			return fmt.Errorf("sister pairs: %w", err)
		}
	}
	m.life.pairs = len(pairs)
	vs, err := src.Visits(ctx, sandik.VisitFilter{})
	if err != nil {
		return fmt.Errorf("visits: %w", err)
	}
	for _, v := range vs {
		for i, sum := range v.Photos {
			if err := m.copyBlob(ctx, sum); err != nil {
				return fmt.Errorf("visit %q: photos[%d]: %w", v.ID, i, err)
			}
		}
		if _, err := dst.SaveVisit(ctx, v, nil); err != nil {
			return fmt.Errorf("visits: %w", err)
		}
	}
	m.life.visits = len(vs)
	cs, err := src.Commitments(ctx, sandik.CommitmentFilter{})
	if err != nil {
		return fmt.Errorf("commitments: %w", err)
	}
	cs, err = followedFirst(cs)
	if err != nil {
		return fmt.Errorf("commitments: %w", err)
	}
	for _, c := range cs {
		if _, err := dst.SaveCommitment(ctx, c); err != nil {
			return fmt.Errorf("commitments: %w", err)
		}
	}
	m.life.commitments = len(cs)
	return nil
}

// followedFirst orders cs so that each comes after the commitment it
// follows, which the store insists is stored; a chain that loops or
// follows a commitment not among cs is an error naming it.
func followedFirst(cs []sandik.Commitment) ([]sandik.Commitment, error) {
	ids := make(map[sandik.CommitmentID]bool, len(cs))
	for _, c := range cs {
		ids[c.ID] = true
	}
	out := make([]sandik.Commitment, 0, len(cs))
	done := make(map[sandik.CommitmentID]bool, len(cs))
	for left := cs; len(left) > 0; {
		var later []sandik.Commitment
		for _, c := range left {
			switch {
			case c.Follows != "" && !ids[c.Follows]:
				return nil, fmt.Errorf("commitment %q follows %q, which is not stored", c.ID, c.Follows)
			case c.Follows == "" || done[c.Follows]:
				out = append(out, c)
				done[c.ID] = true
			default:
				later = append(later, c)
			}
		}
		if len(later) == len(left) {
			return nil, fmt.Errorf("commitments %q and %d more follow each other in a loop", later[0].ID, len(later)-1)
		}
		left = later
	}
	return out, nil
}

// copyBlob copies the bytes kept under sum, checked against it on both
// sides.
func (m *migration) copyBlob(ctx context.Context, sum string) error {
	if m.blobs[sum] {
		return nil
	}
	if m.leave[sum] {
		return nil // named by uncopied, left behind as -leave-uncopied asked
	}
	data, err := m.src.Blob(ctx, sum)
	if err != nil {
		return fmt.Errorf("the source's attachment %s: %w", sum, err)
	}
	if !blobIs(data, sum) {
		return fmt.Errorf("the source's attachment %s is damaged: its bytes do not hash to its name", sum)
	}
	if err := m.dst.PutBlob(ctx, sum, data); err != nil {
		return err
	}
	if m.blobs == nil {
		m.blobs = map[string]bool{}
	}
	m.blobs[sum] = true
	m.life.blobs++
	return nil
}

// copyCongresses copies every congress as its writes made it: saved,
// its electorate frozen when and by whom it was, its contests, every
// version of every list in the order stored, the contests opened for
// counting, the delegates' check-ins in their order and the approved
// results. The terms and mandates an approval gave travel with the
// organisation and the mandates, so a result is stored alone.
func (m *migration) copyCongresses(ctx context.Context) error {
	src, dst := m.src, m.dst
	cs, err := src.Congresses(ctx, sandik.CongressFilter{})
	if err != nil {
		return err
	}
	for _, c := range cs {
		frozen, by := c.Frozen, c.FrozenBy
		c.Frozen, c.FrozenBy = time.Time{}, ""
		if err := dst.SaveCongress(ctx, c); err != nil {
			return err
		}
		if !frozen.IsZero() {
			es, err := src.Electorate(ctx, c.ID)
			if err != nil {
				return err
			}
			if err := dst.FreezeElectorate(ctx, c.ID, es, frozen, by); err != nil {
				return fmt.Errorf("congress %q: electorate: %w", c.ID, err)
			}
		}
		contests, err := src.Contests(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, ct := range contests {
			if err := dst.SaveContest(ctx, ct); err != nil {
				return fmt.Errorf("congress %q: %w", c.ID, err)
			}
		}
		lists, err := src.Lists(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, l := range lists {
			if err := dst.AppendList(ctx, l); err != nil {
				return fmt.Errorf("congress %q: %w", c.ID, err)
			}
		}
		for _, ct := range contests {
			if ct.Race != "" {
				if err := dst.OpenContest(ctx, c.ID, ct.Code, ct.Race); err != nil {
					return fmt.Errorf("congress %q: %w", c.ID, err)
				}
			}
		}
		ins, err := src.Checkins(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, in := range ins {
			if err := dst.CheckInDelegate(ctx, in); err != nil {
				return fmt.Errorf("congress %q: %w", c.ID, err)
			}
		}
		rs, err := src.Results(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if err := dst.ApproveResult(ctx, sandik.Approval{Result: r}); err != nil {
				return fmt.Errorf("congress %q: %w", c.ID, err)
			}
		}
	}
	m.life.congresses = len(cs)
	ms, err := src.Mandates(ctx, sandik.MandateFilter{})
	if err != nil {
		return err
	}
	open := make([]sandik.Mandate, len(ms))
	for i, md := range ms {
		md.End, md.EndReason = "", ""
		open[i] = md
	}
	if len(open) > 0 {
		if err := dst.SaveMandates(ctx, open); err != nil {
			return fmt.Errorf("mandates: %w", err)
		}
	}
	for _, md := range ms {
		if md.End != "" {
			if err := dst.EndMandate(ctx, md.ID, md.End, md.EndReason); err != nil {
				return fmt.Errorf("mandates: %w", err)
			}
		}
	}
	m.life.mandates = len(ms)
	return nil
}

// copySheetPhotos copies the sheets' photos in their order of arrival,
// the bytes of each first (an address kept elsewhere has none).
func (m *migration) copySheetPhotos(ctx context.Context) error {
	ps, err := m.src.SheetPhotos(ctx, sandik.SheetPhotoFilter{})
	if err != nil {
		return err
	}
	for chunk := range slices.Chunk(ps, sandik.MaxPhotoBatch) {
		for _, p := range chunk {
			if p.URL == "" {
				if err := m.copyBlob(ctx, p.Sum); err != nil {
					return fmt.Errorf("photo of box %s, race %s: %w", p.Box, p.Race, err)
				}
			}
		}
		if _, err := m.dst.AddSheetPhotos(ctx, chunk); err != nil {
			return err
		}
	}
	m.life.photos = len(ps)
	return nil
}

// copyKeying copies the keying leases, finished ones as they finished,
// and every box's chain of custody in its order; after the log, whose
// submissions a lease names.
func (m *migration) copyKeying(ctx context.Context) error {
	ls, err := m.src.Leases(ctx, sandik.LeaseFilter{})
	if err != nil {
		return err
	}
	for _, l := range ls {
		open := l
		open.Done, open.Outcome, open.Submission, open.Reason = time.Time{}, "", "", ""
		if err := m.dst.SaveLease(ctx, open); err != nil {
			return err
		}
		if l.Outcome != "" {
			if err := m.dst.FinishLease(ctx, l.ID, l.Done, l.Outcome, l.Submission, l.Reason); err != nil {
				return err
			}
		}
	}
	m.life.leases = len(ls)
	chain, err := m.src.Custody(ctx, "")
	if err != nil {
		return err
	}
	for _, e := range chain {
		got, err := m.dst.AppendCustody(ctx, e)
		if err != nil {
			return err
		}
		if got.Seq != e.Seq {
			return fmt.Errorf("custody event %d of box %s became %d: the source's chain has holes", e.Seq, e.Box, got.Seq)
		}
	}
	m.life.custody = len(chain)
	return nil
}

// copyProvenance copies the official feed's provenance of the
// submissions of page, which the copy of the log has just written.
func (m *migration) copyProvenance(ctx context.Context, page []sandik.Submission) error {
	ps, err := provenancesOf(ctx, m.src, page)
	if err != nil || len(ps) == 0 {
		return err
	}
	if _, err := m.dst.SaveFeed(ctx, ps, nil, sandik.FeedState{}); err != nil {
		return err
	}
	m.life.provenance += len(ps)
	return nil
}

// copyFeed copies the rest of what the official results feed left (the
// provenance went with the log): the alerts in their order and each
// feed's state (its validators and the count of versions it stored), so
// that a follower started on the copy goes on where it stopped.
func (m *migration) copyFeed(ctx context.Context) error {
	for after := int64(0); ; {
		as, err := m.src.Alerts(ctx, after, "", migrateStorePage)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			break
		}
		if _, err := m.dst.SaveFeed(ctx, nil, as, sandik.FeedState{}); err != nil {
			return fmt.Errorf("alerts after %d: %w", after, err)
		}
		m.life.alerts += len(as)
		after = as[len(as)-1].N
	}
	sts, err := m.src.FeedStates(ctx)
	if err != nil {
		return err
	}
	for _, st := range sts {
		if _, err := m.dst.SaveFeed(ctx, nil, nil, st); err != nil {
			return fmt.Errorf("state of feed %q: %w", st.Feed, err)
		}
	}
	return nil
}

// provenancesOf returns the provenance of the submissions of page that
// have one, in the page's order.
func provenancesOf(ctx context.Context, s sandik.FeedStore, page []sandik.Submission) ([]sandik.Provenance, error) {
	ids := make([]sandik.SubmissionID, len(page))
	for i := range page {
		ids[i] = page[i].ID
	}
	byID, err := s.Provenances(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []sandik.Provenance
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// sameLife compares the organisation's life in two stores, record by
// record, every field; a store's own numbering of sheet photos (Seq)
// aside, their order compared instead. It returns how many records it
// compared.
func sameLife(ctx context.Context, a, b sandik.Store) (int, error) {
	c := lifeCompare{ctx: ctx, a: a, b: b}
	// What the organisation's copy carries beside the units, people,
	// terms and assignments (compared by verifyRecords).
	c.all("municipalities", func(s sandik.Store) (any, error) { return s.Municipalities(ctx, sandik.MunicipalFilter{}) })
	c.all("versions of municipal terms", func(s sandik.Store) (any, error) {
		return s.MunicipalTerms(ctx, sandik.MunicipalFilter{History: true})
	})
	c.all("contact views", func(s sandik.Store) (any, error) {
		// In their order; the numbers are the copy's own where the
		// source's skip one (a refused view's).
		vs, err := s.ContactViews(ctx, sandik.ContactViewFilter{})
		for i := range vs {
			vs[i].Seq = 0
		}
		return vs, err
	})
	c.all("rights of kinds", func(s sandik.Store) (any, error) { return s.AddedKindRights(ctx) })
	c.all("grants", func(s sandik.Store) (any, error) { return s.Grants(ctx, sandik.GrantFilter{}) })
	c.all("meetings", func(s sandik.Store) (any, error) { return s.Meetings(ctx, sandik.MeetingFilter{}) })
	ms, err := a.Meetings(ctx, sandik.MeetingFilter{})
	if err != nil {
		return 0, err
	}
	for _, mt := range ms {
		id := mt.ID
		what := func(s string) string { return fmt.Sprintf("%s of meeting %q", s, id) }
		c.all(what("invitations"), func(s sandik.Store) (any, error) { return s.Invitations(ctx, id) })
		c.all(what("attendance"), func(s sandik.Store) (any, error) { return s.Attendance(ctx, id) })
		c.all(what("tables"), func(s sandik.Store) (any, error) { return s.Tables(ctx, id) })
		c.all(what("findings"), func(s sandik.Store) (any, error) { return s.Findings(ctx, id) })
		c.all(what("minutes"), func(s sandik.Store) (any, error) {
			mins, err := s.Minutes(ctx, id)
			if sandik.CodeOf(err) == sandik.ENotFound {
				return nil, nil
			}
			return mins, err
		})
		svs, err := a.Surveys(ctx, id)
		if err != nil {
			return 0, err
		}
		c.all(what("surveys"), func(s sandik.Store) (any, error) { return s.Surveys(ctx, id) })
		for _, sv := range svs {
			for _, q := range sv.Questions {
				c.all(fmt.Sprintf("the answers to question %d of survey %q", q.N, sv.ID), func(s sandik.Store) (any, error) {
					return s.QuestionAnswers(ctx, sv.ID, q.N)
				})
			}
		}
	}
	c.all("decisions", func(s sandik.Store) (any, error) { return s.Decisions(ctx, sandik.DecisionFilter{}) })
	c.all("tours", func(s sandik.Store) (any, error) { return s.Tours(ctx) })
	c.all("sister district pairs", func(s sandik.Store) (any, error) { return s.SisterPairs(ctx) })
	c.all("visits", func(s sandik.Store) (any, error) { return s.Visits(ctx, sandik.VisitFilter{}) })
	c.all("commitments", func(s sandik.Store) (any, error) { return s.Commitments(ctx, sandik.CommitmentFilter{}) })
	now := time.Now()
	c.all("counts of visits and commitments by area", func(s sandik.Store) (any, error) { return s.VisitCounts(ctx, now, nil) })
	cs, err := a.Congresses(ctx, sandik.CongressFilter{})
	if err != nil {
		return 0, err
	}
	c.all("congresses", func(s sandik.Store) (any, error) { return s.Congresses(ctx, sandik.CongressFilter{}) })
	for _, cg := range cs {
		id := cg.ID
		what := func(s string) string { return fmt.Sprintf("%s of congress %q", s, id) }
		c.all(what("electorate"), func(s sandik.Store) (any, error) { return s.Electorate(ctx, id) })
		c.all(what("contests"), func(s sandik.Store) (any, error) { return s.Contests(ctx, id) })
		c.all(what("lists"), func(s sandik.Store) (any, error) { return s.Lists(ctx, id) })
		c.all(what("check-ins"), func(s sandik.Store) (any, error) { return s.Checkins(ctx, id) })
		c.all(what("results"), func(s sandik.Store) (any, error) { return s.Results(ctx, id) })
	}
	c.all("mandates", func(s sandik.Store) (any, error) { return s.Mandates(ctx, sandik.MandateFilter{}) })
	c.all("sheet photos", func(s sandik.Store) (any, error) { return s.SheetPhotos(ctx, sandik.SheetPhotoFilter{}) })
	c.all("keying leases", func(s sandik.Store) (any, error) { return s.Leases(ctx, sandik.LeaseFilter{}) })
	c.all("custody events", func(s sandik.Store) (any, error) { return s.Custody(ctx, "") })
	c.all("alerts of the official feed", func(s sandik.Store) (any, error) {
		// Alerts are compared in their order; their numbers are the
		// copy's own where the source's skip one.
		var all []sandik.FeedAlert
		for after := int64(0); ; {
			as, err := s.Alerts(ctx, after, "", migrateStorePage)
			if err != nil || len(as) == 0 {
				return all, err
			}
			after = as[len(as)-1].N
			for _, a := range as {
				a.N = 0
				all = append(all, a)
			}
		}
	})
	c.all("states of the official feed", func(s sandik.Store) (any, error) { return s.FeedStates(ctx) })
	for after := int64(0); c.err == nil; {
		page, err := a.Since(ctx, after, migrateStorePage)
		if err != nil {
			return 0, err
		}
		if len(page) == 0 {
			break
		}
		c.all(fmt.Sprintf("provenance of the submissions after seq %d", after), func(s sandik.Store) (any, error) { return provenancesOf(ctx, s, page) })
		after = page[len(page)-1].Seq
	}
	if c.err != nil {
		return 0, c.err
	}
	if err := sameBlobs(ctx, a, b); err != nil {
		return 0, err
	}
	return c.n, nil
}

// lifeCompare reads the same records from two stores and compares them
// as JSON, every field the record carries; the first difference stops
// it.
type lifeCompare struct {
	ctx  context.Context
	a, b sandik.Store
	n    int
	err  error
}

func (c *lifeCompare) all(what string, read func(sandik.Store) (any, error)) {
	if c.err != nil {
		return
	}
	x, err := read(c.a)
	if err != nil {
		c.err = fmt.Errorf("read the source's %s: %w", what, err)
		return
	}
	y, err := read(c.b)
	if err != nil {
		c.err = fmt.Errorf("read the copy's %s: %w", what, err)
		return
	}
	jx, err := json.Marshal(x)
	if err != nil {
		c.err = err
		return
	}
	jy, err := json.Marshal(y)
	if err != nil {
		c.err = err
		return
	}
	if !bytes.Equal(jx, jy) {
		c.err = fmt.Errorf("the %s differ:\nsource %s\ncopy   %s", what, clip(jx), clip(jy))
		return
	}
	c.n += countOf(jx)
}

// countOf counts the records in a JSON value: a list's elements, or one.
func countOf(j []byte) int {
	var xs []json.RawMessage
	if json.Unmarshal(j, &xs) == nil {
		return len(xs)
	}
	if string(j) == "null" {
		return 0
	}
	return 1
}

// clip shortens a record shown in an error.
func clip(j []byte) string {
	const most = 300
	if len(j) <= most {
		return string(j)
	}
	return string(j[:most]) + fmt.Sprintf("… (%d bytes)", len(j))
}

// blobIs reports whether data are the bytes kept under sum.
func blobIs(data []byte, sum string) bool {
	got := sha256.Sum256(data)
	return hex.EncodeToString(got[:]) == sum
}

// sameBlobs checks that every attachment the source's records name and
// the source holds whole is in the copy, byte for byte.
func sameBlobs(ctx context.Context, a, b sandik.Store) error {
	var sums []string
	vs, err := a.Visits(ctx, sandik.VisitFilter{})
	if err != nil {
		return err
	}
	for _, v := range vs {
		sums = append(sums, v.Photos...)
	}
	ps, err := a.SheetPhotos(ctx, sandik.SheetPhotoFilter{})
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.URL == "" {
			sums = append(sums, p.Sum)
		}
	}
	slices.Sort(sums)
	for _, sum := range slices.Compact(sums) {
		if data, err := a.Blob(ctx, sum); err != nil || !blobIs(data, sum) {
			// What the source cannot give was named when copying and left
			// behind; the copy must not hold it either.
			if _, err := b.Blob(ctx, sum); sandik.CodeOf(err) != sandik.ENotFound {
				return fmt.Errorf("the copy holds attachment %s, which the source cannot give (%v)", sum, err)
			}
			continue
		}
		data, err := b.Blob(ctx, sum)
		if err != nil {
			return fmt.Errorf("the copy's attachment %s: %w", sum, err)
		}
		if !blobIs(data, sum) {
			return fmt.Errorf("the copy's attachment %s is damaged", sum)
		}
	}
	return nil
}
