package registrycsv

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

// generated is a file made up as it is read: head, then body repeated
// until n bytes have come out, then tail. It holds none of it, so a test
// can hand a reader a 100 MB line without allocating one, and it counts
// what the reader took.
type generated struct {
	head, body, tail string
	n                int64
	read             int64
}

func (g *generated) Read(p []byte) (int, error) {
	total := int64(len(g.head)) + g.n + int64(len(g.tail))
	if g.read >= total {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && g.read < total {
		var c byte
		switch off := g.read; {
		case off < int64(len(g.head)):
			c = g.head[off]
		case off < int64(len(g.head))+g.n:
			c = g.body[(off-int64(len(g.head)))%int64(len(g.body))]
		default:
			c = g.tail[off-int64(len(g.head))-g.n]
		}
		p[k] = c
		k++
		g.read++
	}
	return k, nil
}

// wantTooLong checks for a fatal EInvalid error with one too_long problem
// on line of file.
func wantTooLong(t *testing.T, err error, file string, line int) {
	t.Helper()
	var e *sandik.Error
	if !errors.As(err, &e) || e.Code != sandik.EInvalid {
		t.Fatalf("err = %v, want EInvalid", err)
	}
	want := []where{{file, line, RuleTooLong}}
	if got := wheres(err); len(got) != 1 || got[0] != want[0] {
		t.Fatalf("problems %v, want %v", got, want)
	}
	if msg := e.Problems[0].Message; !strings.Contains(msg, "1 MiB") || !strings.Contains(err.Error(), file) {
		t.Fatalf("the error does not name the file and the limit: %v", err)
	}
}

// A line of 100 MB is refused having read little more than the limit:
// encoding/csv would hold the whole line (a 1 GB line took 6.7 GB). The
// bytes read stand in for memory, which a unit test cannot measure well.
func TestLongLine(t *testing.T) {
	const header = "code,parent,level,name,ysk_id\nTR,,country,Türkiye,\n"
	for _, tc := range []struct {
		name string
		src  *generated
		line int
	}{
		{"one long line", &generated{head: header + "34,TR,il,", body: "x", n: 100 << 20, tail: ",34\n"}, 3},
		{"a quoted field running over lines", &generated{head: header + `34,TR,il,"`, body: strings.Repeat("y", 99) + "\n", n: 100 << 20, tail: "\",34\n"}, 3},
		{"quotes doubled inside", &generated{head: header + `34,TR,il,"`, body: `a""b`, n: 100 << 20, tail: "\",34\n"}, 3},
		{"no line end at all", &generated{head: "", body: "code,parent,", n: 100 << 20}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(map[string]io.Reader{AreasFile: tc.src})
			wantTooLong(t, err, AreasFile, tc.line)
			if tc.src.read > MaxLineBytes+256<<10 {
				t.Fatalf("read %d bytes of a %d-byte line to refuse it", tc.src.read, tc.src.n)
			}
		})
	}
	src := &generated{head: "id,name,role\nu1,", body: "z", n: 100 << 20, tail: ",observer\n"}
	_, err := ReadUsers(src)
	wantTooLong(t, err, UsersFile, 2)
}

// The cap follows encoding/csv's quoting: a newline inside quotes does not
// end a record, one after a stray quote does, so a broken row is reported
// as the syntax problem it is and the rest of the file is read.
func TestLongLineFollowsQuoting(t *testing.T) {
	rows := strings.Repeat("34-3-1-1-1001,34-3-1-1,sandik,\"Sandık\n1001\",\n", 1)
	files := base()
	files[AreasFile] = strings.Replace(files[AreasFile], "34-3-1-1-1001,34-3-1-1,sandik,Sandık 1001,\n", rows, 1)
	if _, err := readStrings(files); err != nil {
		t.Fatalf("a quoted name over two lines: %v", err)
	}

	// A stray quote, then more than MaxLineBytes of ordinary rows.
	var b strings.Builder
	b.WriteString("election,box,registered\n2019-03-31,34-3-1-1-10\"01,300\n")
	for b.Len() < 2*MaxLineBytes {
		b.WriteString("2019-03-31,34-3-1-1-1002,280\n")
	}
	files = base()
	files[RegistrationsFile] = b.String()
	_, err := readStrings(files)
	if got := wheres(err); len(got) == 0 || got[0] != (where{RegistrationsFile, 2, RuleSyntax}) {
		t.Fatalf("a stray quote: %v", got[:min(len(got), 3)])
	}
	for _, w := range wheres(err) {
		if w.Rule == RuleTooLong {
			t.Fatalf("a stray quote made the rest of the file one long record: %v", w)
		}
	}

	// Tabs: a space before a quote is text, not the start of a quoted field.
	b.Reset()
	b.WriteString("election\tbox\tregistered\n2019-03-31\t \"34-3-1-1-1001\t300\n")
	for b.Len() < 2*MaxLineBytes {
		b.WriteString("2019-03-31\t34-3-1-1-1002\t280\n")
	}
	files[RegistrationsFile] = b.String()
	for _, w := range wheres(func() error { _, err := readStrings(files); return err }()) {
		if w.Rule == RuleTooLong {
			t.Fatalf("a space and a quote in a tab file: %v", w)
		}
	}
}

func TestLongField(t *testing.T) {
	files := base()
	long := strings.Repeat("ş", MaxFieldBytes/2+1)
	files[AreasFile] = strings.Replace(files[AreasFile], "Mahalle 1", long, 1)
	_, err := readStrings(files)
	if got := wheres(err); len(got) != 1 || got[0] != (where{AreasFile, 5, RuleTooLong}) {
		t.Fatalf("problems %v", got)
	}
	if !strings.Contains(err.Error(), "64 KiB") {
		t.Fatalf("the limit is not named: %v", err)
	}
}
