package feed

import (
	"context"
	"io"
	"time"
)

// Fetcher makes one conditional reading of a feed's page. The package
// speaks no HTTP itself (only web/ and cmd/ import net/http): the
// command gives a follower web/feedhttp's fetcher, tests anything that
// answers like a publisher.
type Fetcher interface {
	Fetch(ctx context.Context, req Request) (Response, error)
}

// Request is a conditional reading: the validators of the last page
// stored, and the most bytes a body may have.
type Request struct {
	URL string
	// ETag is sent as If-None-Match, LastModified as If-Modified-Since,
	// when not empty.
	ETag, LastModified string
	// MaxBody bounds the body read: a fetcher reads at most MaxBody+1
	// bytes, so that a follower can tell a page over the limit.
	MaxBody int64
	// Stream asks for the body as it arrives (Response.Stream) rather
	// than read whole: a follower hashes and decodes a national page of
	// 50-100 MB without ever holding it. A fetcher may ignore it and
	// fill Body.
	Stream bool
}

// Response is a publisher's answer. Body is read whole only for
// StatusOK; a body cut short in transit is the fetcher's error, never a
// shorter page.
type Response struct {
	Status             int    // the publisher's status code
	StatusText         string // e.g. "502 Bad Gateway", for logs
	ETag, LastModified string
	Body               []byte
	// Stream, when not nil, is the body of a StatusOK answer as it
	// arrives, in place of Body, for a Request with Stream; the caller
	// closes it. A body cut short in transit is its read error, never an
	// early end; it gives at most MaxBody+1 bytes.
	Stream io.ReadCloser
	// Length is Stream's announced length; -1 when unknown.
	Length int64
}

// The statuses a follower acts on.
const (
	StatusOK          = 200
	StatusNotModified = 304
)

// httpDate reads a Last-Modified date in any of the three forms HTTP/1.1
// allows (RFC 9110 §5.6.7): IMF-fixdate, RFC 850 and asctime.
func httpDate(s string) (time.Time, error) {
	var err error
	for _, layout := range []string{"Mon, 02 Jan 2006 15:04:05 GMT", "Monday, 02-Jan-06 15:04:05 GMT", "Mon Jan _2 15:04:05 2006"} {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, err
}
