package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cdf"
	"github.com/sandik-dev/sandik/csvcell"
)

// getOpenData exports the per-box figures of an election over an area,
// official and verified with provenance: NIST SP 1500-100 JSON by
// default, ?format=csv for the long CSV.
func (a *API) getOpenData(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" {
		return sandik.Invalid("invalid format", []sandik.Problem{{Field: "format", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("format %q is not json or csv", format)}})
	}
	in, err := a.c.View(u).OpenData(r.Context(), sandik.ElectionCode(r.PathValue("election")), sandik.AreaCode(r.PathValue("area")))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	name := fmt.Sprintf("sandik-%s-%s", in.Election.Code, in.Scope)
	if format == "csv" {
		// Names are anyone's text: a cell that a spreadsheet would run as a
		// formula is quoted as text (csvcell).
		if err := cdf.WriteCSV(&buf, in, csvcell.Cell); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		name += ".csv"
	} else {
		if err := cdf.WriteJSON(&buf, in); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json")
		name += ".cdf.json"
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}
