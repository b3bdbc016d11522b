package rehearse

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// rawClient is a minimal HTTP/1.1 keep-alive client: one connection, one
// request at a time, no goroutine of its own. The load generator shares
// the server's cores, so what it saves is measured as server throughput.
type rawClient struct {
	addr string // host:port
	conn net.Conn
	r    *bufio.Reader
	req  bytes.Buffer
	body []byte
}

// do sends one request and returns the status, the Retry-After header in
// seconds (0 when absent) and the body, valid until the next call.
func (c *rawClient) do(method, path, auth string, body []byte) (code, retryAfter int, answer []byte, err error) {
	if c.conn == nil {
		conn, err := net.DialTimeout("tcp", c.addr, 5*time.Second)
		if err != nil {
			return 0, 0, nil, err
		}
		c.conn, c.r = conn, bufio.NewReaderSize(conn, 8192)
	}
	c.req.Reset()
	fmt.Fprintf(&c.req, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n", method, path, c.addr, auth)
	if body != nil {
		fmt.Fprintf(&c.req, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(body))
	}
	c.req.WriteString("\r\n")
	c.req.Write(body)
	c.conn.SetDeadline(time.Now().Add(60 * time.Second))
	if _, err := c.conn.Write(c.req.Bytes()); err != nil {
		c.close()
		return 0, 0, nil, err
	}
	code, retryAfter, err = c.readResponse()
	if err != nil {
		c.close()
	}
	return code, retryAfter, c.body, err
}

func (c *rawClient) readResponse() (code, retryAfter int, err error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return 0, 0, err
	}
	if len(line) < 12 {
		return 0, 0, fmt.Errorf("bad status line %q", line)
	}
	if code, err = strconv.Atoi(line[9:12]); err != nil {
		return 0, 0, fmt.Errorf("bad status line %q", line)
	}
	length, closing := -1, false
	for {
		h, err := c.r.ReadString('\n')
		if err != nil {
			return 0, 0, err
		}
		h = strings.TrimRight(h, "\r\n")
		if h == "" {
			break
		}
		name, value, _ := strings.Cut(h, ":")
		value = strings.TrimSpace(value)
		switch strings.ToLower(name) {
		case "content-length":
			length, _ = strconv.Atoi(value)
		case "connection":
			closing = strings.EqualFold(value, "close")
		case "retry-after":
			retryAfter, _ = strconv.Atoi(value)
		case "transfer-encoding":
			return 0, 0, fmt.Errorf("chunked responses are not supported by the rehearsal's client")
		}
	}
	if length < 0 {
		return 0, 0, fmt.Errorf("response without Content-Length")
	}
	if cap(c.body) < length {
		c.body = make([]byte, length)
	}
	c.body = c.body[:length]
	if _, err := io.ReadFull(c.r, c.body); err != nil {
		return 0, 0, err
	}
	if closing {
		c.close()
	}
	return code, retryAfter, nil
}

func (c *rawClient) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

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
