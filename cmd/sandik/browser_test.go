package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/chromium"
	"github.com/sandik-dev/sandik/cmd/internal/chromium/chromiumtest"
	"github.com/sandik-dev/sandik/demo"
	"github.com/sandik-dev/sandik/store/sqlite"
)

// browserDB fills db with a small demo İstanbul and the users of the test,
// returning the registry and their tokens.
func browserDB(t *testing.T, db string) (*sandik.Registry, map[string]string) {
	tokens := map[string]string{}
	reg := demoDB(t, db, nil, func(ctx context.Context, c *center.Center, reg *sandik.Registry) {
		// Both observers stand at the first box of the mayor's race.
		box := []sandik.AreaCode{reg.RaceBoxes(demo.RaceMayor)[0]}
		for id, role := range map[string]sandik.Role{"koord": sandik.RoleCoordinator, "musahit-a": sandik.RoleObserver, "musahit-b": sandik.RoleObserver} {
			u := sandik.User{ID: sandik.UserID(id), Name: id, Role: role}
			if role == sandik.RoleObserver {
				u.Areas = box
			}
			tok, err := c.CreateUser(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			tokens[id] = tok
		}
	})
	return reg, tokens
}

// demoDB imports a small demo İstanbul into the SQLite file db — after
// adjust, when given, has changed it — and runs fill on a centre over it.
func demoDB(t *testing.T, db string, adjust func(*sandik.Registry) *sandik.Registry, fill func(context.Context, *center.Center, *sandik.Registry)) *sandik.Registry {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := center.Open(ctx, center.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reg, err := demo.Istanbul(demo.Options{Scale: 0.01, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if adjust != nil {
		reg = adjust(reg)
	}
	if err := c.ImportRegistry(ctx, reg); err != nil {
		t.Fatal(err)
	}
	fill(ctx, c, reg)
	return reg
}

// serveAt starts `sandik serve` on addr and waits until it is healthy; the
// returned func stops it with SIGTERM and waits for the exit.
func serveAt(t *testing.T, bin, db, addr string) func() {
	t.Helper()
	cmd := exec.Command(bin, "serve", "-db", db, "-addr", addr, "-log-level", "warn")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		cmd.Process.Kill()
		t.Fatalf("server said nothing: %v", err)
	}
	go io.Copy(io.Discard, out)
	deadline := time.Now().Add(10 * time.Second)
	poll := time.NewTicker(10 * time.Millisecond)
	defer poll.Stop()
	for range poll.C {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("server not healthy after 10 s")
		}
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}
	t.Cleanup(stop)
	return stop
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// text reads an element's text.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// waitJS polls a JavaScript predicate until it holds, failing after d.
func waitJS(t *testing.T, ctx context.Context, what, expr string, d time.Duration) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(d), chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// fillSheet types a sheet into the observer's form; votes in ballot order.
func fillSheet(t *testing.T, ctx context.Context, rc *sandik.Race, box sandik.AreaCode, fields map[string]int64, votes []int64) {
	t.Helper()
	steps := []chromedp.Action[chromedp.Void]{chromedp.SetValue(chromedp.CSS("#box"), string(box))}
	for _, f := range []string{"registered", "voted", "valid_without_objection", "valid_upon_objection", "valid_total", "invalid_total"} {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS("#f-"+f), fmt.Sprint(fields[f])))
	}
	for i, c := range rc.Choices {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS(`[id="v-`+string(c.Code)+`"]`), fmt.Sprint(votes[i])))
	}
	do(t, ctx, "fill the sheet", steps...)
}

func TestBrowserEndToEnd(t *testing.T) {
	chrome := chromiumtest.Require(t)
	t.Parallel()
	dir, bin := t.TempDir(), binOnPath(t)
	db := filepath.Join(dir, "e2e.db")
	reg, tokens := browserDB(t, db)
	addr := freeAddr(t)
	base := "http://" + addr
	stop := serveAt(t, bin, db, addr)

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	coord, closeBrowser := chromium.Start(ctx, chrome, filepath.Join(dir, "chromium"), 1280, 900)
	defer closeBrowser()

	race := demo.RaceMayor
	rc, _ := reg.Race(race)
	box := reg.RaceBoxes(race)[0]
	boxes := len(reg.RaceBoxes(race))

	// The coordinator watches İstanbul's overview.
	if err := chromium.SignIn(coord, base, tokens["koord"]); err != nil {
		t.Fatal(err)
	}
	// Each observer has a browser context of their own: their own cookies.
	obsA, closeA := chromedp.NewContext(coord, chromedp.WithNewBrowserContext())
	defer closeA()
	obsB, closeB := chromedp.NewContext(coord, chromedp.WithNewBrowserContext())
	defer closeB()
	do(t, coord, "open the overview", chromedp.Navigate(base+"/races/"+string(race)+"/areas/34"), chromedp.WaitVisible(chromedp.CSS(".map")))
	if got, want := text(t, coord, `[data-k="verified.of"]`), fmt.Sprintf("0 / %d sandık doğrulandı", boxes); got != want {
		t.Fatalf("overview says %q, want %q", got, want)
	}
	mustHave(t, text(t, coord, ".status-line"), "resmî olmayan")
	waitJS(t, coord, "the live snapshot", `document.querySelector("[data-live]").dataset.seq === "0"`, 10*time.Second)
	// A marker that a reload would wipe out.
	do(t, coord, "mark the page", chromedp.Evaluate[chromedp.Void](`window.sandikMarker = 1`))

	// Observer A types a sheet with the votes 12 short of the valid total.
	if err := chromium.SignIn(obsA, base, tokens["musahit-a"]); err != nil {
		t.Fatal(err)
	}
	do(t, obsA, "open the form", chromedp.Navigate(base+"/entry"), chromedp.WaitVisible(chromedp.CSS("#votes .field")))
	// Every field, those the script lays out for the race included, has a
	// label; the first Tab reaches the skip link.
	unlabelled, err := chromedp.Run(obsA, chromedp.Evaluate[int](`[...document.querySelectorAll("input:not([type=hidden]), select, textarea")].filter(e => e.labels.length === 0).length`))
	if err != nil || unlabelled != 0 {
		t.Fatalf("%d fields without a label (%v)", unlabelled, err)
	}
	do(t, obsA, "tab", chromedp.KeyEvent("\t"))
	if got, err := chromedp.Run(obsA, chromedp.Evaluate[string](`document.activeElement.className`)); err != nil || got != "skip" {
		t.Fatalf("first Tab focuses %q (%v), want the skip link", got, err)
	}
	// The observer's one box of the race is offered and already filled in.
	if got, err := chromedp.Run(obsA, chromedp.Evaluate[string](`document.querySelector("#box").value + "|" + [...document.querySelectorAll("#assigned .pick")].map(b => b.dataset.box).join(",")`)); err != nil || got != string(box)+"|"+string(box) {
		t.Fatalf("the form offers %q (%v); want the observer's box %s, filled in and as the one button", got, err, box)
	}
	// The registered voters as the voter list has them: the form stops
	// another figure before sending.
	listed, _ := reg.Registered(rc.Election, box)
	fields := map[string]int64{"registered": listed, "voted": 250, "valid_without_objection": 240, "valid_upon_objection": 0, "valid_total": 240, "invalid_total": 10}
	votes := make([]int64, len(rc.Choices))
	votes[0], votes[1] = 120, 108 // 228: 12 short of 240
	fillSheet(t, obsA, rc, box, fields, votes)
	if got := text(t, obsA, "#m-votes"); got != "Geçerli oy toplamı partilerin toplamından 12 fazla." {
		t.Fatalf("form says %q about the votes", got)
	}
	last := `[id="v-` + string(rc.Choices[1].Code) + `"]`
	do(t, obsA, "correct the typing",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+last+`').value = ""`),
		chromedp.SendKeys(chromedp.CSS(last), "120"))
	if got := text(t, obsA, "#m-votes"); got != "" {
		t.Fatalf("message %q left after the correction", got)
	}

	// The connection drops as the observer presses send: the server is
	// down. The form keeps the sheet and its id and retries.
	stop()
	do(t, obsA, "send while offline", chromedp.Click(chromedp.CSS("#send")))
	waitJS(t, obsA, "the retry notice", `document.querySelector("#receipt").textContent.includes("aynı kimlikle")`, 10*time.Second)
	// The sheet waits in the phone's outbox (IndexedDB), with its id.
	waitJS(t, obsA, "the outbox", `document.querySelector("#outbox li[data-state=waiting]") !== null`, 5*time.Second)
	pending, err := chromedp.Run(obsA, chromedp.Evaluate[string](`(document.querySelector("#outbox li[data-state=waiting]") || {}).textContent || ""`))
	if err != nil || !strings.Contains(pending, string(box)) || !strings.Contains(pending, "gönderilmeyi bekliyor") {
		t.Fatalf("pending sheet %q, %v", pending, err)
	}
	serveAt(t, bin, db, addr)
	// Sessions live in the database, so the restart signed no one out:
	// the form's own retry sends the sheet, and the overview reconnects,
	// without a sign-in.
	waitJS(t, obsA, "the receipt", `document.querySelector("#receipt").textContent.startsWith("Alındı")`, 20*time.Second)
	waitJS(t, obsA, "the outbox acknowledged", `document.querySelector("#outbox li[data-state=acked]") !== null && document.querySelector("#outbox li[data-state=waiting]") === null`, 5*time.Second)

	// The overview changes by itself, without a reload.
	waitJS(t, coord, "the live update", `document.querySelector('[data-k="reported.of"]').textContent.startsWith("1 /")`, 20*time.Second)
	if v, err := chromedp.Run(coord, chromedp.Evaluate[int](`window.sandikMarker || 0`)); err != nil || v != 1 {
		t.Fatalf("the overview was reloaded (marker %d, %v)", v, err)
	}
	mustHave(t, text(t, coord, ".live"), "Canlı")

	// Observer B types the same box differently: a conflict. The overview
	// learns of it within a second of the receipt.
	if err := chromium.SignIn(obsB, base, tokens["musahit-b"]); err != nil {
		t.Fatal(err)
	}
	do(t, obsB, "open the form", chromedp.Navigate(base+"/entry"), chromedp.WaitVisible(chromedp.CSS("#votes .field")))
	votes[0], votes[1] = 119, 121
	fillSheet(t, obsB, rc, box, fields, votes)
	do(t, obsB, "send", chromedp.Click(chromedp.CSS("#send")))
	waitJS(t, obsB, "the receipt", `document.querySelector("#receipt").textContent.startsWith("Alındı")`, 10*time.Second)
	acked := time.Now()
	waitJS(t, coord, "the conflict count", `document.querySelector('[data-k="conflict"]').textContent === "1"`, 5*time.Second)
	if d := time.Since(acked); d > time.Second {
		t.Errorf("the overview showed the conflict %v after the receipt, want within 1 s", d)
	}

	// The coordinator settles it from the queue, with a reason.
	do(t, coord, "open the queue", chromedp.Navigate(base+"/races/"+string(race)+"/conflicts"), chromedp.WaitVisible(chromedp.CSS("article.conflict")))
	mustHave(t, text(t, coord, `[data-k="count"]`), "Bekleyen çelişki: 1")
	do(t, coord, "adjudicate",
		chromedp.SendKeys(chromedp.CSS("article.conflict textarea"), "Tutanak fotoğrafına bakıldı"),
		chromedp.Click(chromedp.CSS(`article.conflict button[name="entry"]`)),
		chromedp.WaitVisible(chromedp.CSS("p.ok")))
	mustHave(t, text(t, coord, "p.ok"), "Karar kaydedildi: ")
	mustHave(t, text(t, coord, "p.ok"), "("+string(box)+").")
	mustHave(t, text(t, coord, "main"), "Bekleyen çelişki yok.")
	do(t, coord, "back to the overview", chromedp.Navigate(base+"/races/"+string(race)+"/areas/34"), chromedp.WaitVisible(chromedp.CSS(".map")))
	if got, want := text(t, coord, `[data-k="verified.of"]`), fmt.Sprintf("1 / %d sandık doğrulandı", boxes); got != want {
		t.Fatalf("after adjudication the overview says %q, want %q", got, want)
	}

	// Observer A's retried sheet was counted once: the box has exactly
	// two entries and the adjudication.
	do(t, coord, "open the box", chromedp.Navigate(base+"/races/"+string(race)+"/boxes/"+string(box)), chromedp.WaitVisible(chromedp.CSS("table.entries")))
	heads, err := chromedp.Run(coord, chromedp.Evaluate[int](`document.querySelectorAll("table.entries thead tr:first-child th").length`))
	if err != nil || heads != 1+3+1 { // field, 2 entries + decision, settled
		t.Fatalf("box table has %d header cells (%v), want 5", heads, err)
	}
	mustHave(t, text(t, coord, `[data-k="status"]`), "karara bağlandı")

	do(t, obsB, "open a new form", chromedp.Navigate(base+"/entry"), chromedp.WaitVisible(chromedp.CSS("#votes .field")))
	formMirrorsCheck(t, obsB, rc)
}

// formMirrorsCheck types random sheets into the form and compares the
// fields it flags with those sandik.Tutanak.Check names: the phone must
// say what the server would.
func formMirrorsCheck(t *testing.T, ctx context.Context, rc *sandik.Race) {
	t.Helper()
	seed := time.Now().UnixNano()
	rnd := rand.New(rand.NewPCG(uint64(seed), 0))
	for k := range 60 {
		// A consistent sheet, then a slip or two.
		tu := sandik.Tutanak{Votes: make([]int64, len(rc.Choices))}
		for i := range tu.Votes {
			tu.Votes[i] = rnd.Int64N(200)
			tu.ValidTotal += tu.Votes[i]
		}
		tu.ValidUponObjection = rnd.Int64N(3)
		tu.ValidWithoutObjection = tu.ValidTotal - tu.ValidUponObjection
		tu.Invalid = rnd.Int64N(20)
		tu.Voted = tu.ValidTotal + tu.Invalid
		tu.Registered = tu.Voted + rnd.Int64N(100)
		slip := func(p *int64) {
			switch rnd.IntN(4) {
			case 0:
				*p += rnd.Int64N(30) + 1
			case 1:
				*p = max(0, *p-rnd.Int64N(30)-1)
			case 2:
				*p = sandik.MaxSheetNumber + 1 + rnd.Int64N(10)
			}
		}
		for range rnd.IntN(3) {
			switch rnd.IntN(5) {
			case 0:
				slip(&tu.ValidTotal)
			case 1:
				slip(&tu.Invalid)
			case 2:
				slip(&tu.Voted)
			case 3:
				slip(&tu.ValidWithoutObjection)
			default:
				slip(&tu.Votes[rnd.IntN(len(tu.Votes))])
			}
		}
		tu.Registered = max(tu.Registered, tu.Voted) // more voted than registered is only a warning
		want := map[string]bool{}
		for _, p := range tu.Check("", rc.Choices) {
			want[p.Field] = true
		}
		vals := map[string]int64{"registered": tu.Registered, "voted": tu.Voted, "valid_without_objection": tu.ValidWithoutObjection,
			"valid_upon_objection": tu.ValidUponObjection, "valid_total": tu.ValidTotal, "invalid_total": tu.Invalid}
		for i, c := range rc.Choices {
			vals["votes."+string(c.Code)] = tu.Votes[i]
		}
		js, _ := json.Marshal(vals)
		// No box chosen: the voter list's figure is not compared, only
		// the sheet's own identities, as Check does.
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`((vals) => {
			document.querySelector("#box").value = "";
			for (const [k, v] of Object.entries(vals)) {
				const i = document.querySelector('[name="' + k + '"]');
				i.value = String(v);
				i.dispatchEvent(new Event("input", { bubbles: true }));
			}
			return [...document.querySelectorAll("p.problem")].filter(p => p.textContent && p.id.startsWith("m-") && p.id !== "m-form").map(p => p.id.slice(2));
		})(`+string(js)+`)`))
		if err != nil {
			t.Fatal(err)
		}
		gotSet := map[string]bool{}
		for _, f := range got {
			gotSet[f] = true
		}
		if !maps.Equal(gotSet, want) {
			t.Fatalf("sheet %d (seed %d) %+v: the form flags %v, the server %v", k, seed, tu, got, want)
		}
	}
}

func mustHave(t *testing.T, s, part string) {
	t.Helper()
	if !strings.Contains(s, part) {
		t.Fatalf("%q lacks %q", s, part)
	}
}
