package pages

import (
	"errors"
	"net/http"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/ledger"
)

// maxReceiptForm bounds the receipt form: a receipt is about 1 KiB (a
// signed note and some twenty hashes); a saved answer of a batch more.
const maxReceiptForm = 64 << 10

type receiptView struct {
	base
	Receipt string
	Check   *center.ReceiptCheck
	Problem string
	Latest  string // when the latest checkpoint was signed, in Istanbul
}

// receiptPage lets whoever holds a receipt (an observer's saved answer)
// check it against the log as it stands: proved in the tree its own
// checkpoint signed, and that tree still a prefix of the latest one.
func (p *Pages) receiptPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	v := receiptView{base: p.baseOf(r, u, "receipt.title")}
	if r.Method != http.MethodPost {
		return p.render(w, http.StatusOK, "receipt", v)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxReceiptForm)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return sandik.Errorf(sandik.ETooLarge, "the receipt form holds at most %d bytes", maxReceiptForm)
		}
		return sandik.Errorf(sandik.EInvalid, "the receipt form cannot be read: %v", err)
	}
	v.Receipt = strings.TrimSpace(r.PostForm.Get("receipt"))
	status := http.StatusUnprocessableEntity
	switch rc, err := ledger.ParseReceiptOrAnswer([]byte(v.Receipt)); {
	case v.Receipt == "":
		v.Problem = v.L.T("receipt.empty")
	case err != nil:
		v.Problem = v.L.F("receipt.malformed", err)
	default:
		check, err := p.c.CheckReceipt(r.Context(), rc)
		switch code := sandik.CodeOf(err); {
		case err == nil:
			v.Check, status = &check, http.StatusOK
			v.Latest = check.LatestTime.In(p.loc).Format("02.01.2006 15:04:05")
		case code == sandik.EInvalid:
			v.Problem = v.L.F("receipt.bad", sandik.MessageOf(err))
		default:
			return err
		}
	}
	return p.render(w, status, "receipt", v)
}
