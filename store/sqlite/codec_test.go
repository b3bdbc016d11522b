package sqlite

import (
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
