package audit

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A Table is a grid a reader meets: an HTML table, a list, the options
// of a select, a CSV or a sheet of a workbook. SortedBy is the column the
// page says the rows are sorted by (aria-sort), -1 when it says nothing;
// Desc is its direction.
type Table struct {
	Name     string
	Header   []string
	Rows     [][]string
	SortedBy int
	Desc     bool
}

// Document is what a reader meets on a page: its texts one by one (text
// nodes and the attributes read aloud or shown) and its tables.
type Document struct {
	Texts  []string
	Tables []Table
}

// readAttrs are the attributes whose values a reader sees or hears.
var readAttrs = map[string]bool{"title": true, "aria-label": true, "alt": true, "placeholder": true, "aria-description": true}

// ParseHTML reads a page into what its reader meets. Scripts and styles
// are no text; the rest is, hidden or not, since a live page unhides it.
func ParseHTML(r io.Reader) (*Document, error) {
	root, err := html.Parse(r)
	if err != nil {
		return nil, err
	}
	d := &Document{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if t := strings.TrimSpace(n.Data); t != "" {
				d.Texts = append(d.Texts, t)
			}
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Template:
				return
			case atom.Table:
				d.Tables = append(d.Tables, table(n, len(d.Tables)))
			case atom.Ul, atom.Ol, atom.Select, atom.Datalist:
				if t, ok := list(n, len(d.Tables)); ok {
					d.Tables = append(d.Tables, t)
				}
			}
			for _, a := range n.Attr {
				if readAttrs[a.Key] && strings.TrimSpace(a.Val) != "" {
					d.Texts = append(d.Texts, a.Val)
				}
			}
			if n.DataAtom == atom.Input && attr(n, "type") == "submit" && attr(n, "value") != "" {
				d.Texts = append(d.Texts, attr(n, "value"))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return d, nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// text is what a node reads as, spaces folded.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// table reads an HTML table: its header row (the first row of th cells)
// and the rows of its bodies; a nested table is read on its own.
func table(n *html.Node, i int) Table {
	t := Table{Name: fmt.Sprintf("table %d", i+1), SortedBy: -1}
	if id := attr(n, "id"); id != "" {
		t.Name += " #" + id
	}
	if c := first(n, atom.Caption); c != nil {
		t.Name += " (" + text(c) + ")"
	}
	var rows func(n *html.Node)
	rows = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Table:
				continue
			case atom.Tr:
				var cells []string
				header := true
				for td := c.FirstChild; td != nil; td = td.NextSibling {
					if td.Type != html.ElementNode || td.DataAtom != atom.Td && td.DataAtom != atom.Th {
						continue
					}
					header = header && td.DataAtom == atom.Th
					if td.DataAtom == atom.Th && t.Header == nil {
						switch attr(td, "aria-sort") {
						case "ascending":
							t.SortedBy = len(cells)
						case "descending":
							t.SortedBy, t.Desc = len(cells), true
						case "other": // sorted by this column in an order of its own
							t.SortedBy = len(cells)
						}
					}
					cells = append(cells, text(td))
					for span := colspan(td); span > 1; span-- {
						cells = append(cells, "")
					}
				}
				if header && t.Header == nil && len(t.Rows) == 0 {
					t.Header = cells
				} else {
					t.Rows = append(t.Rows, cells)
				}
			default:
				rows(c)
			}
		}
	}
	rows(n)
	return t
}

func colspan(n *html.Node) int {
	var s int
	fmt.Sscan(attr(n, "colspan"), &s)
	return s
}

func first(n *html.Node, a atom.Atom) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == a {
			return c
		}
	}
	return nil
}

// list reads a list or a select's options as a one-column table; a list
// of lists (a nested menu) is not one.
func list(n *html.Node, i int) (Table, bool) {
	item := atom.Li
	if n.DataAtom == atom.Select || n.DataAtom == atom.Datalist {
		item = atom.Option
	}
	t := Table{Name: fmt.Sprintf("%s %d", n.DataAtom, i+1), SortedBy: -1}
	if id := attr(n, "id"); id != "" {
		t.Name += " #" + id
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == item {
			t.Rows = append(t.Rows, []string{text(c)})
		}
	}
	return t, len(t.Rows) > 1
}
