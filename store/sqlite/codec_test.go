package sqlite

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
	"github.com/sandik-dev/sandik/store/storetest"
)

func TestPackRoundTrip(t *testing.T) {
	empty := sandik.Submission{ID: "x"}
	negative := storetest.Sub("neg", storetest.Box1, -1, 1<<40, -(1 << 62))
	for _, s := range []sandik.Submission{storetest.Full("full", storetest.Box2), storetest.Sub("novotes", storetest.Box1), empty, negative} {
		var u unpacker
		var got sandik.Submission
		if err := u.unpack(pack(&s, sqlstore.Nanos(s.ReceivedAt)), &got); err != nil {
			t.Fatalf("unpack(pack(%s)): %v", s.ID, err)
		}
		if d := cmp.Diff(s, got); d != "" {
			t.Errorf("round trip of %s (-want +got):\n%s", s.ID, d)
		}
	}
}

func TestUnpackRejectsDamage(t *testing.T) {
	s := storetest.Full("full", storetest.Box1)
	b := pack(&s, time.Now().UnixNano())
	for _, bad := range [][]byte{nil, {2}, b[:len(b)-1], append(b[:len(b):len(b)], 0), b[:10]} {
		var u unpacker
		if err := u.unpack(bad, new(sandik.Submission)); err == nil {
			t.Errorf("unpack accepted %d damaged bytes", len(bad))
		}
	}
}

func FuzzUnpack(f *testing.F) {
	for _, s := range []sandik.Submission{storetest.Full("full", storetest.Box2), storetest.Sub("a", storetest.Box1, 1, 2, 3)} {
		f.Add(pack(&s, sqlstore.Nanos(s.ReceivedAt)))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var u unpacker
		var s sandik.Submission
		if err := u.unpack(b, &s); err != nil {
			return
		}
		// Whatever decodes must survive another round trip unchanged.
		var again sandik.Submission
		if err := u.unpack(pack(&s, sqlstore.Nanos(s.ReceivedAt)), &again); err != nil {
			t.Fatalf("unpack(pack(unpack(%x))): %v", b, err)
		}
		if d := cmp.Diff(s, again); d != "" {
			t.Fatalf("round trip of %x changed it (-first +second):\n%s", b, d)
		}
	})
}

// A page of a few rows carves its votes from a small slab; slabs double
// as a read goes on, up to the largest, and a sheet larger than that gets
// one of its own size. Votes of one row never overlap another's.
func TestVotesSlabGrows(t *testing.T) {
	var u unpacker
	first := u.votes(20)
	if cap(u.slab) != minSlab {
		t.Fatalf("first slab %d votes, want %d", cap(u.slab), minSlab)
	}
	var caps []int
	for range 400 {
		v := u.votes(20)
		v[0], v[19] = 1, 1
		if c := cap(u.slab); len(caps) == 0 || caps[len(caps)-1] != c {
			caps = append(caps, c)
		}
	}
	if first[0] != 0 || first[19] != 0 {
		t.Error("a later row's votes overlap the first's")
	}
	if want := []int{256, 512, 1024, 2048, 4096, 8192}; !slices.Equal(caps, want) {
		t.Errorf("slab sizes %v, want %v", caps, want)
	}
	for range 2000 {
		u.votes(20)
	}
	if cap(u.slab) != maxSlab {
		t.Errorf("slab %d votes after a long read, want the largest, %d", cap(u.slab), maxSlab)
	}
	if big := u.votes(maxSlab + 1); len(big) != maxSlab+1 || cap(u.slab) != maxSlab+1 {
		t.Errorf("a sheet larger than the largest slab: %d votes, slab %d", len(big), cap(u.slab))
	}
}
