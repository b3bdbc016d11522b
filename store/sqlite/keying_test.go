package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
)

// A custody chain cannot be changed even by a statement written by hand
// on the writer's connection: the table's triggers refuse it.
func TestCustodyIsAppendOnly(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "x.db"))
	ctx := context.Background()
	e := sandik.CustodyEvent{Box: storetest.Box1, Copy: "Müşahit nüshası", Holder: "Ayşe", Place: sandik.CustodyCentre,
		At: storetest.Received(), By: "ayse", Recorded: storetest.Received()}
	if _, err := s.AppendCustody(ctx, e); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE custody SET holder = 'Başkası'", "DELETE FROM custody"} {
		err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
			_, err := c.ExecContext(ctx, q)
			return err
		})
		if err == nil {
			t.Errorf("%s succeeded", q)
		}
	}
	chain, err := s.Custody(ctx, storetest.Box1)
	if err != nil || len(chain) != 1 || chain[0].Holder != "Ayşe" {
		t.Errorf("after the refused statements: %+v %v", chain, err)
	}
}
