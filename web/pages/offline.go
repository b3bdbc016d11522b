package pages

import (
	_ "embed"
	"net/http"
	"strconv"
)

// The observer's form works without a connection (docs/offline.md): a
// service worker keeps the form page and its assets, and the page's
// script keeps the sheets and photos not yet acknowledged in IndexedDB.
// The worker is served at the root so that its scope may cover /entry;
// the page registers it for /entry only, so that it never stands between
// the browser and any other page.
//
//go:embed sw.js
var serviceWorker []byte

// workerCSP is the worker's own policy: it fetches from this origin and
// runs nothing else. (The default policy of every answer, default-src
// 'none', would forbid the worker its fetches.)
const workerCSP = "default-src 'none'; connect-src 'self'"

// photoPath is where the form's script posts a photo of a sheet; {race}
// and {box} are filled in by the script. The endpoint answers 201 with
// the photo's SHA-256 when the photo is new, 200 when the same bytes were
// already attached, so a retry is safe.
const photoPath = "/api/v1/races/{race}/boxes/{box}/photos"

// serviceWorkerScript serves the worker. No session: the script holds
// nothing of anyone's, and the browser checks it for updates in the
// background whoever is signed in. no-cache, so that a new binary's
// worker replaces the old one at the next visit.
func (p *Pages) serviceWorkerScript(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", workerCSP)
	h.Set("Content-Length", strconv.Itoa(len(serviceWorker)))
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(serviceWorker)
	return err
}
