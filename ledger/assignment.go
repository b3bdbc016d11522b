package ledger

import (
	"encoding/binary"

	"github.com/sandik-dev/sandik"
)

// An assignment of a person to a box is an organisation record with the
// id "assignment/ELECTION/BOX/PERSON" (codes hold no slash). Removing one
// deletes its row and writes a tombstone leaf computed from the id alone,
// so that the audit can tell a removal from a row lost behind the log's
// back without the log holding anything about the person.

// OrgAssignmentPrefix begins the ids of assignments.
const OrgAssignmentPrefix = "assignment/"

// AssignmentID is the record id of the assignment of person to box for
// election.
func AssignmentID(election sandik.ElectionCode, box sandik.AreaCode, person sandik.PersonID) string {
	return OrgAssignmentPrefix + string(election) + "/" + string(box) + "/" + string(person)
}

// AssignmentRecord is the leaf of an assignment as stored.
func AssignmentRecord(a sandik.Assignment) Record {
	h := newOrgHash("assignment/1")
	for _, f := range []string{string(a.Election), string(a.Box), string(a.Person), string(a.AssignedBy), a.Note} {
		h.field(f)
	}
	h.h.Write(binary.BigEndian.AppendUint64(nil, uint64(a.AssignedAt.UnixNano())))
	return h.record(AssignmentID(a.Election, a.Box, a.Person))
}

// AssignmentRemovedRecord is the leaf of the removal of the assignment
// whose record id is id.
func AssignmentRemovedRecord(id string) Record {
	h := newOrgHash("assignment-removed/1")
	h.field(id)
	return h.record(id)
}
