// Package center is the coordination centre's service: it ties the
// registry, the store and the tally engine together behind the operations
// the API, the pages and the CLI call. It knows no HTTP and no SQL.
package center

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/overload"
	"github.com/sandik-dev/sandik/tally"
)

// MaxBatch bounds the sheets of one batch submission.
const MaxBatch = 1000

// Config holds what a Center needs.
type Config struct {
	Store  sandik.Store
	Logger *slog.Logger
	Now    func() time.Time
	// Poll is how often the follower reads the log when no signal woke it
	// (another instance may have written). Zero means one second.
	Poll time.Duration
	// DeadlineRules are the objection deadlines per board; nil means
	// itiraz.DefaultRules.
	DeadlineRules []itiraz.Rule
	// BlindMinBoxes is the least number of boxes of an area whose totals
	// those who type sheets may read (Registry.AllowTotalsOf). Zero means
	// sandik.DefaultBlindMinBoxes.
	BlindMinBoxes int
	// MaxEntriesPerPerson bounds how often one person enters one box of
	// one race, corrections included; MaxPeoplePerBox how many people
	// enter it. Zero means sandik.DefaultMaxEntriesPerPerson and
	// sandik.DefaultMaxPeoplePerBox.
	MaxEntriesPerPerson int
	MaxPeoplePerBox     int
	// LedgerKey is the file of the key that signs the ledger's
	// checkpoints, generated (mode 0600) if it does not exist; the latest
	// saved checkpoint is kept beside it (CheckpointFile). Empty: no
	// checkpoints are signed and answers carry no ledger receipts.
	LedgerKey string
	// LedgerOrigin names the log in a key generated now. Default
	// "sandik.local/ledger".
	LedgerOrigin string
	// CheckpointEvery is how often a checkpoint is signed and saved when
	// the ledger grew. Zero means one second.
	CheckpointEvery time.Duration
	// UserCacheTTL is how long a token's user, once read, is trusted
	// without reading it again — and only while no user changed
	// anywhere (the store's user generation), so a revocation by any
	// process takes effect at the next request. Zero means one second;
	// negative, no cache. Reading the user on every request costs about
	// two thirds of the HTTP submit throughput on SQLite (BENCHMARKS.md).
	UserCacheTTL time.Duration
	// ContactViewsPerMinute is the most contacts (phones, e-mail) one
	// user is shown in any minute. Zero means
	// sandik.DefaultContactViewsPerMinute.
	ContactViewsPerMinute int
	// ObserverBoxes returns the boxes a person is assigned to watch now,
	// which make a linked user an observer of them (org.Effective's
	// observerBoxes). Nil: the boxes assigned to the person for the
	// registry's elections (Center.AssignedBoxes); a change of them moves
	// the user generation like any other change of rights.
	ObserverBoxes func(ctx context.Context, person sandik.PersonID) ([]sandik.AreaCode, error)
	// Keying tunes the queue of sheet photos typed by volunteers.
	Keying KeyingConfig
}

// Center is the running service.
type Center struct {
	store sandik.Store
	log   *slog.Logger
	now   func() time.Time
	// users caches authenticated tokens for userTTL; tokenGen moves on
	// every change this process makes, so a read that raced with one is
	// not cached and forget empties the cache.
	users sync.Map // [32]byte → cachedUser
	// rights caches Effective's answers alike (rights.go).
	rights sync.Map // sandik.UserID → cachedRights
	// covCache keeps coverages of areas while assignments stand still.
	covCache coverageCache
	kinds    kindsCache
	// charts keeps what units' charts are drawn from while the
	// organisation stands still.
	charts chartCache
	// chartMem holds every unit's chart in memory once loaded
	// (chart_memory.go); charts is for while it is not.
	chartMem chartMemory
	// bg ends when the centre closes; Close waits for bgWork, the work
	// started on it (warmCoverage).
	bg      context.Context
	bgWork  sync.WaitGroup
	userTTL time.Duration
	// observerBoxes is Config.ObserverBoxes.
	observerBoxes func(ctx context.Context, person sandik.PersonID) ([]sandik.AreaCode, error)
	rules         []itiraz.Rule
	poll          time.Duration
	// blindMin is Config.BlindMinBoxes.
	blindMin int
	// maxPerPerson and maxPeople are the entry quotas (Config).
	maxPerPerson, maxPeople int
	// viewsPerMinute is Config.ContactViewsPerMinute.
	viewsPerMinute int
	engine         atomic.Pointer[tally.Engine]
	// keys is the queue of sheet photos to type (keying.go).
	keys *keyQueue

	importMu sync.Mutex // one registry import at a time

	// writeTimes keeps how long the store took to append single sheets
	// and which are under way, and batches counts the batches under way,
	// so that the server can tell a queue that does not drain
	// (WriteTime); maxWriteWait is SetMaxWriteWait's.
	writeTimes   *overload.Window
	batches      atomic.Int64
	maxWriteWait atomic.Int64

	// swapped is closed and replaced whenever a registry import installs
	// a new engine, so that waiters move to it.
	swapMu  sync.Mutex
	swapped chan struct{}

	// bells wake the live views of surveys (meeting.go).
	bells sync.Map // sandik.SurveyID → *bell

	// congress holds the congresses' locks and frozen lists (congress.go).
	congress congressState

	// tokenGen moves whenever this process changes a user (UsersChanged).
	tokenGen atomic.Int64

	cancel context.CancelFunc
	done   chan struct{}
	signer chan struct{} // closed when the notary has stopped
	warmed chan struct{} // closed when the keying queue's first read is over
	notary *notary
	err    atomic.Pointer[error] // the follower's last error, nil while it keeps up
}

// Open loads the registry, rebuilds the tally from the whole log and starts
// following the log. Close stops it.
func Open(ctx context.Context, cfg Config) (*Center, error) {
	if cfg.Store == nil {
		return nil, errors.New("center: no store")
	}
	c := &Center{store: cfg.Store, log: cfg.Logger, now: cfg.Now, poll: cfg.Poll, swapped: make(chan struct{}), observerBoxes: cfg.ObserverBoxes,
		writeTimes: overload.New(WriteTimeSpan)}
	if c.observerBoxes == nil {
		// An observer linked to a person watches the boxes assigned to
		// that person (box_assignments).
		c.observerBoxes = c.AssignedBoxes
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.rules = cfg.DeadlineRules
	if c.rules == nil {
		c.rules = itiraz.DefaultRules()
	}
	if err := itiraz.CheckRules(c.rules); err != nil {
		return nil, err
	}
	if c.now == nil {
		c.now = time.Now
	}
	switch c.userTTL = cfg.UserCacheTTL; {
	case c.userTTL == 0:
		c.userTTL = time.Second
	case c.userTTL < 0:
		c.userTTL = 0
	}
	if c.poll <= 0 {
		c.poll = time.Second
	}
	c.maxPerPerson = cmp.Or(max(cfg.MaxEntriesPerPerson, 0), sandik.DefaultMaxEntriesPerPerson)
	c.maxPeople = cmp.Or(max(cfg.MaxPeoplePerBox, 0), sandik.DefaultMaxPeoplePerBox)
	c.viewsPerMinute = cmp.Or(max(cfg.ContactViewsPerMinute, 0), sandik.DefaultContactViewsPerMinute)
	c.keys = newKeyQueue(cfg.Keying)
	c.blindMin = cfg.BlindMinBoxes
	if c.blindMin <= 0 {
		c.blindMin = sandik.DefaultBlindMinBoxes
	}
	reg, err := c.store.LoadRegistry(ctx)
	if err != nil {
		return nil, fmt.Errorf("load registry: %w", err)
	}
	eng, err := c.rebuild(ctx, reg)
	if err != nil {
		return nil, err
	}
	c.engine.Store(eng)
	if err := c.openNotary(ctx, cfg); err != nil {
		return nil, err
	}
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c.cancel = cancel
	c.done = make(chan struct{})
	go c.follow(fctx)
	c.signer = make(chan struct{})
	go func() {
		defer close(c.signer)
		if c.notary != nil {
			c.notary.run(fctx, func(err error) { c.log.Error("sign ledger checkpoint", "err", err) })
		}
	}()
	// The keying queue is read now rather than when the first volunteer
	// asks for a sheet: it is read under the queue's lock, and after a
	// restart every volunteer asking in that moment waited for it (p99
	// 10–40 ms with 200 of them, BENCHMARKS.md).
	c.warmed = make(chan struct{})
	go func() {
		defer close(c.warmed)
		if err := c.refreshQueue(fctx, c.keys, c.now()); err != nil && fctx.Err() == nil {
			c.log.Warn("keying queue: first read failed; the first request reads it again", "err", err)
		}
	}()
	// A national organisation's two million terms take seconds to read:
	// charts are read from the store until they are in memory.
	c.startChartMemory(fctx)
	c.bg = fctx
	return c, nil
}

// rebuildGCPercent is the collector's pace during a rebuild. Reading the
// whole log decodes a national night's worth of submissions that are
// garbage a moment later, while the tally grows to its full size; at the
// default pace (100) the heap reaches about twice the tally before the
// next collection, at 50 about one and a half times, for a little more
// CPU: most of the tally holds no pointers (sheets in arenas, interned
// users), so a collection has little to mark.
const rebuildGCPercent = 50

// rebuild builds a fresh engine for reg and feeds it the whole log. Calls
// never overlap: Open's comes before the follower starts, the others hold
// importMu.
func (c *Center) rebuild(ctx context.Context, reg *sandik.Registry) (*tally.Engine, error) {
	start := time.Now()
	prev := debug.SetGCPercent(rebuildGCPercent)
	if prev < rebuildGCPercent {
		// An operator's lower GOGC (collecting more often), or none
		// (GOGC=off, -1), is kept.
		debug.SetGCPercent(prev)
	}
	defer func() {
		debug.SetGCPercent(prev)
		// What the rebuild decoded goes back to the system now rather
		// than over the next minutes.
		debug.FreeOSMemory()
	}()
	eng := tally.New(reg)
	n, err := catchUp(ctx, c.store, eng)
	if err != nil {
		return nil, fmt.Errorf("rebuild tally: %w", err)
	}
	c.log.Info("tally rebuilt", "submissions", n, "seq", eng.Seq(), "took", time.Since(start).Round(time.Millisecond))
	return eng, nil
}

// catchUp applies everything in the log after the engine's position. The
// next page is read while the engine applies the current one, so a
// rebuild costs about the larger of reading and applying, not their sum.
// Submissions this process committed itself come from the store's memory
// when it keeps them (sandik.RecentWrites).
func catchUp(ctx context.Context, log sandik.LogReader, eng *tally.Engine) (int, error) {
	const page = 50_000
	type result struct {
		subs []sandik.Submission
		err  error
	}
	recent, _ := log.(sandik.RecentWrites)
	fetch := func(after int64) <-chan result {
		ch := make(chan result, 1)
		if recent != nil {
			// What this process wrote itself, up to the first seq it did
			// not: a short page, after which the follower reads again.
			if subs := recent.RecentSince(after, page); len(subs) > 0 {
				ch <- result{subs: subs}
				return ch
			}
		}
		go func() {
			subs, err := log.Since(ctx, after, page)
			ch <- result{subs, err}
		}()
		return ch
	}
	total := 0
	next := fetch(eng.Seq())
	for {
		r := <-next
		if r.err != nil {
			return total, r.err
		}
		if len(r.subs) == 0 {
			return total, nil
		}
		if len(r.subs) == page {
			next = fetch(r.subs[len(r.subs)-1].Seq)
		}
		eng.Apply(r.subs)
		total += len(r.subs)
		if len(r.subs) < page {
			return total, nil
		}
	}
}

// follow keeps the engine at the head of the log until ctx ends.
func (c *Center) follow(ctx context.Context) {
	defer close(c.done)
	backoff := time.Duration(0)
	// Submissions an engine skips beyond those it skipped when first seen
	// were written against a newer registry.
	var seen *tally.Engine
	var skipped int64
	var reloaded time.Time
	for ctx.Err() == nil {
		eng := c.engine.Load()
		if eng != seen {
			seen, skipped = eng, eng.Skipped()
		}
		if _, err := catchUp(ctx, c.store, eng); err != nil {
			if ctx.Err() != nil {
				return
			}
			// The head is out of reach, so WaitFor would return at once:
			// back off instead of spinning, and log once per attempt.
			backoff = min(max(2*backoff, 100*time.Millisecond), c.poll)
			c.log.Error("follow log", "err", err, "retry_in", backoff)
			ferr := fmt.Errorf("follow log: %w", err)
			c.err.Store(&ferr)
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			continue
		}
		backoff = 0
		c.err.Store(nil)
		// At most one reload a second: loading a national registry takes
		// a while, and a registry that cannot be merged would otherwise be
		// loaded again at every page of the log.
		if n := eng.Skipped(); n > skipped && time.Since(reloaded) >= time.Second {
			skipped, reloaded = n, time.Now()
			c.reloadRegistry(ctx)
		}
		// A registry import may have installed a newer engine meanwhile.
		if c.engine.Load() != eng {
			continue
		}
		if err := c.store.WaitFor(ctx, eng.Seq(), c.poll); err != nil && ctx.Err() == nil {
			c.log.Error("wait for log", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(c.poll):
			}
		}
	}
}

// Close stops following the log. It does not close the store.
func (c *Center) Close() error {
	if c.cancel != nil {
		c.cancel()
		<-c.done
		<-c.signer
		<-c.warmed
		<-c.chartMem.done
		c.bgWork.Wait()
	}
	return nil
}

// Registry returns the registry in force.
func (c *Center) Registry() *sandik.Registry { return c.engine.Load().Registry() }

// Seq returns the log position the live totals reflect.
func (c *Center) Seq() int64 { return c.engine.Load().Seq() }

// WaitFor blocks until the totals reflect seq (read-your-writes), across
// registry imports that replace the engine.
func (c *Center) WaitFor(ctx context.Context, seq int64) error {
	for {
		c.swapMu.Lock()
		eng, swapped := c.engine.Load(), c.swapped
		c.swapMu.Unlock()
		wctx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-swapped:
				cancel()
			case <-wctx.Done():
			}
		}()
		err := eng.WaitFor(wctx, seq)
		cancel()
		if err == nil || ctx.Err() != nil {
			return err
		}
	}
}

// ImportRegistry merges reg into the stored registry, all or nothing, and
// rebuilds the live totals over the new tree. Importing the same registry
// twice changes nothing.
func (c *Center) ImportRegistry(ctx context.Context, reg *sandik.Registry) error {
	c.importMu.Lock()
	defer c.importMu.Unlock()
	merged, err := c.Registry().Merge(reg)
	if err != nil {
		return err
	}
	// Build the new engine before saving, so that a failed rebuild leaves
	// both the store and the running service as they were.
	ctx = context.WithoutCancel(ctx)
	eng, err := c.rebuild(ctx, merged)
	if err != nil {
		return err
	}
	if err := c.store.SaveRegistry(ctx, merged); err != nil {
		return fmt.Errorf("save registry: %w", err)
	}
	return c.install(ctx, eng)
}

// install makes eng the engine in force. The old engine kept following the
// log during the rebuild: eng is brought at least as far first, so totals
// never go back.
func (c *Center) install(ctx context.Context, eng *tally.Engine) error {
	if _, err := catchUp(ctx, c.store, eng); err != nil {
		return fmt.Errorf("rebuild tally: %w", err)
	}
	c.swapMu.Lock()
	c.engine.Store(eng)
	close(c.swapped)
	c.swapped = make(chan struct{})
	c.swapMu.Unlock()
	return nil
}

// Submit validates sheets and appends them durably, all or nothing: if any
// sheet is invalid, the error lists every problem of every sheet (fields of
// batch items prefixed "items[i].") and nothing is written.
func (c *Center) Submit(ctx context.Context, user sandik.User, in []sandik.SheetInput) ([]sandik.Receipt, error) {
	if !user.Role.CanSubmit() {
		return nil, sandik.Errorf(sandik.EForbidden, "user %q (%s) may not submit sheets", user.ID, user.Role)
	}
	if len(in) == 0 {
		return nil, sandik.Invalid("nothing to submit", []sandik.Problem{{Field: "items", Rule: sandik.RuleRequired, Message: "at least one sheet is required"}})
	}
	if len(in) > MaxBatch {
		return nil, sandik.Errorf(sandik.ETooLarge, "a batch holds at most %d sheets (got %d)", MaxBatch, len(in))
	}
	return c.append(ctx, user, sandik.KindEntry, sandik.ActionSubmit, in)
}

// Adjudicate records a coordinator's decision on a box: the given sheet
// wins over every entry. A reason is required.
func (c *Center) Adjudicate(ctx context.Context, user sandik.User, in sandik.SheetInput) (sandik.Receipt, error) {
	if !user.Role.CanAdjudicate() {
		return sandik.Receipt{}, sandik.Errorf(sandik.EForbidden, "user %q (%s) may not adjudicate; coordinators and admins may", user.ID, user.Role)
	}
	rs, err := c.append(ctx, user, sandik.KindAdjudication, sandik.ActionAdjudicate, []sandik.SheetInput{in})
	if err != nil {
		return sandik.Receipt{}, err
	}
	return rs[0], nil
}

// append validates and writes sheets. Each box must lie within the
// user's areas for act: a batch with any box outside them is refused
// whole, before validation, so it reveals nothing about those boxes.
func (c *Center) append(ctx context.Context, user sandik.User, kind sandik.Kind, act sandik.Action, in []sandik.SheetInput) ([]sandik.Receipt, error) {
	eng := c.engine.Load()
	reg := eng.Registry()
	if err := allowAll(reg, user, act, in); err != nil {
		return nil, err
	}
	now := c.now()
	subs := make([]sandik.Submission, 0, len(in))
	var problems []sandik.Problem
	seen := make(map[sandik.SubmissionID]int, len(in))
	items := make([]int, 0, len(in)) // items[j]: the index in in of subs[j]
	for i := range in {
		prefix := ""
		if len(in) > 1 {
			prefix = fmt.Sprintf("items[%d].", i)
		}
		s, err := reg.NewSubmission(&in[i], user, kind, now, prefix)
		if err != nil {
			problems = append(problems, sandik.ProblemsOf(err)...)
			continue
		}
		if j, dup := seen[s.ID]; dup && subs[j].Hash != s.Hash {
			problems = append(problems, sandik.Problem{Field: prefix + "id", Rule: sandik.RuleDuplicate,
				Message: fmt.Sprintf("id %q is used by item %d with different content", s.ID, j)})
			continue
		}
		seen[s.ID] = len(subs)
		subs = append(subs, s)
		items = append(items, i)
	}
	if len(problems) > 0 {
		msg := "the result sheet is not valid"
		if len(in) > 1 {
			msg = "the batch is not valid; nothing was written"
		}
		return nil, sandik.Invalid(msg, problems)
	}
	if kind == sandik.KindEntry {
		if err := c.checkQuotas(ctx, eng, user, subs, items); err != nil {
			return nil, err
		}
	}
	// The store's receipts carry the stored warnings, a replay's included.
	if len(subs) > 1 {
		// Batches are refused first when the store is behind: one
		// account's large batches queued ahead of everyone's sheets must
		// not have everyone's writes refused, so they are not timed, and
		// while one is under way single sheets are not refused at all.
		if wait := time.Duration(c.maxWriteWait.Load()); wait > 0 {
			if took, ok := c.writeTimes.Min(time.Now()); ok && took > wait {
				return nil, sandik.Errorf(sandik.EUnavailable, "the server is behind with writes; send the batch again shortly, or its sheets one by one")
			}
		}
		c.batches.Add(1)
		defer c.batches.Add(-1)
		return c.store.Append(ctx, subs)
	}
	w := c.writeTimes.Begin(time.Now())
	rs, err := c.store.Append(ctx, subs)
	c.writeTimes.End(w, time.Now(), err == nil)
	return rs, err
}

// WriteTimeSpan is the span over which WriteTime takes its minimum.
const WriteTimeSpan = 500 * time.Millisecond

// WriteTime is the shortest time the store took to append a single
// sheet, queue and commit, over the last span or two of WriteTimeSpan,
// or how long the oldest has waited when none ended (package overload).
// ok is false when too few ended to judge, when no sheet is under way (a
// queue that has drained stands no more, however slow it was), and while
// a batch is under way (batches are refused first, by the centre). When
// even the shortest is long, the store's queue is not draining.
func (c *Center) WriteTime() (min time.Duration, ok bool) {
	if c.batches.Load() > 0 {
		return 0, false
	}
	return c.writeTimes.Min(time.Now())
}

// SetMaxWriteWait sets how long even the fastest recent append of a
// single sheet may take before batches are refused (0: never); the web
// server refuses every write past it (web.Config.MaxWriteWait).
func (c *Center) SetMaxWriteWait(d time.Duration) { c.maxWriteWait.Store(int64(max(d, 0))) }

func allowAll(reg *sandik.Registry, user sandik.User, act sandik.Action, in []sandik.SheetInput) error {
	var outside []string
	var first error
	for i := range in {
		if _, known := reg.Area(in[i].Box); !known {
			continue // validation names the unknown box, field and all
		}
		if err := reg.Allow(user, act, in[i].Box); err != nil {
			if first == nil {
				first = err
			}
			outside = append(outside, fmt.Sprintf("items[%d] (%s)", i, in[i].Box))
		}
	}
	switch {
	case first == nil:
		return nil
	case len(in) == 1:
		return first
	}
	return sandik.Errorf(sandik.EForbidden, "the batch is refused, nothing was written: %s; %d of %d sheets are outside the areas of user %q",
		strings.Join(outside, ", "), len(outside), len(in), user.ID)
}

// Err returns why the centre stopped following the log, or nil while the
// live totals keep up with it.
func (c *Center) Err() error {
	if p := c.err.Load(); p != nil {
		return *p
	}
	return nil
}

// HashToken is how tokens are kept in the store: only their SHA-256.
// Tokens are 32 random bytes, so a fast hash is enough.
func HashToken(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// NewToken returns a fresh random API token.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "sdk_" + base64.RawURLEncoding.EncodeToString(b)
}

// CreateUser adds a user and returns their new API token, shown only once.
// The user's areas must be in the registry.
func (c *Center) CreateUser(ctx context.Context, u sandik.User) (string, error) {
	// Every problem at once: the user's fields and their areas.
	ps := append(sandik.ProblemsOf(u.Validate()), sandik.ProblemsOf(c.Registry().CheckAreas(u.Areas))...)
	if len(ps) > 0 {
		return "", sandik.Invalid(fmt.Sprintf("invalid user %q", u.ID), dedupe(ps))
	}
	u.Areas = sandik.NormalizeAreas(u.Areas)
	token := NewToken()
	if err := c.store.CreateUser(ctx, u, HashToken(token)); err != nil {
		return "", err
	}
	return token, nil
}

// Authenticate returns the user holding token. A user once read is
// trusted for the cache's TTL only while the store's user generation
// stands still: any change of any user by any process on the database
// (a token revoked by `sandik user reset`, areas changed on another
// instance) moves it, and the next request reads the user again. The
// generation is read from memory: SQLite's store reads its one-row table
// every 20 ms, PostgreSQL's notifications keep it.
//
// The user returned is Effective's: their own role and areas with the
// rights of their linked person's terms and of their grants, trusted no
// later than the instant those next change.
func (c *Center) Authenticate(ctx context.Context, token string) (sandik.User, error) {
	if token == "" {
		return sandik.User{}, sandik.Errorf(sandik.EUnauthorized, "an API token is required")
	}
	h := HashToken(token)
	now := c.now()
	var storeGen int64
	if c.userTTL > 0 {
		var err error
		if storeGen, err = c.store.UserGeneration(ctx); err != nil {
			return sandik.User{}, fmt.Errorf("authenticate: %w", err)
		}
		if v, ok := c.users.Load(h); ok {
			// Trusted until the TTL or the instant its rights change (a
			// term's last day ends, a grant expires or starts), whichever
			// comes first: no job ends a right, the clock does. A clock set back
			// before the read reads again.
			if cu := v.(cachedUser); !now.Before(cu.read) && now.Before(cu.expires) && cu.gen == storeGen {
				return cu.user, nil
			}
		}
	}
	gen := c.tokenGen.Load()
	u, err := c.store.UserByToken(ctx, h)
	if sandik.CodeOf(err) == sandik.ENotFound {
		// Refusals are never cached: a token refused now is not trusted
		// later by mistake, and one issued a moment ago works at once.
		return sandik.User{}, sandik.Errorf(sandik.EUnauthorized, "the API token is not valid")
	}
	if err != nil {
		return sandik.User{}, fmt.Errorf("authenticate: %w", err)
	}
	u, next, err := c.Effective(ctx, u)
	if err != nil {
		return sandik.User{}, fmt.Errorf("authenticate: %w", err)
	}
	expires := now.Add(c.userTTL)
	if !next.IsZero() && next.Before(expires) {
		expires = next
	}
	if c.userTTL > 0 && c.tokenGen.Load() == gen {
		c.users.Store(h, cachedUser{user: u, read: now, expires: expires, gen: storeGen})
	}
	return u, nil
}

type cachedUser struct {
	user    sandik.User
	read    time.Time // when it was read
	expires time.Time
	gen     int64 // the store's user generation when read
}

// UsersChanged is a counter that moves whenever this process changes a
// user's token or areas, so that holders of a user's rights (a live
// stream) know to read the user again.
func (c *Center) UsersChanged() uint64 { return uint64(c.tokenGen.Load()) }

// UserGeneration is the store's user generation (sandik.UserStore): it
// moves at every change of users and rights and at the end of any
// session, by any instance, so a session or user read while it stands
// still is still good.
func (c *Center) UserGeneration(ctx context.Context) (int64, error) {
	return c.store.UserGeneration(ctx)
}

// Sessions returns where the pages keep their sessions: the store, so
// that every instance on the database shares them and a restart keeps
// them.
func (c *Center) Sessions() sandik.SessionStore { return c.store }

// dedupe drops repeated problems: a malformed area code is reported by
// the user's own check and by the registry's.
func dedupe(ps []sandik.Problem) []sandik.Problem {
	seen := make(map[string]bool, len(ps))
	return slices.DeleteFunc(ps, func(p sandik.Problem) bool {
		k := p.Field + "\x00" + p.Message
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
}

// AssignAreas replaces the areas a user works in; none leaves an observer
// with no box and anyone else with the whole centre. Every code must be
// in the registry. Every process sees the change at its next request
// (Authenticate and sessions read the user from the store) and on live
// streams within a second.
//
// It returns the user as assigned.
func (c *Center) AssignAreas(ctx context.Context, id sandik.UserID, areas []sandik.AreaCode) (sandik.User, error) {
	if err := c.Registry().CheckAreas(areas); err != nil {
		return sandik.User{}, err
	}
	users, err := c.store.Users(ctx)
	if err != nil {
		return sandik.User{}, err
	}
	i := slices.IndexFunc(users, func(u sandik.User) bool { return u.ID == id })
	if i < 0 {
		return sandik.User{}, sandik.Errorf(sandik.ENotFound, "user %q not found", id)
	}
	u := users[i]
	u.Areas = sandik.NormalizeAreas(areas)
	if err := u.Validate(); err != nil {
		return sandik.User{}, err
	}
	if err := c.store.SetUserAreas(ctx, id, u.Areas); err != nil {
		return sandik.User{}, err
	}
	c.forget(id)
	return u, nil
}

// forget tells this process's holders of a user's rights (live streams,
// UsersChanged) that the user changed.
func (c *Center) forget(sandik.UserID) {
	c.tokenGen.Add(1)
	c.users.Clear()
	c.rights.Clear()
}

// ResetToken gives a user a new token; the old one stops working.
func (c *Center) ResetToken(ctx context.Context, id sandik.UserID) (string, error) {
	token := NewToken()
	if err := c.store.SetToken(ctx, id, HashToken(token)); err != nil {
		return "", err
	}
	c.forget(id)
	return token, nil
}
