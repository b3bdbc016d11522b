package sqlite

import (
	"encoding/binary"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// Every submission row carries, besides its typed columns, a packed copy
// of the whole submission in the column "packed". Reading a column through
// the driver costs about 160 ns (each call takes the connection mutex), so
// reading twenty columns made the start-up rebuild of two million rows take
// eight seconds; reading seq and packed takes under two. The typed columns
// stay for indexes, constraints and people querying the file by hand. Both
// are written by the same INSERT from the same values and the log is never
// updated, so they cannot drift apart; Check verifies it anyway.
//
// Format 1:
//
//	byte     1
//	uvarint  len(id), len(race), len(box), len(user), len(source), len(reason)
//	bytes    id box user reason   (one run, so one string allocation)
//	bytes    race source          (few distinct values; interned)
//	uvarint  kind, warnings
//	varint   captured_at, received_at (Unix ns, 0 for the zero time)
//	varint   the seven sheet numbers in paper order
//	uvarint  number of votes, then one varint each
//	[32]byte hash
const packedFormat = 1

func pack(s *sandik.Submission, receivedAt int64) []byte {
	t := &s.Sheet
	b := make([]byte, 0, 96+len(s.ID)+len(s.Race)+len(s.Box)+len(s.User)+len(s.Reason)+3*len(t.Votes))
	b = append(b, packedFormat)
	for _, n := range []int{len(s.ID), len(s.Race), len(s.Box), len(s.User), len(s.Source), len(s.Reason)} {
		b = binary.AppendUvarint(b, uint64(n))
	}
	b = append(b, s.ID...)
	b = append(b, s.Box...)
	b = append(b, s.User...)
	b = append(b, s.Reason...)
	b = append(b, s.Race...)
	b = append(b, s.Source...)
	b = binary.AppendUvarint(b, uint64(s.Kind))
	b = binary.AppendUvarint(b, uint64(s.Warnings))
	b = binary.AppendVarint(b, sqlstore.Nanos(s.CapturedAt))
	b = binary.AppendVarint(b, receivedAt)
	for _, v := range [...]int64{t.Registered, t.VotedByLaw, t.Voted, t.ValidWithoutObjection, t.ValidUponObjection, t.ValidTotal, t.Invalid} {
		b = binary.AppendVarint(b, v)
	}
	b = binary.AppendUvarint(b, uint64(len(t.Votes)))
	b = appendVotes(b, t.Votes)
	return append(b, s.Hash[:]...)
}

// unpacker decodes packed rows, sharing memory between rows of one read:
// votes come from a slab, and race and source codes are interned.
// The votes slab's first and largest sizes.
const minSlab, maxSlab = 256, 16384

type unpacker struct {
	slab   []int64
	intern map[string]string
}

// errPacked reports a packed submission that cannot be decoded.
const errPacked = packedError("packed submission is malformed")

type packedError string

func (e packedError) Error() string { return string(e) }

func (u *unpacker) unpack(b []byte, s *sandik.Submission) error {
	if len(b) == 0 || b[0] != packedFormat {
		return fmt.Errorf("%w: unknown format", errPacked)
	}
	d := decoder{b: b[1:]}
	var lens [6]int
	for i := range lens {
		n := d.uvarint()
		if n > uint64(len(b)) {
			return errPacked
		}
		lens[i] = int(n)
	}
	run := string(d.take(lens[0] + lens[2] + lens[3] + lens[5]))
	if d.err != nil {
		return errPacked
	}
	s.ID = sandik.SubmissionID(run[:lens[0]])
	run = run[lens[0]:]
	s.Box = sandik.AreaCode(run[:lens[2]])
	run = run[lens[2]:]
	s.User = sandik.UserID(run[:lens[3]])
	s.Reason = run[lens[3]:]
	s.Race = sandik.RaceCode(u.interned(d.take(lens[1])))
	s.Source = sandik.Source(u.interned(d.take(lens[4])))
	s.Kind = sandik.Kind(d.uvarint())
	s.Warnings = sandik.Warnings(d.uvarint())
	s.CapturedAt = sqlstore.Time(d.varint())
	s.ReceivedAt = sqlstore.Time(d.varint())
	t := &s.Sheet
	for _, p := range [...]*int64{&t.Registered, &t.VotedByLaw, &t.Voted, &t.ValidWithoutObjection, &t.ValidUponObjection, &t.ValidTotal, &t.Invalid} {
		*p = d.varint()
	}
	n := d.uvarint()
	if d.err != nil || len(d.b) < 32 || n > uint64(len(d.b)-32) {
		return errPacked
	}
	t.Votes = u.votes(int(n))
	for i := range t.Votes {
		t.Votes[i] = d.varint()
	}
	if d.err != nil || len(d.b) != 32 {
		return errPacked
	}
	copy(s.Hash[:], d.b)
	return nil
}

// votes returns n zeroed votes carved from the slab, so that a page of the
// log costs a few large allocations rather than one per row. The slab
// starts small and doubles up to 16,384 votes: the tally's follower reads
// a few dozen rows after each commit, and a slab of the largest size for
// each such page was a sixth of all the server allocated during a night.
func (u *unpacker) votes(n int) []int64 {
	if n == 0 {
		return nil
	}
	if cap(u.slab)-len(u.slab) < n {
		u.slab = make([]int64, 0, max(n, min(2*cap(u.slab), maxSlab), minSlab))
	}
	start := len(u.slab)
	u.slab = u.slab[:start+n]
	return u.slab[start : start+n : start+n]
}

func (u *unpacker) interned(b []byte) string {
	if s, ok := u.intern[string(b)]; ok {
		return s
	}
	if u.intern == nil {
		u.intern = make(map[string]string)
	}
	s := string(b)
	if len(u.intern) < 4096 {
		u.intern[s] = s
	}
	return s
}

// decoder reads varints, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err, d.b = errPacked, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err, d.b = errPacked, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) take(n int) []byte {
	if n > len(d.b) {
		d.err, d.b = errPacked, nil
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

// Votes in their own column are one zig-zag varint per choice in ballot
// order: a box's counts fit in one to three bytes each.
func appendVotes(dst []byte, votes []int64) []byte {
	for _, v := range votes {
		dst = binary.AppendVarint(dst, v)
	}
	return dst
}
