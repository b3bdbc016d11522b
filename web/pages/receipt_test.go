package pages

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// TestReceiptPage: an observer pastes the answer they saved when they
// sent a sheet; the page proves it against the log as it now stands,
// after more writes. An altered receipt, one of another log and text that
// is no receipt are each refused with the reason, in Turkish.
func TestReceiptPage(t *testing.T) {
	e := newEnv(t)
	rec := e.Submit(observer1, sheet("r-1", raceIST, box1, 100, 90, 10))
	proofs, err := e.Center.Prove(t.Context(), []sandik.Receipt{rec})
	if err != nil {
		t.Fatal(err)
	}
	answer, err := json.Marshal(map[string]any{"id": "r-1", "receipt": proofs[0]})
	if err != nil {
		t.Fatal(err)
	}
	// The log grows after the receipt was given.
	e.Submit(observer2, sheet("r-2", raceIST, box2, 1, 2, 3))
	if _, err := e.Center.Prove(t.Context(), []sandik.Receipt{e.Submit(observer1, sheet("r-3", raceIST, box3, 4, 5, 6))}); err != nil {
		t.Fatal(err)
	}

	b := e.Browser(observer1)
	page := b.Page("/makbuz", http.StatusOK)
	webtest.MustContain(t, page, "Makbuz doğrulama", `name="receipt"`)

	res := b.Post("/makbuz", url.Values{"receipt": {string(answer)}})
	if res.Status != http.StatusOK {
		t.Fatalf("a good receipt: %d\n%s", res.Status, res.Body)
	}
	webtest.MustContain(t, string(res.Body), "Makbuz doğrulandı", "Kayıt #"+(&lang{Code: "tr"}).Num(proofs[0].LeafIndex))

	altered := proofs[0]
	altered.LeafHash[0] ^= 1
	bad, _ := json.Marshal(altered)
	forged := proofs[0]
	forged.Checkpoint = strings.Replace(forged.Checkpoint, "sandik.test/ledger", "sandik.evil/ledger", 1)
	other, _ := json.Marshal(forged)
	for name, c := range map[string]struct{ body, want string }{
		"altered leaf":  {string(bad), "Makbuz doğrulanamadı"},
		"another log":   {string(other), "Makbuz doğrulanamadı"},
		"not a receipt": {`{"hello": 1}`, "Bu bir makbuz değil"},
		"empty":         {"  ", "Makbuz boş"},
	} {
		res := b.Post("/makbuz", url.Values{"receipt": {c.body}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d", name, res.Status)
		}
		webtest.MustContain(t, string(res.Body), c.want, `aria-invalid="true"`)
	}
	if res := b.Post("/makbuz", url.Values{"receipt": {strings.Repeat("x", maxReceiptForm)}}); res.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("an oversized form: %d", res.Status)
	}
}

// TestEntryAnswerCarriesTheReceipt: the observer's form gets the ledger
// receipt with its answer, offers it to keep, and the receipt page takes
// the saved answer as it is.
func TestEntryAnswerCarriesTheReceipt(t *testing.T) {
	e := newEnv(t)
	b := e.Browser(observer1)
	webtest.MustContain(t, b.Page("/entry", http.StatusOK), `id="proof-save"`, `href="/makbuz"`)
	res := b.PostJSON("/entry", sheet("f-1", raceIST, box1, 100, 90, 10))
	if res.Status != http.StatusCreated {
		t.Fatalf("entry: %d %s", res.Status, res.Body)
	}
	var answer struct {
		Receipt *json.RawMessage `json:"receipt"`
	}
	if err := json.Unmarshal(res.Body, &answer); err != nil || answer.Receipt == nil {
		t.Fatalf("the answer holds no receipt: %s", res.Body)
	}
	check := b.Post("/makbuz", url.Values{"receipt": {string(res.Body)}})
	if check.Status != http.StatusOK {
		t.Fatalf("the saved answer as a receipt: %d", check.Status)
	}
	webtest.MustContain(t, string(check.Body), "Makbuz doğrulandı")
}
