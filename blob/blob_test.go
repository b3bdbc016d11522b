package blob

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

func picture() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 90, 255})
		}
	}
	return img
}

// gpsLatitude is 41° 0' 3" as three TIFF rationals: bytes no
// picture holds by chance.
var gpsLatitude = []byte{0, 0, 0, 41, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 1}

// exifWithGPS is an APP1 segment with an EXIF block whose IFD0 points
// at a GPS IFD holding GPSLatitudeRef N and GPSLatitude 41° 0' 3".
func exifWithGPS() []byte {
	var t bytes.Buffer
	be := binary.BigEndian
	t.WriteString("MM\x00\x2a")
	binary.Write(&t, be, uint32(8))
	// IFD0 at 8: one entry, GPSInfo (0x8825) LONG → 26.
	binary.Write(&t, be, uint16(1))
	binary.Write(&t, be, []uint16{0x8825, 4})
	binary.Write(&t, be, []uint32{1, 26})
	binary.Write(&t, be, uint32(0))
	// GPS IFD at 26: two entries, then the rationals at 56.
	binary.Write(&t, be, uint16(2))
	binary.Write(&t, be, []uint16{1, 2})
	binary.Write(&t, be, uint32(2))
	t.Write([]byte{'N', 0, 0, 0})
	binary.Write(&t, be, []uint16{2, 5})
	binary.Write(&t, be, []uint32{3, 56})
	binary.Write(&t, be, uint32(0))
	t.Write(gpsLatitude)
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xff, 0xe1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

func jpegWithGPS(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, picture(), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	com := []byte{0xff, 0xfe, 0, 14}
	com = append(com, "GPS 41.0008N"...)
	out := append([]byte{0xff, 0xd8}, exifWithGPS()...)
	out = append(out, com...)
	return append(out, b[2:]...)
}

func TestJPEGStoredWithoutGPS(t *testing.T) {
	in := jpegWithGPS(t)
	if !bytes.Contains(in, gpsLatitude) || !bytes.Contains(in, []byte("Exif")) {
		t.Fatal("the test photo has no GPS to strip")
	}
	if _, err := jpeg.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("the test photo is not a JPEG: %v", err)
	}
	d := Dir{Root: t.TempDir()}
	p, err := Put(context.Background(), d, in, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	kept, err := d.Blob(context.Background(), p.Sum)
	if err != nil {
		t.Fatal(err)
	}
	for _, needle := range [][]byte{gpsLatitude, []byte("Exif"), []byte("GPS 41")} {
		if bytes.Contains(kept, needle) {
			t.Errorf("the kept bytes still hold %q", needle)
		}
	}
	if p.ContentType != "image/jpeg" || p.Width != 64 || p.Height != 48 {
		t.Errorf("photo %+v", p)
	}
	img, err := jpeg.Decode(bytes.NewReader(kept))
	if err != nil || img.Bounds().Dx() != 64 {
		t.Fatalf("kept bytes are no longer the picture: %v", err)
	}
	// The same photo again is the same blob.
	again, err := Put(context.Background(), d, in, DefaultLimits())
	if err != nil || again.Sum != p.Sum {
		t.Errorf("again: %v %s", err, again.Sum)
	}
}

func chunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

func TestPNGStripped(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, picture()); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// Put a text chunk with a position and an eXIf chunk after IHDR.
	ihdrEnd := 8 + 12 + 13
	in := append(append([]byte{}, b[:ihdrEnd]...), chunk("tEXt", []byte("GPS\x0041.0008 N, 28.97 E"))...)
	in = append(in, chunk("eXIf", exifWithGPS()[10:])...)
	in = append(in, b[ihdrEnd:]...)
	p, err := Clean(in, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(p.Data, []byte("28.97")) || bytes.Contains(p.Data, gpsLatitude) || p.ContentType != "image/png" {
		t.Errorf("metadata kept in the PNG")
	}
}

// bomb is a PNG whose header says 100,000 × 100,000 pixels (10
// gigapixels, 40 GB decoded) in a file of a few hundred bytes.
func bomb() []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, 100_000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 100_000)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	out := append([]byte{}, pngMagic...)
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}

func TestRefusals(t *testing.T) {
	big := bytes.Repeat([]byte{0xff, 0xd8, 0xff}, 1<<20)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"bomb", bomb(), "too large"},
		{"heic", append([]byte("\x00\x00\x00\x18ftypheic"), make([]byte, 100)...), "only JPEG or PNG"},
		{"html", []byte("<html><script>alert(1)</script>"), "only JPEG or PNG"},
		{"empty", nil, "empty"},
		{"oversized", big, "at most 2 MB"},
		{"truncated", jpegWithGPS(t)[:200], "photo"},
	}
	lim := DefaultLimits()
	for _, tc := range cases {
		l := lim
		if tc.name == "oversized" {
			l.MaxBytes = 2 << 20
		}
		_, err := Clean(tc.data, l)
		if sandik.CodeOf(err) != sandik.EInvalid {
			t.Errorf("%s: %v, want EInvalid", tc.name, err)
			continue
		}
		if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Field != "photo" || !strings.Contains(ps[0].Message, tc.want) {
			t.Errorf("%s: %v, want a problem of photo saying %q", tc.name, err, tc.want)
		}
	}
}

func TestDir(t *testing.T) {
	d := Dir{Root: t.TempDir()}
	ctx := context.Background()
	if _, err := d.Blob(ctx, strings.Repeat("a", 64)); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("missing: %v", err)
	}
	if _, err := d.Blob(ctx, "../../etc/passwd"); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("a path for a sum: %v", err)
	}
	if err := d.PutBlob(ctx, "../x", []byte("x")); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("put a path: %v", err)
	}
}

func FuzzClean(f *testing.F) {
	var buf bytes.Buffer
	png.Encode(&buf, picture())
	f.Add(buf.Bytes())
	f.Add(bomb())
	f.Add(exifWithGPS())
	var enc bytes.Buffer
	jpeg.Encode(&enc, image.NewGray(image.Rect(0, 0, 8, 4)), nil)
	f.Add(append(append([]byte{0xff, 0xd8}, exifTurned(binary.LittleEndian, 6)...), enc.Bytes()[2:]...))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Clean(b, Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20, MaxSide: 4096})
		if err == nil && (len(p.Data) == 0 || p.Width*p.Height > 1<<20) {
			t.Fatalf("kept %+v", p)
		}
		// What is kept of EXIF is at most the one Orientation block.
		if err == nil && p.ContentType == "image/jpeg" {
			for _, seg := range app1Segments(p.Data) {
				if o := exifOrientation(seg[4:]); !bytes.Equal(seg, orientationEXIF(o)) {
					t.Fatalf("kept an APP1 segment other than an orientation's: %q", seg)
				}
			}
		}
	})
}

// exifTurned is an APP1 EXIF segment in bo's byte order whose IFD0 holds
// Make ("Telefon"), Orientation o and a GPSInfo pointer to a GPS IFD with
// the latitude above.
func exifTurned(bo binary.ByteOrder, o uint16) []byte {
	var t bytes.Buffer
	if bo == binary.BigEndian {
		t.WriteString("MM\x00\x2a")
	} else {
		t.WriteString("II\x2a\x00")
	}
	binary.Write(&t, bo, uint32(8))
	// IFD0 at 8: three entries (8 + 2 + 36 + 4 = 50), Make's text at 50,
	// the GPS IFD at 58, its rationals at 76.
	binary.Write(&t, bo, uint16(3))
	binary.Write(&t, bo, []uint16{0x010f, 2})
	binary.Write(&t, bo, []uint32{8, 50})
	binary.Write(&t, bo, []uint16{0x0112, 3})
	binary.Write(&t, bo, uint32(1))
	binary.Write(&t, bo, []uint16{o, 0})
	binary.Write(&t, bo, []uint16{0x8825, 4})
	binary.Write(&t, bo, []uint32{1, 58})
	binary.Write(&t, bo, uint32(0))
	t.WriteString("Telefon\x00")
	binary.Write(&t, bo, uint16(1))
	binary.Write(&t, bo, []uint16{2, 5})
	binary.Write(&t, bo, []uint32{3, 76})
	binary.Write(&t, bo, uint32(0))
	t.Write(gpsLatitude)
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// A photo taken upright on a phone held sideways keeps the one EXIF tag
// that turns it — Orientation, in a block of its own — and nothing else:
// no GPS, no maker. Its width and height are those it is shown at.
func TestOrientationKeptAloneWithoutGPS(t *testing.T) {
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, picture(), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		bo   binary.ByteOrder
		o    uint16
		w, h int
	}{{binary.BigEndian, 6, 48, 64}, {binary.LittleEndian, 8, 48, 64}, {binary.LittleEndian, 3, 64, 48}, {binary.BigEndian, 1, 64, 48}, {binary.BigEndian, 9, 64, 48}} {
		in := append([]byte{0xff, 0xd8}, exifTurned(tc.bo, tc.o)...)
		in = append(in, enc.Bytes()[2:]...)
		if !bytes.Contains(in, gpsLatitude) || !bytes.Contains(in, []byte("Telefon")) {
			t.Fatal("the test photo has nothing to strip")
		}
		p, err := Clean(in, DefaultLimits())
		if err != nil {
			t.Fatalf("orientation %d: %v", tc.o, err)
		}
		for _, needle := range [][]byte{gpsLatitude, []byte("Telefon")} {
			if bytes.Contains(p.Data, needle) {
				t.Errorf("orientation %d: the kept bytes still hold %q", tc.o, needle)
			}
		}
		kept := bytes.Contains(p.Data, orientationEXIF(tc.o))
		if turned := tc.o >= 2 && tc.o <= 8; kept != turned || bytes.Count(p.Data, []byte("Exif")) != map[bool]int{true: 1, false: 0}[turned] {
			t.Errorf("orientation %d: orientation block kept %v, EXIF blocks %d", tc.o, kept, bytes.Count(p.Data, []byte("Exif")))
		}
		if got := exifOrientation(orientationEXIF(6)[4:]); got != 6 {
			t.Errorf("the written block reads back as orientation %d", got)
		}
		if p.Width != tc.w || p.Height != tc.h {
			t.Errorf("orientation %d: %d × %d, want %d × %d", tc.o, p.Width, p.Height, tc.w, tc.h)
		}
		if img, err := jpeg.Decode(bytes.NewReader(p.Data)); err != nil || img.Bounds().Dx() != 64 {
			t.Errorf("orientation %d: the kept bytes do not decode: %v", tc.o, err)
		}
	}
}

// app1Segments returns a cleaned JPEG's APP1 segments, those before its
// image data.
func app1Segments(b []byte) [][]byte {
	var out [][]byte
	for i := 2; i+4 <= len(b) && b[i] == 0xff; {
		m := b[i+1]
		if m >= 0xd0 && m <= 0xd7 || m == 0x01 {
			i += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if m == 0xda || i+2+n > len(b) {
			break
		}
		if m == 0xe1 {
			out = append(out, b[i:i+2+n])
		}
		i += 2 + n
	}
	return out
}
