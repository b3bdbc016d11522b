package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"strconv"
	"time"

	"github.com/sandik-dev/sandik"
)

// The organisation's records are one kind, told apart by the prefix of
// their id ("unit/34", "person/k-1", "kind/avukat", "position/g-9").
// Units, people and kinds are written once; a term changes in place when
// it ends, so, like a user, the latest leaf of each id must hash the row
// as it stands.

// Prefixes of the ids of the organisation's records.
const (
	OrgUnitPrefix     = "unit/"
	OrgPersonPrefix   = "person/"
	OrgKindPrefix     = "kind/"
	OrgPositionPrefix = "position/"
)

// orgHash hashes length-prefixed fields after a tag naming the record
// and its layout.
type orgHash struct{ h hash.Hash }

func newOrgHash(tag string) orgHash {
	o := orgHash{sha256.New()}
	o.field(tag)
	return o
}

func (o orgHash) field(s string) {
	o.h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(s))))
	o.h.Write([]byte(s))
}

func (o orgHash) record(id string) Record {
	return Record{Kind: KindOrg, ID: id, ContentHash: [32]byte(o.h.Sum(nil))}
}

// UnitRecord is the leaf of a unit.
func UnitRecord(u sandik.Unit) Record {
	h := newOrgHash("unit/1")
	for _, f := range []string{string(u.Code), string(u.Kind), u.Name, string(u.Parent), string(u.Area)} {
		h.field(f)
	}
	return h.record(OrgUnitPrefix + string(u.Code))
}

// PersonRecord is the leaf of a person: the content hash only, so that
// the log holds none of their data and an erased person leaves a hash
// nothing can be read from.
func PersonRecord(p sandik.Person) Record {
	h := newOrgHash("person/1")
	for _, f := range []string{string(p.ID), p.Name, p.Email, string(p.Home), p.Note, p.Purpose, string(p.Consent)} {
		h.field(f)
	}
	h.h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(p.Phones))))
	for _, ph := range p.Phones {
		h.field(ph)
	}
	return h.record(OrgPersonPrefix + string(p.ID))
}

// ErasedPersonRecord is the leaf of a person erased: the record as it
// stands after erasure, which holds none of their data, under a layout
// of its own (PersonRecord hashes a record never erased, as before).
func ErasedPersonRecord(p sandik.Person) Record {
	h := newOrgHash("person/erased/1")
	// Every field, the emptied ones too, so that data put back into an
	// erased record is a fault of the audit.
	for _, f := range []string{string(p.ID), p.Name, p.Email, string(p.Home), p.Note, p.Purpose, string(p.Consent), string(p.Erased), p.EraseReason} {
		h.field(f)
	}
	h.h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(p.Phones))))
	for _, ph := range p.Phones {
		h.field(ph)
	}
	return h.record(OrgPersonPrefix + string(p.ID))
}

// PersonLeaf is the leaf of p as it stands, erased or not.
func PersonLeaf(p sandik.Person) Record {
	if p.Erased != "" {
		return ErasedPersonRecord(p)
	}
	return PersonRecord(p)
}

// ContactViewPrefix begins the id of a view of a person's contacts.
const ContactViewPrefix = "view/"

// ContactViewRecord is the leaf of a view of a person's contacts,
// written once: who, whose, when, which fields.
func ContactViewRecord(v sandik.ContactView) Record {
	h := newOrgHash("view/1")
	h.field(string(v.User))
	h.field(string(v.Person))
	h.h.Write(binary.BigEndian.AppendUint64(nil, uint64(v.At.UnixNano())))
	h.h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(v.Fields))))
	for _, f := range v.Fields {
		h.field(string(f))
	}
	r := h.record(ContactViewPrefix + strconv.FormatInt(v.Seq, 10))
	r.Seq = v.Seq
	return r
}

// PositionKindRecord is the leaf of a kind of position added.
func PositionKindRecord(k sandik.PositionKind) Record {
	h := newOrgHash("kind/1")
	h.field(string(k.Code))
	h.field(k.Name)
	if k.OneHolder {
		h.field("1")
	} else {
		h.field("0")
	}
	return h.record(OrgKindPrefix + string(k.Code))
}

// PositionRecord is the leaf of a term as it stands: a new one, or one
// ended.
func PositionRecord(p sandik.Position) Record {
	h := newOrgHash("position/1")
	for _, f := range []string{string(p.ID), string(p.Kind), string(p.Unit), string(p.Person), string(p.Start), string(p.End), string(p.Source), p.EndReason} {
		h.field(f)
	}
	return h.record(OrgPositionPrefix + string(p.ID))
}

// Prefixes of the ids of municipalities and the versions of their terms
// ("municipality/34", "municipal-term/34/2024-03-31/2"). A version is
// written once and never changed: a correction is the next version.
const (
	MunicipalityPrefix  = "municipality/"
	MunicipalTermPrefix = "municipal-term/"
)

// MunicipalityRecord is the leaf of a municipality.
func MunicipalityRecord(m sandik.Municipality) Record {
	h := newOrgHash("municipality/1")
	for _, f := range []string{string(m.Code), string(m.Kind), m.Name, string(m.Area), string(m.Province)} {
		h.field(f)
	}
	return h.record(MunicipalityPrefix + string(m.Code))
}

// MunicipalTermRecord is the leaf of one version of a term.
func MunicipalTermRecord(t sandik.MunicipalTerm) Record {
	h := newOrgHash("municipal-term/1")
	for _, f := range []string{string(t.Municipality), string(t.Election), strconv.Itoa(t.Version), string(t.Day), t.Mayor,
		string(t.MayorPerson), string(t.Party), strconv.FormatInt(t.MarginVotes, 10), strconv.FormatFloat(t.MarginPoints, 'g', -1, 64),
		string(t.Source), string(t.Race), t.Reason, string(t.SavedBy), strconv.FormatInt(t.SavedAt.UnixNano(), 10)} {
		h.field(f)
	}
	h.h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(t.Council))))
	for _, c := range t.Council {
		h.field(c.Name)
		h.field(string(c.Person))
		h.field(string(c.Party))
	}
	return h.record(fmt.Sprintf("%s%s/%s/%d", MunicipalTermPrefix, t.Municipality, t.Election, t.Version))
}

// Prefixes of the ids of the records of rights: a row of the table of
// kinds' rights, and an explicit grant (which changes in place when
// revoked).
const (
	OrgRightPrefix = "right/"
	OrgGrantPrefix = "grant/"
)

// KindRightRecord is the leaf of a row of the table of kinds' rights.
func KindRightRecord(r sandik.KindRight) Record {
	h := newOrgHash("right/1")
	h.field(string(r.Kind))
	h.field(string(r.Role))
	return h.record(OrgRightPrefix + string(r.Kind))
}

// GrantRecord is the leaf of a grant as it stands: new, or revoked.
func GrantRecord(g sandik.Grant) Record {
	h := newOrgHash("grant/1")
	for _, f := range []string{string(g.ID), string(g.User), string(g.Role), g.Reason, string(g.GrantedBy), string(g.RevokedBy)} {
		h.field(f)
	}
	h.h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(g.Areas))))
	for _, a := range g.Areas {
		h.field(string(a))
	}
	for _, t := range []int64{g.From.UnixNano(), g.Until.UnixNano(), nanos(g.Revoked)} {
		h.h.Write(binary.BigEndian.AppendUint64(nil, uint64(t)))
	}
	return h.record(OrgGrantPrefix + string(g.ID))
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}
