// Package loadclient is the load generators' HTTP client (sandik
// rehearse, sandik-bench): a minimal HTTP/1.1 keep-alive client with one
// connection, one request at a time and no goroutine of its own. The
// generators share the server's cores, so every cycle it saves is
// measured as server throughput rather than lost to the harness.
package loadclient

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// Client talks to one server over one connection, opened when first
// needed and again after an error. It is not safe for concurrent use.
type Client struct {
	Addr string // host:port
	// Gzip sends Accept-Encoding: gzip, as browsers do, so that the
	// server spends on each answer what a browser's read costs it. The
	// body comes back as sent, compressed, for callers that only time it
	// or read its status.
	Gzip bool
	conn net.Conn
	r    *bufio.Reader
	req  bytes.Buffer
	body []byte
}

// Do sends one request and returns the status, the Retry-After header in
// seconds (0 when absent) and the body, valid until the next call.
func (c *Client) Do(method, path, auth string, body []byte) (code, retryAfter int, answer []byte, err error) {
	if c.conn == nil {
		conn, err := net.DialTimeout("tcp", c.Addr, 5*time.Second)
		if err != nil {
			return 0, 0, nil, err
		}
		c.conn, c.r = conn, bufio.NewReaderSize(conn, 8192)
	}
	c.req.Reset()
	fmt.Fprintf(&c.req, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n", method, path, c.Addr, auth)
	if c.Gzip {
		c.req.WriteString("Accept-Encoding: gzip\r\n")
	}
	if body != nil {
		fmt.Fprintf(&c.req, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(body))
	}
	c.req.WriteString("\r\n")
	c.req.Write(body)
	c.conn.SetDeadline(time.Now().Add(60 * time.Second))
	if _, err := c.conn.Write(c.req.Bytes()); err != nil {
		c.Close()
		return 0, 0, nil, err
	}
	code, retryAfter, err = c.readResponse()
	if err != nil {
		c.Close()
	}
	return code, retryAfter, c.body, err
}

// readResponse reads the status line and headers in place, from the
// reader's buffer: a receipt comes with a dozen headers, and a string per
// line and per lower-cased name cost the load generator more than the
// server's own header writing.
func (c *Client) readResponse() (code, retryAfter int, err error) {
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, 0, err
	}
	if len(line) < 12 {
		return 0, 0, fmt.Errorf("bad status line %q", line)
	}
	if code, err = atoi(line[9:12]); err != nil {
		return 0, 0, fmt.Errorf("bad status line %q", line)
	}
	length, closing, chunked := -1, false, false
	for {
		h, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, 0, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, _ := bytes.Cut(h, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("content-length")):
			if length, err = atoi(value); err != nil {
				return 0, 0, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("connection")):
			closing = bytes.EqualFold(value, []byte("close"))
		case bytes.EqualFold(name, []byte("retry-after")):
			retryAfter, _ = atoi(value)
		case bytes.EqualFold(name, []byte("transfer-encoding")):
			if !bytes.EqualFold(value, []byte("chunked")) {
				return 0, 0, fmt.Errorf("transfer encoding %q is not supported by the load client", value)
			}
			chunked = true
		}
	}
	if chunked {
		err := c.readChunked()
		if err == nil && closing {
			c.Close()
		}
		return code, retryAfter, err
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
		c.Close()
	}
	return code, retryAfter, nil
}

// readChunked reads a chunked body into c.body: a compressed answer's
// length is not known before it is written.
func (c *Client) readChunked() error {
	c.body = c.body[:0]
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return err
		}
		size, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
		n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 32)
		if err != nil || n < 0 {
			return fmt.Errorf("bad chunk size %q", line)
		}
		if n == 0 {
			break
		}
		start := len(c.body)
		c.body = append(c.body, make([]byte, n)...)
		if _, err := io.ReadFull(c.r, c.body[start:]); err != nil {
			return err
		}
		if crlf, err := c.r.ReadSlice('\n'); err != nil || len(bytes.TrimRight(crlf, "\r\n")) != 0 {
			return fmt.Errorf("a chunk does not end where its size says")
		}
	}
	for { // trailers, up to the blank line
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			return nil
		}
	}
}

// atoi reads a non-negative decimal number.
func atoi(b []byte) (int, error) {
	if len(b) == 0 || len(b) > 18 {
		return 0, fmt.Errorf("not a number: %q", b)
	}
	n := 0
	for _, d := range b {
		if d < '0' || d > '9' {
			return 0, fmt.Errorf("not a number: %q", b)
		}
		n = 10*n + int(d-'0')
	}
	return n, nil
}

func (c *Client) Close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

// Post sends a JSON body with a bearer token and returns the status.
func (c *Client) Post(path, token string, body []byte) (int, error) {
	code, _, _, err := c.Do("POST", path, "Bearer "+token, body)
	return code, err
}
