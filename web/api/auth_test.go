package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

func TestAuthRequired(t *testing.T) {
	e := newEnv(t)
	for _, p := range e.base.Patterns() {
		method, path, ok := strings.Cut(p, " ")
		if !ok || !strings.HasPrefix(path, "/api/v1/") || path == "/api/v1/openapi.yaml" || publicMeetingRoutes[p] || publicSnapshotRoutes[p] {
			continue
		}
		path = strings.NewReplacer("{race}", raceIST, "{area}", "34", "{box}", box1, "{code}", "34", "{id}", "x").Replace(path)
		for _, auth := range []string{"", "Bearer", "Bearer ", "Basic b2JzMTpzZWNyZXQ=", "Bearer sdk_not-a-token"} {
			r := e.Do(method, path, "", sheet("auth-1", raceIST, box1, 100, 90, 10), "Authorization", auth)
			d := r.APIError(t, http.StatusUnauthorized)
			if d.Code != sandik.EUnauthorized || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s with %q: code %s, WWW-Authenticate %q", p, auth, d.Code, r.Header.Get("WWW-Authenticate"))
			}
		}
	}
	if n := e.LastSeq(); n != 0 {
		t.Errorf("unauthenticated requests wrote %d submissions", n)
	}
	// The scheme is case-insensitive (RFC 7235).
	e.Do("GET", "/api/v1/races", "", nil, "Authorization", "bearer "+e.Tokens[observer1]).Decode(t, http.StatusOK, nil)
}

// authMatrix says, for every route of the API, which roles may use it
// (with a valid request). A route missing here fails the test; the pages
// have their own (web/pages).
var authMatrix = map[string][]sandik.Role{
	"POST /api/v1/submissions":                                       submitters,
	"POST /api/v1/submissions/batch":                                 submitters,
	"GET /api/v1/submissions/{id}":                                   allRoles,
	"GET /api/v1/races":                                              allRoles,
	"GET /api/v1/races/{race}":                                       allRoles,
	"GET /api/v1/races/{race}/totals/{area}":                         caseRoles, // typists read areas of 20 boxes or more (blind_test.go)
	"GET /api/v1/races/{race}/conflicts":                             caseRoles, // those who see every entry
	"GET /api/v1/races/{race}/boxes/{box}":                           allRoles,
	"POST /api/v1/races/{race}/boxes/{box}/adjudication":             {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /api/v1/races/{race}/comparison/{area}":                     caseRoles, // verified basis; provisional is tested apart
	"GET /api/v1/races/{race}/anomalies/{area}":                      caseRoles, // official basis; provisional is tested apart
	"GET /api/v1/anomaly-thresholds":                                 allRoles,
	"PUT /api/v1/anomaly-thresholds":                                 {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /api/v1/races/{race}/margins":                               caseRoles,
	"POST /api/v1/races/{race}/cases/from-discrepancies":             caseRoles,
	"GET /api/v1/cases":                                              caseRoles,
	"POST /api/v1/cases":                                             caseRoles,
	"GET /api/v1/cases/{id}":                                         caseRoles,
	"POST /api/v1/cases/{id}/changes":                                caseRoles,
	"POST /api/v1/cases/{id}/evidence":                               caseRoles,
	"GET /api/v1/cases/{id}/petition":                                caseRoles,
	"GET /api/v1/evidence/{sha256}":                                  caseRoles,
	"GET /api/v1/deadlines":                                          caseRoles,
	"GET /api/v1/log/checkpoint":                                     allRoles,
	"GET /api/v1/log/proof":                                          allRoles,
	"GET /api/v1/areas":                                              allRoles,
	"GET /api/v1/areas/{code}":                                       allRoles,
	"GET /api/v1/units":                                              allRoles,
	"POST /api/v1/units":                                             orgWriters,
	"GET /api/v1/units/{code}":                                       allRoles,
	"GET /api/v1/people":                                             allRoles,
	"POST /api/v1/people":                                            orgWriters,
	"GET /api/v1/people/{id}":                                        allRoles,
	"DELETE /api/v1/people/{id}":                                     {sandik.RoleAdmin},
	"GET /api/v1/people/{id}/export":                                 {sandik.RoleAdmin},
	"GET /api/v1/contact-views":                                      {sandik.RoleAdmin},
	"GET /api/v1/positions":                                          allRoles,
	"POST /api/v1/positions":                                         orgWriters,
	"POST /api/v1/positions/{id}/end":                                orgWriters,
	"GET /api/v1/municipalities":                                     allRoles,
	"GET /api/v1/municipalities/summary":                             allRoles,
	"POST /api/v1/municipalities/fill":                               orgWriters,
	"GET /api/v1/municipalities/{code}":                              allRoles,
	"PUT /api/v1/municipalities/{code}/terms/{election}":             orgWriters,
	"GET /api/v1/org/party":                                          allRoles,
	"PUT /api/v1/org/party":                                          {sandik.RoleAdmin},
	"GET /api/v1/users":                                              orgWriters, // those they may manage (users_test.go)
	"POST /api/v1/users":                                             orgWriters, // below their role, within their areas (users_test.go)
	"DELETE /api/v1/users/{id}":                                      orgWriters,
	"PUT /api/v1/users/{id}/person":                                  orgWriters,
	"GET /api/v1/users/{id}/grants":                                  orgWriters,
	"POST /api/v1/users/{id}/grants":                                 orgWriters,
	"DELETE /api/v1/users/{id}/grants/{grant}":                       orgWriters,
	"GET /api/v1/elections/{election}/assignments":                   allRoles, // each reads those in scope; observers their own
	"POST /api/v1/elections/{election}/assignments":                  orgWriters,
	"DELETE /api/v1/elections/{election}/assignments/{box}/{person}": orgWriters,
	"GET /api/v1/elections/{election}/coverage/{area}":               allRoles,
	"GET /api/v1/elections/{election}/silent/{area}":                 orgWriters,
	"GET /api/v1/elections/{election}/silent-after":                  allRoles,
	"PUT /api/v1/elections/{election}/silent-after":                  orgWriters,
	"GET /api/v1/meetings":                                           allRoles,
	"POST /api/v1/meetings":                                          orgWriters,
	"GET /api/v1/meetings/{id}":                                      allRoles,
	"GET /api/v1/meetings/{id}/invitations":                          allRoles,
	"PUT /api/v1/meetings/{id}/invitations/{person}":                 orgWriters,
	"GET /api/v1/meetings/{id}/attendance":                           allRoles,
	"POST /api/v1/meetings/{id}/attendance":                          orgWriters,
	"POST /api/v1/meetings/{id}/attendance/{person}/departure":       orgWriters,
	"GET /api/v1/meetings/{id}/tables":                               allRoles,
	"PUT /api/v1/meetings/{id}/tables":                               orgWriters,
	"POST /api/v1/meetings/{id}/tables/seating":                      orgWriters,
	"GET /api/v1/meetings/{id}/findings":                             allRoles,
	"POST /api/v1/meetings/{id}/findings":                            orgWriters,
	"GET /api/v1/meetings/{id}/decisions":                            allRoles,
	"POST /api/v1/meetings/{id}/decisions":                           orgWriters,
	"POST /api/v1/meetings/{id}/close":                               orgWriters,
	"GET /api/v1/meetings/{id}/minutes":                              allRoles,
	"GET /api/v1/decisions":                                          allRoles,
	"PUT /api/v1/decisions/{id}":                                     orgWriters,
	"POST /api/v1/meetings/{id}/checkin":                             nil, // public: the meeting's code (meetings_test.go)
	"POST /api/v1/surveys":                                           orgWriters,
	"GET /api/v1/surveys/{id}":                                       allRoles,
	"PUT /api/v1/surveys/{id}/questions/{q}":                         orgWriters,
	"POST /api/v1/surveys/{id}/questions/{q}/answers":                nil, // public: join code and token (meetings_test.go)
	"GET /api/v1/surveys/{id}/results":                               allRoles,
	"GET /api/v1/congresses":                                         allRoles,
	"POST /api/v1/congresses":                                        orgWriters,
	"GET /api/v1/congresses/{id}":                                    allRoles,
	"GET /api/v1/congresses/{id}/electorate":                         allRoles,
	"POST /api/v1/congresses/{id}/electorate":                        orgWriters,
	"GET /api/v1/congresses/{id}/checkins":                           allRoles,
	"POST /api/v1/congresses/{id}/checkins":                          orgWriters,
	"GET /api/v1/congresses/{id}/contests":                           allRoles,
	"POST /api/v1/congresses/{id}/contests":                          orgWriters,
	"POST /api/v1/congresses/{id}/contests/{contest}/counting":       orgWriters,
	"GET /api/v1/congresses/{id}/lists":                              allRoles,
	"POST /api/v1/congresses/{id}/lists":                             orgWriters,
	"GET /api/v1/congresses/{id}/results":                            congressResultReaders,
	"POST /api/v1/congresses/{id}/results/{contest}/approval":        orgWriters,
	"GET /api/v1/mandates":                                           allRoles,
	"POST /api/v1/mandates":                                          orgWriters,
	"POST /api/v1/mandates/{mandate}/end":                            orgWriters,
	"GET /api/v1/snapshots/{race}":                                   nil, // public: verified totals (snapshots_test.go)
	"GET /api/v1/snapshots/{race}/{area}":                            nil,
	"GET /api/v1/snapshots/{race}/{area}/{version}":                  nil,
	"GET /api/v1/openapi.yaml":                                       nil,                                                           // public
	"GET /api/v1/elections/{election}/rollups/{kind}":                {sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer}, // whole centre only
	"GET /api/v1/elections/{election}/rollups/{kind}/{area}":         caseRoles,                                                     // typists read no race of few boxes
	"GET /api/v1/races/{race}/boxes/{box}/official-versions":         caseRoles,                                                     // beside the sheets: those who see every entry
	"GET /api/v1/feed/alerts":                                        caseRoles,
	"GET /api/v1/elections/{election}/open-data/{area}":              caseRoles,
	"GET /api/v1/races/{race}/history/{area}":                        caseRoles, // ?previous= (auth_test adds it)
	"GET /healthz":                                                   nil,
	"/":                                                              nil,
	"GET /api/v1/visits":                                             allRoles,
	"POST /api/v1/visits":                                            orgWriters,
	"GET /api/v1/visits/{id}":                                        allRoles,
	"POST /api/v1/visits/photos":                                     orgWriters,
	"GET /api/v1/visits/photos/{sha256}":                             allRoles,
	"GET /api/v1/commitments":                                        allRoles,
	"POST /api/v1/commitments":                                       orgWriters,
	"PUT /api/v1/commitments/{id}":                                   orgWriters,
	"GET /api/v1/tours":                                              allRoles,
	"POST /api/v1/tours":                                             orgWriters,
	"GET /api/v1/tours/unvisited":                                    allRoles,
	"GET /api/v1/tours/{id}":                                         allRoles,
	"PUT /api/v1/tours/{id}/stops/{unit}":                            orgWriters,
	"GET /api/v1/scorecards":                                         allRoles,
	"GET /api/v1/scorecards/{unit}":                                  allRoles,
	"GET /api/v1/sister-pairs":                                       allRoles,
	"POST /api/v1/sister-pairs":                                      orgWriters,
	"GET /api/v1/sister-pairs/suggestions":                           allRoles,
	"POST /api/v1/races/{race}/boxes/{box}/photos":                   submitters,
	"GET /api/v1/races/{race}/boxes/{box}/photos":                    allRoles,
	"GET /api/v1/photos/{sha256}":                                    allRoles,
	"GET /api/v1/keying/next":                                        submitters,
	"POST /api/v1/keying/{id}":                                       submitters,
	"POST /api/v1/keying/{id}/report":                                submitters,
	"GET /api/v1/keying/stats":                                       {sandik.RoleCoordinator, sandik.RoleAdmin},
	"GET /api/v1/boxes/{box}/custody":                                allRoles,
	"POST /api/v1/boxes/{box}/custody":                               allRoles, // lawyers record where a copy went too
}

func TestAuthMatrix(t *testing.T) {
	e := newEnv(t)
	users := map[sandik.Role]string{sandik.RoleObserver: observer1, sandik.RoleVolunteer: volunteer, sandik.RoleCoordinator: coordinator,
		sandik.RoleAdmin: admin, sandik.RoleLawyer: lawyer}
	fx := webtest.NewCaseFixture(e.Env)
	orgFixture(t, e.Env)
	e.MunicipalFixture()
	usersFixture(t, e.Env)
	meetingFixture(t, e.Env)
	congressFixture(t, e.Env)
	photoSum := visitFixture(t, e.Env)
	sheetSum := keyingFixture(t, e.Env)
	webtest.RollupFixture(t, e.Env)
	n := 0
	for _, p := range e.base.Patterns() {
		allowed, ok := authMatrix[p]
		if !ok {
			t.Errorf("route %s has no entry in the authorisation matrix", p)
			continue
		}
		method, path, ok := strings.Cut(p, " ")
		if !ok || allowed == nil {
			continue
		}
		for _, role := range allRoles {
			n++
			user := users[role]
			owner := user
			if role == sandik.RoleLawyer {
				owner = coordinator // lawyers enter no sheets of their own
			}
			id := "m-" + owner
			if strings.HasPrefix(path, "/api/v1/users/") {
				id = "t-" + user // a user of the matrix's own, with a grant
			}
			path := strings.NewReplacer("{race}", raceIST, "{area}", "34", "{box}", box1, "{code}", "34", "{id}", id, "{grant}", "tg-"+user).Replace(path)
			if strings.HasPrefix(path, "/api/v1/elections/") {
				path = strings.NewReplacer("{election}", webtest.Election, "{person}", "m-"+user, "{kind}", rollupKind).Replace(path)
			}
			var body any
			var header []string
			if p == "GET /api/v1/log/proof" {
				path += "?from=1&to=1"
			}
			if p == "GET /api/v1/races/{race}/history/{area}" {
				path += "?previous=" + webtest.RaceIlce
			}
			if strings.Contains(p, "/cases") || strings.Contains(p, "/evidence/") {
				path, body, header = caseRequest(fx, p)
			}
			if b, ok := orgRequest(p, user); ok {
				body = b
			}
			if pt, b, ok := meetingRequest(p, path, user); ok {
				path, body = pt, b
			}
			if pt, b, ok := congressRequest(p, path, user); ok {
				path, body = pt, b
			}
			if b, ok := municipalRequest(e.Env, p, user); ok {
				path = strings.ReplaceAll(path, "{election}", "m-"+user)
				body = b
			}
			if b, ok := coverageRequest(e.Env, p, user); ok {
				body = b
			}
			if b, ok := userRequest(p, user); ok {
				body = b
			}
			if pt, b, ok := visitRequest(p, path, user, photoSum); ok {
				path, body = pt, b
			}
			if pt, b, h, ok := keyingRequest(e.Env, p, path, user, sheetSum); ok {
				path, body, header = pt, b, h
			}
			switch {
			case body != nil:
			case p == "PUT /api/v1/anomaly-thresholds":
				body = thresholdsBody(e) // on the version saved so far
			case strings.HasSuffix(path, "/batch"):
				body = map[string]any{"items": []any{sheet("mb-"+user, raceIST, box2, 100, 90, 10)}}
			case strings.HasSuffix(path, "/adjudication"):
				b := sheet("ma-"+user, raceIST, box1, 100, 90, 10)
				b["reason"] = "matrix"
				body = b
			case method == "POST":
				body = sheet("m-"+user, raceIST, box1, 100, 90, 10)
			}
			r := e.Do(method, path, user, body, header...)
			want := slices.Contains(allowed, role)
			if got := r.Status < 300; got != want {
				t.Errorf("%s as %s: status %d, allowed %v: %s", p, role, r.Status, want, r.Body)
			}
			if !want && r.Status != http.StatusForbidden {
				t.Errorf("%s as %s: status %d, want 403", p, role, r.Status)
			}
		}
	}
	if n == 0 {
		t.Fatal("no route checked")
	}
}

// Logs carry the route and the user but never a token.
func TestLogsHoldNoToken(t *testing.T) {
	e := newEnv(t)
	e.submit(observer1, sheet("l-1", raceIST, box1, 100, 90, 10))
	e.Do("GET", "/api/v1/races", "", nil, "Authorization", "Bearer sdk_secret-guess")
	logs := e.Logs.String()
	if !strings.Contains(logs, `"route":"POST /api/v1/submissions"`) || !strings.Contains(logs, `"user":"obs1"`) || !strings.Contains(logs, `"status":201`) {
		t.Errorf("request log missing fields:\n%s", logs)
	}
	for _, secret := range []string{e.Tokens[observer1], "sdk_secret-guess", "Bearer"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}

// An infrastructure failure answers 500 without its details and is logged.
func TestInternalErrorDoesNotLeak(t *testing.T) {
	e := newEnv(t)
	e.Store.Close()
	d := e.Do("POST", "/api/v1/submissions", observer1, sheet("i-1", raceIST, box1, 100, 90, 10)).APIError(t, http.StatusInternalServerError)
	if d.Code != sandik.EInternal || d.Message != "internal error" || len(d.Problems) != 0 {
		t.Errorf("internal error answered %+v", d)
	}
	if !strings.Contains(e.Logs.String(), `"msg":"request failed"`) {
		t.Errorf("internal error not logged")
	}
}
