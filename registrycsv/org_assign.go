package registrycsv

import (
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/msg"
)

// OrgAssignmentsFile lists who stands at which box of which election:
// seçim,sandık,kişi[,not]. When and by whom are the importer's, not the
// file's, so an export read back gives the same file.
const OrgAssignmentsFile = "gorevlendirmeler.csv"

var orgAssignHead = []string{msg.T(msg.TR, "cov.col.election"), msg.T(msg.TR, "cov.col.box"), msg.T(msg.TR, "org.col.person"), msg.T(msg.TR, "org.col.note")}

// assignFields names the column of each field of an assignment.
var assignFields = map[string]string{"election": "secim", "box": "sandik", "person": "kisi", "note": "not"}

// readAssignment reads one row of the file; checked is told its own
// fields' problems (a placeholder stands for when and by whom).
func readAssignment(rec []string, col func(string) int) (sandik.Assignment, error) {
	a := sandik.Assignment{Election: sandik.ElectionCode(field(rec, col("secim"))), Box: sandik.AreaCode(field(rec, col("sandik"))),
		Person: sandik.PersonID(field(rec, col("kisi"))), Note: field(rec, col("not"))}
	probe := a
	probe.AssignedAt, probe.AssignedBy = time.Unix(0, 1), "import"
	return a, probe.Validate()
}

// assignmentKey is what may not repeat within the file.
func assignmentKey(a sandik.Assignment) string {
	return string(a.Election) + "/" + string(a.Box) + "/" + string(a.Person)
}

func writeAssignments(emit func(...string), as []sandik.Assignment) {
	emit(orgAssignHead...)
	for _, a := range as {
		emit(string(a.Election), string(a.Box), string(a.Person), a.Note)
	}
}
