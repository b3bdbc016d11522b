package apiclient

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestPost(t *testing.T) {
	var got struct{ method, path, auth, ctype, body string }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.path, got.auth, got.ctype, got.body = r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(b)
		if r.URL.Path == "/busy" {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		if r.URL.Path == "/big" {
			w.Write([]byte(strings.Repeat("x", MaxAnswer+10)))
			return
		}
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"seq":7}`))
	}))
	defer srv.Close()
	c := New(srv.URL+"/", 2)
	status, answer, wait, err := c.Post(context.Background(), "/api/v1/submissions", "sdk_x", []byte(`{"id":"a"}`))
	if err != nil || status != http.StatusCreated || string(answer) != `{"seq":7}` || wait != 0 {
		t.Fatalf("Post = %d %q %v %v", status, answer, wait, err)
	}
	if got.method != "POST" || got.path != "/api/v1/submissions" || got.auth != "Bearer sdk_x" || got.ctype != "application/json" || got.body != `{"id":"a"}` {
		t.Errorf("the server saw %+v", got)
	}
	if status, _, wait, err := c.Post(context.Background(), "/busy", "t", nil); err != nil || status != http.StatusTooManyRequests || wait != 3*time.Second {
		t.Errorf("busy: %d %v %v", status, wait, err)
	}
	if _, answer, _, err := c.Post(context.Background(), "/big", "t", nil); err != nil || len(answer) != MaxAnswer {
		t.Errorf("a long answer gave %d bytes, %v; want the first %d", len(answer), err, MaxAnswer)
	}
	srv.Close()
	if _, _, _, err := c.Post(context.Background(), "/x", "t", nil); err == nil {
		t.Error("no error from a closed server")
	}
}
