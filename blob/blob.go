// Package blob keeps attachments (the photos of visits, later the
// photos of result sheets) by the SHA-256 of their bytes. It checks an
// upload before anything keeps it — size, kind, pixels read from the
// header before any decoding — and strips the metadata a phone writes
// into a photo (EXIF with its GPS position, XMP, comments), so that what
// is kept and served is the picture alone, turned as it was taken. Where the bytes live is the
// store's: a directory beside the SQLite file (Dir), or a PostgreSQL
// table shared by every instance.
package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // registers the decoders the header check needs
	_ "image/png"

	"github.com/sandik-dev/sandik"
)

// Store keeps bytes by their SHA-256 in lower-case hex. sandik.Store
// provides it (VisitStore).
type Store interface {
	PutBlob(ctx context.Context, sum string, data []byte) error
	Blob(ctx context.Context, sum string) ([]byte, error)
}

// Limits bound an upload.
type Limits struct {
	MaxBytes  int   // of the upload as sent
	MaxPixels int64 // width × height, read from the header
	MaxSide   int   // of either side
}

// DefaultLimits fit a phone's photo (12 MP is 4032 × 3024) with room.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 15 << 20, MaxPixels: 50_000_000, MaxSide: 12_000}
}

// Photo is a cleaned photo ready to keep.
type Photo struct {
	Sum         string `json:"sha256"`
	ContentType string `json:"content_type"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Size        int    `json:"size"`
	Data        []byte `json:"-"`
}

// refuse builds the EInvalid error of a refused photo, in Turkish with
// English after it: the phone that sent it shows the message as is.
func refuse(tr, en string, args ...any) error {
	msg := fmt.Sprintf(tr, args...) + " (" + fmt.Sprintf(en, args...) + ")"
	return sandik.Invalid("fotoğraf kabul edilmedi (photo refused)", []sandik.Problem{{Field: "photo", Rule: sandik.RuleInvalidValue, Message: msg}})
}

// Clean checks data against lim and returns the photo with its metadata
// removed. Only JPEG and PNG are taken; the pixel count is read from the
// header, so a decompression bomb (a small file that unpacks to
// gigabytes) is refused before a pixel is decoded; the stripped bytes
// are then decoded once in full, so a truncated or corrupt file is
// refused too.
func Clean(data []byte, lim Limits) (Photo, error) {
	if len(data) == 0 {
		return Photo{}, refuse("fotoğraf boş", "the photo is empty")
	}
	if lim.MaxBytes > 0 && len(data) > lim.MaxBytes {
		return Photo{}, refuse("fotoğraf %d MB'tan büyük olamaz", "a photo is at most %d MB", lim.MaxBytes>>20)
	}
	var ct string
	var stripped []byte
	var orientation uint16
	var err error
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		ct = "image/jpeg"
		stripped, orientation, err = stripJPEG(data)
	case bytes.HasPrefix(data, pngMagic):
		ct = "image/png"
		stripped, err = stripPNG(data)
	default:
		return Photo{}, refuse("yalnızca JPEG ya da PNG fotoğraf yüklenebilir; HEIC ise telefonda JPEG olarak kaydedin",
			"only JPEG or PNG photos are accepted; save a HEIC photo as JPEG on the phone")
	}
	if err != nil {
		return Photo{}, refuse("fotoğraf okunamadı: %v", "the photo cannot be read: %v", err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(stripped))
	if err != nil {
		return Photo{}, refuse("fotoğrafın başlığı okunamadı", "the photo's header cannot be read")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || (lim.MaxSide > 0 && (cfg.Width > lim.MaxSide || cfg.Height > lim.MaxSide)) ||
		(lim.MaxPixels > 0 && int64(cfg.Width)*int64(cfg.Height) > lim.MaxPixels) {
		return Photo{}, refuse("fotoğraf çok büyük: %d × %d piksel (en çok %d milyon piksel)",
			"the photo is too large: %d × %d pixels (at most %d million)", cfg.Width, cfg.Height, lim.MaxPixels/1_000_000)
	}
	if _, _, err := image.Decode(bytes.NewReader(stripped)); err != nil {
		return Photo{}, refuse("fotoğraf bozuk", "the photo is damaged")
	}
	w, h := cfg.Width, cfg.Height
	if orientation >= 5 { // turned a quarter: shown h wide and w high
		w, h = h, w
	}
	sum := sha256.Sum256(stripped)
	return Photo{Sum: hex.EncodeToString(sum[:]), ContentType: ct, Width: w, Height: h, Size: len(stripped), Data: stripped}, nil
}

// Put cleans data and keeps it in s under the SHA-256 of the cleaned
// bytes.
func Put(ctx context.Context, s Store, data []byte, lim Limits) (Photo, error) {
	p, err := Clean(data, lim)
	if err != nil {
		return p, err
	}
	if err := s.PutBlob(ctx, p.Sum, p.Data); err != nil {
		return p, fmt.Errorf("keep photo %s: %w", p.Sum, err)
	}
	return p, nil
}

// ContentType names the kind of kept bytes from their first bytes;
// only the kinds Clean keeps are named, anything else is
// application/octet-stream.
func ContentType(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		return "image/jpeg"
	case bytes.HasPrefix(data, pngMagic):
		return "image/png"
	}
	return "application/octet-stream"
}

var errTruncated = errors.New("the file ends inside a segment")

// stripJPEG keeps the segments a decoder needs and drops the
// application segments (APP1 EXIF and XMP, APP13 IPTC, the rest) and
// comments; APP0 (JFIF) and APP14 (Adobe, which says how colours are
// coded) stay. Everything from the start of scan on is image data and
// is copied as is.
//
// A phone stores a photo taken upright as the sensor saw it, sideways,
// and says how to turn it in EXIF's Orientation tag: dropping EXIF whole
// would show every portrait photo on its side. Where the EXIF block
// carries an orientation other than upright, a new EXIF block holding
// that one tag and nothing else takes its place; it reports the
// orientation (1, upright, when none is kept).
func stripJPEG(b []byte) ([]byte, uint16, error) {
	out := make([]byte, 0, len(b))
	out = append(out, 0xff, 0xd8)
	orientation := uint16(1)
	i := 2
	for {
		for i < len(b) && b[i] == 0xff && i+1 < len(b) && b[i+1] == 0xff {
			i++ // fill bytes
		}
		if i+2 > len(b) || b[i] != 0xff {
			return nil, 0, errors.New("no segment marker where one was expected")
		}
		m := b[i+1]
		switch {
		case m == 0xd9: // end of image without a scan
			return nil, 0, errors.New("no image data")
		case m >= 0xd0 && m <= 0xd7 || m == 0x01:
			out = append(out, b[i:i+2]...)
			i += 2
			continue
		}
		if i+4 > len(b) {
			return nil, 0, errTruncated
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return nil, 0, errTruncated
		}
		seg := b[i : i+2+n]
		if m == 0xda { // start of scan: the rest is the picture
			out = append(out, b[i:]...)
			return out, orientation, nil
		}
		if m == 0xe1 && orientation == 1 {
			if o := exifOrientation(seg[4:]); o != 1 {
				orientation = o
				out = append(out, orientationEXIF(o)...)
			}
		}
		drop := (m >= 0xe1 && m <= 0xef && m != 0xee) || m == 0xfe
		if !drop {
			out = append(out, seg...)
		}
		i += 2 + n
	}
}

// exifOrientation reads the Orientation tag (0x0112) of an APP1
// segment's payload, "Exif\0\0" and a TIFF block; 1 (upright) when the
// payload is not EXIF, has no such tag, or holds anything but 2 to 8.
func exifOrientation(p []byte) uint16 {
	tiff, ok := bytes.CutPrefix(p, []byte("Exif\x00\x00"))
	if !ok || len(tiff) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(tiff[:4]) {
	case "MM\x00\x2a":
		bo = binary.BigEndian
	case "II\x2a\x00":
		bo = binary.LittleEndian
	default:
		return 1
	}
	ifd := int64(bo.Uint32(tiff[4:]))
	if ifd < 8 || ifd+2 > int64(len(tiff)) {
		return 1
	}
	count := int64(bo.Uint16(tiff[ifd:]))
	for e := range count {
		at := ifd + 2 + 12*e
		if at+12 > int64(len(tiff)) {
			return 1
		}
		entry := tiff[at : at+12]
		// SHORT (3), one value, kept in the first two bytes of the field.
		if bo.Uint16(entry) != 0x0112 || bo.Uint16(entry[2:]) != 3 || bo.Uint32(entry[4:]) != 1 {
			continue
		}
		if o := bo.Uint16(entry[8:]); o >= 2 && o <= 8 {
			return o
		}
		return 1
	}
	return 1
}

// orientationEXIF is an APP1 segment whose EXIF block holds only the
// Orientation tag, o.
func orientationEXIF(o uint16) []byte {
	seg := []byte{0xff, 0xe1, 0, 34}
	seg = append(seg, "Exif\x00\x00"...)
	seg = append(seg, "MM\x00\x2a\x00\x00\x00\x08"...) // big-endian TIFF, IFD0 at 8
	seg = append(seg, 0, 1)                            // one entry
	seg = append(seg, 0x01, 0x12, 0, 3, 0, 0, 0, 1, byte(o>>8), byte(o), 0, 0)
	return append(seg, 0, 0, 0, 0) // no next IFD
}

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// keptPNG are the chunks a PNG keeps: those needed to draw it and its
// colour (gamma, chromaticity, sRGB, ICC profile, transparency). Text,
// time and eXIf chunks go.
var keptPNG = map[string]bool{"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true, "tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true, "iCCP": true, "sBIT": true, "pHYs": true}

func stripPNG(b []byte) ([]byte, error) {
	out := append(make([]byte, 0, len(b)), pngMagic...)
	i := len(pngMagic)
	for i < len(b) {
		if i+8 > len(b) {
			return nil, errTruncated
		}
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		end := i + 12 + n
		if n < 0 || end > len(b) || end < i {
			return nil, errTruncated
		}
		if keptPNG[typ] {
			out = append(out, b[i:end]...)
		}
		i = end
		if typ == "IEND" {
			return out, nil
		}
	}
	return nil, errors.New("no IEND chunk")
}
