package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/snapshot"
)

// Public snapshots of the totals (docs/readers.md). Every area's totals in
// a race are published, without an account, as versioned documents that
// never change — a URL per version, cached for a year by anyone — and an
// index per area, cached for IndexMaxAge, that names the current version.
// A cache in front (nginx, a CDN) then answers nearly every reader; the
// server makes a version only when someone asks for an area whose figures
// have changed. What the public reads is what a volunteer without areas
// reads (center.PublicView): verified and official figures of areas large
// enough that no box can be read off.

// Cache lifetimes of the snapshot routes.
const (
	// IndexMaxAge is how long a cache may answer an index without asking:
	// a reader following it sees a version at most this much older than
	// the server's, plus the cache's own delay.
	IndexMaxAge   = 2 * time.Second
	immutable     = "public, max-age=31536000, immutable"
	goneMaxAge    = "public, max-age=60"
	snapshotsPath = "/api/v1/snapshots/"
)

// snapshotJSON is the content of a snapshot; the cache puts the version's
// number and time at its head.
type snapshotJSON struct {
	Race          sandik.RaceCode   `json:"race"`
	Area          sandik.AreaCode   `json:"area"`
	Unofficial    bool              `json:"unofficial"`
	Notice        map[string]string `json:"notice"` // by language: tr, en
	Choices       []sandik.Choice   `json:"choices"`
	BoxesVerified int               `json:"boxes_verified"`
	BoxesExpected int               `json:"boxes_expected"`
	Totals        tally.Totals      `json:"totals"`
	Children      []tally.Totals    `json:"children"`
}

// indexJSON names an area's current snapshot.
type indexJSON struct {
	Race    sandik.RaceCode `json:"race"`
	Area    sandik.AreaCode `json:"area"`
	Version int64           `json:"version"`
	URL     string          `json:"url"`
	MadeAt  time.Time       `json:"made_at"`
}

// snapshots builds the API's snapshot cache and its metrics.
func (a *API) snapshots() {
	if !a.cfg.PublicSnapshots {
		return
	}
	a.snaps = snapshot.New(a.cfg.Snapshots)
	a.snapWaits = make(chan struct{}, maxSnapshotWaits)
	gauge := func(name, help string, f func(snapshot.Stats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return f(a.snaps.Stats()) })
	}
	a.b.RegisterMetrics(
		gauge("sandik_snapshot_areas", "Areas whose public snapshots are held in memory.", func(s snapshot.Stats) float64 { return float64(s.Keys) }),
		gauge("sandik_snapshot_bytes", "Bytes of public snapshot documents held in memory.", func(s snapshot.Stats) float64 { return float64(s.Bytes) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "sandik_snapshot_versions_made_total", Help: "Public snapshot versions made since the start."},
			func() float64 { return float64(a.snaps.Stats().Made) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "sandik_snapshot_waits_refused_total", Help: "Requests for a snapshot version past this instance's answered at once because too many already waited."},
			func() float64 { return float64(a.snapWaitsRefused.Load()) }),
	)
}

// errSnapshotsOff answers the snapshot routes of a server that does not
// publish them.
var errSnapshotsOff = sandik.Errorf(sandik.ENotFound, "public snapshots are off on this server (sandik serve -public-snapshots)")

// currentSnapshot makes or finds the current version of the race and
// area named in the URL.
func (a *API) currentSnapshot(r *http.Request) (snapshot.Key, snapshot.Version, time.Time, error) {
	if a.snaps == nil {
		return snapshot.Key{}, snapshot.Version{}, time.Time{}, errSnapshotsOff
	}
	v := a.c.PublicView()
	rc, err := race(v.Registry(), r)
	if err != nil {
		return snapshot.Key{}, snapshot.Version{}, time.Time{}, err
	}
	return a.areaSnapshot(v, rc, sandik.AreaCode(r.PathValue("area")))
}

// areaSnapshot makes or finds the current version of an area of race rc.
func (a *API) areaSnapshot(v *center.View, rc *sandik.Race, area sandik.AreaCode) (snapshot.Key, snapshot.Version, time.Time, error) {
	key := snapshot.Key{Race: string(rc.Code), Area: string(area)}
	ver, at, err := a.snaps.Current(key, v.Seq(), func() (snapshot.Built, error) {
		// Numbered by the area's latest change, not by this instance's
		// position: instances behind one cache name a version alike.
		at, ch, err := v.TotalsChanged(rc.Code, area)
		if sandik.CodeOf(err) == sandik.EForbidden {
			return snapshot.Built{}, sandik.Errorf(sandik.EForbidden, "%s: the public reads the totals of areas of at least %d boxes only, so that no box can be read off, and never a box on its own", area, a.c.BlindMinBoxes())
		}
		if err != nil {
			return snapshot.Built{}, err
		}
		t := &at.Totals
		content, err := json.Marshal(snapshotJSON{
			Race: rc.Code, Area: area, Unofficial: true,
			Notice: map[string]string{
				string(msg.TR): msg.F(msg.TR, "snapshot.notice", t.BoxesVerified, t.BoxesExpected),
				string(msg.EN): msg.F(msg.EN, "snapshot.notice", t.BoxesVerified, t.BoxesExpected),
			},
			Choices: rc.Choices, BoxesVerified: t.BoxesVerified, BoxesExpected: t.BoxesExpected,
			Totals: at.Totals, Children: at.Children,
		})
		return snapshot.Built{Seq: at.Seq, N: ch.Seq, Made: ch.At, Content: content}, err
	})
	return key, ver, at, err
}

// getSnapshotIndex answers an area's index: its current version, for
// IndexMaxAge, with an ETag.
func (a *API) getSnapshotIndex(w http.ResponseWriter, r *http.Request) error {
	key, ver, checked, err := a.currentSnapshot(r)
	if err != nil {
		w.Header().Set("Cache-Control", "no-store")
		return err
	}
	h := w.Header()
	h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(IndexMaxAge.Seconds())))
	h.Set("ETag", ver.ETag)
	// When the server last found this version current: a reader's figures
	// are at most this old.
	h.Set("Sandik-Checked-At", checked.UTC().Format(time.RFC3339Nano))
	if notModified(r, ver.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	a.b.WriteJSON(w, http.StatusOK, indexJSON{
		Race: sandik.RaceCode(key.Race), Area: sandik.AreaCode(key.Area), Version: ver.N,
		URL: snapshotURL(key, ver.N), MadeAt: ver.Made.UTC(),
	})
	return nil
}

// snapshotURL is where version n of key is served.
func snapshotURL(key snapshot.Key, n int64) string {
	return snapshotsPath + key.Race + "/" + key.Area + "/" + strconv.FormatInt(n, 10) + ".json"
}

// getSnapshot answers one version: the same bytes for as long as it is
// kept, cacheable for a year; 410 once it is no longer kept, 404 for a
// version not made (yet).
func (a *API) getSnapshot(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store") // for the errors
	name := r.PathValue("version")
	digits, ok := strings.CutSuffix(name, ".json")
	n, err := strconv.ParseInt(digits, 10, 64)
	if !ok || err != nil || n < 0 || strconv.FormatInt(n, 10) != digits {
		return sandik.Errorf(sandik.ENotFound, "%q is not a snapshot version: want a number and .json, as the index names it", name)
	}
	key, cur, _, err := a.currentSnapshot(r)
	if err != nil {
		return err
	}
	ver := cur
	if n > cur.N {
		// Another instance behind the same cache may have named a version
		// this one has not read up to yet: wait a moment for it.
		key, cur, err = a.awaitSnapshot(r, n)
		if err != nil {
			return err
		}
		ver = cur
	}
	if n != cur.N {
		var st snapshot.Status
		ver, st, _ = a.snaps.Get(key, n)
		switch st {
		case snapshot.Unknown:
			// A version another instance made and this one never did (it
			// read past it without being asked): the current one holds
			// every change of it, and a reader is sent there.
			w.Header().Set("Location", snapshotURL(key, cur.N))
			w.WriteHeader(http.StatusFound)
			return nil
		case snapshot.NotYet:
			return sandik.Errorf(sandik.ENotFound, "%s/%s has no version %d; the current one is %d: read %s%s/%s", key.Race, key.Area, n, cur.N, snapshotsPath, key.Race, key.Area)
		case snapshot.Gone:
			w.Header().Set("Cache-Control", goneMaxAge)
			return sandik.Errorf(handler.EGone, "version %d of %s/%s is no longer kept; the current one is %d: read %s%s/%s", n, key.Race, key.Area, cur.N, snapshotsPath, key.Race, key.Area)
		}
	}
	h := w.Header()
	h.Set("Cache-Control", immutable)
	h.Set("ETag", ver.ETag)
	h.Set("Last-Modified", ver.Made.UTC().Format(http.TimeFormat))
	if notModified(r, ver.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(ver.Doc)))
	w.Write(ver.Doc)
	return nil
}

// snapshotCatchUp is how long a request for a version past this
// instance's current one waits for it: longer than a follower's lag behind
// another instance, short enough that a made-up version costs little.
// maxSnapshotWaits bounds such requests waiting at once: the routes take
// no account, and anyone may ask for a version that will never be.
const (
	snapshotCatchUp  = 500 * time.Millisecond
	maxSnapshotWaits = 64
)

// awaitSnapshot waits, up to snapshotCatchUp, until the current version of
// the key in r's URL is at least n, and returns it (or the latest one
// when the time is up, or at once when too many wait already).
func (a *API) awaitSnapshot(r *http.Request, n int64) (snapshot.Key, snapshot.Version, error) {
	select {
	case a.snapWaits <- struct{}{}:
		defer func() { <-a.snapWaits }()
	default:
		a.snapWaitsRefused.Add(1)
		key, cur, _, err := a.currentSnapshot(r)
		return key, cur, err
	}
	ctx, cancel := context.WithTimeout(r.Context(), snapshotCatchUp)
	defer cancel()
	// The log must reach n before the area can have changed at n.
	_ = a.c.WaitFor(ctx, n)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		key, cur, _, err := a.currentSnapshot(r)
		if err != nil || cur.N >= n {
			return key, cur, err
		}
		select {
		case <-ctx.Done():
			return key, cur, nil
		case <-tick.C: // past the cache's MinCheck, the next look builds
		}
	}
}

// notModified reports whether r's If-None-Match names etag (weakly, as
// RFC 9110 compares for this header: the gzipped answer's tag is weak).
func notModified(r *http.Request, etag string) bool {
	for _, h := range r.Header.Values("If-None-Match") {
		for tag := range strings.SplitSeq(h, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == etag {
				return true
			}
		}
	}
	return false
}

// raceIndexJSON names the current version of every public area of a race
// down to the districts, so that a cache refreshes one document per race,
// not one per area, to point every reader at fresh figures.
type raceIndexJSON struct {
	Race sandik.RaceCode `json:"race"`
	// URL is where a version is, with {area} and {version} to fill in.
	URL   string                    `json:"url"`
	Areas map[sandik.AreaCode]int64 `json:"areas"`
}

// getRaceSnapshotIndex answers the race's index of its areas' current
// versions, cacheable as an area's index is. Sandik-Checked-At is when
// it was made; each area in it had been checked at most the cache's
// MinCheck before.
func (a *API) getRaceSnapshotIndex(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store") // for the errors
	if a.snaps == nil {
		return errSnapshotsOff
	}
	v := a.c.PublicView()
	rc, err := race(v.Registry(), r)
	if err != nil {
		return err
	}
	key := snapshot.Key{Race: string(rc.Code)} // no area: the race's index
	ver, checked, err := a.snaps.Current(key, v.Seq(), func() (snapshot.Built, error) {
		// The index names versions this instance has made (a reader asks
		// for them next), each numbered by its area's latest public change.
		// The index's own number is the sum of those: it grows whenever one
		// of them does and never otherwise, so no pending entry moves it,
		// and the same index reads alike on every instance.
		seq := v.Seq()
		out := raceIndexJSON{Race: rc.Code, URL: snapshotsPath + string(rc.Code) + "/{area}/{version}.json", Areas: map[sandik.AreaCode]int64{}}
		var sum int64
		var made time.Time
		reg := v.Registry()
		for _, area := range reg.Areas {
			if area.Level > sandik.LevelIlce || !reg.Contains(rc.Scope, area.Code) {
				continue
			}
			_, av, _, err := a.areaSnapshot(v, rc, area.Code)
			switch sandik.CodeOf(err) {
			case "":
				out.Areas[area.Code] = av.N
				sum += av.N
				if av.N > 0 && av.Made.After(made) {
					made = av.Made
				}
			case sandik.EForbidden, sandik.ENotFound: // too small, or not in the race
			default:
				return snapshot.Built{}, err
			}
		}
		content, err := json.Marshal(out)
		return snapshot.Built{Seq: seq, N: sum, Made: made, Content: content}, err
	})
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(IndexMaxAge.Seconds())))
	h.Set("ETag", ver.ETag)
	h.Set("Sandik-Checked-At", checked.UTC().Format(time.RFC3339Nano))
	if notModified(r, ver.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(ver.Doc)))
	w.Write(ver.Doc)
	return nil
}
