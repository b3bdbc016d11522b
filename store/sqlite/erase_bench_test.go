package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
)

// BenchmarkErasePerson erases one person of 100,000: the write, the
// checkpoint, the search of the file, and the VACUUM when a stale copy
// is found (reported as vacuums/op). go test -run X -bench ErasePerson -benchtime 5x
func BenchmarkErasePerson(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "e.db")
	var vacuums atomic.Int64
	s, err := Open(ctx, Options{Path: path, Logger: slog.New(slog.NewTextHandler(countWriter(func(p []byte) {
		if bytes.Contains(p, []byte("VACUUM")) {
			vacuums.Add(1)
		}
	}), nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	c := storetest.OrgFixture()
	for i := range 100_000 {
		c.People = append(c.People, sandik.Person{ID: sandik.PersonID(fmt.Sprintf("b-%06d", i)), Name: fmt.Sprintf("Kişi %06d", i),
			Phones: []string{fmt.Sprintf("+90555%07d", i)}, Email: fmt.Sprintf("k%06d@example.org", i), Home: "34",
			Purpose: "örgüt üyeliği", Consent: "2024-01-01"})
	}
	if err := s.SaveOrg(ctx, c); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if err := s.ErasePerson(ctx, sandik.PersonID(fmt.Sprintf("b-%06d", i*997)), "2025-01-01", "bench"); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(st.Size())/(1<<20), "MiB")
	b.ReportMetric(float64(vacuums.Load())/float64(b.N), "vacuums/op")
}

type countWriter func([]byte)

func (w countWriter) Write(p []byte) (int, error) { w(p); return len(p), nil }
