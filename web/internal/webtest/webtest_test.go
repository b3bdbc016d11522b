package webtest

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/sqlite"
)

// The fixture's sheets are valid for its races, its users hold working
// tokens, and its case fixture leaves a discrepancy and a case to open.
func TestFixture(t *testing.T) {
	e := Start(t, Registry(t), func(ctx context.Context, path string, log *slog.Logger) (sandik.Store, error) {
		return sqlite.Open(ctx, sqlite.Options{Path: path, Logger: log})
	}, func(*Env) (http.Handler, func()) { return http.NotFoundHandler(), nil })
	e.AddScoped()
	for _, id := range []string{Observer1, Observer2, Volunteer, Coordinator, Admin, Lawyer, ObsBox1, CoordAdal, LawyerAdal} {
		if u := e.User(id); string(u.ID) != id {
			t.Errorf("token of %s opens %s", id, u.ID)
		}
	}
	fx := NewCaseFixture(e)
	if fx.Version() != 2 || fx.Evidence == "" {
		t.Errorf("case fixture at version %d with evidence %q", fx.Version(), fx.Evidence)
	}
	d, err := e.Center.View(Operator).Box(t.Context(), RaceIST, Box3)
	if err != nil || d.State.Status != sandik.StatusVerified || d.State.Official == nil {
		t.Fatalf("box3 of the fixture: %+v, %v", d.State, err)
	}
	if r := e.Do("GET", "/", "", nil); r.Status != http.StatusNotFound {
		t.Errorf("the mounted handler answered %d", r.Status)
	}
}
