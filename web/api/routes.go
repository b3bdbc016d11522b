package api

import (
	"net/http"

	"github.com/sandik-dev/sandik/web/casefile"
)

// routes is the API's whole route table. a.b.User wraps a route that
// needs a bearer token; a.b.Write takes one of the bounded write slots; told answers refused
// sheets and boxes in the reader's language.
// Roles and areas are decided by the Center. The statuses after a
// handler are the ones its metrics are resolved for at start.
func (a *API) routes() {
	user, write := a.b.User, a.b.Write
	handle := a.b.Handle

	handle("POST /api/v1/submissions", user(write(told(a.submit))), http.StatusCreated, http.StatusOK)
	handle("POST /api/v1/submissions/batch", user(write(told(a.submitBatch))), http.StatusCreated)
	handle("GET /api/v1/submissions/{id}", user(told(a.getSubmission)), http.StatusOK)

	handle("GET /api/v1/races", user(a.listRaces), http.StatusOK)
	handle("GET /api/v1/races/{race}", user(a.getRace), http.StatusOK)
	handle("GET /api/v1/races/{race}/totals/{area}", user(a.getTotals), http.StatusOK)
	handle("GET /api/v1/races/{race}/conflicts", user(a.listConflicts), http.StatusOK)
	handle("GET /api/v1/races/{race}/boxes/{box}", user(told(a.getBox)), http.StatusOK)
	handle("POST /api/v1/races/{race}/boxes/{box}/adjudication", user(write(told(a.adjudicate))), http.StatusCreated)
	handle("GET /api/v1/races/{race}/comparison/{area}", user(a.getComparison), http.StatusOK)

	handle("GET /api/v1/races/{race}/anomalies/{area}", user(a.getAnomalies), http.StatusOK)
	handle("GET /api/v1/anomaly-thresholds", user(a.getThresholds), http.StatusOK)
	handle("PUT /api/v1/anomaly-thresholds", user(write(a.putThresholds)), http.StatusOK)
	handle("GET /api/v1/races/{race}/margins", user(a.getMargins), http.StatusOK)
	handle("POST /api/v1/races/{race}/cases/from-discrepancies", user(write(a.casesFromDiscrepancies)), http.StatusCreated)

	handle("GET /api/v1/cases", user(a.listCases), http.StatusOK)
	handle("POST /api/v1/cases", user(write(a.createCase)), http.StatusCreated)
	handle("GET /api/v1/cases/{id}", user(a.getCase), http.StatusOK)
	handle("POST /api/v1/cases/{id}/changes", user(write(a.changeCase)), http.StatusOK)
	handle("POST /api/v1/cases/{id}/evidence", user(write(a.addEvidence)), http.StatusCreated)
	handle("GET /api/v1/cases/{id}/petition", user(casefile.Petition(a.c, a.now)), http.StatusOK)
	handle("GET /api/v1/evidence/{sha256}", user(casefile.Evidence(a.c)), http.StatusOK)
	handle("GET /api/v1/deadlines", user(a.getDeadlines), http.StatusOK)

	handle("GET /api/v1/log/checkpoint", user(a.getCheckpoint), http.StatusOK)
	handle("GET /api/v1/log/proof", user(a.getProof), http.StatusOK)

	handle("GET /api/v1/areas", user(a.listAreas), http.StatusOK)
	handle("GET /api/v1/areas/{code}", user(a.getArea), http.StatusOK)

	handle("GET /api/v1/units", user(a.listUnits), http.StatusOK)
	handle("POST /api/v1/units", user(write(a.createUnit)), http.StatusCreated)
	handle("GET /api/v1/units/{code}", user(a.getUnit), http.StatusOK)
	handle("GET /api/v1/people", user(a.listPeople), http.StatusOK)
	handle("POST /api/v1/people", user(write(a.createPerson)), http.StatusCreated)
	handle("GET /api/v1/people/{id}", user(a.getPerson), http.StatusOK)
	handle("DELETE /api/v1/people/{id}", user(write(a.erasePerson)), http.StatusOK)
	handle("GET /api/v1/people/{id}/export", user(a.exportPerson), http.StatusOK)
	handle("GET /api/v1/contact-views", user(a.listContactViews), http.StatusOK)
	handle("GET /api/v1/positions", user(a.listPositions), http.StatusOK)
	handle("POST /api/v1/positions", user(write(a.createPosition)), http.StatusCreated)
	handle("POST /api/v1/positions/{id}/end", user(write(a.endPosition)), http.StatusOK)

	handle("GET /api/v1/municipalities", user(a.listMunicipalities), http.StatusOK)
	handle("GET /api/v1/municipalities/summary", user(a.municipalSummary), http.StatusOK)
	handle("POST /api/v1/municipalities/fill", user(write(a.fillMunicipalities)), http.StatusOK)
	handle("GET /api/v1/municipalities/{code}", user(a.getMunicipality), http.StatusOK)
	handle("PUT /api/v1/municipalities/{code}/terms/{election}", user(write(a.putMunicipalTerm)), http.StatusOK)
	handle("GET /api/v1/org/party", user(a.getParty), http.StatusOK)
	handle("PUT /api/v1/org/party", user(write(a.putParty)), http.StatusOK)
	handle("GET /api/v1/users", user(a.listUsers), http.StatusOK)
	handle("POST /api/v1/users", user(write(a.createUser)), http.StatusCreated)
	handle("DELETE /api/v1/users/{id}", user(write(a.removeUser)), http.StatusNoContent)
	handle("PUT /api/v1/users/{id}/person", user(write(a.linkUser)), http.StatusOK)
	handle("GET /api/v1/users/{id}/grants", user(a.listGrants), http.StatusOK)
	handle("POST /api/v1/users/{id}/grants", user(write(a.createGrant)), http.StatusCreated)
	handle("DELETE /api/v1/users/{id}/grants/{grant}", user(write(a.revokeGrant)), http.StatusOK)
	handle("GET /api/v1/elections/{election}/assignments", user(a.listAssignments), http.StatusOK)
	handle("POST /api/v1/elections/{election}/assignments", user(write(a.createAssignment)), http.StatusCreated)
	handle("DELETE /api/v1/elections/{election}/assignments/{box}/{person}", user(write(a.deleteAssignment)), http.StatusNoContent)
	handle("GET /api/v1/elections/{election}/coverage/{area}", user(a.getCoverage), http.StatusOK)
	handle("GET /api/v1/elections/{election}/silent/{area}", user(a.getSilent), http.StatusOK)
	handle("GET /api/v1/elections/{election}/silent-after", user(a.getSilentAfter), http.StatusOK)
	handle("PUT /api/v1/elections/{election}/silent-after", user(write(a.putSilentAfter)), http.StatusOK)

	handle("GET /api/v1/meetings", user(a.listMeetings), http.StatusOK)
	handle("POST /api/v1/meetings", user(write(a.createMeeting)), http.StatusCreated)
	handle("GET /api/v1/meetings/{id}", user(a.getMeeting), http.StatusOK)
	handle("GET /api/v1/meetings/{id}/invitations", user(a.listInvitations), http.StatusOK)
	handle("PUT /api/v1/meetings/{id}/invitations/{person}", user(write(a.putReply)), http.StatusOK)
	handle("GET /api/v1/meetings/{id}/attendance", user(a.listAttendance), http.StatusOK)
	handle("POST /api/v1/meetings/{id}/attendance", user(write(a.checkInByOrganiser)), http.StatusCreated, http.StatusOK)
	handle("POST /api/v1/meetings/{id}/attendance/{person}/departure", user(write(a.departure)), http.StatusOK)
	handle("GET /api/v1/meetings/{id}/tables", user(a.getTables), http.StatusOK)
	handle("PUT /api/v1/meetings/{id}/tables", user(write(a.putTables)), http.StatusOK)
	handle("POST /api/v1/meetings/{id}/tables/seating", user(write(a.seatTables)), http.StatusOK)
	handle("GET /api/v1/meetings/{id}/findings", user(a.listFindings), http.StatusOK)
	handle("POST /api/v1/meetings/{id}/findings", a.addFinding, http.StatusCreated) // a moderator's phone, or an organiser
	handle("GET /api/v1/meetings/{id}/decisions", user(a.listMeetingDecisions), http.StatusOK)
	handle("POST /api/v1/meetings/{id}/decisions", user(write(a.addDecision)), http.StatusCreated)
	handle("POST /api/v1/meetings/{id}/close", user(write(a.closeMeeting)), http.StatusCreated)
	handle("GET /api/v1/meetings/{id}/minutes", user(a.getMinutes), http.StatusOK)
	handle("GET /api/v1/decisions", user(a.followUps), http.StatusOK)
	handle("PUT /api/v1/decisions/{id}", user(write(a.setDecisionStatus)), http.StatusOK)
	handle("POST /api/v1/meetings/{id}/checkin", a.checkInWithCode, http.StatusCreated, http.StatusOK) // public: the meeting's code
	handle("POST /api/v1/surveys", user(write(a.createSurvey)), http.StatusCreated)
	handle("GET /api/v1/surveys/{id}", a.participantOr(a.getSurvey, a.getSurveyAsParticipant), http.StatusOK)
	handle("PUT /api/v1/surveys/{id}/questions/{q}", user(write(a.setQuestion)), http.StatusOK)
	handle("POST /api/v1/surveys/{id}/questions/{q}/answers", a.answer, http.StatusCreated) // public: join code and check-in token
	handle("GET /api/v1/surveys/{id}/results", a.participantOr(a.getResults, a.getResultsAsParticipant), http.StatusOK)
	handle("GET /api/v1/elections/{election}/rollups/{kind}", user(a.getRollup), http.StatusOK)
	handle("GET /api/v1/elections/{election}/rollups/{kind}/{area}", user(a.getRollup), http.StatusOK)
	handle("GET /api/v1/races/{race}/boxes/{box}/official-versions", user(a.getOfficialVersions), http.StatusOK)
	handle("GET /api/v1/feed/alerts", user(a.listAlerts), http.StatusOK)
	handle("GET /api/v1/elections/{election}/open-data/{area}", user(a.getOpenData), http.StatusOK)
	handle("GET /api/v1/races/{race}/history/{area}", user(a.getHistory), http.StatusOK)

	handle("GET /api/v1/congresses", user(a.listCongresses), http.StatusOK)
	handle("POST /api/v1/congresses", user(write(a.createCongress)), http.StatusCreated)
	handle("GET /api/v1/congresses/{id}", user(a.getCongress), http.StatusOK)
	handle("GET /api/v1/congresses/{id}/electorate", user(a.getElectorate), http.StatusOK)
	handle("POST /api/v1/congresses/{id}/electorate", user(write(a.freezeElectorate)), http.StatusCreated)
	handle("GET /api/v1/congresses/{id}/checkins", user(a.listCheckins), http.StatusOK)
	handle("POST /api/v1/congresses/{id}/checkins", user(write(a.checkInDelegate)), http.StatusCreated)
	handle("GET /api/v1/congresses/{id}/contests", user(a.listContests), http.StatusOK)
	handle("POST /api/v1/congresses/{id}/contests", user(write(a.createContest)), http.StatusCreated)
	handle("POST /api/v1/congresses/{id}/contests/{contest}/counting", user(write(a.openCounting)), http.StatusCreated)
	handle("GET /api/v1/congresses/{id}/lists", user(a.listLists), http.StatusOK)
	handle("POST /api/v1/congresses/{id}/lists", user(write(a.appendList)), http.StatusCreated)
	handle("GET /api/v1/congresses/{id}/results", user(a.getCongressResults), http.StatusOK)
	handle("POST /api/v1/congresses/{id}/results/{contest}/approval", user(write(a.approveResult)), http.StatusCreated)
	handle("GET /api/v1/mandates", user(a.listMandates), http.StatusOK)
	handle("POST /api/v1/mandates", user(write(a.createMandates)), http.StatusCreated)
	handle("POST /api/v1/mandates/{mandate}/end", user(write(a.endMandate)), http.StatusOK)

	// Public, without an account: cacheable snapshots of the totals.
	handle("GET /api/v1/snapshots/{race}", a.getRaceSnapshotIndex, http.StatusOK, http.StatusNotModified)
	handle("GET /api/v1/snapshots/{race}/{area}", a.getSnapshotIndex, http.StatusOK, http.StatusNotModified)
	handle("GET /api/v1/snapshots/{race}/{area}/{version}", a.getSnapshot, http.StatusOK, http.StatusFound, http.StatusNotModified)

	handle("GET /api/v1/openapi.yaml", a.openAPI, http.StatusOK)
	handle("GET /healthz", a.healthz, http.StatusOK)

	handle("GET /api/v1/visits", user(a.listVisits), http.StatusOK)
	handle("POST /api/v1/visits", user(write(a.createVisit)), http.StatusCreated)
	handle("GET /api/v1/visits/{id}", user(a.getVisit), http.StatusOK)
	handle("POST /api/v1/visits/photos", user(write(a.uploadPhoto)), http.StatusCreated)
	handle("GET /api/v1/visits/photos/{sha256}", user(a.getPhoto), http.StatusOK)

	handle("POST /api/v1/races/{race}/boxes/{box}/photos", user(write(a.uploadSheetPhoto)), http.StatusCreated, http.StatusOK)
	handle("GET /api/v1/races/{race}/boxes/{box}/photos", user(a.listSheetPhotos), http.StatusOK)
	handle("GET /api/v1/photos/{sha256}", user(a.getSheetPhoto), http.StatusOK)
	handle("GET /api/v1/keying/next", user(a.nextSheet), http.StatusOK, http.StatusNoContent)
	handle("POST /api/v1/keying/{id}", user(write(told(a.typeSheet))), http.StatusCreated, http.StatusOK)
	handle("POST /api/v1/keying/{id}/report", user(write(a.reportSheet)), http.StatusOK)
	handle("GET /api/v1/keying/stats", user(a.keyingStats), http.StatusOK)
	handle("GET /api/v1/boxes/{box}/custody", user(a.getCustody), http.StatusOK)
	handle("POST /api/v1/boxes/{box}/custody", user(write(a.addCustody)), http.StatusCreated)
	handle("GET /api/v1/commitments", user(a.listCommitments), http.StatusOK)
	handle("POST /api/v1/commitments", user(write(a.createCommitment)), http.StatusCreated)
	handle("PUT /api/v1/commitments/{id}", user(write(a.setCommitment)), http.StatusOK)
	handle("GET /api/v1/tours", user(a.listTours), http.StatusOK)
	handle("POST /api/v1/tours", user(write(a.createTour)), http.StatusCreated)
	handle("GET /api/v1/tours/unvisited", user(a.unvisited), http.StatusOK)
	handle("GET /api/v1/tours/{id}", user(a.getTour), http.StatusOK)
	handle("PUT /api/v1/tours/{id}/stops/{unit}", user(write(a.setStop)), http.StatusOK)
	handle("GET /api/v1/scorecards", user(a.listScorecards), http.StatusOK)
	handle("GET /api/v1/scorecards/{unit}", user(a.getScorecard), http.StatusOK)
	handle("GET /api/v1/sister-pairs", user(a.listSisterPairs), http.StatusOK)
	handle("POST /api/v1/sister-pairs", user(write(a.createSisterPair)), http.StatusCreated)
	handle("GET /api/v1/sister-pairs/suggestions", user(a.suggestPairs), http.StatusOK)
}
