package api

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

var congressSetup = sandik.User{ID: "setup", Name: "Kurulum", Role: sandik.RoleAdmin}

// congressFixture gives every user of the matrix a congress m-<user> of
// İstanbul (orgFixture's delegates are its natural members): frozen,
// with contest yk counted from one verified sheet, yk2 ready to open and
// yk3 taking lists; an unfrozen mf-<user>; and a mandate mm0-<user>.
func congressFixture(t *testing.T, e *webtest.Env) {
	t.Helper()
	ctx := context.Background()
	c := e.Center
	for _, id := range []string{observer1, volunteer, coordinator, admin, lawyer} {
		p := sandik.PersonID("m-" + id)
		for _, cid := range []string{"m-" + id, "mf-" + id} {
			if _, err := c.CreateCongress(ctx, congressSetup, sandik.Congress{ID: sandik.CongressID(cid), Level: sandik.LevelIlCongress, Unit: "34",
				Title: "İstanbul Kongresi " + id, Date: "2024-06-01", Place: "Lütfi Kırdar", Boxes: 1, Entries: 1,
				Natural: []sandik.NaturalRule{{Kind: "delege"}}}); err != nil {
				t.Fatal(err)
			}
		}
		g, _, err := c.FreezeElectorate(ctx, congressSetup, sandik.CongressID("m-"+id))
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{"yk", "yk2", "yk3"} {
			if _, err := c.AddContest(ctx, congressSetup, sandik.Contest{Congress: g.ID, Code: code, Title: "Yönetim", Kind: sandik.ContestBoard, Ballot: sandik.BallotSingle, Seats: 1}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.AppendList(ctx, congressSetup, sandik.CandidateList{Congress: g.ID, Contest: code, Code: "a", Name: "A", SubmittedBy: p,
				Candidates: []sandik.ListCandidate{{Person: p, Name: "Üye"}}}); err != nil {
				t.Fatal(err)
			}
		}
		k, err := c.OpenCounting(ctx, congressSetup, g.ID, "yk")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Submit(ctx, congressSetup, []sandik.SheetInput{congressSheet("cs-"+id, g.Box(1), k.Race, p, 3)}); err != nil {
			t.Fatal(err)
		}
		if err := c.SaveMandates(ctx, congressSetup, []sandik.Mandate{{ID: sandik.MandateID("mm0-" + id), Person: p, Level: sandik.LevelIlCongress, Unit: "34", Group: "34.01", Rank: 1, Start: "2024-01-01"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.WaitFor(ctx, e.Center.Seq()); err != nil {
		t.Fatal(err)
	}
}

// congressSheet is a sheet of a one-candidate ballot with votes for p.
func congressSheet(id string, box sandik.AreaCode, race sandik.RaceCode, p sandik.PersonID, votes int64) sandik.SheetInput {
	n := func(v int64) *int64 { return &v }
	return sandik.SheetInput{ID: sandik.SubmissionID(id), Race: race, Box: box, Source: sandik.SourceEntry,
		Registered: n(5), Voted: n(votes), ValidWithoutObjection: n(votes), ValidUponObjection: n(0), ValidTotal: n(votes), Invalid: n(0),
		Votes: map[sandik.ChoiceCode]*int64{sandik.ChoiceCode(p): n(votes)}}
}

// congressRequest is a valid request of a congress route as user, for
// the authorisation matrix; ok is false for other routes.
func congressRequest(p, path, user string) (string, any, bool) {
	path = strings.NewReplacer("{contest}", "yk", "{mandate}", "mm0-"+user).Replace(path)
	switch p {
	case "POST /api/v1/congresses":
		return path, map[string]any{"id": "mn-" + user, "level": "il", "unit": "34", "title": "Kongre", "date": "2024-06-01", "place": "Salon"}, true
	case "POST /api/v1/congresses/{id}/electorate":
		return strings.Replace(path, "/m-", "/mf-", 1), map[string]any{}, true
	case "POST /api/v1/congresses/{id}/checkins":
		return path, map[string]any{"person": "m-" + user, "desk": "masa-1"}, true
	case "POST /api/v1/congresses/{id}/contests":
		return path, map[string]any{"code": "c-" + user[:2], "title": "Başkan", "kind": "baskan", "ballot": "tek", "seats": 1}, true
	case "POST /api/v1/congresses/{id}/contests/{contest}/counting":
		return strings.Replace(path, "/yk/", "/yk2/", 1), map[string]any{}, true
	case "POST /api/v1/congresses/{id}/lists":
		return path, map[string]any{"contest": "yk3", "code": "b", "name": "B", "submitted_by": "m-" + user, "candidates": []any{map[string]any{"person": "m-" + user, "name": "Üye"}}}, true
	case "POST /api/v1/congresses/{id}/results/{contest}/approval":
		return path, map[string]any{}, true
	case "POST /api/v1/mandates":
		return path, map[string]any{"mandates": []any{map[string]any{"id": "mm-" + user, "person": "m-" + user, "level": "il", "unit": "34", "group": "34.02", "rank": 1, "start": "2024-01-01"}}}, true
	case "POST /api/v1/mandates/{mandate}/end":
		return path, map[string]any{"end": "2024-05-01", "reason": "istifa"}, true
	}
	return path, nil, strings.Contains(p, "/congresses") || strings.Contains(p, "/mandates")
}

// TestCongressOverHTTP: a congress from its list to an approved result
// over the real server: the refusals name their field, the results
// export as CSV, and a hostile coordinator of another area reads nothing.
func TestCongressOverHTTP(t *testing.T) {
	e := newEnv(t)
	orgFixture(t, e.Env)
	congressFixture(t, e.Env)
	r := e.Do("POST", "/api/v1/congresses/m-"+coordinator+"/checkins", coordinator, map[string]any{"person": "k-ada", "desk": "masa-1"})
	if r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "not_on_list") {
		t.Errorf("a person not on the list: %d %s", r.Status, r.Body)
	}
	e.Do("POST", "/api/v1/congresses/m-"+coordinator+"/checkins", coordinator, map[string]any{"person": "m-" + admin, "desk": "masa-1"}).Decode(t, http.StatusCreated, nil)
	r = e.Do("POST", "/api/v1/congresses/m-"+coordinator+"/checkins", coordinator, map[string]any{"person": "m-" + admin, "desk": "masa-2"})
	if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "checked_in") {
		t.Errorf("twice: %d %s", r.Status, r.Body)
	}
	var res struct {
		Results []sandik.ContestResult `json:"results"`
	}
	e.Do("GET", "/api/v1/congresses/m-"+coordinator+"/results", coordinator, nil).Decode(t, http.StatusOK, &res)
	if len(res.Results) != 3 || res.Results[0].Verified != 1 || len(res.Results[0].Winners) != 1 || res.Results[0].Winners[0].Person != "m-"+coordinator {
		t.Fatalf("results %+v", res.Results)
	}
	e.Do("POST", "/api/v1/congresses/m-"+coordinator+"/results/yk/approval", coordinator, map[string]any{}).Decode(t, http.StatusCreated, nil)
	r = e.Do("POST", "/api/v1/congresses/m-"+coordinator+"/results/yk/approval", coordinator, map[string]any{})
	if r.Status != http.StatusConflict {
		t.Errorf("approving twice: %d %s", r.Status, r.Body)
	}
	r = e.Do("GET", "/api/v1/congresses/m-"+coordinator+"/electorate?format=csv", coordinator, nil)
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "m-"+admin+";Üye admin;natural;delege") {
		t.Errorf("the list as CSV: %d %s", r.Status, r.Body)
	}
	r = e.Do("GET", "/api/v1/congresses/m-"+coordinator+"/electorate?format=pdf", coordinator, nil)
	if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "format") {
		t.Errorf("an unknown format: %d %s", r.Status, r.Body)
	}
	hostileUser := sandik.User{ID: "izmir", Name: "İzmir", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.01"}}
	e.AddUser(hostileUser)
	for _, path := range []string{"/api/v1/congresses/m-" + coordinator, "/api/v1/congresses/m-" + coordinator + "/electorate", "/api/v1/congresses/m-" + coordinator + "/results", "/api/v1/congresses/m-" + coordinator + "/lists"} {
		if r := e.Do("GET", path, "izmir", nil); r.Status != http.StatusForbidden {
			t.Errorf("%s for a district coordinator: %d", path, r.Status)
		}
	}
	var list struct {
		Congresses []sandik.Congress `json:"congresses"`
	}
	e.Do("GET", "/api/v1/congresses", "izmir", nil).Decode(t, http.StatusOK, &list)
	if len(list.Congresses) != 0 {
		t.Errorf("a district coordinator lists %d congresses of the province", len(list.Congresses))
	}
	r = e.Do("POST", "/api/v1/congresses/m-"+coordinator+"/lists", coordinator, map[string]any{"contest": "yk3", "code": "c", "name": "C", "submitted_by": "m-" + admin, "candidates": []any{}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"candidates"`) {
		t.Errorf("an empty list: %d %s", r.Status, r.Body)
	}
}

// congressResultReaders read a congress's live results: not those who
// type sheets, who stay blind to the count as on election night.
var congressResultReaders = []sandik.Role{sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer}
