package api

import (
	"net/http"
	"strconv"
)

// openAPI serves the API's description; it needs no token.
func (a *API) openAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h["Content-Type"] = []string{"application/yaml; charset=utf-8"}
	h["Content-Length"] = []string{strconv.Itoa(len(a.cfg.OpenAPI))}
	h["Cache-Control"] = []string{"public, max-age=300"}
	w.WriteHeader(http.StatusOK)
	w.Write(a.cfg.OpenAPI)
	return nil
}

// healthz tells a load balancer the server is up and how far the tally is.
func (a *API) healthz(w http.ResponseWriter, r *http.Request) error {
	out := struct {
		Status string `json:"status"`
		Seq    int64  `json:"seq"`
		Error  string `json:"error,omitempty"`
	}{"ok", a.c.Seq(), ""}
	code := http.StatusOK
	if err := a.c.Err(); err != nil {
		// The live totals have stopped following the log: take this
		// instance out of rotation rather than show stale figures.
		out.Status, out.Error, code = "degraded", "the live totals are not following the log", http.StatusServiceUnavailable
		a.b.Log().Error("healthz", "err", err)
	}
	a.b.WriteJSON(w, code, out)
	return nil
}
