package api

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/blob"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

// The routes of sheet photos, the keying queue and custody chains. A
// photo is uploaded as the raw body (image/jpeg or image/png), bounded
// like every write (handler.Base.Write) and checked and cleaned by the
// Center, a few at a time; it is served only as an attachment.

// photoJSON is the answer to an upload, the same whether the photo is
// new (201) or was sent before (200).
type photoJSON struct {
	Sum    string          `json:"sha256"`
	Race   sandik.RaceCode `json:"race"`
	Box    sandik.AreaCode `json:"box"`
	Bytes  int             `json:"bytes"`
	Width  int             `json:"width"`
	Height int             `json:"height"`
}

// photoType checks an upload's Content-Type: JPEG or PNG, anything else
// refused with 415 naming the type, in Turkish and English.
func photoType(ct string) error {
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "image/jpeg" || mt == "image/png") {
		return nil
	}
	if ct == "" {
		ct = "(yok / none)"
	}
	return sandik.Errorf(handler.EUnsupportedMedia,
		"fotoğraf türü %s kabul edilmiyor; yalnızca JPEG ya da PNG gönderin (HEIC ise telefonda JPEG olarak kaydedin) "+
			"(photo type %s is not accepted; send JPEG or PNG only — save a HEIC photo as JPEG on the phone)", ct, ct)
}

func (a *API) uploadSheetPhoto(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := photoType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	limit := int64(blob.DefaultLimits().MaxBytes)
	if r.ContentLength > limit {
		return handler.TooLarge(limit)
	}
	// Write has read the body whole within the budgets; it is used as it
	// is, not copied again.
	data, ok := handler.BodyBytes(r)
	if !ok {
		var err error
		if data, err = io.ReadAll(http.MaxBytesReader(w, r.Body, limit)); err != nil {
			if _, ok := err.(*http.MaxBytesError); ok {
				return handler.TooLarge(limit)
			}
			return sandik.Errorf(handler.EBadRequest, "could not read the photo: %v", err)
		}
	}
	if int64(len(data)) > limit {
		return handler.TooLarge(limit)
	}
	race, box := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("box"))
	p, created, err := a.c.AddSheetPhoto(r.Context(), u, race, box, data)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	a.b.WriteJSON(w, status, photoJSON{Sum: p.Sum, Race: p.Race, Box: p.Box, Bytes: p.Bytes, Width: p.Width, Height: p.Height})
	return nil
}

func (a *API) listSheetPhotos(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ps, err := a.c.SheetPhotos(r.Context(), u, sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("box")))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, map[string]any{"photos": ps})
	return nil
}

// ServeSheetPhoto writes a sheet photo as an attachment no browser runs
// or sniffs into HTML.
func ServeSheetPhoto(w http.ResponseWriter, sum string, data []byte) {
	h := w.Header()
	ct := blob.ContentType(data)
	ext := ".jpg"
	if ct == "image/png" {
		ext = ".png"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="tutanak-%s%s"`, sum[:16], ext))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Cache-Control", "private, max-age=86400, immutable")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

func (a *API) getSheetPhoto(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	sum := r.PathValue("sha256")
	if err := validSum(sum); err != nil {
		return err
	}
	data, err := a.c.SheetPhoto(r.Context(), u, sum)
	if err != nil {
		return err
	}
	ServeSheetPhoto(w, sum, data)
	return nil
}

// nextSheet answers 200 with a sheet to type, or 204 when none waits.
func (a *API) nextSheet(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	t, ok, err := a.c.NextSheet(r.Context(), u)
	if err != nil {
		return err
	}
	if !ok {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	a.b.WriteJSON(w, http.StatusOK, t)
	return nil
}

// typeSheet takes a typing of a leased sheet: 201 with the entry's
// receipt, 200 with the original receipt when it was sent before. The
// answer says nothing of other typings (blind).
func (a *API) typeSheet(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.SheetInput
	if err := handler.ReadJSON(w, r, a.cfg.MaxBodyBytes, handler.SheetShape, &in); err != nil {
		return err
	}
	rc, err := a.c.TypeSheet(r.Context(), u, sandik.LeaseID(r.PathValue("id")), in)
	if err != nil {
		return err
	}
	return a.b.WriteReceipt(w, handler.ReceiptOf(rc))
}

type reportInput struct {
	Reason sandik.ReportReason `json:"reason"`
}

var reportShape = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[reportInput]()))

// reportSheet sends a leased sheet to the coordinators.
func (a *API) reportSheet(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in reportInput
	if err := handler.ReadJSON(w, r, 4<<10, reportShape, &in); err != nil {
		return err
	}
	if err := a.c.ReportSheet(r.Context(), u, sandik.LeaseID(r.PathValue("id")), in.Reason); err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "reason": in.Reason})
	return nil
}

func (a *API) keyingStats(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	st, err := a.c.KeyingStats(r.Context(), u)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, st)
	return nil
}

type custodyInput struct {
	Race   sandik.RaceCode     `json:"race"`
	Copy   string              `json:"copy"`
	Holder string              `json:"holder"`
	Place  sandik.CustodyPlace `json:"place"`
	At     time.Time           `json:"at"`
	Note   string              `json:"note"`
}

var custodyShape = strict.ShapeOf(reflect.TypeFor[custodyInput]())

func (a *API) getCustody(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	chain, err := a.c.Custody(r.Context(), u, sandik.AreaCode(r.PathValue("box")))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, map[string]any{"box": r.PathValue("box"), "chain": chain})
	return nil
}

func (a *API) addCustody(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in custodyInput
	if err := handler.ReadJSON(w, r, 16<<10, custodyShape, &in); err != nil {
		return err
	}
	e, err := a.c.RecordCustody(r.Context(), u, sandik.CustodyEvent{Box: sandik.AreaCode(r.PathValue("box")), Race: in.Race,
		Copy: in.Copy, Holder: in.Holder, Place: in.Place, At: in.At, Note: in.Note})
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, e)
	return nil
}
