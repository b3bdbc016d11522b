package demo

import (
	"context"
	"encoding/json"
	"net/url"
	"time"

	"github.com/sandik-dev/sandik"
)

// The volunteers also type the sheet photos waiting in the keying queue
// (/anahtarlama), through the API as the keying page does: each asks for
// the next sheet (GET /api/v1/keying/next) and types the box's true
// figures (POST /api/v1/keying/{id}), so the coordinators' keying figures
// (/anahtarlama/durum) move during the demo. It needs a Transport that
// can also read (Getter); against a server without the keying routes it
// stops at the first refusal.

// Getter is a Transport that also reads; web/apiclient.Client is one.
type Getter interface {
	Get(ctx context.Context, path, token string) (status int, answer []byte, retryAfter time.Duration, err error)
}

// keyPause is how long, in wall time, the volunteers wait before asking
// again when no photo waits for any of them.
const keyPause = 3 * time.Second

const statusNoContent = 204

// task is the part of the API's keying task the simulator needs.
type task struct {
	ID   string          `json:"id"`
	Race sandik.RaceCode `json:"race"`
	Box  sandik.AreaCode `json:"box"`
}

// key runs the volunteers' keying until night is closed and a last pass
// finds nothing waiting, or ctx ends.
func (r *run) key(ctx context.Context, night <-chan struct{}) {
	g, ok := r.cfg.API.(Getter)
	if !ok || len(r.cfg.Tokens.Volunteers) == 0 {
		return
	}
	over := false
	for ctx.Err() == nil {
		typed := 0
		for _, tok := range r.cfg.Tokens.Volunteers {
			n, more := r.keyOne(ctx, g, tok)
			if !more {
				return
			}
			typed += n
		}
		if typed > 0 {
			continue
		}
		if over {
			return
		}
		t := time.NewTimer(keyPause)
		select {
		case <-night:
			over = true // one more pass, then stop
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
	}
}

// keyOne lets one volunteer ask for a sheet and type it: n is 1 when a
// sheet was typed; more is false when the server has no keying queue
// for the simulator (a route missing, the volunteer refused).
func (r *run) keyOne(ctx context.Context, g Getter, token string) (n int, more bool) {
	status, raw, _, err := g.Get(ctx, "/api/v1/keying/next", token)
	switch {
	case err != nil || status == statusNoContent || status == statusTooMany || status >= statusServerError:
		return 0, true
	case status != statusOK:
		return 0, false
	}
	var t task
	if err := json.Unmarshal(raw, &t); err != nil || t.ID == "" {
		return 0, false
	}
	path := "/api/v1/keying/" + url.PathEscape(t.ID)
	truth, ok := r.cfg.Truth[BoxRace{Race: t.Race, Box: t.Box}]
	rc, okRace := r.cfg.Registry.Race(t.Race)
	if !ok || !okRace {
		// Not a sheet of this night: a coordinator looks at it.
		_, _, _, _ = r.cfg.API.Post(ctx, path+"/report", token, []byte(`{"reason":"wrong_box"}`))
		return 0, true
	}
	ev := Event{Race: t.Race, Box: t.Box, Sheet: truth}
	payload, err := body(&ev, "", r.cfg.Now().UTC().Truncate(time.Second), rc.Choices)
	if err != nil {
		return 0, true
	}
	rep, err := post(ctx, r.cfg.API, path, token, clearIdentity(payload))
	if err == nil && rep.status < 300 {
		r.count(func(s *Stats) { s.Keyed++ })
		return 1, true
	}
	return 0, true
}

// clearIdentity removes the id, race and box from a sheet body: a typing
// takes them from its lease.
func clearIdentity(payload []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(payload, &m) != nil {
		return payload
	}
	delete(m, "id")
	delete(m, "race")
	delete(m, "box")
	delete(m, "source")
	out, err := json.Marshal(m)
	if err != nil {
		return payload
	}
	return out
}
