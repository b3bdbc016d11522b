package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/cmd/internal/proctest"
	"github.com/sandik-dev/sandik/store/postgres"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/store/storetest"
	"github.com/sandik-dev/sandik/synth"
)

// TestMigrateStoreRoundTrip copies an SQLite database with a registry,
// users and a log of double entries, corrections and a conflict into
// PostgreSQL and back into a new SQLite file, and checks that the last
// copy has the same users (tokens still valid), the same log and the same
// totals as the first.
func TestMigrateStoreRoundTrip(t *testing.T) {
	url := pgtest.Schema(t)
	dir := t.TempDir()
	first, last := filepath.Join(dir, "first.db"), filepath.Join(dir, "last.db")
	token := fillForMigration(t, first)

	for _, step := range [][2]string{{first, url}, {url, last}} {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"migrate-store", "-from", step[0], "-to", step[1]},
			strings.NewReader(""), &out, &errb, func(string) string { return "" })
		if code != 0 || !strings.Contains(out.String(), "verified:") || !strings.Contains(out.String(), "the copy's ledger verifies") {
			t.Fatalf("migrate-store %s → %s: exit %d\n%s%s", cli.DisplayDB(step[0]), cli.DisplayDB(step[1]), code, out.String(), errb.String())
		}
		t.Log(strings.TrimSpace(out.String()))
	}

	a, b := openSQLite(t, first), openSQLite(t, last)
	ctx := context.Background()
	ca, err := center.Open(ctx, center.Config{Store: a})
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close()
	cb, err := center.Open(ctx, center.Config{Store: b})
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close()
	ta, _ := ca.View(cli.Operator()).Totals("race1", "TR")
	tb, _ := cb.View(cli.Operator()).Totals("race1", "TR")
	if ta.Totals.BoxesReported == 0 || ta.Totals.BoxesConflict == 0 || ta.Totals.BoxesVerified == 0 {
		t.Fatalf("the fixture lacks variety: %+v", ta.Totals)
	}
	if !reflect.DeepEqual(ta, tb) {
		t.Fatalf("totals after the round trip differ:\n%+v\n%+v", ta.Totals, tb.Totals)
	}
	if err := sameLogs(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	if err := sameObjections(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	if es, _ := b.CaseEvents(ctx); len(es) != 2 {
		t.Fatalf("%d case events after the round trip, want 2", len(es))
	}
	ma, _ := a.MunicipalTerms(ctx, sandik.MunicipalFilter{History: true})
	mb, _ := b.MunicipalTerms(ctx, sandik.MunicipalFilter{History: true})
	if len(ma) != 5 || len(mb) != len(ma) {
		t.Fatalf("%d versions of terms after the round trip, want %d", len(mb), len(ma))
	}
	for i := range ma {
		if !ma[i].SameResult(mb[i]) || ma[i].Version != mb[i].Version || !ma[i].SavedAt.Equal(mb[i].SavedAt) {
			t.Errorf("term %d after the round trip: %+v, want %+v", i, mb[i], ma[i])
		}
	}
	if u, err := cb.Authenticate(ctx, token); err != nil || u.ID != "crash" {
		t.Fatalf("the user's token after the round trip: %+v, %v", u, err)
	}
}

func openSQLite(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Options{Path: path, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// fillForMigration writes the registry of proctest.PrepareStore, a second user and
// a log with agreeing double entries, a disagreeing pair and a correction.
func fillForMigration(t *testing.T, path string) string {
	st := openSQLite(t, path)
	reg, token := proctest.PrepareStore(t, st)
	boxes := map[sandik.AreaCode]bool{}
	all := reg.RaceBoxes("race1")
	for _, b := range all[:300] {
		boxes[b] = true
	}
	var subs, split []sandik.Submission
	for _, s := range synth.Entries(reg, 2, 7) {
		switch {
		case boxes[s.Box]:
			subs = append(subs, s)
		case s.Box == all[300]:
			split = append(split, s)
		}
	}
	// Two people disagree on box 300; the first corrects herself on another.
	bad := split[1]
	bad.Sheet.Votes = append([]int64(nil), bad.Sheet.Votes...)
	bad.Sheet.Votes[0], bad.Sheet.Votes[1] = bad.Sheet.Votes[1]+1, bad.Sheet.Votes[0]-1
	bad.Hash = bad.ContentHash()
	subs = append(subs, split[0])
	fix := subs[2]
	fix.ID = "correction"
	fix.Warnings = sandik.WarnLate
	fix.Hash = fix.ContentHash()
	subs = append(subs, bad, fix)
	if _, err := st.Append(context.Background(), subs); err != nil {
		t.Fatal(err)
	}
	// An objection with its evidence travels too.
	for _, e := range storetest.CaseEvents("itz-1") {
		if err := st.AppendCaseEvent(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.PutEvidence(context.Background(), []byte("photo of the signed sheet")); err != nil {
		t.Fatal(err)
	}
	// Municipalities travel with every version of their terms.
	if err := st.SaveOrg(context.Background(), storetest.OrgFixture()); err != nil {
		t.Fatal(err)
	}
	mc := storetest.MuniFixture()
	if err := st.SaveMunicipalities(context.Background(), mc); err != nil {
		t.Fatal(err)
	}
	fix2 := mc.Terms[1]
	fix2.Version, fix2.Source, fix2.Race, fix2.Reason = 2, sandik.TermByHand, "", "düzeltme"
	if err := st.SaveMunicipalities(context.Background(), sandik.MunicipalChange{Terms: []sandik.MunicipalTerm{fix2}}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return token
}

func TestDisplayDBHidesPassword(t *testing.T) {
	for in, want := range map[string]string{
		"sandik.db": "sandik.db",
		"postgres://u:s3cret@db:5432/sandik?sslmode=require": "postgres://u:xxxxx@db:5432/sandik?sslmode=require",
		"postgresql://db/sandik":                             "postgresql://db/sandik",
		"postgres://u:s3cret@db:port/x":                      "(a PostgreSQL URL that cannot be parsed)",
	} {
		if got := cli.DisplayDB(in); got != want {
			t.Errorf("cli.DisplayDB(%q) = %q, want %q", in, got, want)
		}
	}
}

// openStore picks the backend by the form of -db.
func TestOpenStoreChoosesBackend(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	st, err := cli.OpenStore(ctx, filepath.Join(t.TempDir(), "x.db"), false, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.(*sqlite.Store); !ok {
		t.Errorf("a path opened %T", st)
	}
	st.Close()
	st, err = cli.OpenStore(ctx, pgtest.Schema(t), false, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.(*postgres.Store); !ok {
		t.Errorf("a postgres:// URL opened %T", st)
	}
	st.Close()
	_, err = cli.OpenStore(ctx, "postgres://nobody:s3cret@127.0.0.1:1/none?connect_timeout=2", false, log)
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("an unreachable server: %v (the password must not show)", err)
	}
}

// A PostgreSQL target that is not empty is refused and keeps what it had.
func TestMigrateStoreRefusesNonEmptyPostgres(t *testing.T) {
	url := pgtest.Schema(t)
	st := proctest.OpenPostgres(t, url)
	if err := st.CreateUser(context.Background(), sandik.User{ID: "here", Name: "Here", Role: sandik.RoleAdmin}, [32]byte{1}); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "src.db")
	fillForMigration(t, src)
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"migrate-store", "-from", src, "-to", url},
		strings.NewReader(""), &out, &errb, func(string) string { return "" })
	if code != 1 || !strings.Contains(errb.String(), "not empty") {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if seq, _ := st.LastSeq(context.Background()); seq != 0 {
		t.Fatalf("the refused target holds %d submissions", seq)
	}
}

// A target that holds only an organisation is refused too, before a
// record is written.
func TestMigrateStoreRefusesATargetWithAnOrganisation(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src.db"), filepath.Join(dir, "dst.db")
	fillForMigration(t, src)
	st := openSQLite(t, dst)
	if err := st.SaveOrg(context.Background(), sandik.OrgChange{Units: storetest.OrgFixture().Units}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runSandik(t, "migrate-store", "-from", src, "-to", dst)
	if code != 1 || !strings.Contains(errs, "not empty (it holds 5 units") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if reg, _ := openSQLite(t, dst).LoadRegistry(context.Background()); len(reg.Areas) != 0 {
		t.Fatalf("the refused target holds %d areas", len(reg.Areas))
	}
}

// verifyCopy finds a copy that differs from its source, in the log, the
// users or the registry.
func TestVerifyCopyFindsDifferences(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	fillForMigration(t, src)
	for _, c := range []struct {
		name, want string
		change     func(t *testing.T, st *sqlite.Store)
	}{
		{"extra submission", "logs hold", func(t *testing.T, st *sqlite.Store) {
			subs, err := st.Since(ctx, 0, 1)
			if err != nil {
				t.Fatal(err)
			}
			extra := subs[0]
			extra.ID = "extra"
			if _, err := st.Append(ctx, []sandik.Submission{extra}); err != nil {
				t.Fatal(err)
			}
		}},
		{"extra user", "users differ", func(t *testing.T, st *sqlite.Store) {
			if err := st.CreateUser(ctx, sandik.User{ID: "extra", Name: "Extra", Role: sandik.RoleObserver}, [32]byte{9}); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "dst.db")
			if code, out, errs := runSandik(t, "migrate-store", "-from", src, "-to", dst); code != 0 {
				t.Fatalf("migrate-store: exit %d\n%s%s", code, out, errs)
			}
			a, b := openSQLite(t, src), openSQLite(t, dst)
			c.change(t, b)
			_, _, err := verifyCopy(ctx, a, b, slog.New(slog.DiscardHandler))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("verifyCopy after %s: %v, want %q", c.name, err, c.want)
			}
		})
	}
}

func TestSameSubmission(t *testing.T) {
	reg, err := synth.Registry(synth.Shape{Provinces: 1, DistrictsPerIl: 1, MahallesPerIlce: 1, BuildingsPerMah: 1,
		BoxesPerBuilding: 1, Races: 1, Choices: 3, RegisteredPerBox: 300})
	if err != nil {
		t.Fatal(err)
	}
	a := synth.Entries(reg, 1, 1)[0]
	if b := a; !sameSubmission(&a, &b) {
		t.Fatal("a submission differs from its copy")
	}
	for name, change := range map[string]func(s *sandik.Submission){
		"seq": func(s *sandik.Submission) { s.Seq++ },
		"votes": func(s *sandik.Submission) {
			s.Sheet.Votes = append([]int64{s.Sheet.Votes[0] + 1}, s.Sheet.Votes[1:]...)
		},
		"received": func(s *sandik.Submission) { s.ReceivedAt = s.ReceivedAt.Add(1) },
		"hash":     func(s *sandik.Submission) { s.Hash[0]++ },
		"warnings": func(s *sandik.Submission) { s.Warnings ^= sandik.WarnLate },
		"reason":   func(s *sandik.Submission) { s.Reason += "x" },
	} {
		b := a
		change(&b)
		if sameSubmission(&a, &b) {
			t.Errorf("a change of %s goes unseen", name)
		}
	}
}

// A source whose records name a photo it cannot give (an SQLite file
// moved without its -blobs directory) is refused with the photo named
// and nothing written; with -leave-uncopied the records are copied, the
// photo named as left behind, and the copy proved.
func TestMigrateStoreNamesWhatItLeaves(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	st := openSQLite(t, src)
	ctx := context.Background()
	if err := st.SaveOrg(ctx, storetest.OrgFixture()); err != nil {
		t.Fatal(err)
	}
	v := storetest.VisitFixture("v-1")
	lost := strings.Repeat("ab", 32)
	v.Photos = []string{lost}
	if _, err := st.SaveVisit(ctx, v, nil); err != nil {
		t.Fatal(err)
	}
	// A second photo whose file is there but no longer its bytes.
	pic := pngOf(t, 1)
	sum := sha256.Sum256(pic)
	damaged := hex.EncodeToString(sum[:])
	if err := st.PutBlob(ctx, damaged, pic); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src+"-blobs", damaged[:2], damaged), []byte("not the photo"), 0o600); err != nil {
		t.Fatal(err)
	}
	v.ID, v.Photos = "v-2", []string{damaged}
	if _, err := st.SaveVisit(ctx, v, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "dst.db")
	var out, errb bytes.Buffer
	code := run(ctx, []string{"migrate-store", "-from", src, "-to", dst}, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	if code != 1 || !strings.Contains(errb.String(), "visits[v-1].photos[0] "+lost+" (its bytes are missing)") ||
		!strings.Contains(errb.String(), "visits[v-2].photos[0] "+damaged+" (it cannot be read: sqlite: attachment "+damaged+" is damaged") || !strings.Contains(errb.String(), "nothing was copied") {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if _, err := os.Stat(dst); err == nil {
		t.Errorf("the refused copy left %s behind", dst)
	}
	out.Reset()
	errb.Reset()
	code = run(ctx, []string{"migrate-store", "-from", src, "-to", dst, "-leave-uncopied"}, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	if code != 0 || !strings.Contains(out.String(), "verified:") || !strings.Contains(errb.String(), "left behind, as -leave-uncopied asked") || !strings.Contains(errb.String(), lost) {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if got, err := openSQLite(t, dst).Visit(ctx, "v-1"); err != nil || !slices.Equal(got.Photos, []string{lost}) {
		t.Errorf("the copied visit: %+v, %v", got, err)
	}
}
