package center

import (
	"context"
	"fmt"

	"github.com/sandik-dev/sandik"
)

// AppendImported stores sheets read from files — official YSK figures or
// an observer network's export — all or nothing per call. Unlike typed
// sheets they are kept when they break an identity of the tutanak, with
// the break as a warning. The same rows imported again are recognised by
// their ids and change nothing. The caller must hold import rights; the
// CLI does, the API does not offer imports yet.
func (c *Center) AppendImported(ctx context.Context, in []sandik.ImportedSheet) ([]sandik.Receipt, error) {
	if len(in) == 0 {
		return nil, nil
	}
	if len(in) > MaxBatch {
		return nil, sandik.Errorf(sandik.ETooLarge, "a batch holds at most %d sheets (got %d)", MaxBatch, len(in))
	}
	reg := c.Registry()
	now := c.now()
	subs := make([]sandik.Submission, 0, len(in))
	seen := make(map[sandik.SubmissionID]int, len(in))
	var problems []sandik.Problem
	for i := range in {
		s, err := reg.NewImported(&in[i], now, fmt.Sprintf("items[%d].", i))
		if err != nil {
			problems = append(problems, sandik.ProblemsOf(err)...)
			continue
		}
		if j, dup := seen[s.ID]; dup {
			if subs[j].Hash != s.Hash {
				problems = append(problems, sandik.Problem{Field: fmt.Sprintf("items[%d].id", i), Rule: sandik.RuleDuplicate,
					Message: fmt.Sprintf("id %q is used by item %d with different content", s.ID, j)})
			}
			continue // the same row twice in one batch is stored once
		}
		seen[s.ID] = len(subs)
		subs = append(subs, s)
	}
	if len(problems) > 0 {
		return nil, sandik.Invalid("the imported rows are not valid; nothing was written", problems)
	}
	return c.store.Append(ctx, subs)
}
