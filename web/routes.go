package web

import "net/http"

// routes is the whole route table. s.user wraps a route that needs a
// bearer token; s.write takes one of the bounded write slots. Roles are
// decided by the Center. The statuses after a handler are the ones its
// metrics are resolved for at start.
func (s *Server) routes() {
	s.handle("POST /api/v1/submissions", s.user(s.write(s.submit)), http.StatusCreated, http.StatusOK)
	s.handle("POST /api/v1/submissions/batch", s.user(s.write(s.submitBatch)), http.StatusCreated)
	s.handle("GET /api/v1/submissions/{id}", s.user(s.getSubmission), http.StatusOK)

	s.handle("GET /api/v1/races", s.user(s.listRaces), http.StatusOK)
	s.handle("GET /api/v1/races/{race}", s.user(s.getRace), http.StatusOK)
	s.handle("GET /api/v1/races/{race}/totals/{area}", s.user(s.getTotals), http.StatusOK)
	s.handle("GET /api/v1/races/{race}/conflicts", s.user(s.listConflicts), http.StatusOK)
	s.handle("GET /api/v1/races/{race}/boxes/{box}", s.user(s.getBox), http.StatusOK)
	s.handle("POST /api/v1/races/{race}/boxes/{box}/adjudication", s.user(s.write(s.adjudicate)), http.StatusCreated)
	s.handle("GET /api/v1/races/{race}/comparison/{area}", s.user(s.getComparison), http.StatusOK)

	s.handle("GET /api/v1/races/{race}/anomalies/{area}", s.user(s.getAnomalies), http.StatusOK)
	s.handle("GET /api/v1/anomaly-thresholds", s.user(s.getThresholds), http.StatusOK)
	s.handle("PUT /api/v1/anomaly-thresholds", s.user(s.write(s.putThresholds)), http.StatusOK)
	s.handle("GET /api/v1/races/{race}/margins", s.user(s.getMargins), http.StatusOK)
	s.handle("POST /api/v1/races/{race}/cases/from-discrepancies", s.user(s.write(s.casesFromDiscrepancies)), http.StatusCreated)

	s.handle("GET /api/v1/cases", s.user(s.listCases), http.StatusOK)
	s.handle("POST /api/v1/cases", s.user(s.write(s.createCase)), http.StatusCreated)
	s.handle("GET /api/v1/cases/{id}", s.user(s.getCase), http.StatusOK)
	s.handle("POST /api/v1/cases/{id}/changes", s.user(s.write(s.changeCase)), http.StatusOK)
	s.handle("POST /api/v1/cases/{id}/evidence", s.user(s.write(s.addEvidence)), http.StatusCreated)
	s.handle("GET /api/v1/cases/{id}/petition", s.user(s.getPetition), http.StatusOK)
	s.handle("GET /api/v1/evidence/{sha256}", s.user(s.getEvidence), http.StatusOK)
	s.handle("GET /api/v1/deadlines", s.user(s.getDeadlines), http.StatusOK)

	s.handle("GET /api/v1/areas", s.user(s.listAreas), http.StatusOK)
	s.handle("GET /api/v1/areas/{code}", s.user(s.getArea), http.StatusOK)

	s.handle("GET /api/v1/openapi.yaml", s.openAPI, http.StatusOK)
	s.handle("GET /healthz", s.healthz, http.StatusOK)
	s.handle("GET /metrics", s.serveMetrics, http.StatusOK)

	// Pages: s.page needs a session (else the login page) and refuses
	// cross-origin posts; coord limits a page to coordinators and admins.
	s.handle("GET /login", s.loginPage, http.StatusOK)
	s.handle("POST /login", s.login, http.StatusSeeOther, http.StatusUnauthorized)
	s.handle("POST /logout", s.logout, http.StatusSeeOther)
	s.handle("GET /lang/{lang}", s.setLang, http.StatusSeeOther)
	s.handle("GET /static/", s.static(), http.StatusOK)
	s.handle("GET /{$}", s.page(s.home), http.StatusSeeOther)
	s.handle("GET /races/{race}/areas/{area}", s.page(coord(s.overview)), http.StatusOK)
	s.handle("GET /races/{race}/areas/{area}/live", s.page(coord(s.liveOverview)), http.StatusOK)
	s.handle("GET /races/{race}/areas/{area}/export.csv", s.page(coord(s.exportCSV)), http.StatusOK)
	s.handle("GET /races/{race}/areas/{area}/export.xlsx", s.page(coord(s.exportXLSX)), http.StatusOK)
	s.handle("GET /races/{race}/boxes/{box}", s.page(s.boxPage), http.StatusOK)
	s.handle("GET /races/{race}/boxes/{box}/live", s.page(s.liveBox), http.StatusOK)
	s.handle("POST /races/{race}/boxes/{box}/adjudicate", s.page(coord(s.adjudicatePage)), http.StatusSeeOther)
	s.handle("GET /races/{race}/conflicts", s.page(coord(s.conflicts)), http.StatusOK)
	s.handle("GET /races/{race}/conflicts/live", s.page(coord(s.liveConflicts)), http.StatusOK)
	s.handle("GET /races/{race}/areas/{area}/comparison", s.page(seesAll(s.comparisonPage)), http.StatusOK)
	s.handle("GET /races/{race}/areas/{area}/comparison.csv", s.page(seesAll(s.comparisonCSV)), http.StatusOK)
	s.handle("POST /races/{race}/areas/{area}/comparison/thresholds", s.page(coord(s.write(s.saveThresholdsPage))), http.StatusSeeOther, http.StatusUnprocessableEntity, http.StatusConflict)
	s.handle("POST /races/{race}/areas/{area}/cases", s.page(managesCases(s.write(s.draftCases))), http.StatusSeeOther)
	s.handle("GET /itiraz", s.page(managesCases(s.casesPage)), http.StatusOK)
	s.handle("GET /itiraz.csv", s.page(managesCases(s.casesCSV)), http.StatusOK)
	s.handle("GET /itiraz/{id}", s.page(managesCases(s.casePage)), http.StatusOK)
	s.handle("POST /itiraz/{id}", s.page(managesCases(s.write(s.changeCasePage))), http.StatusSeeOther)
	s.handle("POST /itiraz/{id}/evidence", s.page(managesCases(s.write(s.addEvidencePage))), http.StatusSeeOther)
	s.handle("GET /itiraz/{id}/petition", s.page(managesCases(s.getPetition)), http.StatusOK)
	s.handle("GET /evidence/{sha256}", s.page(managesCases(s.getEvidence)), http.StatusOK)
	s.handle("GET /entry", s.page(s.entryPage), http.StatusOK)
	s.handle("GET /entry/boxes", s.page(s.searchBoxes), http.StatusOK)
	s.handle("POST /entry", s.page(s.write(s.submitEntry)), http.StatusCreated, http.StatusOK, http.StatusUnprocessableEntity)

	s.handle("/", s.notFound)
}
