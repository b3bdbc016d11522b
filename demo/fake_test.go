package demo

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sandik-dev/sandik"
)

// fakeServer answers the two endpoints the simulator uses the way the API
// contract says, validating every sheet with the domain, and records what
// it got.
type fakeServer struct {
	reg   *sandik.Registry
	users map[string]sandik.User // by token
	// overload, if set, answers 503 to the n-th request (from 1) when true.
	overload func(n int) bool

	mu       sync.Mutex
	requests int
	seen     map[sandik.SubmissionID]int // sendings per id
	hashes   map[sandik.SubmissionID][32]byte
	accepted []sandik.Submission
}

func newFakeServer(reg *sandik.Registry, users map[string]sandik.User) *fakeServer {
	return &fakeServer{reg: reg, users: users, seen: map[sandik.SubmissionID]int{}, hashes: map[sandik.SubmissionID][32]byte{}}
}

func (f *fakeServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/submissions", func(w http.ResponseWriter, r *http.Request) { f.submit(w, r, sandik.KindEntry) })
	mux.HandleFunc("POST /api/v1/races/{race}/boxes/{box}/adjudication", func(w http.ResponseWriter, r *http.Request) { f.submit(w, r, sandik.KindAdjudication) })
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, err *sandik.Error) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": err.Code, "message": err.Message, "problems": err.Problems}})
}

func (f *fakeServer) submit(w http.ResponseWriter, r *http.Request, kind sandik.Kind) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	if f.overload != nil && f.overload(f.requests) {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, sandik.Errorf(sandik.EUnavailable, "overloaded"))
		return
	}
	user, ok := f.users[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if !ok {
		writeError(w, http.StatusUnauthorized, sandik.Errorf(sandik.EUnauthorized, "unknown token"))
		return
	}
	var in sandik.SheetInput
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || dec.More() {
		writeError(w, http.StatusBadRequest, sandik.Errorf(sandik.EInvalid, "bad JSON: %v", err))
		return
	}
	switch {
	case kind == sandik.KindAdjudication && !user.Role.CanAdjudicate(),
		kind == sandik.KindAdjudication && (r.PathValue("race") != string(in.Race) || r.PathValue("box") != string(in.Box)),
		user.Role == sandik.RoleObserver && ObserverID(in.Box) != user.ID:
		writeError(w, http.StatusForbidden, sandik.Errorf(sandik.EForbidden, "not allowed"))
		return
	}
	f.seen[in.ID]++
	sub, err := f.reg.NewSubmission(&in, user, kind, time.Now(), "")
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, err.(*sandik.Error))
		return
	}
	receipt := map[string]any{"seq": len(f.accepted) + 1, "id": in.ID, "received_at": sub.ReceivedAt, "replayed": false, "warnings": sub.Warnings.Names()}
	if h, dup := f.hashes[in.ID]; dup {
		if !bytes.Equal(h[:], sub.Hash[:]) {
			writeError(w, http.StatusConflict, sandik.Errorf(sandik.EConflict, "id %s reused", in.ID))
			return
		}
		receipt["replayed"] = true
		writeJSON(w, http.StatusOK, receipt)
		return
	}
	f.hashes[in.ID] = sub.Hash
	f.accepted = append(f.accepted, sub)
	writeJSON(w, http.StatusCreated, receipt)
}

// status works out where each sheet stands after the night, with a quorum
// of two: verified when two users agree, conflict when entries disagree
// and no two agree, adjudicated when the coordinator decided.
func (f *fakeServer) status() map[BoxRace]sandik.BoxStatus {
	type entry struct {
		user  sandik.UserID
		sheet sandik.Tutanak
	}
	latest := map[BoxRace][]entry{}
	adjudicated := map[BoxRace]bool{}
	for _, s := range f.accepted {
		k := BoxRace{s.Race, s.Box}
		if s.Kind == sandik.KindAdjudication {
			adjudicated[k] = true
			continue
		}
		latest[k] = append(latest[k], entry{s.User, s.Sheet})
	}
	out := map[BoxRace]sandik.BoxStatus{}
	for k, es := range latest {
		st := sandik.StatusPending
		differ := false
		for i := range es {
			agree := 1
			for j := range es {
				if i != j && es[j].sheet.Equal(es[i].sheet) {
					agree++
				} else if i != j {
					differ = true
				}
			}
			if agree >= 2 {
				st = sandik.StatusVerified
			}
		}
		if st != sandik.StatusVerified && differ {
			st = sandik.StatusConflict
		}
		if adjudicated[k] {
			st = sandik.StatusAdjudicated
		}
		out[k] = st
	}
	return out
}
