package webtest

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Event is one server-sent event.
type Event struct {
	ID, Event string
	Data      []byte
}

// Stream reads the events of a live page's stream until ctx ends or the
// server closes it (Events is closed then).
type Stream struct {
	Events chan Event
	Resp   *http.Response
}

// Stream opens path's event stream with b's cookies.
func (b *Browser) Stream(ctx context.Context, path string) *Stream {
	b.T.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", b.Env.HTTP.URL+path, nil)
	resp, err := b.Client.Do(req)
	if err != nil {
		b.T.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b.T.Fatalf("stream %s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &Stream{Events: make(chan Event, 16), Resp: resp}
	go func() {
		defer close(s.Events)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev Event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.Event != "" {
					s.Events <- ev
				}
				ev = Event{}
			case strings.HasPrefix(line, "id: "):
				ev.ID = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.Event = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.Data = []byte(line[6:])
			}
		}
	}()
	return s
}

// Next decodes the data of the next totals event into v, failing after a
// deadline or when the stream ends.
func (s *Stream) Next(t testing.TB, v any) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case ev, ok := <-s.Events:
			if !ok {
				t.Fatal("stream ended")
			}
			if ev.Event != "totals" {
				continue
			}
			if err := json.Unmarshal(ev.Data, v); err != nil {
				t.Fatalf("event %q: %v", ev.Data, err)
			}
			if ev.ID == "" {
				t.Fatal("event without id")
			}
			return
		case <-deadline.C:
			t.Fatal("no event within 10 s")
		}
	}
}
