package center_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
)

const keyRace sandik.RaceCode = "k-2024.bb"

// keyRegistry is one district of boxes boxes in one race of quorum k.
func keyRegistry(t testing.TB, boxes, k int) *sandik.Registry {
	areas := []sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34.01", Parent: "34", Level: sandik.LevelIlce, Name: "Adalar"},
		{Code: "34.01.1", Parent: "34.01", Level: sandik.LevelMahalle, Name: "Burgazada"},
		{Code: "35", Parent: "TR", Level: sandik.LevelIl, Name: "İzmir"},
		{Code: "35.01", Parent: "35", Level: sandik.LevelIlce, Name: "Konak"},
		{Code: "35.01.1", Parent: "35.01", Level: sandik.LevelMahalle, Name: "Alsancak"},
		{Code: "35.01.1.1", Parent: "35.01.1", Level: sandik.LevelSandik, Name: "Sandık 1"},
	}
	regs := []sandik.Registration{{Election: "k-2024", Box: "35.01.1.1", Registered: 400}}
	for i := range boxes {
		areas = append(areas, sandik.Area{Code: keyBox(i), Parent: "34.01.1", Level: sandik.LevelSandik, Name: fmt.Sprintf("Sandık %d", 1001+i)})
		regs = append(regs, sandik.Registration{Election: "k-2024", Box: keyBox(i), Registered: 400})
	}
	reg, err := sandik.NewRegistry(areas,
		[]sandik.Election{{Code: "k-2024", Name: "Yerel", Date: time.Date(2024, 3, 31, 0, 0, 0, 0, sandik.Istanbul()), Quorum: k}},
		[]sandik.Race{{Code: keyRace, Election: "k-2024", Name: "Belediye başkanı", Scope: "TR",
			Choices: []sandik.Choice{{Code: "A", Name: "Aday A"}, {Code: "B", Name: "Aday B"}}}}, regs)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func keyBox(i int) sandik.AreaCode { return sandik.AreaCode(fmt.Sprintf("34.01.1.%d", 1001+i)) }

// typing is a valid sheet of a and b votes.
func typing(a, b int64) sandik.SheetInput {
	return sandik.SheetInput{Registered: n(400), Voted: n(a + b + 3), ValidWithoutObjection: n(a + b), ValidUponObjection: n(0),
		ValidTotal: n(a + b), Invalid: n(3), Votes: map[sandik.ChoiceCode]*int64{"A": n(a), "B": n(b)}}
}

// sheetPhoto is a small PNG different for each seed.
func sheetPhoto(t testing.TB, seed int) []byte {
	img := image.NewGray(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = uint8(i*7 + seed*13)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type keyFixture struct {
	c   *center.Center
	st  sandik.Store
	clk *clock
	obs sandik.User // observer of every box of Adalar
}

func openKeying(t testing.TB, st sandik.Store, boxes, k int) *keyFixture {
	ctx := context.Background()
	clk := &clock{t: istanbul("2024-03-31 19:00:00")}
	c, err := center.Open(ctx, center.Config{Store: st, Now: clk.now, Keying: center.KeyingConfig{Lease: 10 * time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.ImportRegistry(ctx, keyRegistry(t, boxes, k)); err != nil {
		t.Fatal(err)
	}
	return &keyFixture{c: c, st: st, clk: clk, obs: sandik.User{ID: "gozlemci", Name: "Gözlemci", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"34.01"}}}
}

func (f *keyFixture) upload(t testing.TB, u sandik.User, box sandik.AreaCode, seed int) sandik.SheetPhoto {
	t.Helper()
	p, _, err := f.c.AddSheetPhoto(context.Background(), u, keyRace, box, sheetPhoto(t, seed))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *keyFixture) status(t testing.TB, box sandik.AreaCode) sandik.BoxStatus {
	t.Helper()
	d, err := f.c.View(coord).Box(context.Background(), keyRace, box)
	if err != nil {
		t.Fatal(err)
	}
	return d.State.Status
}

func volunteer(i int) sandik.User {
	return sandik.User{ID: sandik.UserID(fmt.Sprintf("gonullu-%03d", i)), Name: "Gönüllü", Role: sandik.RoleVolunteer}
}

func (f *keyFixture) typeIt(t testing.TB, u sandik.User, task center.KeyingTask, a, b int64) {
	t.Helper()
	rs, err := f.c.TypeSheet(context.Background(), u, task.Lease, typing(a, b))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.c.WaitFor(context.Background(), rs.Seq); err != nil {
		t.Fatal(err)
	}
}

func TestSheetPhotoUpload(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			f := openKeying(t, open(t), 2, 2)
			ctx := context.Background()
			in := jpegWithGPSExif(t)
			p, created, err := f.c.AddSheetPhoto(ctx, f.obs, keyRace, keyBox(0), in)
			if err != nil || !created {
				t.Fatalf("first upload: created %v, %v", created, err)
			}
			kept, err := f.st.Blob(ctx, p.Sum)
			if err != nil {
				t.Fatal(err)
			}
			for _, needle := range [][]byte{[]byte("Exif"), gpsRationals, []byte("Kuzguncuk 41N")} {
				if bytes.Contains(kept, needle) {
					t.Errorf("the stored photo still holds %q", needle)
				}
			}
			if _, err := jpeg.Decode(bytes.NewReader(kept)); err != nil {
				t.Errorf("the stored photo is no longer a JPEG: %v", err)
			}
			again, created, err := f.c.AddSheetPhoto(ctx, f.obs, keyRace, keyBox(0), in)
			if err != nil || created || again.Sum != p.Sum || again.Width != 64 || again.Height != 48 {
				t.Errorf("the same photo again: %+v created %v, %v", again, created, err)
			}
			ps, err := f.c.SheetPhotos(ctx, coord, keyRace, keyBox(0))
			if err != nil || len(ps) != 1 {
				t.Errorf("photos of the box: %v, %v", ps, err)
			}
			// Refusals name the photo and write nothing.
			bomb := pngBomb()
			for what, data := range map[string][]byte{"bomb": bomb, "oversized": bytes.Repeat([]byte{0xff, 0xd8, 0xff}, 6<<20),
				"heic": append([]byte("\x00\x00\x00\x18ftypheic"), make([]byte, 64)...)} {
				_, _, err := f.c.AddSheetPhoto(ctx, f.obs, keyRace, keyBox(1), data)
				if sandik.CodeOf(err) != sandik.EInvalid || sandik.ProblemsOf(err)[0].Field != "photo" {
					t.Errorf("%s: %v, want a refused photo", what, err)
				}
			}
			if ps, _ := f.st.SheetPhotos(ctx, sandik.SheetPhotoFilter{Box: keyBox(1)}); len(ps) != 0 {
				t.Errorf("refused photos were recorded: %v", ps)
			}
			// Only those who may enter the box upload; only those who may
			// read it (or type it) see the photo.
			izmir := sandik.User{ID: "izmir", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"35"}}
			if _, _, err := f.c.AddSheetPhoto(ctx, izmir, keyRace, keyBox(0), sheetPhoto(t, 1)); sandik.CodeOf(err) != sandik.EForbidden {
				t.Errorf("upload outside the areas: %v", err)
			}
			if _, err := f.c.SheetPhoto(ctx, izmir, p.Sum); sandik.CodeOf(err) != sandik.ENotFound {
				t.Errorf("read outside the areas: %v", err)
			}
			if got, err := f.c.SheetPhoto(ctx, coord, p.Sum); err != nil || !bytes.Equal(got, kept) {
				t.Errorf("coordinator reads the photo: %v", err)
			}
		})
	}
}

// gpsRationals is 41° 0' 3" as three TIFF rationals.
var gpsRationals = []byte{0, 0, 0, 41, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 1}

// jpegWithGPSExif is a 64 × 48 JPEG with an APP1 EXIF block whose GPS
// IFD holds a latitude, and a comment naming a place.
func jpegWithGPSExif(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	be := binary.BigEndian
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	binary.Write(&tiff, be, uint32(8))
	binary.Write(&tiff, be, uint16(1)) // IFD0: GPSInfo → 26
	binary.Write(&tiff, be, []uint16{0x8825, 4})
	binary.Write(&tiff, be, []uint32{1, 26})
	binary.Write(&tiff, be, uint32(0))
	binary.Write(&tiff, be, uint16(1)) // GPS IFD: GPSLatitude → 44
	binary.Write(&tiff, be, []uint16{2, 5})
	binary.Write(&tiff, be, []uint32{3, 44})
	binary.Write(&tiff, be, uint32(0))
	tiff.Write(gpsRationals)
	app1 := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := be.AppendUint16([]byte{0xff, 0xe1}, uint16(len(app1)+2))
	seg = append(seg, app1...)
	com := be.AppendUint16([]byte{0xff, 0xfe}, uint16(2+len("Kuzguncuk 41N")))
	com = append(com, "Kuzguncuk 41N"...)
	out := append([]byte{0xff, 0xd8}, seg...)
	out = append(out, com...)
	out = append(out, buf.Bytes()[2:]...)
	if !bytes.Contains(out, gpsRationals) {
		t.Fatal("no GPS to strip")
	}
	return out
}

// pngBomb is a PNG whose header claims 60,000 × 60,000 pixels.
func pngBomb() []byte {
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 1, 1)))
	b := img.Bytes()
	// IHDR's width and height sit at bytes 16..24; its CRC is not
	// checked before the header is read.
	binary.BigEndian.PutUint32(b[16:], 60_000)
	binary.BigEndian.PutUint32(b[20:], 60_000)
	return b
}

// TestKeyingConcurrentVolunteers runs 200 volunteers against the real
// store at once, some of whom uploaded photos themselves: nobody is
// handed their own upload or a box twice, and every box ends verified.
func TestKeyingConcurrentVolunteers(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			const boxes, vols = 40, 200
			f := openKeying(t, open(t), boxes, 2)
			uploader := map[sandik.AreaCode]sandik.UserID{}
			for i := range boxes {
				u := f.obs
				if i%4 == 0 {
					u = volunteer(i) // a volunteer who photographed a box
				}
				f.upload(t, u, keyBox(i), i)
				uploader[keyBox(i)] = u.ID
			}
			ctx := context.Background()
			var mu sync.Mutex
			handed := map[sandik.UserID][]sandik.AreaCode{}
			var wg sync.WaitGroup
			errs := make(chan error, vols)
			for v := range vols {
				wg.Go(func() {
					u := volunteer(v)
					for {
						task, ok, err := f.c.NextSheet(ctx, u)
						if err != nil {
							errs <- err
							return
						}
						if !ok {
							return
						}
						mu.Lock()
						handed[u.ID] = append(handed[u.ID], task.Box)
						mu.Unlock()
						if _, err := f.c.TypeSheet(ctx, u, task.Lease, typing(100, 50)); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			typings := 0
			for u, bs := range handed {
				typings += len(bs)
				seen := map[sandik.AreaCode]bool{}
				for _, b := range bs {
					if seen[b] {
						t.Errorf("%s was handed %s twice", u, b)
					}
					seen[b] = true
					if uploader[b] == u {
						t.Errorf("%s was handed their own photo of %s", u, b)
					}
				}
			}
			if typings < 2*boxes {
				t.Errorf("%d typings of %d boxes", typings, boxes)
			}
			if err := f.c.WaitFor(ctx, mustLastSeq(t, f.st)); err != nil {
				t.Fatal(err)
			}
			for i := range boxes {
				if st := f.status(t, keyBox(i)); st != sandik.StatusVerified {
					t.Errorf("%s is %s, want verified", keyBox(i), st)
				}
			}
			// Nothing waits any more.
			if _, ok, err := f.c.NextSheet(ctx, volunteer(999)); ok || err != nil {
				t.Errorf("a settled queue handed out a sheet: %v", err)
			}
		})
	}
}

func mustLastSeq(t testing.TB, st sandik.Store) int64 {
	seq, err := st.LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// TestLeaseExpiry: with a quorum of two, two volunteers hold the one
// sheet and a third gets nothing — until the leases run out.
func TestLeaseExpiry(t *testing.T) {
	f := openKeying(t, backends(t)["sqlite"](t), 1, 2)
	ctx := context.Background()
	f.upload(t, f.obs, keyBox(0), 1)
	for _, v := range []int{1, 2} {
		if _, ok, err := f.c.NextSheet(ctx, volunteer(v)); !ok || err != nil {
			t.Fatalf("volunteer %d: %v %v", v, ok, err)
		}
	}
	if _, ok, _ := f.c.NextSheet(ctx, volunteer(3)); ok {
		t.Fatal("a third volunteer got a sheet two hold")
	}
	// The holder asking again gets the same lease, not another.
	a, _, _ := f.c.NextSheet(ctx, volunteer(1))
	b, _, _ := f.c.NextSheet(ctx, volunteer(1))
	if a.Lease != b.Lease {
		t.Errorf("asking again gave a new lease %s after %s", b.Lease, a.Lease)
	}
	f.clk.set(f.clk.now().Add(10*time.Minute + time.Second))
	task, ok, err := f.c.NextSheet(ctx, volunteer(3))
	if !ok || err != nil || task.Box != keyBox(0) {
		t.Fatalf("after the leases ran out: %+v %v %v", task, ok, err)
	}
	// The first volunteer may still type the sheet they held.
	f.typeIt(t, volunteer(1), a, 100, 50)
	f.typeIt(t, volunteer(3), task, 100, 50)
	if st := f.status(t, keyBox(0)); st != sandik.StatusVerified {
		t.Errorf("status %s, want verified", st)
	}
}

// TestKeyingConflictGoesToAThird: two typings disagree, the sheet goes
// to a third volunteer, whose typing settles it.
func TestKeyingConflictGoesToAThird(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			f := openKeying(t, open(t), 1, 2)
			ctx := context.Background()
			f.upload(t, f.obs, keyBox(0), 1)
			t1, _, _ := f.c.NextSheet(ctx, volunteer(1))
			t2, _, _ := f.c.NextSheet(ctx, volunteer(2))
			f.typeIt(t, volunteer(1), t1, 100, 50)
			f.typeIt(t, volunteer(2), t2, 100, 51)
			if st := f.status(t, keyBox(0)); st != sandik.StatusConflict {
				t.Fatalf("status %s, want conflict", st)
			}
			if _, ok, _ := f.c.NextSheet(ctx, volunteer(1)); ok {
				t.Error("a volunteer was handed a sheet they typed")
			}
			t3, ok, err := f.c.NextSheet(ctx, volunteer(3))
			if !ok || err != nil {
				t.Fatalf("the third volunteer got nothing: %v", err)
			}
			if _, ok, _ := f.c.NextSheet(ctx, volunteer(4)); ok {
				t.Error("a conflict needing one typing went to two")
			}
			f.typeIt(t, volunteer(3), t3, 100, 50)
			d, err := f.c.View(coord).Box(ctx, keyRace, keyBox(0))
			if err != nil || d.State.Status != sandik.StatusVerified || d.State.Resolved.Votes[1] != 50 {
				t.Fatalf("after the third typing: %v %v", d.State.Status, err)
			}
			// A retried typing is the same entry.
			again, err := f.c.TypeSheet(ctx, volunteer(3), t3.Lease, typing(100, 50))
			if err != nil || !again.Replayed {
				t.Errorf("retry: %+v %v", again, err)
			}
			// Another's lease is not theirs to type.
			if _, err := f.c.TypeSheet(ctx, volunteer(4), t3.Lease, typing(1, 1)); sandik.CodeOf(err) != sandik.ENotFound {
				t.Errorf("typing another's lease: %v", err)
			}
		})
	}
}

// TestKeyingReport: a sheet reported unreadable leaves the queue for
// the coordinators until a new photo of it arrives.
func TestKeyingReport(t *testing.T) {
	f := openKeying(t, backends(t)["sqlite"](t), 1, 2)
	ctx := context.Background()
	f.upload(t, f.obs, keyBox(0), 1)
	t1, _, _ := f.c.NextSheet(ctx, volunteer(1))
	if err := f.c.ReportSheet(ctx, volunteer(1), t1.Lease, "blurry"); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("unknown reason: %v", err)
	}
	if err := f.c.ReportSheet(ctx, volunteer(1), t1.Lease, sandik.ReportUnreadable); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := f.c.NextSheet(ctx, volunteer(2)); ok {
		t.Error("a reported sheet was handed out")
	}
	st, err := f.c.KeyingStats(ctx, coord)
	if err != nil || len(st.Reported) != 1 || st.Reported[0].Reason != sandik.ReportUnreadable {
		t.Fatalf("reported: %+v %v", st.Reported, err)
	}
	if _, err := f.c.KeyingStats(ctx, volunteer(1)); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a volunteer read the stats: %v", err)
	}
	f.clk.set(f.clk.now().Add(time.Minute))
	f.upload(t, f.obs, keyBox(0), 2)
	if _, ok, _ := f.c.NextSheet(ctx, volunteer(2)); !ok {
		t.Error("a new photo did not bring the sheet back")
	}
}

// TestKeyingAccuracyBruteForce types random sheets with random mistakes
// and checks each volunteer's accuracy against a recount from the log.
func TestKeyingAccuracyBruteForce(t *testing.T) {
	const boxes, vols = 12, 6
	f := openKeying(t, backends(t)["sqlite"](t), boxes, 2)
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(7, 21))
	for i := range boxes {
		f.upload(t, f.obs, keyBox(i), i)
	}
	truth := func(box sandik.AreaCode) int64 { return int64(len(box)) * 10 }
	for round := 0; round < 40; round++ {
		v := volunteer(rnd.IntN(vols))
		task, ok, err := f.c.NextSheet(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			continue
		}
		f.clk.set(f.clk.now().Add(time.Duration(10+rnd.IntN(50)) * time.Second))
		b := truth(task.Box)
		if rnd.IntN(4) == 0 {
			b++ // a slip
		}
		f.typeIt(t, v, task, 100, b)
	}
	got, err := f.c.KeyingStats(ctx, coord)
	if err != nil {
		t.Fatal(err)
	}
	// The recount: the log's entries per box, latest per person; a box is
	// settled when at least two people agree and no other sheet has as
	// many; a volunteer's typing agrees when it equals the settled sheet.
	subs, err := f.st.Since(ctx, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	latest := map[sandik.AreaCode]map[sandik.UserID]sandik.Tutanak{}
	for _, s := range subs {
		if latest[s.Box] == nil {
			latest[s.Box] = map[sandik.UserID]sandik.Tutanak{}
		}
		latest[s.Box][s.User] = s.Sheet
	}
	settled := map[sandik.AreaCode]*sandik.Tutanak{}
	for box, byUser := range latest {
		var sheets []sandik.Tutanak
		for _, sh := range byUser {
			sheets = append(sheets, sh)
		}
		best, bestN, ties := -1, 0, 0
		for i := range sheets {
			c := 0
			for j := range sheets {
				if sheets[i].Equal(sheets[j]) {
					c++
				}
			}
			switch {
			case c > bestN:
				best, bestN, ties = i, c, 1
			case c == bestN && !sheets[best].Equal(sheets[i]):
				ties++
			}
		}
		if bestN >= 2 && ties == 1 {
			settled[box] = &sheets[best]
		}
	}
	want := map[sandik.UserID][2]int{} // judged, agreed
	for _, s := range subs {
		if r := settled[s.Box]; r != nil {
			w := want[s.User]
			w[0]++
			if s.Sheet.Equal(*r) {
				w[1]++
			}
			want[s.User] = w
		}
	}
	if len(got.Volunteers) == 0 {
		t.Fatal("no volunteer figures")
	}
	flagged := 0
	for _, v := range got.Volunteers {
		w := want[v.User]
		if v.Judged != w[0] || v.Agreed != w[1] {
			t.Errorf("%s: judged %d agreed %d, the recount says %d and %d", v.User, v.Judged, v.Agreed, w[0], w[1])
		}
		if w[0] > 0 && v.Accuracy != float64(w[1])/float64(w[0]) {
			t.Errorf("%s: accuracy %v", v.User, v.Accuracy)
		}
		if v.Flagged != (w[0] >= 3 && float64(w[1])/float64(w[0]) < 0.8) {
			t.Errorf("%s: flagged %v at %d of %d", v.User, v.Flagged, w[1], w[0])
		}
		if v.Flagged {
			flagged++
		}
		if v.Typed > 0 && (v.MedianSeconds < 10 || v.MedianSeconds > 60) {
			t.Errorf("%s: median %v s, the clock moved 10 to 60 s a typing", v.User, v.MedianSeconds)
		}
	}
	t.Logf("%d volunteers, %d flagged, %d boxes settled", len(got.Volunteers), flagged, len(settled))
}

func TestCustodyAppendOnly(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			f := openKeying(t, open(t), 1, 2)
			ctx := context.Background()
			at := f.clk.now().Add(-time.Hour)
			events := []sandik.CustodyEvent{
				{Box: keyBox(0), Race: keyRace, Copy: "Müşahit nüshası", Holder: "Ayşe Yılmaz", Place: sandik.CustodyObserver, At: at},
				{Box: keyBox(0), Copy: "Müşahit nüshası", Holder: "İl merkezi", Place: sandik.CustodyCentre, At: at.Add(30 * time.Minute)},
				{Box: keyBox(0), Copy: "Müşahit nüshası", Holder: "Av. Deniz Şahin", Place: sandik.CustodyLawyer, At: at.Add(50 * time.Minute), Note: "itiraz için"},
			}
			var kept []sandik.CustodyEvent
			for i, e := range events {
				got, err := f.c.RecordCustody(ctx, f.obs, e)
				if err != nil {
					t.Fatal(err)
				}
				if got.Seq != i+1 || got.By != f.obs.ID {
					t.Errorf("event %d: seq %d by %s", i, got.Seq, got.By)
				}
				kept = append(kept, got)
				chain, err := f.c.Custody(ctx, coord, keyBox(0))
				if err != nil || len(chain) != i+1 {
					t.Fatalf("chain after %d: %v %v", i, chain, err)
				}
				for j := range kept {
					if c := chain[j]; c.Seq != kept[j].Seq || c.Holder != kept[j].Holder || !c.At.Equal(kept[j].At) || c.Note != kept[j].Note {
						t.Errorf("event %d changed after %d appends: %+v, was %+v", j, i+1, c, kept[j])
					}
				}
			}
			bad := sandik.CustodyEvent{Box: keyBox(0), Copy: "", Holder: " x", Place: "cop", At: f.clk.now().Add(3 * time.Hour)}
			_, err := f.c.RecordCustody(ctx, f.obs, bad)
			fields := []string{}
			for _, p := range sandik.ProblemsOf(err) {
				fields = append(fields, p.Field)
			}
			if !slices.Equal(fields, []string{"copy", "holder", "place", "at"}) {
				t.Errorf("bad event: %v (fields %v)", err, fields)
			}
			izmir := sandik.User{ID: "izmir", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"35"}}
			if _, err := f.c.Custody(ctx, izmir, keyBox(0)); sandik.CodeOf(err) != sandik.EForbidden {
				t.Errorf("read outside the areas: %v", err)
			}
			if _, err := f.c.RecordCustody(ctx, izmir, events[0]); sandik.CodeOf(err) != sandik.EForbidden {
				t.Errorf("write outside the areas: %v", err)
			}
			if chain, _ := f.c.Custody(ctx, coord, keyBox(0)); len(chain) != 3 {
				t.Errorf("refused events were kept: %d", len(chain))
			}
		})
	}
}

// TestSheetWaits: the keying page's "nothing waits" answer agrees with
// what NextSheet would do, and asking hands nothing out.
func TestSheetWaits(t *testing.T) {
	f := openKeying(t, backends(t)["sqlite"](t), 1, 2)
	ctx := context.Background()
	waits := func(u sandik.User) bool {
		t.Helper()
		ok, err := f.c.SheetWaits(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if waits(volunteer(1)) {
		t.Fatal("a sheet waits before any photo")
	}
	f.upload(t, f.obs, keyBox(0), 1)
	if !waits(volunteer(1)) || waits(f.obs) {
		t.Fatalf("after a photo: volunteer %v, its uploader %v", waits(volunteer(1)), waits(f.obs))
	}
	// Asking took no place: two others still get the sheet.
	for _, v := range []int{2, 3} {
		if _, ok, err := f.c.NextSheet(ctx, volunteer(v)); !ok || err != nil {
			t.Fatalf("volunteer %d: %v %v", v, ok, err)
		}
	}
	if waits(volunteer(1)) {
		t.Error("a sheet two hold waits for a third")
	}
	if !waits(volunteer(2)) {
		t.Error("the sheet a volunteer holds does not wait for them")
	}
}

// TestOneSheetAtATime: a volunteer asking many times at once (several
// tabs, a retrying phone) holds one sheet, not one per request.
func TestOneSheetAtATime(t *testing.T) {
	f := openKeying(t, backends(t)["sqlite"](t), 20, 2)
	ctx := context.Background()
	for i := range 20 {
		f.upload(t, f.obs, keyBox(i), i+1)
	}
	u := volunteer(1)
	leases := make([]sandik.LeaseID, 16)
	var wg sync.WaitGroup
	for i := range leases {
		wg.Go(func() {
			task, ok, err := f.c.NextSheet(ctx, u)
			if err != nil || !ok {
				t.Errorf("request %d: %v %v", i, ok, err)
			}
			leases[i] = task.Lease
		})
	}
	wg.Wait()
	for _, l := range leases {
		if l != leases[0] {
			t.Fatalf("one volunteer holds several sheets: %v", leases)
		}
	}
}

// A centre opened on a store with photos reads its keying queue at once,
// not when the first volunteer asks: read under the queue's lock, it made
// every volunteer asking in that moment wait.
func TestKeyingQueueReadAtOpen(t *testing.T) {
	st := backends(t)["sqlite"](t)
	f := openKeying(t, st, 4, 2)
	f.upload(t, f.obs, keyBox(0), 1)
	f.c.Close()
	c, err := center.Open(context.Background(), center.Config{Store: st, Now: f.clk.now})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.WaitKeyingQueueRead()
	if !c.KeyingQueueLoaded() {
		t.Fatal("the keying queue was not read when the centre opened")
	}
}
