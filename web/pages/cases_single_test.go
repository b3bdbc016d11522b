package pages

import (
	"net/http"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// One case on a single-candidate race (an uncontested muhtar) breaks the
// lawyers' whole board.
func TestCasesPageWithASingleChoiceRace(t *testing.T) {
	e := newEnv(t)
	reg := webtest.Registry(t)
	add, err := sandik.NewRegistry(reg.Areas, reg.Elections, []sandik.Race{{Code: "muhtar", Election: "2019-YEREL", Name: "Muhtar",
		Scope: "34.01.01", Choices: []sandik.Choice{{Code: "X", Name: "Tek aday"}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Center.ImportRegistry(t.Context(), add); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Center.CreateCase(t.Context(), e.User(lawyer), itiraz.Draft{Race: "muhtar", Boxes: []sandik.AreaCode{box1},
		Ground: itiraz.GroundProcedure, Remedy: itiraz.RemedyRecount, Board: itiraz.BoardIlce, Filer: "x", Title: "t"}, time.Time{}); err != nil {
		t.Fatalf("create: %v", err)
	}
	b := e.Browser(lawyer)
	if g := b.Get("/itiraz"); g.Status != http.StatusOK {
		t.Errorf("GET /itiraz: %d %s", g.Status, e.Logs.String())
	}
}
