package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/sandik-dev/sandik"
)

// The writes other than submissions are leaves too. Their content hash
// is over a canonical encoding of what the application reads back, so an
// audit recomputes it from the store's rows:
//
//   - an objection event (append-only): every event is checked;
//   - a user and a setting (changed in place): each change is a leaf, and
//     the latest leaf of each must hash the row as it stands; older leaves
//     are history that the signed tree holds.

// CaseEventRecord is the leaf of an event of an objection case: its id is
// the case and the version ("C-12#3"), its seq the version, its content
// the event as JSON.
func CaseEventRecord(e sandik.CaseEvent) (Record, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return Record{}, fmt.Errorf("ledger: encode event %d of case %s: %w", e.Version, e.Case, err)
	}
	return Record{Kind: KindObjection, ID: fmt.Sprintf("%s#%d", e.Case, e.Version), Seq: int64(e.Version), ContentHash: sha256.Sum256(b)}, nil
}

// UserRecord is the leaf of a user as they stand after a change: id,
// name, role, areas (in byte order), the hash of their token, so that
// a token replaced or revoked is a leaf too, and the person they are
// linked to and whether they were removed.
func UserRecord(u sandik.User, tokenHash [32]byte) Record {
	areas := make([]string, len(u.Areas))
	for i, a := range u.Areas {
		areas[i] = string(a)
	}
	slices.Sort(areas)
	h := sha256.New()
	field := func(s string) {
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(s))))
		h.Write([]byte(s))
	}
	field("user/1")
	field(string(u.ID))
	field(u.Name)
	field(string(u.Role))
	h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(areas))))
	for _, a := range areas {
		field(a)
	}
	h.Write(tokenHash[:])
	// A link to a person and a removal came later: a user with neither
	// hashes as before, so that older logs still audit.
	if u.Person != "" || u.Removed {
		field("person")
		field(string(u.Person))
		if u.Removed {
			field("removed")
		}
	}
	return Record{Kind: KindUser, ID: string(u.ID), ContentHash: [32]byte(h.Sum(nil))}
}

// SettingRecord is the leaf of a setting (the anomaly thresholds) as saved:
// its id the key, its seq the version, its content the value with who
// saved it and when.
func SettingRecord(st sandik.Setting) Record {
	h := sha256.New()
	field := func(s string) {
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(s))))
		h.Write([]byte(s))
	}
	field("setting/1")
	field(st.Key)
	field(string(st.Value))
	field(string(st.UpdatedBy))
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(st.UpdatedAt.UnixNano())))
	return Record{Kind: KindThreshold, ID: st.Key, Seq: int64(st.Version), ContentHash: [32]byte(h.Sum(nil))}
}
