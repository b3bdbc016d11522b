package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/ledger/audit"
	"github.com/sandik-dev/sandik/store/postgres"
)

// migrateStorePage is how many submissions move per read and write.
const migrateStorePage = 10_000

// cmdMigrateStore copies a whole database — registry, users with their
// token hashes, objections, settings (such as the saved anomaly
// thresholds, with their versions and authors), the organisation and
// its life between elections (meetings with their invitations,
// attendance, tables, findings, surveys with their answers, minutes and
// decisions; tours, sister districts, visits with their commitments and
// photos; congresses with their lists, check-ins, results and
// mandates), the sheets' photos, keying and paper custody, the official
// feed's provenance, alerts and state, and the submission log with its
// sequence numbers — into an empty one, SQLite to PostgreSQL or back,
// and then proves the copy: the same records field by field, the same
// attachments byte for byte, the same log submission by submission, and
// the same totals from a fresh tally of each. Page sessions and meeting
// check-in tokens are not copied: only their hashes are kept, and they
// are ephemeral; a user signs in again on the new database with the same
// token, and an attendee checks in again to answer a survey.
//
// The copy's ledger is its own: the copy's writes add their leaves in
// the copy's order (the organisation and its life, written through the
// store, leaf by leaf as the source's were; the log's submissions as
// they are appended), what PostgreSQL's COPY wrote without leaves is
// adopted once the copy is proved equal, and the whole is checked. It
// attests the copy from the moment it was made; the source's ledger,
// its checkpoints and receipts, stay with the source.
func cmdMigrateStore(e *cli.Env, args []string) error {
	fs := e.Flags("migrate-store", "migrate-store -from DB -to DB [flags]")
	from := fs.String("from", "", "database to copy: an SQLite file or a postgres:// URL")
	to := fs.String("to", "", "empty database to copy into: an SQLite file or a postgres:// URL")
	unsafe := fs.Bool("unsafe-durability", false, "open databases whose durability settings are unsafe (logged)")
	leave := fs.Bool("leave-uncopied", false, "copy even if photos the source's records name have their bytes missing or damaged there (they are named; the records are copied, the bytes stay missing)")
	logLevel := fs.String("log-level", "warn", "log level: debug, info, warn or error")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" || *from == *to {
		fmt.Fprintln(e.Stderr, "sandik migrate-store: -from and -to must name two different databases")
		return cli.ErrUsage
	}
	if !postgres.IsURL(*from) {
		if _, err := os.Stat(*from); err != nil {
			return fmt.Errorf("-from %s: %w", *from, err)
		}
	}
	sf := cli.StoreFlags{LogLevel: *logLevel, LogFormat: "text"}
	log, err := sf.Logger(e.Stderr)
	if err != nil {
		return err
	}
	src, err := cli.OpenStore(e.Ctx, *from, *unsafe, log)
	if err != nil {
		return err
	}
	defer src.Close()
	left, leftSums, err := uncopied(e.Ctx, src)
	if err != nil {
		return err
	}
	if len(left) > 0 && !*leave {
		return fmt.Errorf("%s names %d photos it cannot give: %s; nothing was copied. Put the bytes back (an SQLite file keeps them in the directory beside it, FILE-blobs), or give -leave-uncopied to copy the records without them",
			cli.DisplayDB(*from), len(left), strings.Join(left, "; "))
	}
	dst, copyLog, err := openCopyTarget(e.Ctx, *to, *unsafe, log)
	if err != nil {
		return err
	}
	defer dst.Close()
	m := migration{src: src, dst: dst, copyLog: copyLog, leave: leftSums}
	if err := m.copy(e.Ctx); err != nil {
		return fmt.Errorf("copy %s to %s: %w", cli.DisplayDB(*from), cli.DisplayDB(*to), err)
	}
	fmt.Fprintf(e.Stdout, "copied %s to %s: %d areas, %d races, %d registrations, %d users, %d submissions, %d case events, %d evidence files, %d settings\n",
		cli.DisplayDB(*from), cli.DisplayDB(*to), m.areas, m.races, m.regs, m.users, m.subs, m.events, m.files, m.settings)
	fmt.Fprintf(e.Stdout, "copied the organisation: %d records (units, people, added position kinds, terms, assignments to boxes, municipalities)\n", m.org)
	l := m.life
	fmt.Fprintf(e.Stdout, "copied its life: %d meetings, %d surveys, %d decisions, %d tours, %d sister district pairs, %d visits, %d commitments, %d congresses, %d mandates\n",
		l.meetings, l.surveys, l.decisions, l.tours, l.pairs, l.visits, l.commitments, l.congresses, l.mandates)
	fmt.Fprintf(e.Stdout, "copied the sheets' work: %d sheet photos, %d keying leases, %d custody events, %d attachments; the official feed: %d provenances, %d alerts\n",
		l.photos, l.leases, l.custody, l.blobs, l.provenance, l.alerts)
	if len(left) > 0 {
		fmt.Fprintf(e.Stderr, "warning: left behind, as -leave-uncopied asked (%s cannot give them): %s\n", cli.DisplayDB(*from), strings.Join(left, "; "))
	}
	races, life, err := verifyCopy(e.Ctx, src, dst, log)
	if err != nil {
		return fmt.Errorf("verify the copy: %w", err)
	}
	fmt.Fprintf(e.Stdout, "verified: the same registry, users and log in both, the same objections and settings, the same organisation and its life (%d records) and attachments byte for byte; totals of %d races equal\n", life, races)
	// The copy's ledger is a new one: its writes come in another order
	// than the source's, and COPY writes no leaves. What the copy holds
	// has just been proved equal to the source, so it is adopted as it
	// stands, and the new ledger checked.
	adopted, err := audit.Adopt(e.Ctx, dst)
	if err != nil {
		return fmt.Errorf("start the copy's ledger: %w", err)
	}
	if err := audit.Run(e.Ctx, dst, "", audit.Options{}); err != nil {
		return fmt.Errorf("the copy's ledger: %w", err)
	}
	size, err := dst.LedgerSize(e.Ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "the copy's ledger verifies: %d records (%d adopted after COPY); serve it with a ledger key of its own\n", size, len(adopted))
	return nil
}

// openCopyTarget opens the database a copy goes into, with how a page of
// the source's log is written there: PostgreSQL takes it by COPY with its
// sequence numbers; elsewhere it is appended, each number checked.
func openCopyTarget(ctx context.Context, db string, unsafe bool, log *slog.Logger) (sandik.Store, func(context.Context, []sandik.Submission) error, error) {
	if !postgres.IsURL(db) {
		st, err := cli.OpenStore(ctx, db, unsafe, log)
		copyLog := func(ctx context.Context, page []sandik.Submission) error { return appendKeepingSeq(ctx, st, page) }
		return st, copyLog, err
	}
	pg, err := postgres.Open(ctx, postgres.Options{URL: db, Logger: log, Unsafe: unsafe})
	if err != nil {
		return nil, nil, fmt.Errorf("open database %s: %w", cli.DisplayDB(db), err)
	}
	return pg, pg.CopyLog, nil
}

type migration struct {
	src, dst                        sandik.Store
	copyLog                         func(context.Context, []sandik.Submission) error
	areas, races, regs, users, subs int
	events, files                   int // objection case events and evidence files
	settings                        int
	org                             int // units, people, added kinds and terms
	life                            lifeCounts
	blobs                           map[string]bool // attachments copied, by SHA-256
	leave                           map[string]bool // attachments the source cannot give, left out as -leave-uncopied asked
}

func (m *migration) copy(ctx context.Context) error {
	if err := cli.RequireEmpty(ctx, m.dst); err != nil {
		return err
	}
	if err := requireNoOrg(ctx, m.dst); err != nil {
		return err
	}
	reg, err := m.src.LoadRegistry(ctx)
	if err != nil {
		return err
	}
	if err := m.dst.SaveRegistry(ctx, reg); err != nil {
		return err
	}
	m.areas, m.races, m.regs = len(reg.Areas), len(reg.Races), len(reg.Registrations)
	users, err := m.src.Users(ctx)
	if err != nil {
		return err
	}
	hashes, err := m.src.TokenHashes(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		h, ok := hashes[u.ID]
		if !ok {
			return fmt.Errorf("user %q has no token hash", u.ID)
		}
		// The link to a person and the removal wait for the organisation.
		bare := u
		bare.Person, bare.Removed = "", false
		if err := m.dst.CreateUser(ctx, bare, h); err != nil {
			return err
		}
	}
	m.users = len(users)
	if err := m.copyObjections(ctx); err != nil {
		return fmt.Errorf("objections: %w", err)
	}
	if err := m.copySettings(ctx); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	if err := m.copyOrg(ctx); err != nil {
		return fmt.Errorf("organisation: %w", err)
	}
	if err := m.copyMunicipalities(ctx); err != nil {
		return fmt.Errorf("municipalities: %w", err)
	}
	if err := m.copyRights(ctx, users, hashes); err != nil {
		return fmt.Errorf("rights: %w", err)
	}
	if err := m.copyLife(ctx); err != nil {
		return err
	}
	for after := int64(0); ; {
		page, err := m.src.Since(ctx, after, migrateStorePage)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		if err := m.copyLog(ctx, page); err != nil {
			return fmt.Errorf("submissions after seq %d: %w", after, err)
		}
		// The official feed's provenance of these submissions, now that
		// they are there to be named, without reading the log again.
		if err := m.copyProvenance(ctx, page); err != nil {
			return fmt.Errorf("official feed: provenance after seq %d: %w", after, err)
		}
		m.subs += len(page)
		after = page[len(page)-1].Seq
	}
	if err := m.copyKeying(ctx); err != nil {
		return fmt.Errorf("keying: %w", err)
	}
	if err := m.copyFeed(ctx); err != nil {
		return fmt.Errorf("official feed: %w", err)
	}
	return nil
}

// requireNoOrg refuses a target that holds any of the organisation or
// its life (which RequireEmpty does not look at): the copy would stop
// half way on the first id taken.
func requireNoOrg(ctx context.Context, st sandik.Store) error {
	units, err := st.Units(ctx)
	if err != nil {
		return err
	}
	people, err := st.People(ctx, sandik.PeopleFilter{Limit: 1})
	if err != nil {
		return err
	}
	meetings, err := st.Meetings(ctx, sandik.MeetingFilter{Limit: 1})
	if err != nil {
		return err
	}
	visits, err := st.Visits(ctx, sandik.VisitFilter{Limit: 1})
	if err != nil {
		return err
	}
	photos, err := st.SheetPhotos(ctx, sandik.SheetPhotoFilter{})
	if err != nil {
		return err
	}
	if len(units)+len(people)+len(meetings)+len(visits)+len(photos) > 0 {
		return sandik.Errorf(sandik.EConflict, "the target database is not empty (it holds %d units, %d sheet photos, and people, meetings or visits); nothing was copied",
			len(units), len(photos))
	}
	return nil
}

// uncopied names what src refers to but cannot give: attachments (the
// photos of visits and of sheets) whose bytes are missing from it or do
// not hash to their name, as when an SQLite file is moved without its
// -blobs directory. Copying would carry the records and lose the
// pictures without a word; the command names them instead, and with
// -leave-uncopied copies the records, the bytes left missing.
func uncopied(ctx context.Context, src sandik.Store) (out []string, sums map[string]bool, err error) {
	sums = map[string]bool{}
	check := func(sum, what string) error {
		if sums[sum] {
			out = append(out, fmt.Sprintf("%s %s (as above)", what, sum))
			return nil
		}
		data, err := src.Blob(ctx, sum)
		switch {
		case sandik.CodeOf(err) == sandik.ENotFound:
			out = append(out, fmt.Sprintf("%s %s (its bytes are missing)", what, sum))
		case err != nil:
			// The stores check a blob against its name as they read it.
			out = append(out, fmt.Sprintf("%s %s (it cannot be read: %v)", what, sum, err))
		case !blobIs(data, sum):
			out = append(out, fmt.Sprintf("%s %s (its bytes are damaged)", what, sum))
		default:
			return nil
		}
		sums[sum] = true
		return nil
	}
	vs, err := src.Visits(ctx, sandik.VisitFilter{})
	if err != nil {
		return nil, nil, fmt.Errorf("read visits: %w", err)
	}
	for _, v := range vs {
		for i, sum := range v.Photos {
			if err := check(sum, fmt.Sprintf("the photo visits[%s].photos[%d]", v.ID, i)); err != nil {
				return nil, nil, err
			}
		}
	}
	photos, err := src.SheetPhotos(ctx, sandik.SheetPhotoFilter{})
	if err != nil {
		return nil, nil, fmt.Errorf("read sheet photos: %w", err)
	}
	for _, p := range photos {
		if p.URL == "" {
			if err := check(p.Sum, fmt.Sprintf("the photo of the sheet of box %s, race %s,", p.Box, p.Race)); err != nil {
				return nil, nil, err
			}
		}
	}
	return out, sums, nil
}

// appendKeepingSeq appends page, whose ReceivedAt and Warnings the store
// keeps, and insists every submission got its old sequence number back.
func appendKeepingSeq(ctx context.Context, dst sandik.LogWriter, page []sandik.Submission) error {
	rs, err := dst.Append(ctx, page)
	if err != nil {
		return err
	}
	for i, r := range rs {
		if r.Replayed || r.Seq != page[i].Seq {
			return fmt.Errorf("submission %q was seq %d and became %d (replayed %v): the source log has holes",
				r.ID, page[i].Seq, r.Seq, r.Replayed)
		}
	}
	return nil
}

// verifyCopy compares the two stores and returns how many races' totals
// and how many records of the organisation's life it compared.
func verifyCopy(ctx context.Context, a, b sandik.Store, log *slog.Logger) (races, life int, err error) {
	races, err = verifyRecords(ctx, a, b, log)
	if err != nil {
		return 0, 0, err
	}
	life, err = sameLife(ctx, a, b)
	return races, life, err
}

// verifyRecords compares everything but the organisation's life and
// returns how many races' totals it compared.
func verifyRecords(ctx context.Context, a, b sandik.Store, log *slog.Logger) (int, error) {
	ra, err := a.LoadRegistry(ctx)
	if err != nil {
		return 0, err
	}
	rb, err := b.LoadRegistry(ctx)
	if err != nil {
		return 0, err
	}
	if !reflect.DeepEqual(ra.Areas, rb.Areas) || !reflect.DeepEqual(ra.Races, rb.Races) ||
		!reflect.DeepEqual(ra.Registrations, rb.Registrations) || len(ra.Elections) != len(rb.Elections) {
		return 0, errors.New("the registries differ")
	}
	oa, err := orgOf(ctx, a)
	if err != nil {
		return 0, err
	}
	ob, err := orgOf(ctx, b)
	if err != nil {
		return 0, err
	}
	if !reflect.DeepEqual(oa, ob) {
		return 0, errors.New("the organisations differ")
	}
	ua, err := a.Users(ctx)
	if err != nil {
		return 0, err
	}
	ub, err := b.Users(ctx)
	if err != nil {
		return 0, err
	}
	if !reflect.DeepEqual(ua, ub) {
		return 0, fmt.Errorf("the users differ (%d and %d)", len(ua), len(ub))
	}
	if err := sameLogs(ctx, a, b); err != nil {
		return 0, err
	}
	if err := sameObjections(ctx, a, b); err != nil {
		return 0, err
	}
	if err := sameSettings(ctx, a, b); err != nil {
		return 0, err
	}
	ca, err := center.Open(ctx, center.Config{Store: a, Logger: log})
	if err != nil {
		return 0, err
	}
	defer ca.Close()
	cb, err := center.Open(ctx, center.Config{Store: b, Logger: log})
	if err != nil {
		return 0, err
	}
	defer cb.Close()
	for _, rc := range ra.Races {
		ta, err := ca.View(cli.Operator()).Totals(rc.Code, rc.Scope)
		if err != nil {
			return 0, err
		}
		tb, err := cb.View(cli.Operator()).Totals(rc.Code, rc.Scope)
		if err != nil {
			return 0, err
		}
		if !reflect.DeepEqual(ta, tb) {
			return 0, fmt.Errorf("the totals of race %q differ", rc.Code)
		}
	}
	return len(ra.Races), nil
}

// sameLogs reads both logs side by side and compares every submission.
func sameLogs(ctx context.Context, a, b sandik.LogReader) error {
	n := 0
	for after := int64(0); ; {
		pa, err := a.Since(ctx, after, migrateStorePage)
		if err != nil {
			return err
		}
		pb, err := b.Since(ctx, after, migrateStorePage)
		if err != nil {
			return err
		}
		if len(pa) != len(pb) {
			return fmt.Errorf("after seq %d the logs hold %d and %d submissions", after, n+len(pa), n+len(pb))
		}
		if len(pa) == 0 {
			return nil
		}
		for i := range pa {
			if !sameSubmission(&pa[i], &pb[i]) {
				return fmt.Errorf("submission %q (seq %d) differs from %q (seq %d)", pa[i].ID, pa[i].Seq, pb[i].ID, pb[i].Seq)
			}
		}
		n += len(pa)
		after = pa[len(pa)-1].Seq
	}
}

func sameSubmission(x, y *sandik.Submission) bool {
	return x.Seq == y.Seq && x.ID == y.ID && x.Race == y.Race && x.Box == y.Box && x.User == y.User &&
		x.Source == y.Source && x.Kind == y.Kind && x.Reason == y.Reason && x.CapturedAt.Equal(y.CapturedAt) &&
		x.ReceivedAt.Equal(y.ReceivedAt) && x.Warnings == y.Warnings && x.Hash == y.Hash &&
		x.Sheet.Registered == y.Sheet.Registered && x.Sheet.VotedByLaw == y.Sheet.VotedByLaw &&
		x.Sheet.Voted == y.Sheet.Voted && x.Sheet.ValidWithoutObjection == y.Sheet.ValidWithoutObjection &&
		x.Sheet.ValidUponObjection == y.Sheet.ValidUponObjection && x.Sheet.ValidTotal == y.Sheet.ValidTotal &&
		x.Sheet.Invalid == y.Sheet.Invalid && slices.Equal(x.Sheet.Votes, y.Sheet.Votes)
}

// copyObjections copies every case event and evidence file.
func (m *migration) copyObjections(ctx context.Context) error {
	src, dst := m.src, m.dst
	events, err := src.CaseEvents(ctx)
	if err != nil {
		return err
	}
	for _, e := range events {
		if err := dst.AppendCaseEvent(ctx, e); err != nil {
			return err
		}
	}
	m.events = len(events)
	sums, err := src.EvidenceSums(ctx)
	if err != nil {
		return err
	}
	for _, sum := range sums {
		data, err := src.Evidence(ctx, sum)
		if err != nil {
			return err
		}
		if got, err := dst.PutEvidence(ctx, data); err != nil || got != sum {
			return fmt.Errorf("evidence %s: stored as %s: %w", sum, got, err)
		}
	}
	m.files = len(sums)
	return nil
}

// sameObjections compares the case events and evidence of two stores.
func sameObjections(ctx context.Context, a, b sandik.CaseStore) error {
	ea, err := a.CaseEvents(ctx)
	if err != nil {
		return err
	}
	eb, err := b.CaseEvents(ctx)
	if err != nil {
		return err
	}
	ja, _ := json.Marshal(ea)
	jb, _ := json.Marshal(eb)
	if !bytes.Equal(ja, jb) {
		return fmt.Errorf("the objection cases differ (%d and %d events)", len(ea), len(eb))
	}
	sa, err := a.EvidenceSums(ctx)
	if err != nil {
		return err
	}
	sb, err := b.EvidenceSums(ctx)
	if err != nil {
		return err
	}
	if !slices.Equal(sa, sb) {
		return fmt.Errorf("the evidence files differ (%d and %d)", len(sa), len(sb))
	}
	return nil
}

// copySettings copies every setting as it is: value, version, who saved
// it and when, so that a save made on the old database's version still
// meets the same version on the new one.
func (m *migration) copySettings(ctx context.Context) error {
	settings, err := m.src.Settings(ctx)
	if err != nil {
		return err
	}
	for _, st := range settings {
		if err := m.dst.PutSetting(ctx, st, 0); err != nil {
			return err
		}
	}
	m.settings = len(settings)
	return nil
}

// sameSettings compares the settings of two stores field by field; the
// values byte for byte.
func sameSettings(ctx context.Context, a, b sandik.SettingStore) error {
	sa, err := a.Settings(ctx)
	if err != nil {
		return err
	}
	sb, err := b.Settings(ctx)
	if err != nil {
		return err
	}
	if len(sa) != len(sb) {
		return fmt.Errorf("the settings differ (%d and %d)", len(sa), len(sb))
	}
	for i := range sa {
		x, y := &sa[i], &sb[i]
		if x.Key != y.Key || !bytes.Equal(x.Value, y.Value) || x.Version != y.Version || x.UpdatedBy != y.UpdatedBy || !x.UpdatedAt.Equal(y.UpdatedAt) {
			return fmt.Errorf("setting %q (version %d) differs from %q (version %d)", x.Key, x.Version, y.Key, y.Version)
		}
	}
	return nil
}

// copyOrg copies the organisation in one change, so that the copy holds
// it whole or not at all: the kinds added, the units, the people, every
// term, ended ones included, and the assignments to boxes as they were
// made (when and by whom).
func (m *migration) copyOrg(ctx context.Context) error {
	var c sandik.OrgChange
	var err error
	if c.Kinds, err = m.src.AddedPositionKinds(ctx); err != nil {
		return err
	}
	if c.Units, err = m.src.Units(ctx); err != nil {
		return err
	}
	for f := (sandik.PeopleFilter{Limit: migrateStorePage}); ; {
		page, err := m.src.People(ctx, f)
		if err != nil {
			return err
		}
		c.People = append(c.People, page...)
		if len(page) < f.Limit {
			break
		}
		f.After = page[len(page)-1].ID
	}
	for f := (sandik.PositionFilter{Limit: migrateStorePage}); ; {
		page, err := m.src.Positions(ctx, f)
		if err != nil {
			return err
		}
		c.Positions = append(c.Positions, page...)
		if len(page) < f.Limit {
			break
		}
		f.After = page[len(page)-1].ID
	}
	if c.Assignments, err = m.src.Assignments(ctx, sandik.AssignmentFilter{}); err != nil {
		return err
	}
	m.org = len(c.Kinds) + len(c.Units) + len(c.People) + len(c.Positions) + len(c.Assignments)
	if m.org == 0 {
		return nil
	}
	if err := m.dst.SaveOrg(ctx, c); err != nil {
		return err
	}
	return m.copyContactViews(ctx)
}

// copyContactViews copies the log of contact views in its order, a run
// of one user's views per write, with no limit per minute.
func (m *migration) copyContactViews(ctx context.Context) error {
	for f := (sandik.ContactViewFilter{Limit: migrateStorePage}); ; {
		page, err := m.src.ContactViews(ctx, f)
		if err != nil {
			return err
		}
		for start := 0; start < len(page); {
			end := start + 1
			for end < len(page) && page[end].User == page[start].User {
				end++
			}
			if _, err := m.dst.LogContactViews(ctx, page[start:end], math.MaxInt32); err != nil {
				return fmt.Errorf("contact views after seq %d: %w", f.After, err)
			}
			start = end
		}
		if len(page) < f.Limit {
			return nil
		}
		f.After = page[len(page)-1].Seq
	}
}

// copyMunicipalities copies the municipalities and every version of
// their terms: the first versions with the municipalities, then each
// later version in a change of its own, since a version follows the one
// stored before it.
func (m *migration) copyMunicipalities(ctx context.Context) error {
	munis, err := m.src.Municipalities(ctx, sandik.MunicipalFilter{})
	if err != nil {
		return err
	}
	terms, err := m.src.MunicipalTerms(ctx, sandik.MunicipalFilter{History: true})
	if err != nil {
		return err
	}
	m.org += len(munis) + len(terms)
	top := 0
	for _, t := range terms {
		top = max(top, t.Version)
	}
	c := sandik.MunicipalChange{Municipalities: munis}
	for v := 1; v <= top || len(c.Municipalities) > 0; v++ {
		for _, t := range terms {
			if t.Version == v {
				c.Terms = append(c.Terms, t)
			}
		}
		if err := m.dst.SaveMunicipalities(ctx, c); err != nil {
			return err
		}
		c = sandik.MunicipalChange{}
	}
	return nil
}

// orgOf reads a store's whole organisation, for comparing two.
func orgOf(ctx context.Context, s sandik.Store) (sandik.OrgChange, error) {
	var c sandik.OrgChange
	var err error
	if c.Kinds, err = s.PositionKinds(ctx); err != nil {
		return c, err
	}
	if c.Units, err = s.Units(ctx); err != nil {
		return c, err
	}
	if c.People, err = s.People(ctx, sandik.PeopleFilter{}); err != nil {
		return c, err
	}
	if c.Positions, err = s.Positions(ctx, sandik.PositionFilter{}); err != nil {
		return c, err
	}
	c.Assignments, err = s.Assignments(ctx, sandik.AssignmentFilter{})
	return c, err
}

// copyRights copies what gives users rights besides their own: their
// links to people, their removal (with the same token hash, which nobody
// holds), the table of kinds' rights and the grants, revoked ones as
// revoked.
func (m *migration) copyRights(ctx context.Context, users []sandik.User, hashes map[sandik.UserID][32]byte) error {
	for _, u := range users {
		if u.Person != "" {
			if err := m.dst.LinkPerson(ctx, u.ID, u.Person); err != nil {
				return err
			}
		}
		if u.Removed {
			if err := m.dst.RemoveUser(ctx, u.ID, hashes[u.ID]); err != nil {
				return err
			}
		}
	}
	rights, err := m.src.AddedKindRights(ctx)
	if err != nil {
		return err
	}
	if len(rights) > 0 {
		if err := m.dst.SaveKindRights(ctx, rights); err != nil {
			return err
		}
	}
	grants, err := m.src.Grants(ctx, sandik.GrantFilter{})
	if err != nil {
		return err
	}
	for _, g := range grants {
		revoked, by := g.Revoked, g.RevokedBy
		g.Revoked, g.RevokedBy = time.Time{}, ""
		if err := m.dst.SaveGrant(ctx, g); err != nil {
			return err
		}
		if !revoked.IsZero() {
			if err := m.dst.RevokeGrant(ctx, g.ID, revoked, by); err != nil {
				return err
			}
		}
	}
	return nil
}
