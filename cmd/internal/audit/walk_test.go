package audit

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sandik-dev/sandik/cmd/internal/night"
)

// TestTurkishWalk reads every page, CSV, workbook and petition of a demo
// night in Turkish, as the role that reads each, and fails on any code,
// English word or list of areas out of Turkish order.
func TestTurkishWalk(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and replays a demo night")
	}
	n, err := night.Start(t.Context(), t.TempDir(), night.Options{Scale: 0.02, Seed: 2019})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	ns := Names{}
	for _, a := range n.Registry.Areas {
		parent := ""
		if pa, ok := n.Registry.Area(a.Parent); ok {
			parent = pa.Name
		}
		ns[a.Name] = parent
	}
	clients := map[night.Role]*http.Client{}
	client := func(role night.Role) *http.Client {
		if c, ok := clients[role]; ok {
			return c
		}
		c, err := n.Client(t.Context(), role)
		if err != nil {
			t.Fatal(err)
		}
		clients[role] = c
		return c
	}
	get := func(p night.Page) []byte {
		resp, err := client(p.Role).Get(n.URL + p.Path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != p.Status {
			t.Fatalf("%s (%s as %s): %s, want %d\n%.500s", p.Name, p.Path, p.Role, resp.Status, p.Status, body)
		}
		// Compression is safe from BREACH only while no body carries a
		// secret (web/handler/gzip.go): no token, no session id.
		for role, c := range clients {
			secrets := []string{n.Tokens[role]}
			for _, ck := range n.Cookies(c) {
				secrets = append(secrets, ck.Value)
			}
			for _, secret := range secrets {
				if len(secret) >= 16 && bytes.Contains(body, []byte(secret)) {
					t.Errorf("%s: the body holds a secret of the %s's session", p.Name, role)
				}
			}
		}
		return body
	}
	var found []Finding
	for _, p := range n.Pages {
		d, err := ParseHTML(bytes.NewReader(get(p)))
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		if len(d.Texts) < 3 {
			t.Fatalf("%s: only %d texts: not a page", p.Name, len(d.Texts))
		}
		found = append(found, DocumentFindings(p.Name, d, ns)...)
	}
	for _, p := range n.Downloads {
		body := get(p)
		var sheets map[string][][]string
		if strings.HasSuffix(p.Name, ".xlsx") {
			sheets, err = workbook(body)
		} else {
			sheets, err = csvFile(body)
		}
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		for name, records := range sheets {
			if len(records) < 2 {
				t.Fatalf("%s %s: %d records, want a header and rows", p.Name, name, len(records))
			}
			found = append(found, GridFindings(strings.TrimSpace(p.Name+" "+name), records, ns)...)
		}
	}
	if len(found) == 0 {
		return
	}
	// The same finding on one page (a code in every row) is told once,
	// with its count.
	count := map[string]int{}
	var order []string
	for _, f := range found {
		s := f.String()
		if count[s] == 0 {
			order = append(order, s)
		}
		count[s]++
	}
	var b strings.Builder
	for _, s := range order {
		b.WriteString(s)
		if count[s] > 1 {
			fmt.Fprintf(&b, " (×%d)", count[s])
		}
		b.WriteByte('\n')
	}
	t.Errorf("%d findings:\n%s", len(found), b.String())
}

// csvFile reads a CSV in either separator the exports use.
func csvFile(body []byte) (map[string][][]string, error) {
	body = bytes.TrimPrefix(body, []byte("\ufeff"))
	line, _, _ := bytes.Cut(body, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(body))
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	return map[string][][]string{"": records}, err
}

// workbook reads every sheet of an XLSX.
func workbook(body []byte) (map[string][][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			return nil, err
		}
		out[name] = rows
	}
	return out, nil
}
