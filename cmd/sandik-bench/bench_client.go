package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// rawClient is a minimal HTTP/1.1 keep-alive client for the load
// generator: one connection, one request at a time, no goroutines. The
// generator shares the server's cores, so every cycle it saves is measured
// as server throughput rather than lost to the harness.
type rawClient struct {
	addr string
	conn net.Conn
	r    *bufio.Reader
	req  bytes.Buffer
}

func (c *rawClient) post(path, token string, body []byte) (int, error) {
	if c.conn == nil {
		conn, err := net.DialTimeout("tcp", c.addr, 5*time.Second)
		if err != nil {
			return 0, err
		}
		c.conn, c.r = conn, bufio.NewReaderSize(conn, 4096)
	}
	c.req.Reset()
	fmt.Fprintf(&c.req, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n",
		path, c.addr, token, len(body))
	c.req.Write(body)
	c.conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.conn.Write(c.req.Bytes()); err != nil {
		c.close()
		return 0, err
	}
	code, err := c.readResponse()
	if err != nil {
		c.close()
	}
	return code, err
}

func (c *rawClient) readResponse() (int, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return 0, err
	}
	// "HTTP/1.1 201 Created"
	if len(line) < 12 {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	code, err := strconv.Atoi(line[9:12])
	if err != nil {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	length, closing := -1, false
	for {
		h, err := c.r.ReadString('\n')
		if err != nil {
			return 0, err
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
		case "transfer-encoding":
			return 0, fmt.Errorf("chunked responses are not supported by the bench client")
		}
	}
	if length < 0 {
		return 0, fmt.Errorf("response without Content-Length")
	}
	if _, err := c.r.Discard(length); err != nil {
		return 0, err
	}
	if closing {
		c.close()
	}
	return code, nil
}

func (c *rawClient) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}
