package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/sandik-dev/sandik"
)

// Tokens are the API tokens of the night's users, created by the caller.
type Tokens struct {
	// Observer returns the token of a box's observer; "" when the box has
	// none (its sheet is then skipped as unsendable).
	Observer func(box sandik.AreaCode) string
	// Volunteers are the data-entry volunteers; each is a different user.
	Volunteers []string
	// Coordinator adjudicates conflicts; "" plans no adjudication.
	Coordinator string
}

// DefaultWorkers is how many requests Run keeps in flight unless told.
const DefaultWorkers = 16

// Config is what Run needs. API, Registry and Tokens are required.
type Config struct {
	API      Transport        // to the running server, e.g. apiclient.New(url, Workers)
	Registry *sandik.Registry // the registry the server holds
	Truth    Results          // nil: TrueResults(Registry, Params.Seed)
	Night    *Night           // nil: NewNight(Registry, Truth, Params)
	Params   Params           // Volunteers and Coordinator are set from Tokens
	Tokens   Tokens
	// IDPrefix starts every submission id. Empty: "d<seed>-<start time>",
	// so that a second run against the same server adds new entries
	// instead of colliding with the first run's ids.
	IDPrefix string
	// Speed is simulated time per wall-clock time: 60 plays an hour of the
	// night in a minute. Zero, negative or +Inf: as fast as the server
	// takes it.
	Speed   float64
	Workers int // concurrent requests; zero means DefaultWorkers
	// MaxAttempts bounds the sendings of one request when the server is
	// overloaded (429, 503) or unreachable; zero means 10.
	MaxAttempts int
	// Progress, if set, receives the running figures at most once per
	// ProgressEvery of wall time (zero: a second; negative: after every
	// request) and once at the end. It is called from one goroutine at a
	// time and must return quickly.
	Progress      func(Stats)
	ProgressEvery time.Duration
	// Now and Sleep are the wall clock; tests replace them so that nothing
	// waits. Sleep returns early with ctx's error.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Stats are the running figures of a night.
type Stats struct {
	Events    int           // requests planned
	Done      int           // requests finished, whatever the outcome
	Sent      int           // HTTP requests made, repeats included
	Accepted  int           // answered 201: stored
	Replayed  int           // answered 200 "replayed": a repeat after a lost answer, recognised and not counted twice
	Invalid   int           // 422
	Conflicts int           // 409: an id reused with different content
	Denied    int           // 401, 403
	Retries   int           // sendings repeated after 429, 503 or a network error
	Failed    int           // requests given up
	Skipped   int           // no token for the actor
	Warnings  int           // accepted with warnings (late, voted over registered…)
	Keyed     int           // sheet photos of the keying queue typed by the volunteers
	NightTime time.Time     // the simulated clock: the latest planned time sent
	Elapsed   time.Duration // wall time since the start
	LastError string
}

func (c *Config) defaults() error {
	if c.Registry == nil || c.API == nil {
		return errors.New("demo: Run needs a Registry and an API transport")
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 10
	}
	if c.ProgressEvery == 0 {
		c.ProgressEvery = time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
	if c.Truth == nil {
		c.Truth = TrueResults(c.Registry, c.Params.Seed)
	}
	if c.Night == nil {
		p := c.Params
		p.Volunteers, p.Coordinator = len(c.Tokens.Volunteers), c.Tokens.Coordinator != ""
		c.Night = NewNight(c.Registry, c.Truth, p)
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run is one night being played.
type run struct {
	cfg    *Config
	prefix string
	start  time.Time

	mu       sync.Mutex
	stats    Stats
	reported time.Time
}

// Run plays the night against a running server, in time order at
// cfg.Speed, with cfg.Workers requests in flight at most, and returns the
// final figures. It stops early, with ctx's error, when ctx ends.
func Run(ctx context.Context, cfg Config) (Stats, error) {
	if err := cfg.defaults(); err != nil {
		return Stats{}, err
	}
	r := &run{cfg: &cfg, start: cfg.Now()}
	r.prefix = cfg.IDPrefix
	if r.prefix == "" {
		r.prefix = "d" + strconv.FormatInt(cfg.Params.Seed, 10) + "-" + strconv.FormatInt(r.start.Unix(), 36)
	}
	r.stats.Events = len(cfg.Night.Events)
	r.stats.NightTime = cfg.Night.Start

	jobs := make(chan *Event)
	var wg sync.WaitGroup
	night := make(chan struct{})
	wg.Go(func() { r.key(ctx, night) })
	for range cfg.Workers {
		wg.Go(func() {
			for ev := range jobs {
				r.send(ctx, ev)
			}
		})
	}
	err := r.dispatch(ctx, jobs)
	close(jobs)
	close(night)
	wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats.Elapsed = cfg.Now().Sub(r.start)
	if cfg.Progress != nil {
		cfg.Progress(r.stats)
	}
	return r.stats, err
}

// dispatch hands events to the workers when their time comes.
func (r *run) dispatch(ctx context.Context, jobs chan<- *Event) error {
	events := r.cfg.Night.Events
	realtime := r.cfg.Speed > 0 && !math.IsInf(r.cfg.Speed, 1)
	var first time.Duration
	if len(events) > 0 {
		first = events[0].At
	}
	for i := range events {
		ev := &events[i]
		if realtime {
			due := time.Duration(float64(ev.At-first) / r.cfg.Speed)
			if wait := due - r.cfg.Now().Sub(r.start); wait > 0 {
				if err := r.cfg.Sleep(ctx, wait); err != nil {
					return err
				}
			}
		}
		select {
		case jobs <- ev:
		case <-ctx.Done():
			return ctx.Err()
		}
		r.mu.Lock()
		r.stats.NightTime = r.cfg.Night.Start.Add(ev.At)
		r.mu.Unlock()
	}
	return nil
}

// token returns the actor's token, or "".
func (r *run) token(a Actor) string {
	t := &r.cfg.Tokens
	switch a.Role {
	case sandik.RoleObserver:
		if t.Observer != nil {
			return t.Observer(a.Box)
		}
	case sandik.RoleVolunteer:
		if a.Volunteer < len(t.Volunteers) {
			return t.Volunteers[a.Volunteer]
		}
	case sandik.RoleCoordinator:
		return t.Coordinator
	}
	return ""
}

// send delivers one event: again after a lost response (same id, same
// body: the server must recognise it), and again with backoff while the
// server is overloaded or unreachable.
func (r *run) send(ctx context.Context, ev *Event) {
	token := r.token(ev.Actor)
	rc, ok := r.cfg.Registry.Race(ev.Race)
	if token == "" || !ok {
		r.finish(func(s *Stats) { s.Skipped++ })
		return
	}
	payload, err := body(ev, r.prefix+"-"+ev.ID, r.cfg.Now().Add(-ev.PhoneDelay).UTC().Truncate(time.Second), rc.Choices)
	if err != nil {
		r.finish(func(s *Stats) { s.Failed++; s.LastError = err.Error() })
		return
	}
	to := path(ev)
	drop := ev.DropResponse
	for attempt := 1; ; attempt++ {
		rep, err := post(ctx, r.cfg.API, to, token, payload)
		r.count(func(s *Stats) { s.Sent++ })
		if drop {
			drop = false // the answer never reached the phone: press the button again
			attempt--
			continue
		}
		overloaded := err != nil || rep.status == statusTooMany || rep.status >= statusServerError
		if overloaded && attempt < r.cfg.MaxAttempts && ctx.Err() == nil {
			wait := min(5*time.Second, 50*time.Millisecond<<min(attempt, 10))
			wait = max(wait, rep.retryAfter)
			r.count(func(s *Stats) { s.Retries++ })
			if r.cfg.Sleep(ctx, wait) == nil {
				continue
			}
		}
		r.finish(func(s *Stats) { outcome(s, rep, err) })
		return
	}
}

// outcome counts a final answer.
func outcome(s *Stats, rep reply, err error) {
	switch {
	case err != nil:
		s.Failed++
		s.LastError = err.Error()
	case rep.status == statusCreated || (rep.status == statusOK && !rep.replayed):
		s.Accepted++
	case rep.status == statusOK:
		s.Replayed++
	case rep.status == statusUnprocessable:
		s.Invalid++
	case rep.status == statusConflict:
		s.Conflicts++
	case rep.status == statusUnauthorized || rep.status == statusForbidden:
		s.Denied++
	default:
		s.Failed++
	}
	if rep.warnings > 0 {
		s.Warnings++
	}
	if rep.message != "" {
		s.LastError = rep.message
	}
}

func (r *run) count(f func(*Stats)) {
	r.mu.Lock()
	f(&r.stats)
	r.mu.Unlock()
}

// finish counts a finished event and reports progress when it is due.
func (r *run) finish(f func(*Stats)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(&r.stats)
	r.stats.Done++
	if r.cfg.Progress == nil {
		return
	}
	now := r.cfg.Now()
	if r.cfg.ProgressEvery < 0 || now.Sub(r.reported) >= r.cfg.ProgressEvery {
		r.reported = now
		r.stats.Elapsed = now.Sub(r.start)
		r.cfg.Progress(r.stats)
	}
}

// String is a one-line summary for a terminal.
func (s Stats) String() string {
	return fmt.Sprintf("%s  %d/%d sheets sent (%d accepted, %d repeats recognised, %d rejected, %d failed, %d retries); %d photos keyed",
		s.NightTime.Format("15:04"), s.Done, s.Events, s.Accepted, s.Replayed, s.Invalid+s.Conflicts+s.Denied, s.Failed, s.Retries, s.Keyed)
}
