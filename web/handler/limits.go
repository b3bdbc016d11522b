package handler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/limits"
)

// Limits bound what one user, one session or one address can hold or do,
// so that a single account cannot starve the others. Zero fields limit
// nothing; DefaultLimits are the limits `sandik serve` starts with.
type Limits struct {
	// WritesPerUser caps one user's write requests in flight, the reading
	// of their bodies included.
	WritesPerUser int
	// BodyBytesPerUser and BodyBytesTotal cap the bytes of request bodies
	// held in memory at once, by one user and by everyone: reserved before
	// a byte is read (by Content-Length, or chunk by chunk) and given back
	// when the request ends. Over a user's budget the answer is 429, over
	// the total 503, both at once with Retry-After.
	BodyBytesPerUser int64
	BodyBytesTotal   int64
	// BodyTimeout bounds the reading of a write's body.
	BodyTimeout time.Duration
	// UserWrites and AddrWrites are token buckets of write requests per
	// user and per client address.
	UserWrites, AddrWrites limits.Rate
	// LoginFailures is a token bucket per client address that each failed
	// sign-in or bad bearer token spends; while it is empty the address
	// may not try again. SignIns is a bucket of sign-ins per account, each
	// of which creates a session.
	LoginFailures, SignIns limits.Rate
	// StreamsPerSession and StreamsPerUser cap the live streams open at
	// once.
	StreamsPerSession, StreamsPerUser int
}

// DefaultLimits are sized for an election night: an observer's app sends
// a sheet or a batch now and then; a centre's wall screens hold a few
// streams each. An evidence file (20 MiB) fits a user's body budget.
func DefaultLimits() Limits {
	return Limits{
		WritesPerUser:     16,
		BodyBytesPerUser:  32 << 20,
		BodyBytesTotal:    256 << 20,
		BodyTimeout:       20 * time.Second,
		UserWrites:        limits.Rate{PerSecond: 10, Burst: 50},
		AddrWrites:        limits.Rate{PerSecond: 100, Burst: 400},
		LoginFailures:     limits.Rate{PerSecond: 10.0 / 60, Burst: 30},
		SignIns:           limits.Rate{PerSecond: 10.0 / 60, Burst: 30},
		StreamsPerSession: 8,
		StreamsPerUser:    32,
	}
}

// guards are a Base's limiters, built from its Limits.
type guards struct {
	userWrites, addrWrites, loginFailures, signIns *limits.Buckets
	writesInFlight                                 *limits.Counts
	bodies                                         *limits.Budget
	sessionStreams, userStreams                    *limits.Counts
}

func newGuards(l Limits) guards {
	return guards{
		userWrites:     limits.NewBuckets(l.UserWrites, nil),
		addrWrites:     limits.NewBuckets(l.AddrWrites, nil),
		loginFailures:  limits.NewBuckets(l.LoginFailures, nil),
		signIns:        limits.NewBuckets(l.SignIns, nil),
		writesInFlight: limits.NewCounts(l.WritesPerUser),
		bodies:         limits.NewBudget(l.BodyBytesPerUser, l.BodyBytesTotal),
		sessionStreams: limits.NewCounts(l.StreamsPerSession),
		userStreams:    limits.NewCounts(l.StreamsPerUser),
	}
}

// retryError is a refusal for load, answered with Retry-After.
type retryError struct {
	err   *sandik.Error
	after time.Duration
}

func (e *retryError) Error() string { return e.err.Error() }
func (e *retryError) Unwrap() error { return e.err }

// TooMany refuses a request that one client should send later, after
// about after.
func TooMany(after time.Duration, format string, args ...any) error {
	return &retryError{sandik.Errorf(ETooManyRequests, format, args...), after}
}

// Busy refuses a request because the server as a whole is loaded.
func Busy(format string, args ...any) error {
	return &retryError{sandik.Errorf(sandik.EUnavailable, format, args...), time.Second}
}

// SetRetryAfter sets Retry-After on an answer to a refusal for load, in
// whole seconds rounded up; the pages call it before their error page.
func SetRetryAfter(w http.ResponseWriter, err error) {
	secs := 0
	if re, ok := errors.AsType[*retryError](err); ok {
		secs = int(math.Ceil(re.after.Seconds()))
	}
	switch sandik.CodeOf(err) {
	case sandik.EUnavailable, ETooManyRequests:
		w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	}
}

// Write wraps h, a write, with the bounds of writes: per user and per
// address rates, per user requests in flight, the body read whole within
// the body budgets and BodyTimeout, and only then one of the global write
// slots, so that a slow or huge body holds its own user's share and
// nobody else's. Every refusal is at once.
func (b *Base) Write(h UserFunc) UserFunc {
	return func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
		uid := string(u.ID)
		release, err := b.admitWrite(w, r, uid)
		defer release()
		if err != nil {
			if r.ContentLength != 0 {
				// The body was not read whole: the server would otherwise
				// wait to discard the rest before it answered, so a slow
				// sender would hold the refusal as long as it liked.
				w.Header().Set("Connection", "close")
			}
			return err
		}
		if b.writes != nil {
			select {
			case b.writes <- struct{}{}:
				defer func() { <-b.writes }()
			default:
				b.metrics.shed[shedSlots].Inc()
				return Busy("the server is busy; retry shortly with the same submission id")
			}
		}
		return h(w, r, u)
	}
}

// Work waits for one of Config.WriteWork's slots, for the part of r's
// write that keeps a core busy (decoding the body, proving and encoding
// the answer), and returns its release. A burst of writes on a machine
// with few cores otherwise takes every core, and a dashboard's read
// waits behind them for one. On two cores with SQLite, one slot kept the
// origin's answers to reads within 1 ms at the 99th percentile under a
// closed loop of 128 writers, and the writes went faster, fighting less
// for the cores; through a national night's burst the reads' tail and
// the writes' catch-up both shortened (docs/rehearse.md).
//
// A write whose body is over WorkMaxBody (a batch, or a sheet padded)
// works outside the turns, as every write did before them: one account
// sending such bodies would otherwise hold every other writer's turn for
// as long as each takes to decode. The wait ends with an error when the
// request's context does.
func (b *Base) Work(r *http.Request) (release func(), err error) {
	if b.work == nil || r.ContentLength < 0 || r.ContentLength > WorkMaxBody {
		return func() {}, nil
	}
	select {
	case b.work <- struct{}{}:
		return func() { <-b.work }, nil
	default:
	}
	b.metrics.workWaits.Inc()
	select {
	case b.work <- struct{}{}:
		return func() { <-b.work }, nil
	case <-r.Context().Done():
		return func() {}, sandik.Errorf(sandik.EUnavailable, "the request ended while it waited for the server: %v", context.Cause(r.Context()))
	}
}

// WorkMaxBody is the largest body whose write takes turns in Work: a
// sheet's is about 1 KB.
const WorkMaxBody = 64 << 10

// admitWrite applies the bounds of a write before its handler runs, and
// reads its body; release gives back what it holds.
func (b *Base) admitWrite(w http.ResponseWriter, r *http.Request, uid string) (release func(), err error) {
	nothing := func() {}
	if b.cfg.MaxWriteWait > 0 && b.cfg.WriteTime != nil {
		if took, ok := b.cfg.WriteTime(); ok && took > b.cfg.MaxWriteWait {
			b.metrics.shed[shedWriteTime].Inc()
			// Retry-After of 1 to 3 s, at random: phones refused together
			// must not all come back in the same second.
			return nothing, &retryError{sandik.Errorf(sandik.EUnavailable,
				"the server is behind with writes; retry shortly with the same submission id"), time.Second + rand.N(2*time.Second)}
		}
	}
	if ok, wait := b.guards.userWrites.Allow(uid); !ok {
		return nothing, TooMany(wait, "too many writes from this user; retry after the time in Retry-After")
	}
	if ok, wait := b.guards.addrWrites.Allow(b.addrKey(r)); !ok {
		return nothing, TooMany(wait, "too many writes from this address; retry after the time in Retry-After")
	}
	if !b.guards.writesInFlight.Acquire(uid) {
		return nothing, TooMany(time.Second, "this user has %d writes in flight already; wait for their answers", b.cfg.Limits.WritesPerUser)
	}
	readRelease, err := b.readBody(w, r, uid)
	return func() { readRelease(); b.guards.writesInFlight.Release(uid) }, err
}

// chunk is how much of a body of unknown length is reserved at a time.
const chunk = 64 << 10

// readBody reads r's body whole into memory within the budgets and
// BodyTimeout, and puts it back as r.Body; release gives the bytes back.
func (b *Base) readBody(w http.ResponseWriter, r *http.Request, key string) (release func(), err error) {
	budget := b.guards.bodies
	var reserved int64
	release = func() { budget.Release(key, reserved) }
	if r.Body == nil || r.Body == http.NoBody {
		return release, nil
	}
	reserve := func(n int64) error {
		switch budget.Reserve(key, n) {
		case limits.OverKey:
			if reserved > 0 && budget.PerKey() > 0 {
				if mine, _ := budget.Used(key); mine == reserved {
					return TooLarge(budget.PerKey()) // this body alone is over
				}
			}
			b.metrics.shed[shedUserBytes].Inc()
			return TooMany(time.Second, "this user is sending too many bytes at once; send one body after another")
		case limits.OverTotal:
			b.metrics.shed[shedTotalBytes].Inc()
			return Busy("the server is receiving too much at once; retry shortly")
		}
		reserved += n
		return nil
	}
	if per := budget.PerKey(); per > 0 && r.ContentLength > per {
		return release, TooLarge(per)
	}
	if b.cfg.Limits.BodyTimeout > 0 {
		rc := http.NewResponseController(w)
		if rc.SetReadDeadline(time.Now().Add(b.cfg.Limits.BodyTimeout)) == nil {
			// A deadline left behind would cancel the request when the
			// server's background read of the idle connection ran into it.
			defer rc.SetReadDeadline(time.Time{})
		}
	}
	var buf bytes.Buffer
	if n := r.ContentLength; n >= 0 {
		if err := reserve(n); err != nil {
			return release, err
		}
		// ReadFrom wants MinRead bytes free before each read, the one
		// that meets the end too: without them a full body is copied
		// into a buffer twice its size.
		buf.Grow(int(n) + bytes.MinRead)
		_, err = buf.ReadFrom(r.Body)
	} else {
		for err == nil {
			if err = reserve(chunk); err != nil {
				return release, err
			}
			buf.Grow(chunk)
			var m int64
			m, err = io.CopyN(&buf, r.Body, chunk)
			if m < chunk && err == nil {
				err = io.EOF
			}
		}
		if err == io.EOF {
			err = nil
		}
		// Give back what the last chunk did not use.
		budget.Release(key, reserved-int64(buf.Len()))
		reserved = int64(buf.Len())
	}
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return release, sandik.Errorf(ETimeout, "the request body did not arrive within %v", b.cfg.Limits.BodyTimeout)
		}
		return release, sandik.Errorf(EBadRequest, "could not read the request body: %v", err)
	}
	r.Body = &readBody{Reader: bytes.NewReader(buf.Bytes()), b: buf.Bytes()}
	r.ContentLength = int64(buf.Len())
	return release, nil
}

// readBody is a body already read whole; ReadJSON decodes its bytes
// without copying them again.
type readBody struct {
	*bytes.Reader
	b []byte
}

func (*readBody) Close() error { return nil }

// OpenStream takes a live stream for user u in session (a key naming it),
// within StreamsPerSession and StreamsPerUser; release gives it back.
func (b *Base) OpenStream(u sandik.UserID, session string) (release func(), err error) {
	g := &b.guards
	if !g.sessionStreams.Acquire(session) {
		return nil, TooMany(5*time.Second, "this session has %d live streams open already; close a tab", b.cfg.Limits.StreamsPerSession)
	}
	if !g.userStreams.Acquire(string(u)) {
		g.sessionStreams.Release(session)
		return nil, TooMany(5*time.Second, "this user has %d live streams open already", b.cfg.Limits.StreamsPerUser)
	}
	return func() { g.userStreams.Release(string(u)); g.sessionStreams.Release(session) }, nil
}

// CheckLogin refuses a sign-in or a bearer token from an address that has
// failed too often lately, before the token is looked up.
func (b *Base) CheckLogin(r *http.Request) error {
	if ok, wait := b.guards.loginFailures.Check(b.addrKey(r)); !ok {
		return TooMany(wait, "too many failed sign-ins from this address; retry after the time in Retry-After")
	}
	return nil
}

// LoginFailed counts a failed sign-in or bad bearer token from r's address.
func (b *Base) LoginFailed(r *http.Request) { b.guards.loginFailures.Allow(b.addrKey(r)) }

// SignIn spends one of u's sign-ins: each opens a session, which the store
// keeps, so one token must not open them without bound. The token itself
// names the account, so failed attempts are counted by address only.
func (b *Base) SignIn(u sandik.UserID) error {
	if ok, wait := b.guards.signIns.Allow(string(u)); !ok {
		return TooMany(wait, "too many sign-ins for this account; retry after the time in Retry-After")
	}
	return nil
}

func (l Limits) String() string {
	return fmt.Sprintf("writes/user=%d body/user=%d body/total=%d body-timeout=%v user-writes=%v addr-writes=%v login-failures=%v sign-ins=%v streams/session=%d streams/user=%d",
		l.WritesPerUser, l.BodyBytesPerUser, l.BodyBytesTotal, l.BodyTimeout, l.UserWrites, l.AddrWrites, l.LoginFailures, l.SignIns, l.StreamsPerSession, l.StreamsPerUser)
}
