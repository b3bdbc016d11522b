package web

import "net/http"

// routes is the whole route table. s.user wraps a route that needs a
// bearer token; s.write takes one of the bounded write slots. Roles are
// decided by the Center. The statuses after a handler are the ones its
// metrics are resolved for at start.
func (s *Server) routes() {
	s.handle("POST /api/v1/submissions", s.user(s.write(s.submit)), http.StatusCreated, http.StatusOK)
	s.handle("POST /api/v1/submissions/batch", s.user(s.write(s.submitBatch)), http.StatusCreated)
	if s.submission != nil {
		s.handle("GET /api/v1/submissions/{id}", s.user(s.getSubmission), http.StatusOK)
	}

	s.handle("GET /api/v1/races", s.user(s.listRaces), http.StatusOK)
	s.handle("GET /api/v1/races/{race}", s.user(s.getRace), http.StatusOK)
	s.handle("GET /api/v1/races/{race}/totals/{area}", s.user(s.getTotals), http.StatusOK)
	s.handle("GET /api/v1/races/{race}/conflicts", s.user(s.listConflicts), http.StatusOK)
	s.handle("GET /api/v1/races/{race}/boxes/{box}", s.user(s.getBox), http.StatusOK)
	s.handle("POST /api/v1/races/{race}/boxes/{box}/adjudication", s.user(s.write(s.adjudicate)), http.StatusCreated)

	s.handle("GET /api/v1/areas", s.user(s.listAreas), http.StatusOK)
	s.handle("GET /api/v1/areas/{code}", s.user(s.getArea), http.StatusOK)

	s.handle("GET /api/v1/openapi.yaml", s.openAPI, http.StatusOK)
	s.handle("GET /healthz", s.healthz, http.StatusOK)
	s.handle("GET /metrics", s.serveMetrics, http.StatusOK)
	s.handle("/", s.notFound)
}
