package handler

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// Compression. Pages, assets, JSON and CSV are gzipped for clients that
// accept it: a province's comparison is a quarter of a megabyte of HTML
// that gzip cuts several times, on a phone's weak connection.
//
// Never compressed: live streams (text/event-stream: a compressor holds
// back what it has not filled a block with, and an event must leave when
// it is written), files that are compressed already (XLSX, images),
// answers under minGzip bytes, partial content, and HEAD.
//
// BREACH, the attack that learns a secret from the compressed size of
// answers that reflect it beside the attacker's input, needs a secret in
// the body. No answer of Sandık carries one: forms need no CSRF token
// (cross-origin posts are refused from the Origin and Sec-Fetch-Site
// headers), the session id and API tokens travel only in headers, which
// gzip does not touch, and a token is shown once at its creation on the
// command line, never over HTTP. A test reads every page signed in and
// finds neither the session id nor the token in any body; if a secret is
// ever put in a body, that answer must set Content-Encoding: identity.

// minGzip is the size below which compressing costs more than it saves.
const minGzip = 1024

// gzipPool's compressors work at BestSpeed. On the night every write
// changes the live totals, so a dashboard's read is compressed anew each
// time, on the cores the writes need: the country's totals read in a
// browser (BenchmarkTotalsGzip) cost 531-578 µs with compress/gzip at its
// default level for 4,937 bytes, and 182-196 µs at BestSpeed for 6,189.
// klauspost/compress (in the build already, through promhttp) compresses
// that answer at BestSpeed in 66-77 µs against compress/gzip's 116-140,
// into 5,779 bytes: the whole read 137-177 µs against 183-245.
var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// compressible says whether a body of media type ct is worth gzipping.
func compressible(ct string) bool {
	// The types Sandık's own answers carry need no parse: it allocates,
	// and it ran for every submission's receipt.
	switch ct {
	case jsonContentType[0], "text/html; charset=utf-8":
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch mt {
	case "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
		"application/problem+json", "text/csv", "text/plain", "image/svg+xml", "application/geo+json", "application/yaml":
		return true
	}
	return false
}

// acceptsGzip reads Accept-Encoding: gzip present with a q above 0.
func acceptsGzip(r *http.Request) bool {
	for _, h := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(h, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
				continue
			}
			q := 1.0
			if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
			return q > 0
		}
	}
	return false
}

// gzipWriter decides at the first header written whether the answer is
// compressed, from its type, encoding, length and status.
type gzipWriter struct {
	http.ResponseWriter
	accepts  bool // the client takes gzip and the method has a body
	identity bool // the handler asked for no compression (Uncompressed)
	decided  bool
	gz       *gzip.Writer // nil unless compressing
}

func newGzipWriter(w http.ResponseWriter, r *http.Request) *gzipWriter {
	return &gzipWriter{ResponseWriter: w, accepts: r.Method != http.MethodHead && acceptsGzip(r)}
}

func (w *gzipWriter) decide(status int) {
	if w.decided {
		return
	}
	w.decided = true
	h := w.Header()
	if w.identity || !compressible(h.Get("Content-Type")) || h.Get("Content-Encoding") != "" {
		return
	}
	// Whether this client took gzip or not, a cache must keep the two
	// apart.
	h.Add("Vary", "Accept-Encoding")
	if !w.accepts || status < 200 || status == http.StatusNoContent || status == http.StatusPartialContent || status == http.StatusNotModified {
		return
	}
	if n, err := strconv.Atoi(h.Get("Content-Length")); err == nil && n < minGzip {
		return
	}
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	if etag := h.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
		h.Set("ETag", "W/"+etag) // the bytes differ from the identity answer's
	}
	w.gz = gzipPool.Get().(*gzip.Writer)
	w.gz.Reset(w.ResponseWriter)
}

func (w *gzipWriter) WriteHeader(status int) {
	if status >= 200 {
		w.decide(status)
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	if !w.decided {
		if w.Header().Get("Content-Type") == "" {
			// What net/http would sniff, sniffed here so that the choice
			// sees it.
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// FlushError sends what the compressor holds, then flushes the
// connection; http.ResponseController finds it before Unwrap.
func (w *gzipWriter) FlushError() error {
	if w.gz != nil {
		if err := w.gz.Flush(); err != nil {
			return err
		}
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Uncompressed keeps w's answer as it is written, whatever the client
// accepts, for an answer gzip cannot shrink enough to pay for itself. It
// must come before the first header is written.
func Uncompressed(w http.ResponseWriter) {
	for {
		switch x := w.(type) {
		case *gzipWriter:
			x.identity = true
			return
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return
		}
	}
}

// Unwrap lets http.ResponseController reach the connection's deadlines.
func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// close ends the compressed stream, if any, and returns its compressor.
func (w *gzipWriter) close() {
	if w.gz == nil {
		return
	}
	w.gz.Close()
	w.gz.Reset(nil)
	gzipPool.Put(w.gz)
	w.gz = nil
}
