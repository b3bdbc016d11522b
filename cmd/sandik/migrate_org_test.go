package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/demo"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/synth"
)

// TestMigrateStoreCopiesTheOrganisationsLife copies an SQLite database
// holding every kind of record the organisation's life makes — the
// demo's organisation, workshop, congress, visits and sheet photos, and
// beside them a seating with a finding, a departure, closed minutes, a
// visit with a photo, a commitment following another stored before it,
// an invitation whose term ended since, check-ins and a result of the
// congress, keying leases, custody and the official feed — into
// PostgreSQL and back into a new SQLite file, each step proved by the
// command, and then compares the first and the last itself.
func TestMigrateStoreCopiesTheOrganisationsLife(t *testing.T) {
	url := pgtest.Schema(t)
	dir := t.TempDir()
	first, last := filepath.Join(dir, "first.db"), filepath.Join(dir, "last.db")
	fillLife(t, first)
	for _, step := range [][2]string{{first, url}, {url, last}} {
		code, out, errs := runSandik(t, "migrate-store", "-from", step[0], "-to", step[1])
		if code != 0 || !strings.Contains(out, "verified:") || !strings.Contains(out, "the copy's ledger verifies") || errs != "" {
			t.Fatalf("migrate-store %s → %s: exit %d\n%s%s", cli.DisplayDB(step[0]), cli.DisplayDB(step[1]), code, out, errs)
		}
		t.Log(strings.TrimSpace(out))
	}
	ctx := context.Background()
	a, b := openSQLite(t, first), openSQLite(t, last)
	n, err := sameLife(ctx, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := verifyCopy(ctx, a, b, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	// Every kind is there to compare, not an empty list equal to another.
	for what, count := range map[string]func() (int, error){
		"meetings":    func() (int, error) { ms, err := b.Meetings(ctx, sandik.MeetingFilter{}); return len(ms), err },
		"surveys":     func() (int, error) { ss, err := b.Surveys(ctx, ""); return len(ss), err },
		"decisions":   func() (int, error) { ds, err := b.Decisions(ctx, sandik.DecisionFilter{}); return len(ds), err },
		"tours":       func() (int, error) { ts, err := b.Tours(ctx); return len(ts), err },
		"pairs":       func() (int, error) { ps, err := b.SisterPairs(ctx); return len(ps), err },
		"visits":      func() (int, error) { vs, err := b.Visits(ctx, sandik.VisitFilter{}); return len(vs), err },
		"commitments": func() (int, error) { cs, err := b.Commitments(ctx, sandik.CommitmentFilter{}); return len(cs), err },
		"congresses":  func() (int, error) { cs, err := b.Congresses(ctx, sandik.CongressFilter{}); return len(cs), err },
		"mandates":    func() (int, error) { ms, err := b.Mandates(ctx, sandik.MandateFilter{}); return len(ms), err },
		"photos":      func() (int, error) { ps, err := b.SheetPhotos(ctx, sandik.SheetPhotoFilter{}); return len(ps), err },
		"leases":      func() (int, error) { ls, err := b.Leases(ctx, sandik.LeaseFilter{}); return len(ls), err },
		"custody":     func() (int, error) { es, err := b.Custody(ctx, ""); return len(es), err },
		"alerts":      func() (int, error) { as, err := b.Alerts(ctx, 0, "", 10); return len(as), err },
		"feed states": func() (int, error) { ss, err := b.FeedStates(ctx); return len(ss), err },
	} {
		if got, err := count(); err != nil || got == 0 {
			t.Errorf("%s after the round trip: %d, %v", what, got, err)
		}
	}
	t.Logf("%d records of the organisation's life compared", n)
	// The details that a copy by re-saving would lose.
	ms, _ := a.Meetings(ctx, sandik.MeetingFilter{})
	ia, _ := a.Invitations(ctx, ms[0].ID)
	ib, _ := b.Invitations(ctx, ms[0].ID)
	units, _ := b.Units(ctx)
	terms, _ := b.Positions(ctx, sandik.PositionFilter{At: ms[0].Day()})
	if again := sandik.Invitees(ms[0], units, terms); reflect.DeepEqual(again, ia) {
		t.Error("the workshop's rule invites the same people today: the fixture does not show a restore keeping its invitations")
	}
	if !reflect.DeepEqual(ia, ib) {
		t.Errorf("invitations after the round trip:\n%+v\nwant\n%+v", ib, ia)
	}
	qa, _ := b.QuestionAnswers(ctx, demo.WorkshopSurveyID, 1)
	if len(qa.Marks) == 0 || len(qa.Tallies) == 0 {
		t.Errorf("the workshop's first question after the round trip: %+v", qa)
	}
	vs, _ := b.Visits(ctx, sandik.VisitFilter{})
	for _, v := range vs {
		for _, sum := range v.Photos {
			if data, err := b.Blob(ctx, sum); err != nil || !blobIs(data, sum) {
				t.Errorf("photo %s of visit %s after the round trip: %v", sum, v.ID, err)
			}
		}
	}
}

// fillLife builds the demo's world in an SQLite file at path, through
// the centre as the demo does, and adds what the demo does not make.
func fillLife(t *testing.T, path string) { fillLifeAt(t, path, 0.01, nil) }

// fillLifeAt is fillLife with the demo's registry at scale, and more
// written into the store before it is closed.
func fillLifeAt(t *testing.T, path string, scale float64, more func(st *sqlite.Store)) {
	t.Helper()
	ctx := context.Background()
	st := openSQLite(t, path)
	c, err := center.Open(ctx, center.Config{Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			c.Close()
		}
	}()
	now := c.Now()
	reg, err := demo.Istanbul(demo.Options{Scale: scale, Seed: 3, Day: demo.LiveDay(now)})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.ImportRegistry(ctx, reg))
	_, err = cli.SeedDemoOrganisation(&cli.Env{Ctx: ctx, Stdout: io.Discard, Stderr: io.Discard}, c, reg, cli.DemoMessages["en"])
	must(err)
	_, err = cli.SeedCoverage(ctx, c, reg, 3)
	must(err)
	w, err := cli.SeedWorkshop(ctx, c)
	must(err)
	k, err := cli.SeedCongress(ctx, c)
	must(err)
	_, err = cli.SeedVisits(ctx, c)
	must(err)
	_, err = cli.SeedSheetPhotos(ctx, c)
	must(err)
	if w.Invited == 0 || k.Electorate == 0 {
		t.Fatalf("the demo seeded no workshop (%d invited) or congress (%d electors)", w.Invited, k.Electorate)
	}
	op := cli.Operator()

	// The workshop: a table with a finding, one who left, an invited
	// term ended since (a copy that resolved the invitations again would
	// lose that invitation), and its minutes with a decision.
	mt := w.Meeting
	att, err := st.Attendance(ctx, mt.ID)
	must(err)
	if len(att) < 4 {
		t.Fatalf("%d attendees of the workshop", len(att))
	}
	must(st.SaveTables(ctx, mt.ID, []sandik.Table{{N: 1, Moderator: att[0].Person, Members: []sandik.PersonID{att[1].Person, att[2].Person}}}))
	must(st.AddFinding(ctx, sandik.Finding{ID: "f-1", Meeting: mt.ID, Table: 1, Kind: sandik.FindingProposal, Text: "Gençlik kolları her mahallede (sentetik)"}))
	must(st.Leave(ctx, mt.ID, att[3].Person, att[3].Arrived.Add(time.Hour)))
	invs, err := st.Invitations(ctx, mt.ID)
	must(err)
	for _, inv := range invs {
		if inv.Position != "" {
			must(st.EndPosition(ctx, inv.Position, sandik.DateOf(mt.Start.AddDate(0, 0, -1)), "ended after the workshop was called"))
			break
		}
	}
	_, _, err = c.CloseMeeting(ctx, op, mt.ID, "Çalıştay tutanağı (sentetik)", []center.Attachment{{Name: "imza.txt", Data: []byte("imza listesi (sentetik)")}},
		[]sandik.Decision{{Text: "Mahalle toplantılarını başlat (sentetik)", OwnerPerson: att[0].Person, Due: sandik.DateOf(now.AddDate(0, 1, 0))}})
	must(err)

	// A visit with a photo, and a commitment following one stored before
	// it that comes first in the store's order (an earlier due day).
	vs, err := st.Visits(ctx, sandik.VisitFilter{})
	must(err)
	pic := pngOf(t, 7)
	sum := sha256.Sum256(pic)
	must(st.PutBlob(ctx, hex.EncodeToString(sum[:]), pic))
	v := vs[0]
	v.ID, v.Area, v.Photos = "v-photo", "", []string{hex.EncodeToString(sum[:])}
	_, err = st.SaveVisit(ctx, v, nil)
	must(err)
	cs, err := st.Commitments(ctx, sandik.CommitmentFilter{})
	must(err)
	follow := cs[len(cs)-1]
	follow.ID, follow.Visit, follow.Follows, follow.Area = "a-follow", "v-photo", cs[len(cs)-1].ID, ""
	follow.Due = sandik.DateOf(now.AddDate(-1, 0, 0))
	_, err = st.SaveCommitment(ctx, follow)
	must(err)

	// The congress: two delegates checked in and a result approved.
	es, err := st.Electorate(ctx, k.Congress.ID)
	must(err)
	for i, e := range es[:2] {
		_, err := c.CheckInDelegate(ctx, op, k.Congress.ID, e.Person, []string{"A", "B"}[i])
		must(err)
	}
	contests, err := st.Contests(ctx, k.Congress.ID)
	must(err)
	ct := contests[0]
	must(st.ApproveResult(ctx, sandik.Approval{Result: sandik.ContestResult{Congress: k.Congress.ID, Contest: ct.Code, Race: ct.Race, Tie: ct.Tie,
		Boxes: 1, Verified: 1, Ballots: 2, Votes: []int64{2}, Choices: []sandik.Choice{{Code: "c1", Name: es[0].Name}},
		Winners:    []sandik.Elected{{Person: es[0].Person, Name: es[0].Name, Choice: "c1", Votes: 2, Seat: 1}},
		ApprovedAt: now.UTC(), ApprovedBy: op.ID}}))

	// Keying and custody of the first sheet photo.
	ps, err := st.SheetPhotos(ctx, sandik.SheetPhotoFilter{})
	must(err)
	p := ps[0]
	must(st.SaveLease(ctx, sandik.KeyingLease{ID: "l-1", Race: p.Race, Box: p.Box, Photo: p.Sum, User: op.ID, Leased: now.UTC(), Expires: now.UTC().Add(10 * time.Minute)}))
	must(st.FinishLease(ctx, "l-1", now.UTC().Add(2*time.Minute), sandik.LeaseReported, "", sandik.ReportUnreadable))
	must(st.SaveLease(ctx, sandik.KeyingLease{ID: "l-2", Race: p.Race, Box: p.Box, Photo: p.Sum, User: op.ID, Leased: now.UTC().Add(3 * time.Minute), Expires: now.UTC().Add(13 * time.Minute)}))
	for i, place := range []sandik.CustodyPlace{sandik.CustodyObserver, sandik.CustodyCentre} {
		_, err := st.AppendCustody(ctx, sandik.CustodyEvent{Box: p.Box, Race: p.Race, Copy: "asıl", Holder: "Müşahit (sentetik)", Place: place,
			At: now.UTC().Add(time.Duration(i) * time.Hour), By: op.ID, Recorded: now.UTC().Add(time.Duration(i)*time.Hour + time.Minute)})
		must(err)
	}

	// The official feed: two official figures, the provenance of one,
	// an alert and the feed's state.
	var subs []sandik.Submission
	for _, s := range synth.Entries(reg, 1, 5)[:2] {
		s.ID, s.Source = sandik.SubmissionID("off:"+string(s.Box)), sandik.SourceOfficial
		s.Hash = s.ContentHash()
		subs = append(subs, s)
	}
	_, err = st.Append(ctx, subs)
	must(err)
	feedURL := "http://127.0.0.1:1/il/34.json"
	_, err = st.SaveFeed(ctx, []sandik.Provenance{{Submission: subs[0].ID, Race: subs[0].Race, Box: subs[0].Box, SourceURL: feedURL, FirstSeen: now.UTC()}},
		[]sandik.FeedAlert{{ID: "alert-1", Kind: sandik.AlertChanged, Race: subs[0].Race, Box: subs[0].Box, At: now.UTC(), To: subs[0].ID, SourceURL: feedURL, Summary: "değişti (sentetik)"}},
		sandik.FeedState{Feed: feedURL, ETag: `"1"`, PolledAt: now.UTC(), Versions: 2})
	must(err)
	if more != nil {
		more(st)
	}
	closed = true
	must(c.Close())
	must(st.Close())
}

// TestMigrateStoreFixture writes, when SANDIK_MIGRATE_FIXTURE names a
// new SQLite file, the source BENCHMARKS.md times migrate-store on: the
// demo's world at a twentieth with two years of an organisation's life
// beside it — 200 meetings of 50 invited, 40 checked in and 30 answering
// a survey, and 2,000 visits (300 with a photo) each with a commitment.
// It times nothing.
func TestMigrateStoreFixture(t *testing.T) {
	path := os.Getenv("SANDIK_MIGRATE_FIXTURE")
	if path == "" {
		t.Skip("SANDIK_MIGRATE_FIXTURE names no file to write")
	}
	ctx := context.Background()
	fillLifeAt(t, path, 0.05, func(st *sqlite.Store) {
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		people, err := st.People(ctx, sandik.PeopleFilter{Limit: 2000})
		must(err)
		base, err := st.Meeting(ctx, demo.WorkshopID)
		must(err)
		const meetings, invited, came, answered = 200, 50, 40, 30
		for i := range meetings {
			m := base
			m.ID, m.Invite, m.Agenda = sandik.MeetingID(fmt.Sprintf("mt-%04d", i)), sandik.InviteRule{}, nil
			m.Start = base.Start.AddDate(0, 0, -3*(i+1))
			m.End = m.Start.Add(2 * time.Hour)
			for j := range invited {
				m.Invite.People = append(m.Invite.People, people[(i*7+j)%len(people)].ID)
			}
			_, err := st.SaveMeeting(ctx, m)
			must(err)
			sv := demo.WorkshopSurvey()
			sv.ID, sv.Meeting, sv.K = sandik.SurveyID(fmt.Sprintf("sv-%04d", i)), m.ID, 5
			for q := range sv.Questions {
				sv.Questions[q].State = sandik.QuestionDraft
			}
			must(st.SaveSurvey(ctx, sv))
			must(st.SetQuestion(ctx, sv.ID, 1, sandik.QuestionOpen, false))
			for j, p := range m.Invite.People[:came] {
				a, _, err := st.CheckIn(ctx, sandik.Attendance{Meeting: m.ID, Person: p, Mode: sandik.CheckInDoor, Arrived: m.Start},
					sha256.Sum256([]byte(string(m.ID)+string(p))))
				must(err)
				if j < answered {
					must(st.Answer(ctx, sv.ID, 1, a, fmt.Sprint(j%3), map[sandik.Dimension]string{sandik.ByDistrict: "34", sandik.ByKind: "named"}))
				}
			}
			must(st.SetQuestion(ctx, sv.ID, 1, sandik.QuestionClosed, true))
		}
		vs, err := st.Visits(ctx, sandik.VisitFilter{})
		must(err)
		cs, err := st.Commitments(ctx, sandik.CommitmentFilter{})
		must(err)
		for i := range 2000 {
			v := vs[0]
			v.ID, v.Area, v.Tour, v.Photos = sandik.VisitID(fmt.Sprintf("vv-%05d", i)), "", "", nil
			if i < 300 {
				pic := pngOf(t, i)
				sum := sha256.Sum256(pic)
				must(st.PutBlob(ctx, hex.EncodeToString(sum[:]), pic))
				v.Photos = []string{hex.EncodeToString(sum[:])}
			}
			_, err := st.SaveVisit(ctx, v, nil)
			must(err)
			cm := cs[0]
			cm.ID, cm.Visit, cm.Area, cm.Follows = sandik.CommitmentID(fmt.Sprintf("cc-%05d", i)), v.ID, "", ""
			_, err = st.SaveCommitment(ctx, cm)
			must(err)
		}
	})
}

// pngOf is a small PNG whose pixels depend on n.
func pngOf(t *testing.T, n int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 32, 32))
	img.Set(n%32, n/32%32, color.White)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A copy that lacks or changes one record of the organisation's life,
// or one attachment's bytes, is caught by the proof, which names it.
func TestVerifyCopyFindsDifferencesInTheLife(t *testing.T) {
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "src.db")
	fillLife(t, src)
	for _, c := range []struct {
		name, want string
		change     func(t *testing.T, src, dst *sqlite.Store, dstPath string)
	}{
		{"a decision's status", "decisions differ", func(t *testing.T, _, dst *sqlite.Store, _ string) {
			ds, _ := dst.Decisions(ctx, sandik.DecisionFilter{})
			if err := dst.SetDecisionStatus(ctx, ds[0].ID, sandik.DecisionDropped); err != nil {
				t.Fatal(err)
			}
		}},
		{"a visit the copy lacks", "visits differ", func(t *testing.T, src, _ *sqlite.Store, _ string) {
			vs, _ := src.Visits(ctx, sandik.VisitFilter{})
			v := vs[0]
			v.ID, v.Area, v.Photos = "v-late", "", nil
			if _, err := src.SaveVisit(ctx, v, nil); err != nil {
				t.Fatal(err)
			}
		}},
		{"a custody event more", "custody events differ", func(t *testing.T, _, dst *sqlite.Store, _ string) {
			es, _ := dst.Custody(ctx, "")
			e := es[0]
			if _, err := dst.AppendCustody(ctx, e); err != nil {
				t.Fatal(err)
			}
		}},
		{"an answer the copy lacks", "answers to question 2", func(t *testing.T, src, _ *sqlite.Store, _ string) {
			att, _ := src.Attendance(ctx, demo.WorkshopID)
			for _, a := range att {
				if err := src.Answer(ctx, demo.WorkshopSurveyID, 2, a, "0", nil); err == nil {
					return
				}
			}
			t.Fatal("nobody could answer question 2 again")
		}},
		{"a photo's bytes", "attachment", func(t *testing.T, src, _ *sqlite.Store, dstPath string) {
			vs, _ := src.Visit(ctx, "v-photo")
			if err := os.Remove(filepath.Join(dstPath+"-blobs", vs.Photos[0][:2], vs.Photos[0])); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			from, dst := filepath.Join(dir, "src.db"), filepath.Join(dir, "dst.db")
			copyTree(t, src, from)
			if code, out, errs := runSandik(t, "migrate-store", "-from", from, "-to", dst); code != 0 {
				t.Fatalf("migrate-store: exit %d\n%s%s", code, out, errs)
			}
			a, b := openSQLite(t, from), openSQLite(t, dst)
			c.change(t, a, b, dst)
			_, _, err := verifyCopy(ctx, a, b, slog.New(slog.DiscardHandler))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("verifyCopy after %s: %v, want %q", c.name, err, c.want)
			}
		})
	}
}

// copyTree copies an SQLite file and its attachments' directory.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal", "-blobs"} {
		err := filepath.Walk(from+suffix, func(p string, fi os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(from+suffix, p)
			target := filepath.Join(to+suffix, rel)
			if fi.IsDir() {
				return os.MkdirAll(target, 0o750)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o600)
		})
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
}
