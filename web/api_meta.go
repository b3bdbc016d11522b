package web

import (
	_ "embed"
	"net/http"
	"strconv"
)

//go:embed openapi.yaml
var openAPISpec []byte

// openAPI serves the API's description; it needs no token.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h["Content-Type"] = []string{"application/yaml; charset=utf-8"}
	h["Content-Length"] = []string{strconv.Itoa(len(openAPISpec))}
	h["Cache-Control"] = []string{"public, max-age=300"}
	w.WriteHeader(http.StatusOK)
	w.Write(openAPISpec)
	return nil
}

// healthz tells a load balancer the server is up and how far the tally is.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	out := struct {
		Status string `json:"status"`
		Seq    int64  `json:"seq"`
		Error  string `json:"error,omitempty"`
	}{"ok", s.c.Seq(), ""}
	code := http.StatusOK
	if err := s.c.Err(); err != nil {
		// The live totals have stopped following the log: take this
		// instance out of rotation rather than show stale figures.
		out.Status, out.Error, code = "degraded", "the live totals are not following the log", http.StatusServiceUnavailable
		s.log.Error("healthz", "err", err)
	}
	s.writeJSON(w, code, out)
	return nil
}
