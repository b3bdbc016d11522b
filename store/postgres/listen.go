package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik/store/internal/commitq"
)

// listener holds a connection of its own that LISTENs on the log's
// channel and publishes the heads other instances commit. When the
// connection breaks it reconnects with backoff; after each (re)connect it
// reads the head, so that commits made while it was away are not waited
// for until the next poll.
type listener struct {
	cfg     *pgx.ConnConfig
	channel string
	notify  *commitq.Notifier
	users   *userGen
	log     *slog.Logger
	cancel  context.CancelFunc
	done    chan struct{}
}

// userGen is the user generation as the notifications tell it, trusted
// only while the listener listens.
type userGen struct {
	gen  atomic.Int64
	live atomic.Bool
}

// saw moves the generation to g unless it is already past it.
func (u *userGen) saw(g int64) {
	for cur := u.gen.Load(); cur < g && !u.gen.CompareAndSwap(cur, g); cur = u.gen.Load() {
	}
}

func startListener(cfg *pgx.ConnConfig, channel string, n *commitq.Notifier, users *userGen, log *slog.Logger) *listener {
	ctx, cancel := context.WithCancel(context.Background())
	l := &listener{cfg: cfg, channel: channel, notify: n, users: users, log: log, cancel: cancel, done: make(chan struct{})}
	go l.run(ctx)
	return l
}

func (l *listener) stop() {
	l.cancel()
	<-l.done
}

func (l *listener) run(ctx context.Context) {
	defer close(l.done)
	var backoff time.Duration
	for ctx.Err() == nil {
		connected, err := l.listen(ctx)
		l.users.live.Store(false)
		if ctx.Err() != nil {
			return
		}
		l.notify.Kick()
		if connected {
			backoff = 0
		}
		backoff = min(max(2*backoff, 50*time.Millisecond), 5*time.Second)
		l.log.Warn("log listener lost its connection; reconnecting", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
	}
}

// listen connects, listens and publishes until the connection fails;
// connected says whether it got as far as listening.
func (l *listener) listen(ctx context.Context) (connected bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{l.channel}.Sanitize()); err != nil {
		return false, err
	}
	// Listening first and reading the head second misses nothing that was
	// committed while the connection was down.
	var head int64
	if err := conn.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM submissions`).Scan(&head); err != nil {
		return false, err
	}
	l.notify.Publish(head)
	var gen int64
	if err := conn.QueryRow(ctx, `SELECT gen FROM user_generation`).Scan(&gen); err != nil {
		return false, err
	}
	l.users.saw(gen)
	l.users.live.Store(true)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		if g, ok := strings.CutPrefix(n.Payload, "u"); ok {
			gen, err := strconv.ParseInt(g, 10, 64)
			if err != nil {
				// Unreadable: stop trusting the cache until reconnected.
				return true, fmt.Errorf("a user notification that is not a generation: %q", n.Payload)
			}
			l.users.saw(gen)
			continue
		}
		seq, err := strconv.ParseInt(n.Payload, 10, 64)
		if err != nil {
			l.log.Warn("ignoring a notification that is not a sequence number", "channel", n.Channel)
			l.notify.Kick()
			continue
		}
		l.notify.Publish(seq)
	}
}
