package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/feed"
	"github.com/sandik-dev/sandik/web/feedhttp"
)

// followFlags are the official feed follower's settings, of `sandik
// follow` and of `sandik serve -follow`.
type followFlags struct {
	URL      string
	Mapping  string
	Election string
	Kind     string
	Interval time.Duration
	Backoff  time.Duration
	// Webhook is the URL alerts are posted to, signed with the secret
	// read from SecretFile or the SANDIK_<PREFIX>WEBHOOK_SECRET variable.
	Webhook    string
	SecretFile string
	prefix     string
}

// register names the URL flag urlFlag and the others with prefix ("follow-"
// beside serve's flags, none for the follow command).
func (f *followFlags) register(fs *flag.FlagSet, urlFlag, prefix string) {
	fs.StringVar(&f.URL, urlFlag, "", "URL of the official per-box feed to follow (docs/feed.md)")
	fs.StringVar(&f.Mapping, prefix+"mapping", "", "JSON file mapping the publisher's field names (docs/feed.md); Sandık's own names when empty")
	fs.StringVar(&f.Election, prefix+"election", "", "election code of the feed's races (overrides the mapping's)")
	fs.StringVar(&f.Kind, prefix+"kind", "", "race kind of the feed's races, as given at import, e.g. meclis (overrides the mapping's)")
	fs.DurationVar(&f.Interval, prefix+"interval", feed.DefaultInterval, "time between readings")
	fs.DurationVar(&f.Backoff, prefix+"max-backoff", feed.DefaultMaxBackoff, "longest wait after failed readings")
	fs.StringVar(&f.Webhook, prefix+"webhook", "", "URL each alert is posted to as JSON, signed (docs/feed.md); none when empty")
	fs.StringVar(&f.SecretFile, prefix+"webhook-secret-file", "", "file holding the webhook's signing secret; else the variable "+f.secretVar(prefix))
	f.prefix = prefix
}

func (f *followFlags) secretVar(prefix string) string {
	return "SANDIK_" + strings.ToUpper(strings.ReplaceAll(prefix+"webhook-secret", "-", "_"))
}

// webhook builds the alerts' webhook; nil when no URL is given. The
// secret is required and never taken from the command line.
func (f *followFlags) webhook(getenv func(string) string, log *slog.Logger, progress feed.Progress) (*feed.Webhook, error) {
	if f.Webhook == "" {
		return nil, nil
	}
	if u, err := url.Parse(f.Webhook); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("-%swebhook %q is not an http(s) URL", f.prefix, f.Webhook)
	}
	secret := []byte(getenv(f.secretVar(f.prefix)))
	if f.SecretFile != "" {
		b, err := os.ReadFile(f.SecretFile)
		if err != nil {
			return nil, fmt.Errorf("webhook secret: %w", err)
		}
		secret = bytes.TrimSpace(b)
	}
	if len(secret) < 16 {
		return nil, fmt.Errorf("-%swebhook needs a signing secret of at least 16 bytes in -%swebhook-secret-file or %s", f.prefix, f.prefix, f.secretVar(f.prefix))
	}
	return &feed.Webhook{URL: f.Webhook, Secret: secret, Post: feedhttp.Poster{}, Progress: progress, Log: log}, nil
}

// follower builds the follower; nil when no URL is given.
func (f *followFlags) follower(sink feed.Sink, log *slog.Logger) (*feed.Follower, error) {
	if f.URL == "" {
		return nil, nil
	}
	m := feed.DefaultMapping()
	if f.Mapping != "" {
		b, err := os.ReadFile(f.Mapping)
		if err != nil {
			return nil, err
		}
		if m, err = feed.ParseMapping(b); err != nil {
			return nil, fmt.Errorf("%s: %w", f.Mapping, err)
		}
	}
	if f.Election != "" {
		m.Election = sandikElection(f.Election)
	}
	if f.Kind != "" {
		m.Kind = f.Kind
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &feed.Follower{URL: f.URL, Mapping: m, Sink: sink, Log: log, Interval: f.Interval, MaxBackoff: f.Backoff,
		Fetch: feedhttp.Fetcher{Client: &http.Client{Timeout: 2 * time.Minute}}}, nil
}

// cmdFollow follows an official feed into the database without serving.
func cmdFollow(e *cli.Env, args []string) error {
	fs := e.Flags("follow", "follow -url URL [-mapping FILE] [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	var ff followFlags
	ff.register(fs, "url", "")
	once := fs.Bool("once", false, "read the feed once and stop")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if ff.URL == "" {
		fs.Usage()
		return cli.ErrUsage
	}
	log, err := sf.Logger(e.Stderr)
	if err != nil {
		return err
	}
	app, err := cli.OpenApp(e.Ctx, &sf, log)
	if err != nil {
		return err
	}
	defer app.Close()
	f, err := ff.follower(app.Center, log)
	if err != nil {
		return err
	}
	hook, err := ff.webhook(e.Getenv, log, app.Center)
	if err != nil {
		return err
	}
	if hook != nil && !*once {
		if err := hook.Resume(e.Ctx); err != nil {
			return fmt.Errorf("webhook: %w", err)
		}
		go hook.Run(e.Ctx)
		f.Notify = hook.Notify
	}
	if *once {
		// A publisher just starting (a rehearsal's fake feed) gets a few
		// seconds to listen; a refused body is final at once.
		out, err := f.Poll(e.Ctx)
		for try := 0; err != nil && sandik.CodeOf(err) == sandik.EInternal && out.Status == 0 && try < 50; try++ {
			select {
			case <-e.Ctx.Done():
				return e.Ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
			out, err = f.Poll(e.Ctx)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "status %d: %d rows, %d changed, %d stored, %d alerts\n", out.Status, out.Rows, out.Changed, out.Written, len(out.Alerts))
		return nil
	}
	return f.Run(e.Ctx)
}

// startFollowing runs the follower of `serve -follow` beside the server,
// and its webhook when one is given.
func startFollowing(ctx context.Context, ff *followFlags, c *center.Center, log *slog.Logger, getenv func(string) string) error {
	f, err := ff.follower(c, log)
	if err != nil || f == nil {
		return err
	}
	hook, err := ff.webhook(getenv, log, c)
	if err != nil {
		return err
	}
	if hook != nil {
		if err := hook.Resume(ctx); err != nil {
			return fmt.Errorf("webhook: %w", err)
		}
		go hook.Run(ctx)
		f.Notify = hook.Notify
	}
	go f.Run(ctx) //nolint:errcheck // Run logs its failures and ends with ctx
	return nil
}
