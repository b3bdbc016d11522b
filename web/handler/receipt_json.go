package handler

import (
	"encoding/base64"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// A receipt is the answer to every sheet of the night, and encoding/json
// spent a tenth of the submit path's CPU on it: each of the proof's
// hashes goes through its MarshalJSON and then through a compaction of
// what that returned, and the signed checkpoint, the same for thousands of
// receipts in a row, is escaped again for each. appendJSON writes what
// json.Encoder writes, byte for byte (TestReceiptJSONAsEncodingJSON).

// appendJSON appends r as json.Encoder encodes it, newline included; ok
// is false for what it leaves to encoding/json (a box status).
func (r *Receipt) appendJSON(dst []byte) (out []byte, ok bool) {
	// What time.Time.MarshalJSON refuses goes to encoding/json, to be
	// refused the same way.
	if _, off := r.ReceivedAt.Zone(); r.Status != nil || r.ReceivedAt.Year() < 0 || r.ReceivedAt.Year() > 9999 || off <= -24*3600 || off >= 24*3600 {
		return dst, false
	}
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendInt(dst, r.Seq, 10)
	dst = append(dst, `,"id":`...)
	dst = AppendJSONString(dst, string(r.ID))
	dst = append(dst, `,"received_at":"`...)
	dst = r.ReceivedAt.AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","replayed":`...)
	dst = strconv.AppendBool(dst, r.Replayed)
	dst = append(dst, `,"warnings":`...)
	dst = appendList(dst, r.Warnings, AppendJSONString)
	if l := r.Ledger; l != nil {
		dst = append(dst, `,"receipt":{"leaf_index":`...)
		dst = strconv.AppendInt(dst, l.LeafIndex, 10)
		dst = append(dst, `,"leaf_hash":`...)
		dst = appendHash(dst, l.LeafHash)
		dst = append(dst, `,"checkpoint":`...)
		dst = append(dst, encodedCheckpoint(l.Checkpoint)...)
		dst = append(dst, `,"proof":`...)
		dst = appendList(dst, l.Proof, appendHash)
		dst = append(dst, '}')
	}
	return append(dst, "}\n"...), true
}

// jsonSizeHint is about the length of r's encoding: the fixed names, the
// strings, and 46 bytes per hash in base64 with its quotes and comma. It
// is at least the length for strings that need no escaping, which are
// those of the night (TestReceiptSizeHint).
func (r *Receipt) jsonSizeHint() int {
	n := 160 + len(r.ID)
	for _, w := range r.Warnings {
		n += len(w) + 3
	}
	if l := r.Ledger; l != nil {
		n += 80 + len(l.Checkpoint) + 47*(1+len(l.Proof))
	}
	return n
}

// appendList appends xs as a JSON array, each element by each; a nil
// slice is null, as encoding/json has it.
func appendList[T any](dst []byte, xs []T, each func([]byte, T) []byte) []byte {
	if xs == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, x := range xs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = each(dst, x)
	}
	return append(dst, ']')
}

func appendHash(dst []byte, h tlog.Hash) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, h[:])
	return append(dst, '"')
}

// lastCheckpoint keeps the last signed checkpoint encoded: the notary
// signs one every few seconds, and every receipt until the next names it.
var lastCheckpoint atomic.Pointer[[2]string]

func encodedCheckpoint(cp string) string {
	if p := lastCheckpoint.Load(); p != nil && p[0] == cp {
		return p[1]
	}
	enc := string(AppendJSONString(nil, cp))
	lastCheckpoint.Store(&[2]string{cp, enc})
	return enc
}
