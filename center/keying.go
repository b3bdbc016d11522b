package center

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik"
)

// Sheet photos and blind keying. An observer (or anyone who may enter a
// box) uploads photos of its signed sheet; a volunteer asks for the next
// sheet and gets, at random, a photo of a box and race still short of
// its quorum — never one they uploaded, never a box they entered or
// were handed before — and types it without seeing any other typing.
// The typing is an ordinary entry of the box under the volunteer's
// name, so the double-entry quorum, conflicts and the dashboard treat it
// as any other. A lease gives an abandoned sheet back after a while.
//
// The queue is held in memory, refreshed from the store: the photos by
// their sequence, and every lease ever handed out at start. Whether a
// sheet still waits is read from the tally at the moment of asking. With
// several instances, each hands out its own leases: a sheet may then be
// typed by one more volunteer than needed, never twice by one person
// (the rule reads the log, which every instance follows).

// KeyingConfig tunes the keying queue; zero fields take the defaults.
type KeyingConfig struct {
	// Lease is how long a volunteer holds a sheet. Default 10 minutes.
	Lease time.Duration
	// Accuracy is the share of judged typings agreeing with the final
	// figures below which a volunteer is flagged. Default 0.8.
	Accuracy float64
	// MinJudged is how many of a volunteer's typings must have been
	// judged before they may be flagged. Default 3.
	MinJudged int
	// Decodes bounds the photos checked (decoded in full) at once, so
	// that many uploads in flight hold at most this many decoded
	// pictures. Default GOMAXPROCS.
	Decodes int
	// Refresh is how old the queue's copy of the photos may be before a
	// request reads the new ones. Default one second.
	Refresh time.Duration
}

func (k KeyingConfig) withDefaults() KeyingConfig {
	k.Lease = cmp.Or(k.Lease, 10*time.Minute)
	k.Accuracy = cmp.Or(k.Accuracy, 0.8)
	k.MinJudged = cmp.Or(k.MinJudged, 3)
	k.Decodes = cmp.Or(k.Decodes, runtime.GOMAXPROCS(0))
	k.Refresh = cmp.Or(k.Refresh, time.Second)
	return k
}

type sheetKey struct {
	race sandik.RaceCode
	box  sandik.AreaCode
}

type queuedSheet struct {
	key       sheetKey
	photos    []string          // sums, in arrival order
	urls      map[string]string // sum → address, of the photos kept elsewhere
	uploaders map[sandik.UserID]bool
	lastPhoto time.Time
	reported  time.Time // latest report; the sheet waits again once a newer photo arrives
	open      map[sandik.UserID]sandik.KeyingLease
	// out is set when the sheet, settled, left the drawing order; a new
	// photo brings it back.
	out bool
}

// bestPhoto is the photo to type: the newest whose bytes are here, else
// the newest reference.
func (s *queuedSheet) bestPhoto() string {
	for i := len(s.photos) - 1; i >= 0; i-- {
		if s.urls[s.photos[i]] == "" {
			return s.photos[i]
		}
	}
	return s.photos[len(s.photos)-1]
}

func (s *queuedSheet) isReported() bool {
	return !s.reported.IsZero() && !s.lastPhoto.After(s.reported)
}

// keyQueue is the in-memory queue; mu guards everything in it.
type keyQueue struct {
	cfg     KeyingConfig
	decodes chan struct{}

	// loaded and read (Unix nanoseconds of the last read of new photos)
	// let a request that finds the queue fresh skip the lock: under 200
	// volunteers every taking of mu queues behind the others.
	loaded atomic.Bool
	read   atomic.Int64

	mu      sync.Mutex
	seq     int64 // highest photo Seq read
	sheets  map[sheetKey]*queuedSheet
	order   []*queuedSheet                      // for drawing at random
	handed  map[sandik.UserID]map[sheetKey]bool // sheets ever leased to each user
	current map[sandik.UserID]sandik.KeyingLease
	rnd     *rand.Rand
	// saving holds the leases handed out whose row is being written
	// (sandik.LeaseID → *savingLease), outside mu: the answer does not
	// wait for the write, the typing does.
	saving sync.Map
	// refreshing is set while one caller reads the new photos.
	refreshing bool
}

type savingLease struct {
	done chan struct{}
	err  error
}

func newKeyQueue(cfg KeyingConfig) *keyQueue {
	cfg = cfg.withDefaults()
	return &keyQueue{cfg: cfg, decodes: make(chan struct{}, cfg.Decodes),
		sheets: map[sheetKey]*queuedSheet{}, handed: map[sandik.UserID]map[sheetKey]bool{},
		current: map[sandik.UserID]sandik.KeyingLease{}, rnd: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
}

// sheet returns the queue's entry of k, adding it.
func (q *keyQueue) sheet(k sheetKey) *queuedSheet {
	s := q.sheets[k]
	if s == nil {
		s = &queuedSheet{key: k, uploaders: map[sandik.UserID]bool{}, open: map[sandik.UserID]sandik.KeyingLease{}}
		q.sheets[k] = s
		q.order = append(q.order, s)
	}
	return s
}

func (q *keyQueue) addPhoto(p sandik.SheetPhoto) {
	s := q.sheet(sheetKey{p.Race, p.Box})
	if s.out {
		s.out = false
		q.order = append(q.order, s)
	}
	if !slices.Contains(s.photos, p.Sum) {
		s.photos = append(s.photos, p.Sum)
	}
	if p.URL != "" {
		if s.urls == nil {
			s.urls = map[string]string{}
		}
		s.urls[p.Sum] = p.URL
	}
	s.uploaders[p.By] = true
	if p.At.After(s.lastPhoto) {
		s.lastPhoto = p.At
	}
	q.seq = max(q.seq, p.Seq)
}

func (q *keyQueue) addLease(l sandik.KeyingLease) {
	k := sheetKey{l.Race, l.Box}
	if q.handed[l.User] == nil {
		q.handed[l.User] = map[sheetKey]bool{}
	}
	q.handed[l.User][k] = true
	s := q.sheet(k)
	switch l.Outcome {
	case "":
		s.open[l.User] = l
		if cur, ok := q.current[l.User]; !ok || cur.Leased.Before(l.Leased) {
			q.current[l.User] = l
		}
	case sandik.LeaseReported:
		if l.Done.After(s.reported) {
			s.reported = l.Done
		}
	}
}

// refreshQueue reads what the store holds that the queue has not seen:
// everything the first time, under the lock; then the new photos, at
// most once per Refresh and by one caller at a time, outside it, so that
// a slow read holds up no one asking for a sheet. The caller does not
// hold q.mu.
func (c *Center) refreshQueue(ctx context.Context, q *keyQueue, now time.Time) error {
	if q.loaded.Load() && now.Sub(time.Unix(0, q.read.Load())) < q.cfg.Refresh {
		return nil
	}
	q.mu.Lock()
	if !q.loaded.Load() {
		defer q.mu.Unlock()
		ps, err := c.store.SheetPhotos(ctx, sandik.SheetPhotoFilter{})
		if err != nil {
			return err
		}
		for _, p := range ps {
			q.addPhoto(p)
		}
		ls, err := c.store.Leases(ctx, sandik.LeaseFilter{})
		if err != nil {
			return err
		}
		for _, l := range ls {
			q.addLease(l)
		}
		q.read.Store(now.UnixNano())
		q.loaded.Store(true)
		return nil
	}
	if q.refreshing || now.Sub(time.Unix(0, q.read.Load())) < q.cfg.Refresh {
		q.mu.Unlock()
		return nil
	}
	q.refreshing = true
	after := q.seq
	q.mu.Unlock()
	ps, err := c.store.SheetPhotos(ctx, sandik.SheetPhotoFilter{After: after})
	q.mu.Lock()
	defer q.mu.Unlock()
	q.refreshing = false
	if err != nil {
		return err
	}
	for _, p := range ps {
		q.addPhoto(p)
	}
	q.read.Store(now.UnixNano())
	return nil
}

// quorumOf returns the quorum of race's election.
func quorumOf(reg *sandik.Registry, race sandik.RaceCode) int {
	if rc, ok := reg.Race(race); ok {
		if el, ok := reg.Election(rc.Election); ok && el.Quorum > 0 {
			return el.Quorum
		}
	}
	return sandik.DefaultQuorum
}

// needs returns how many more typings the sheet k waits for (0: none),
// and whether u has entered the box already. It reads the tally, never
// the queue, so that callers ask it without holding q.mu: a tally read
// under the queue's lock made 200 volunteers wait on each other's.
func (c *Center) needs(k sheetKey, u sandik.UserID) (need int, entered bool) {
	eng := c.engine.Load()
	st, err := eng.Box(k.race, k.box)
	if err != nil {
		return 0, false
	}
	for _, e := range st.Entries {
		if e.User == u && e.Kind == sandik.KindEntry {
			entered = true
		}
	}
	switch st.Status {
	case sandik.StatusVerified, sandik.StatusAdjudicated:
		return 0, entered
	case sandik.StatusConflict:
		return 1, entered
	}
	return max(quorumOf(eng.Registry(), k.race)-len(st.Entries), 1), entered
}

// fits reports, as far as the queue knows, whether s may go to u now:
// it has a photo and is not with the coordinators, u neither uploaded a
// photo of it nor was handed it before, and fewer than need volunteers
// hold it (leases past their time are dropped). The caller holds q.mu;
// the tally's part (needs) and the scope are checked outside it.
func (q *keyQueue) fits(s *queuedSheet, u sandik.UserID, now time.Time, need int) bool {
	if len(s.photos) == 0 || s.isReported() || s.uploaders[u] || q.handed[u][s.key] {
		return false
	}
	busy := 0
	for id, l := range s.open {
		if l.Expires.After(now) {
			busy++
		} else {
			delete(s.open, id)
		}
	}
	return busy < need
}

// candidate is a sheet that fits, with what the tally says it needs.
type candidate struct {
	s    *queuedSheet
	need int
}

// judge checks sheets drawn under the lock against the scope and the
// tally, without the lock: those u may type, and those settled (which
// leave the drawing order). It stops after enough fitting ones.
func (c *Center) judge(u sandik.User, drawn []*queuedSheet, enough int) (fit []candidate, settled []*queuedSheet) {
	reg := c.Registry()
	for _, s := range drawn {
		need, entered := c.needs(s.key, u.ID)
		switch {
		case need == 0:
			settled = append(settled, s)
		case entered || reg.Allow(u, sandik.ActionSubmit, s.key.box) != nil:
		default:
			fit = append(fit, candidate{s, need})
			if len(fit) >= enough {
				return fit, settled
			}
		}
	}
	return fit, settled
}

// drop takes settled sheets no one holds out of the drawing order; a
// new photo brings them back. The caller holds q.mu.
func (q *keyQueue) drop(settled []*queuedSheet) {
	n := 0
	for _, s := range settled {
		if !s.out && len(s.open) == 0 {
			s.out = true
			n++
		}
	}
	if n > 0 {
		q.order = slices.DeleteFunc(q.order, func(s *queuedSheet) bool { return s.out })
	}
}

// KeyingTask is a sheet handed to a volunteer: the photo and what to
// type, never what anyone else typed.
type KeyingTask struct {
	Lease   sandik.LeaseID  `json:"id"`
	Race    sandik.RaceCode `json:"race"`
	Box     sandik.AreaCode `json:"box"`
	BoxName string          `json:"box_name"`
	Photo   string          `json:"sha256"`
	Photos  []string        `json:"photos"`
	// PhotoURL is the address of Photo when it is kept elsewhere (an
	// observer network's server): the page links to it.
	PhotoURL string          `json:"photo_url,omitempty"`
	Expires  time.Time       `json:"expires"`
	Fields   []string        `json:"fields"`
	Choices  []sandik.Choice `json:"choices"`
}

func (c *Center) task(l sandik.KeyingLease, photos []string, photoURL string) KeyingTask {
	reg := c.Registry()
	t := KeyingTask{Lease: l.ID, Race: l.Race, Box: l.Box, Photo: l.Photo, Photos: slices.Clone(photos), PhotoURL: photoURL, Expires: l.Expires, Choices: []sandik.Choice{}}
	if a, ok := reg.Area(l.Box); ok {
		t.BoxName = a.Name
	}
	for _, f := range sandik.SheetFields {
		t.Fields = append(t.Fields, f.Name)
	}
	if rc, ok := reg.Race(l.Race); ok {
		t.Choices = append(t.Choices, rc.Choices...)
	}
	return t
}

func mayKey(u sandik.User) error {
	if !u.Role.CanSubmit() {
		return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not type sheets", u.ID, u.Role)
	}
	return nil
}

// NextSheet hands u a waiting sheet at random, or the one u holds
// already; ok is false when none waits for u.
func (c *Center) NextSheet(ctx context.Context, u sandik.User) (KeyingTask, bool, error) {
	if err := mayKey(u); err != nil {
		return KeyingTask{}, false, err
	}
	q := c.keys
	now := c.now()
	if err := c.refreshQueue(ctx, q, now); err != nil {
		return KeyingTask{}, false, err
	}
	q.mu.Lock()
	if l, ok := q.current[u.ID]; ok && l.Expires.After(now) {
		s := q.sheets[sheetKey{l.Race, l.Box}]
		reported, photos, photoURL := s.isReported(), slices.Clone(s.photos), s.urls[l.Photo]
		q.mu.Unlock()
		if need, _ := c.needs(s.key, u.ID); need > 0 && !reported {
			return c.task(l, photos, photoURL), true, nil
		}
		q.mu.Lock()
	}
	// Draw a few sheets at random that fit as far as the queue knows;
	// when the draws keep missing, take every sheet that fits, in random
	// order. The tally and the scope judge them outside the lock; the
	// lock is taken again to hand one out, and whether it still fits is
	// checked then (another volunteer may have taken the last place).
	var pick *queuedSheet
	for round := range 2 {
		var drawn []*queuedSheet
		if round == 0 {
			for range 32 {
				if len(q.order) == 0 {
					break
				}
				if s := q.order[q.rnd.IntN(len(q.order))]; !slices.Contains(drawn, s) && q.fits(s, u.ID, now, math.MaxInt) {
					drawn = append(drawn, s)
					if len(drawn) == 4 {
						break
					}
				}
			}
		} else {
			for _, s := range q.order {
				if q.fits(s, u.ID, now, math.MaxInt) {
					drawn = append(drawn, s)
				}
			}
			q.rnd.Shuffle(len(drawn), func(i, j int) { drawn[i], drawn[j] = drawn[j], drawn[i] })
		}
		if len(drawn) == 0 {
			continue
		}
		q.mu.Unlock()
		fit, settled := c.judge(u, drawn, 4)
		q.mu.Lock()
		q.drop(settled)
		if l, ok := q.current[u.ID]; ok && l.Expires.After(now) {
			// The same volunteer asked twice at once and the other
			// request was answered meanwhile: one sheet at a time.
			s := q.sheets[sheetKey{l.Race, l.Box}]
			t := c.task(l, s.photos, s.urls[l.Photo])
			q.mu.Unlock()
			return t, true, nil
		}
		for _, f := range fit {
			if q.fits(f.s, u.ID, now, f.need) {
				pick = f.s
				break
			}
		}
		if pick != nil {
			break
		}
	}
	if pick == nil {
		q.mu.Unlock()
		return KeyingTask{}, false, nil
	}
	l := sandik.KeyingLease{ID: sandik.LeaseID("l-" + randomHex(10)), Race: pick.key.race, Box: pick.key.box,
		Photo: pick.bestPhoto(), User: u.ID, Leased: now, Expires: now.Add(q.cfg.Lease)}
	q.addLease(l)
	photos, photoURL := slices.Clone(pick.photos), pick.urls[l.Photo]
	sv := &savingLease{done: make(chan struct{})}
	q.saving.Store(l.ID, sv)
	q.mu.Unlock()
	// The lease is written behind the answer: the store's writer may be
	// busy with many typings, and the volunteer need not wait for it to
	// look at the photo. A typing of the lease waits for the write
	// (leaseOf); a failed write gives the sheet back.
	go func() {
		err := c.store.SaveLease(context.WithoutCancel(ctx), l)
		sv.err = err
		if err == nil {
			close(sv.done)
			// A typing from now on finds the row in the store.
			q.saving.Delete(l.ID)
			return
		}
		c.log.Error("keep a keying lease", "lease", l.ID, "err", err)
		q.mu.Lock()
		delete(pick.open, u.ID)
		delete(q.handed[u.ID], pick.key)
		if cur, ok := q.current[u.ID]; ok && cur.ID == l.ID {
			delete(q.current, u.ID)
		}
		q.mu.Unlock()
		close(sv.done)
	}()
	return c.task(l, photos, photoURL), true, nil
}

// SheetWaits reports whether a sheet waits for u now — one u holds, or
// one NextSheet could hand u — without handing one out: the keying page
// says "nothing waits" from its first paint instead of an empty frame.
func (c *Center) SheetWaits(ctx context.Context, u sandik.User) (bool, error) {
	if err := mayKey(u); err != nil {
		return false, err
	}
	q := c.keys
	now := c.now()
	if err := c.refreshQueue(ctx, q, now); err != nil {
		return false, err
	}
	q.mu.Lock()
	if l, ok := q.current[u.ID]; ok && l.Expires.After(now) {
		q.mu.Unlock()
		return true, nil
	}
	var drawn []*queuedSheet
	for _, s := range q.order {
		if q.fits(s, u.ID, now, math.MaxInt) {
			drawn = append(drawn, s)
		}
	}
	q.mu.Unlock()
	// A few at a time: the first that fits answers, and settled sheets
	// met on the way leave the drawing order as NextSheet would drop them.
	for chunk := range slices.Chunk(drawn, 8) {
		fit, settled := c.judge(u, chunk, len(chunk))
		q.mu.Lock()
		q.drop(settled)
		for _, f := range fit {
			if q.fits(f.s, u.ID, now, f.need) {
				q.mu.Unlock()
				return true, nil
			}
		}
		q.mu.Unlock()
	}
	return false, nil
}

// leaseOf returns lease id if it is u's.
func (c *Center) leaseOf(ctx context.Context, u sandik.User, id sandik.LeaseID) (sandik.KeyingLease, error) {
	q := c.keys
	if v, ok := q.saving.Load(id); ok {
		sv := v.(*savingLease)
		select {
		case <-sv.done:
		case <-ctx.Done():
			return sandik.KeyingLease{}, ctx.Err()
		}
		q.saving.Delete(id)
		if sv.err != nil {
			return sandik.KeyingLease{}, fmt.Errorf("lease %s was not kept: %w", id, sv.err)
		}
	}
	l, err := c.store.Lease(ctx, id)
	if err != nil {
		return l, err
	}
	if l.User != u.ID {
		// Another's lease is not found: its id tells nothing.
		return l, sandik.Errorf(sandik.ENotFound, "no lease %q of user %q", id, u.ID)
	}
	return l, nil
}

// settle records the end of a lease in the queue.
func (c *Center) settle(l sandik.KeyingLease) {
	q := c.keys
	q.mu.Lock()
	defer q.mu.Unlock()
	if s := q.sheets[sheetKey{l.Race, l.Box}]; s != nil {
		delete(s.open, l.User)
		if l.Outcome == sandik.LeaseReported && l.Done.After(s.reported) {
			s.reported = l.Done
		}
	}
	if cur, ok := q.current[l.User]; ok && cur.ID == l.ID {
		delete(q.current, l.User)
	}
}

// TypeSheet records u's typing of the sheet of lease id as an entry of
// its box and race. The entry's id is drawn from the lease, so a retry
// after a lost answer is the same entry. A lease past its time may still
// be typed: the typing is as independent as before.
func (c *Center) TypeSheet(ctx context.Context, u sandik.User, id sandik.LeaseID, in sandik.SheetInput) (sandik.Receipt, error) {
	if err := mayKey(u); err != nil {
		return sandik.Receipt{}, err
	}
	l, err := c.leaseOf(ctx, u, id)
	if err != nil {
		return sandik.Receipt{}, err
	}
	if l.Outcome == sandik.LeaseReported {
		return sandik.Receipt{}, sandik.Errorf(sandik.EConflict, "lease %q was sent to a coordinator; it cannot be typed now", id)
	}
	var ps []sandik.Problem
	if in.Race != "" && in.Race != l.Race {
		ps = append(ps, sandik.Problem{Field: "race", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("the sheet handed out is of race %s, not %s", l.Race, in.Race)})
	}
	if in.Box != "" && in.Box != l.Box {
		ps = append(ps, sandik.Problem{Field: "box", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("the sheet handed out is of box %s, not %s", l.Box, in.Box)})
	}
	if in.ID != "" && in.ID != typingID(id) {
		ps = append(ps, sandik.Problem{Field: "id", Rule: sandik.RuleInvalidValue, Message: "a typing's id is the lease's; leave it out"})
	}
	if len(ps) > 0 {
		return sandik.Receipt{}, sandik.Invalid("the typing does not match the sheet handed out", ps)
	}
	in.ID, in.Race, in.Box, in.Source = typingID(id), l.Race, l.Box, sandik.SourceEntry
	rs, err := c.Submit(ctx, u, []sandik.SheetInput{in})
	if err != nil {
		return sandik.Receipt{}, err
	}
	if l.Outcome == "" {
		l.Outcome, l.Done, l.Submission = sandik.LeaseTyped, c.now(), in.ID
		if err := c.store.FinishLease(ctx, id, l.Done, l.Outcome, l.Submission, ""); err != nil && sandik.CodeOf(err) != sandik.EConflict {
			return rs[0], err
		}
		c.settle(l)
	}
	return rs[0], nil
}

func typingID(id sandik.LeaseID) sandik.SubmissionID { return sandik.SubmissionID("k-" + string(id)) }

// ReportSheet sends the sheet of lease id to the coordinators: its
// photo is unreadable, not a sheet, or of another box. The sheet leaves
// the queue until a newer photo of it arrives.
func (c *Center) ReportSheet(ctx context.Context, u sandik.User, id sandik.LeaseID, reason sandik.ReportReason) error {
	if err := mayKey(u); err != nil {
		return err
	}
	if !slices.Contains(sandik.ReportReasons(), reason) {
		return sandik.Invalid("invalid report", []sandik.Problem{{Field: "reason", Rule: sandik.RuleInvalidValue,
			Message: fmt.Sprintf("unknown reason %q (want unreadable, not_a_sheet or wrong_box)", reason)}})
	}
	l, err := c.leaseOf(ctx, u, id)
	if err != nil {
		return err
	}
	if l.Outcome != "" {
		return sandik.Errorf(sandik.EConflict, "lease %q has ended already (%s)", id, l.Outcome)
	}
	l.Outcome, l.Done, l.Reason = sandik.LeaseReported, c.now(), reason
	if err := c.store.FinishLease(ctx, id, l.Done, l.Outcome, "", reason); err != nil {
		return err
	}
	c.settle(l)
	return nil
}

// VolunteerStats are one volunteer's figures. Judged typings are those
// of boxes whose figures are settled (verified or adjudicated); Agreed
// those equal to the settled figures.
type VolunteerStats struct {
	User          sandik.UserID `json:"user"`
	Typed         int           `json:"typed"`
	Reported      int           `json:"reported"`
	Judged        int           `json:"judged"`
	Agreed        int           `json:"agreed"`
	Accuracy      float64       `json:"accuracy"` // Agreed / Judged; 0 when nothing is judged
	MedianSeconds float64       `json:"median_seconds"`
	Flagged       bool          `json:"flagged"`
}

// KeyingStats is what coordinators see of the keying: each volunteer's
// figures, the sheets reported to them, and how many sheets wait.
type KeyingStats struct {
	Volunteers []VolunteerStats     `json:"volunteers"`
	Reported   []sandik.KeyingLease `json:"reported"`
	Waiting    int                  `json:"waiting"`
	Threshold  float64              `json:"threshold"`
	MinJudged  int                  `json:"min_judged"`
	// PhotoURLs gives, for the reported photos kept elsewhere, their
	// addresses by sum: the coordinator opens them there.
	PhotoURLs map[string]string `json:"photo_urls,omitempty"`
}

// KeyingStats returns every volunteer's figures, for coordinators.
func (c *Center) KeyingStats(ctx context.Context, u sandik.User) (KeyingStats, error) {
	if !u.Role.CanAdjudicate() {
		return KeyingStats{}, sandik.Errorf(sandik.EForbidden, "user %q (%s) may not read keying figures; coordinators may", u.ID, u.Role)
	}
	ls, err := c.store.Leases(ctx, sandik.LeaseFilter{})
	if err != nil {
		return KeyingStats{}, err
	}
	cfg := c.keys.cfg
	out := KeyingStats{Volunteers: []VolunteerStats{}, Reported: []sandik.KeyingLease{}, Threshold: cfg.Accuracy, MinJudged: cfg.MinJudged}
	eng := c.engine.Load()
	reg := eng.Registry()
	by := map[sandik.UserID]*VolunteerStats{}
	secs := map[sandik.UserID][]float64{}
	lastReport := map[sheetKey]sandik.KeyingLease{}
	for _, l := range ls {
		if l.Outcome == "" {
			continue
		}
		v := by[l.User]
		if v == nil {
			v = &VolunteerStats{User: l.User}
			by[l.User] = v
		}
		if l.Outcome == sandik.LeaseReported {
			v.Reported++
			lastReport[sheetKey{l.Race, l.Box}] = l
			continue
		}
		v.Typed++
		secs[l.User] = append(secs[l.User], l.Done.Sub(l.Leased).Seconds())
		st, err := eng.Box(l.Race, l.Box)
		if err != nil || st.Resolved == nil {
			continue
		}
		sub, err := c.store.Submission(ctx, l.Submission)
		if err != nil {
			if sandik.CodeOf(err) == sandik.ENotFound {
				continue
			}
			return KeyingStats{}, err
		}
		v.Judged++
		if sub.Sheet.Equal(*st.Resolved) {
			v.Agreed++
		}
	}
	for _, v := range by {
		if v.Judged > 0 {
			v.Accuracy = float64(v.Agreed) / float64(v.Judged)
		}
		v.MedianSeconds = median(secs[v.User])
		v.Flagged = v.Judged >= cfg.MinJudged && v.Accuracy < cfg.Accuracy
		out.Volunteers = append(out.Volunteers, *v)
	}
	slices.SortFunc(out.Volunteers, func(a, b VolunteerStats) int { return cmp.Compare(a.User, b.User) })
	q := c.keys
	if err := c.refreshQueue(ctx, q, c.now()); err != nil {
		return KeyingStats{}, err
	}
	q.mu.Lock()
	for k, l := range lastReport {
		if s := q.sheets[k]; s != nil && s.isReported() && reg.InScope(u, k.box) {
			out.Reported = append(out.Reported, l)
			if addr := s.urls[l.Photo]; addr != "" {
				if out.PhotoURLs == nil {
					out.PhotoURLs = map[string]string{}
				}
				out.PhotoURLs[l.Photo] = addr
			}
		}
	}
	var open []sheetKey
	for _, s := range q.order {
		if !s.isReported() {
			open = append(open, s.key)
		}
	}
	q.mu.Unlock()
	for _, k := range open {
		if need, _ := c.needs(k, ""); need > 0 {
			out.Waiting++
		}
	}
	slices.SortFunc(out.Reported, func(a, b sandik.KeyingLease) int { return a.Done.Compare(b.Done) })
	return out, nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
