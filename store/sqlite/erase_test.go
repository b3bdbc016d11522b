package sqlite

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestEraseLeavesNoStaleCopy: a write before the erasure, made without
// secure_delete, leaves a copy of the person's name in the free space of
// a page; the erasure finds it in the file and rebuilds the file, so
// that the name is in neither the file nor its write-ahead log.
func TestEraseLeavesNoStaleCopy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "e.db")
	var logs lockedBuffer
	s, err := Open(ctx, Options{Path: path, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SaveOrg(ctx, storetest.OrgFixture()); err != nil {
		t.Fatal(err)
	}
	const name = "Ayşe Yılmaz" // k-1 of the fixture
	// Rewriting the row larger frees its old cell, name included, without
	// zeros: a stale copy.
	if err := s.exec(ctx, `UPDATE org_people SET note = printf('%.300c', 'x') WHERE id = 'k-1'`); err != nil {
		t.Fatal(err)
	}
	if err := s.queueBare(ctx, checkpointTruncate); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte(name)); n < 2 {
		t.Fatalf("the file holds the name %d times before erasure, want a stale copy beside the row", n)
	}
	if err := s.ErasePerson(ctx, "k-1", "2025-03-01", "talep"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "VACUUM") {
		t.Errorf("the stale copy did not make the erasure rebuild the file; logs:\n%s", logs.String())
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, needle := range []string{name, "ayse@example.org", "+905321234567", "02161234567"} {
			if bytes.Contains(b, []byte(needle)) {
				t.Errorf("%s still holds %q", filepath.Base(f), needle)
			}
		}
	}
	// Another person's data is untouched by the rebuild.
	p, err := s.Person(ctx, "k-3")
	if err != nil || p.Name != "Zeynep Kaya" {
		t.Errorf("k-3 after the rebuild: %+v, %v", p, err)
	}
}

// TestEraseLeavesNoNameInVisits: visits and commitments that name the
// person, in several cases, and a stale copy of one left in free space
// by an earlier rewrite: after the erasure neither the file nor its
// write-ahead log holds any of those forms.
func TestEraseLeavesNoNameInVisits(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v.db")
	s, err := Open(ctx, Options{Path: path, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SaveOrg(ctx, storetest.OrgFixture()); err != nil {
		t.Fatal(err)
	}
	storetest.SaveVisitsNaming(t, s)
	// Notes that name her in capitals only, rewritten larger: the old
	// cell is freed without zeros, a stale copy.
	caps := storetest.VisitFixture("v-caps")
	caps.Notes = "Toplantıda AYŞE YILMAZ konuştu."
	// Another row after it, so that its cell is not the one next to the
	// page's free gap, which the larger row would overwrite.
	for _, v := range []sandik.Visit{caps, storetest.VisitFixture("v-after")} {
		if _, err := s.SaveVisit(ctx, v, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.exec(ctx, `UPDATE visits SET notes = notes || printf('%.300c', 'x') WHERE id = 'v-caps'`); err != nil {
		t.Fatal(err)
	}
	if err := s.queueBare(ctx, checkpointTruncate); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, needle := range storetest.ErasedInVisits {
		if !bytes.Contains(b, []byte(needle)) {
			t.Fatalf("the file does not hold %q before the erasure", needle)
		}
	}
	if n := bytes.Count(b, []byte("Toplantıda AYŞE YILMAZ")); n < 2 {
		t.Fatalf("the file holds the old notes %d times before erasure, want a stale copy beside the row", n)
	}
	if err := s.ErasePerson(ctx, "k-1", "2025-03-01", "talep"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, needle := range storetest.ErasedInVisits {
			if bytes.Contains(b, []byte(needle)) {
				t.Errorf("%s still holds %q", filepath.Base(f), needle)
			}
		}
	}
	if v, err := s.Visit(ctx, "v-caps"); err != nil || !strings.HasPrefix(v.Notes, "Toplantıda [silinmiş kişi] konuştu.") {
		t.Errorf("the rest of the notes after the erasure: %+v, %v", v, err)
	}
}
