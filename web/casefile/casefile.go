// Package casefile serves the documents of an objection (itiraz) case the
// same way to the API and to the pages: the petition (dilekçe) to print
// and sign, the evidence attached to it, and the list of cases as a
// spreadsheet. Both rooms route to these handlers, each behind its own
// sign-in.
package casefile

import (
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
)

// CanManage refuses those who do not handle objections, before anything
// about a case is read.
func CanManage(u sandik.User) error {
	if !u.Role.CanManageCases() {
		return sandik.Errorf(sandik.EForbidden, "objections are for lawyers, coordinators and admins")
	}
	return nil
}

// Case is a case with what its deadline means now, as the API answers it
// and the spreadsheet lists it.
type Case struct {
	*itiraz.Case
	Late bool `json:"late"`
}

// At is c as it stands at now.
func At(c *itiraz.Case, now time.Time) Case {
	return Case{Case: c, Late: c.Late(now)}
}
