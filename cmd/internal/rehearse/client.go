package rehearse

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// hostOf is the host:port of a base URL.
func hostOf(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return "", fmt.Errorf("server URL %q: want http://host:port (the rehearsal speaks plain HTTP; put TLS in front of it)", base)
	}
	return u.Host, nil
}

// login signs in like a browser with an API token and returns the session
// cookie, which the live pages' event streams need.
func login(base, token string) (string, error) {
	c := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"token": {token}})
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if strings.HasSuffix(ck.Name, "sandik_session") {
			return ck.Name + "=" + ck.Value, nil
		}
	}
	return "", fmt.Errorf("sign-in answered %d without a session cookie", resp.StatusCode)
}

// seqOf finds the "seq" of a receipt without decoding the whole answer
// (its ledger proof is most of it).
func seqOf(body []byte) int64 {
	i := bytes.Index(body, []byte(`"seq":`))
	if i < 0 {
		return 0
	}
	var n int64
	for _, b := range body[i+6:] {
		if b < '0' || b > '9' {
			break
		}
		n = n*10 + int64(b-'0')
	}
	return n
}
