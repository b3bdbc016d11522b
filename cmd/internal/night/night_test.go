package night

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// The night serves every page it names to the role it names, and each
// role's page is closed to a browser that has not signed in.
func TestNightPages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and replays a demo night")
	}
	n, err := Start(t.Context(), t.TempDir(), Options{Scale: 0.01, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if len(n.Pages) != 42 || len(n.Downloads) != 4 {
		t.Fatalf("%d pages, %d downloads", len(n.Pages), len(n.Downloads))
	}
	for _, name := range LighthouseSample {
		if _, ok := n.Page(name); !ok {
			t.Errorf("LighthouseSample names %q, which is no page", name)
		}
	}
	anon, err := n.Client(t.Context(), Anonymous)
	if err != nil {
		t.Fatal(err)
	}
	anon.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	// One session per role, as a person keeps theirs: a sign-in per page
	// would spend the account's sign-in budget (30 at once).
	clients := map[Role]*http.Client{}
	for _, p := range append(n.Pages, n.Downloads...) {
		c, ok := clients[p.Role]
		if !ok {
			if c, err = n.Client(t.Context(), p.Role); err != nil {
				t.Fatal(err)
			}
			clients[p.Role] = c
		}
		if p.Role != Anonymous && len(n.Cookies(c)) == 0 {
			t.Errorf("%s: the %s's client holds no session cookie", p.Name, p.Role)
		}
		resp, err := c.Get(n.URL + p.Path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != p.Status {
			t.Errorf("%s as %s: %s, want %d", p.Name, p.Role, resp.Status, p.Status)
		}
		if p.Role == Anonymous {
			continue
		}
		resp, err = anon.Get(n.URL + p.Path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("%s without a session: %s to %q", p.Name, resp.Status, resp.Header.Get("Location"))
		}
	}
	// The district chair's user coordinates their district by the term
	// alone: its chart opens, the next district's does not.
	chair, err := n.Client(t.Context(), DistrictChair)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{"/birimler/" + string(n.ChairUnit): 200, "/birimler/34": 403} {
		resp, err := chair.Get(n.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s as the district chair: %s, want %d", path, resp.Status, want)
		}
	}
	if _, err := n.Client(t.Context(), Role("king")); err == nil {
		t.Error("a client for a role the night does not have")
	}
	if _, err := Start(t.Context(), t.TempDir(), Options{Scale: 0}); err == nil {
		t.Error("scale 0 accepted")
	}
}

// Select keeps the night's order, and a name that is not a page is
// refused with the list of pages there are (a filter that let the
// pages after the last one named through was a bug of the audit's).
func TestSelect(t *testing.T) {
	n := &Night{Pages: []Page{{Name: "overview"}, {Name: "box"}, {Name: "entry"}, {Name: "login"}}}
	for _, tc := range []struct {
		only string
		want []string
	}{
		{"", []string{"overview", "box", "entry", "login"}},
		{"entry, overview", []string{"overview", "entry"}},
		{"box,,box", []string{"box"}},
	} {
		got, err := n.Select(tc.only)
		if err != nil {
			t.Fatalf("Select(%q): %v", tc.only, err)
		}
		var names []string
		for _, p := range got {
			names = append(names, p.Name)
		}
		if !slices.Equal(names, tc.want) {
			t.Errorf("Select(%q) = %v, want %v", tc.only, names, tc.want)
		}
	}
	_, err := n.Select("box,yok,nada")
	if err == nil || !strings.Contains(err.Error(), "nada, yok") || !strings.Contains(err.Error(), "overview, box, entry, login") {
		t.Errorf("Select of unknown pages: %v", err)
	}
}
