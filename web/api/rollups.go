package api

import (
	"fmt"
	"net/http"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
)

// rollupJSON is a roll-up across the races of one kind, unofficial like
// every total Sandık adds up, saying how many boxes are verified.
type rollupJSON struct {
	Unofficial bool   `json:"unofficial"`
	Notice     string `json:"notice"`
	center.RollupReport
}

// getRollup answers /elections/{election}/rollups/{kind} (the whole
// election) and …/{kind}/{area}.
func (a *API) getRollup(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	v := a.c.View(u)
	kind := r.PathValue("kind")
	if err := sandik.ValidateCode(kind); err != nil {
		return sandik.Invalid("invalid race kind", []sandik.Problem{{Field: "kind", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("race kind %q %v", kind, err)}})
	}
	rep, err := v.Rollup(sandik.ElectionCode(r.PathValue("election")), kind, sandik.AreaCode(r.PathValue("area")))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, rollupJSON{
		Unofficial: true,
		Notice: fmt.Sprintf("Unofficial: %d races of kind %q added up; %d of %d boxes verified, %d with official figures. Only the YSK's results are official.%s",
			rep.Races, rep.Kind, rep.BoxesVerified, rep.BoxesExpected, rep.BoxesOfficial, blindNote(u)),
		RollupReport: rep,
	})
	return nil
}
