package web

import (
	"net/http"
	"testing"

	"github.com/sandik-dev/sandik"
)

// One case on a single-candidate race (an uncontested muhtar) breaks the
// lawyers' whole board.
func TestCasesPageWithASingleChoiceRace(t *testing.T) {
	e := newEnv(t)
	reg := testRegistry(t)
	add, err := sandik.NewRegistry(reg.Areas, reg.Elections, []sandik.Race{{Code: "muhtar", Election: "2019-YEREL", Name: "Muhtar",
		Scope: "34.01.01", Choices: []sandik.Choice{{Code: "X", Name: "Tek aday"}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.center.ImportRegistry(t.Context(), add); err != nil {
		t.Fatal(err)
	}
	r := e.do("POST", "/api/v1/cases", lawyer, map[string]any{"race": "muhtar", "boxes": []string{box1}, "ground": "procedure",
		"remedy": "recount", "board": "ilce", "filer": "x", "title": "t"})
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	b := e.browser(lawyer)
	if g := b.get("/itiraz"); g.status != http.StatusOK {
		t.Errorf("GET /itiraz: %d %s", g.status, e.logs.String())
	}
}
