package center

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sandik-dev/sandik"
)

// webhookValue is how far an alerts webhook has got, kept as a setting.
// The URL is not kept: it may carry the receiver's token, and settings
// are records of the ledger, which auditors read.
type webhookValue struct {
	Done int64 `json:"done"`
}

// webhookKey derives a webhook's setting key from its URL: a URL can be
// longer than a key may be, and its query may hold a token no settings
// listing should show.
func webhookKey(url string) string {
	sum := sha256.Sum256([]byte(url))
	return "feed_webhook/" + hex.EncodeToString(sum[:12])
}

// WebhookDone returns the N of the last alert the webhook to url is done
// with, and whether it was ever recorded.
func (c *Center) WebhookDone(ctx context.Context, url string) (int64, bool, error) {
	st, err := c.store.Setting(ctx, webhookKey(url))
	if sandik.CodeOf(err) == sandik.ENotFound {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read the webhook's progress: %w", err)
	}
	var v webhookValue
	if err := json.Unmarshal(st.Value, &v); err != nil {
		return 0, false, fmt.Errorf("read the webhook's progress %s: %w", st.Key, err)
	}
	return v.Done, true, nil
}

// SetWebhookDone records that the webhook to url is done with the alerts
// up to n. It never moves back: of two processes posting to one URL, the
// one further on wins.
func (c *Center) SetWebhookDone(ctx context.Context, url string, n int64) error {
	key := webhookKey(url)
	value, _ := json.Marshal(webhookValue{Done: n})
	for try := 0; ; try++ {
		prev := 0
		st, err := c.store.Setting(ctx, key)
		switch {
		case err == nil:
			var v webhookValue
			if json.Unmarshal(st.Value, &v) == nil && v.Done >= n {
				return nil
			}
			prev = st.Version
		case sandik.CodeOf(err) != sandik.ENotFound:
			return fmt.Errorf("record the webhook's progress: %w", err)
		}
		err = c.store.PutSetting(ctx, sandik.Setting{Key: key, Value: value, Version: prev + 1, UpdatedBy: "sandik", UpdatedAt: c.now().UTC()}, prev)
		if err == nil {
			return nil
		}
		if sandik.CodeOf(err) != sandik.EConflict || try >= 3 {
			return fmt.Errorf("record the webhook's progress: %w", err)
		}
	}
}

// AlertsAfter returns up to limit stored alerts with N > n, in N order,
// of every box: the webhook posts to one receiver the operator chose.
func (c *Center) AlertsAfter(ctx context.Context, n int64, limit int) ([]sandik.FeedAlert, error) {
	if limit <= 0 {
		return nil, errors.New("alerts after: limit must be positive")
	}
	return c.store.Alerts(ctx, n, "", limit)
}
