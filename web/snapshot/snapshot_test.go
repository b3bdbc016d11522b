package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// source is a key's content that moves as a test says: n is the position
// of its latest change, seq the position it is read at.
type source struct {
	seq, n  int64
	content string
	builds  int
}

func (s *source) build() (Built, error) {
	s.builds++
	return Built{Seq: s.seq, N: s.n, Content: []byte(s.content)}, nil
}

func TestVersions(t *testing.T) {
	clock := time.Date(2026, 3, 31, 18, 0, 0, 0, time.UTC)
	c := New(Options{Keep: 3, MinCheck: time.Second, Now: func() time.Time { return clock }})
	k := Key{"r1", "TR"}
	src := &source{seq: 10, n: 10, content: `{"votes":[1,2]}`}

	v1, at, err := c.Current(k, 10, src.build)
	if err != nil {
		t.Fatal(err)
	}
	if v1.N != 10 || !at.Equal(clock) || !strings.HasPrefix(v1.ETag, `"r1/TR/10-`) || !strings.HasSuffix(v1.ETag, `"`) {
		t.Fatalf("first version %+v at %v", v1, at)
	}
	var doc struct {
		Version int64   `json:"version"`
		MadeAt  string  `json:"made_at"`
		Votes   []int64 `json:"votes"`
	}
	if err := json.Unmarshal(v1.Doc, &doc); err != nil || doc.Version != 10 || len(doc.Votes) != 2 || doc.MadeAt != "2026-03-31T18:00:00Z" {
		t.Fatalf("document %s: %+v %v", v1.Doc, doc, err)
	}

	// Asked again at the same position: nothing is built.
	if _, _, err := c.Current(k, 10, src.build); err != nil || src.builds != 1 {
		t.Fatalf("built %d times for one position (%v)", src.builds, err)
	}
	// The log moved but nothing changed below the key: the same version,
	// confirmed later.
	clock = clock.Add(time.Second)
	src.seq = 12
	v, at, _ := c.Current(k, 12, src.build)
	if v.N != 10 || !at.Equal(clock) || !bytes.Equal(v.Doc, v1.Doc) {
		t.Fatalf("unchanged content made version %d confirmed at %v", v.N, at)
	}
	// The content moved, but within MinCheck of the last build the
	// current version stands.
	src.seq, src.n, src.content = 15, 15, `{"votes":[3,2]}`
	clock = clock.Add(time.Second - 1)
	if v, _, _ := c.Current(k, 15, src.build); v.N != 10 || src.builds != 2 {
		t.Fatalf("within MinCheck: version %d after %d builds", v.N, src.builds)
	}
	// Past it, a new version at the new position.
	clock = clock.Add(1)
	v2, _, _ := c.Current(k, 15, src.build)
	if v2.N != 15 {
		t.Fatalf("changed content is version %d, want 15", v2.N)
	}
	// An old version keeps its bytes.
	if got, st, _ := c.Get(k, 10); st != Found || !bytes.Equal(got.Doc, v1.Doc) {
		t.Fatalf("version 10 after 15: %v %s", st, got.Doc)
	}
	for _, tc := range []struct {
		n    int64
		want Status
	}{{15, Found}, {16, NotYet}, {11, Unknown}, {9, Gone}} {
		if _, st, known := c.Get(k, tc.n); st != tc.want || !known {
			t.Errorf("Get(%d) = %v, want %v", tc.n, st, tc.want)
		}
	}
	// Past Keep versions the oldest expire.
	for i, votes := range []string{"4", "5", "6"} {
		clock = clock.Add(time.Second)
		src.seq, src.content = int64(20+i), `{"votes":[`+votes+`]}`
		src.n = src.seq
		c.Current(k, src.seq, src.build)
	}
	if _, st, _ := c.Get(k, 15); st != Gone {
		t.Fatalf("version 15 of 5 with Keep 3: %v, want Gone", st)
	}
	if _, st, _ := c.Get(k, 20); st != Found {
		t.Fatalf("version 20, one of the last 3: %v", st)
	}
	if s := c.Stats(); s.Keys != 1 || s.Made != 5 {
		t.Fatalf("stats %+v", s)
	}
	if _, _, known := c.Get(Key{"r1", "X"}, 1); known {
		t.Fatal("a key never built is known")
	}
}

// A failed build makes nothing and says why.
func TestBuildError(t *testing.T) {
	c := New(Options{})
	boom := errors.New("boom")
	if _, _, err := c.Current(Key{"r", "a"}, 1, func() (Built, error) { return Built{}, boom }); !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if s := c.Stats(); s.Keys != 0 {
		t.Fatalf("a failed build left %d keys", s.Keys)
	}
}

// The bytes held stay under MaxBytes however many keys are read: the
// least recently read keys go first.
func TestMemoryBound(t *testing.T) {
	content := `{"x":"` + strings.Repeat("a", 1000) + `"}`
	c := New(Options{Keep: 4, MaxBytes: 20_000, MinCheck: -1})
	for i := range 200 {
		k := Key{"r", fmt.Sprint(i)}
		for seq := int64(1); seq <= 3; seq++ {
			c.Current(k, seq, func() (Built, error) {
				return Built{Seq: seq, N: seq, Content: []byte(content[:len(content)-2] + fmt.Sprint(seq) + `"}`)}, nil
			})
		}
		if s := c.Stats(); s.Bytes > 20_000 {
			t.Fatalf("after %d keys %d bytes held", i+1, s.Bytes)
		}
	}
	if _, _, known := c.Get(Key{"r", "0"}, 3); known {
		t.Fatal("the first key read is still held")
	}
	if v, st, _ := c.Get(Key{"r", "199"}, 3); st != Found || len(v.Doc) == 0 {
		t.Fatal("the last key read is not held")
	}
}

// Many readers at once of one key at one position make one version, and
// every one of them gets the same bytes.
func TestConcurrentReaders(t *testing.T) {
	c := New(Options{})
	var wg sync.WaitGroup
	docs := make([][]byte, 64)
	for i := range docs {
		wg.Go(func() {
			v, _, err := c.Current(Key{"r", "a"}, 7, func() (Built, error) { return Built{Seq: 7, N: 7, Content: []byte(`{"a":1}`)}, nil })
			if err != nil {
				t.Error(err)
			}
			docs[i] = v.Doc
		})
	}
	wg.Wait()
	for _, d := range docs {
		if !bytes.Equal(d, docs[0]) {
			t.Fatalf("two documents for one version: %s and %s", d, docs[0])
		}
	}
	if s := c.Stats(); s.Made != 1 {
		t.Fatalf("%d versions made for one position", s.Made)
	}
}

// Two instances that read the same log name a key's versions alike,
// whatever positions each was asked at: a version is the position of the
// content's latest change, and its document, time included, is the same
// bytes on both.
func TestVersionsAgreeAcrossInstances(t *testing.T) {
	changedAt := time.Date(2026, 3, 31, 18, 4, 5, 0, time.UTC)
	// The log: the key's content changes at 10 and 30; positions between
	// are other areas' entries.
	at := func(seq int64) Built {
		b := Built{Seq: seq, N: 10, Made: changedAt, Content: []byte(`{"votes":[1]}`)}
		if seq >= 30 {
			b.N, b.Made, b.Content = 30, changedAt.Add(time.Minute), []byte(`{"votes":[2]}`)
		}
		return b
	}
	k := Key{"r", "TR"}
	a := New(Options{MinCheck: -1, Now: func() time.Time { return changedAt.Add(time.Hour) }})
	b := New(Options{MinCheck: -1, Now: func() time.Time { return changedAt.Add(2 * time.Hour) }})
	for _, step := range []struct{ a, b int64 }{{12, 25}, {29, 11}, {30, 31}, {40, 33}} {
		va, _, _ := a.Current(k, step.a, func() (Built, error) { return at(step.a), nil })
		vb, _, _ := b.Current(k, step.b, func() (Built, error) { return at(step.b), nil })
		if va.N != vb.N || va.ETag != vb.ETag || !bytes.Equal(va.Doc, vb.Doc) {
			t.Fatalf("asked at %d and %d: version %d %s, and %d %s", step.a, step.b, va.N, va.Doc, vb.N, vb.Doc)
		}
	}
	if s := a.Stats(); s.Made != 2 {
		t.Fatalf("%d versions made for two changes", s.Made)
	}
}
