package postgres

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// statistics keeps the planner's statistics of the log's tables in step
// with a log that grows from nothing to millions of rows in a few hours.
// Without them the planner guesses a third of the table for the
// follower's `seq > $1 ORDER BY seq LIMIT $2` and reads the whole table
// and sorts it (80 ms at 200,000 rows, for the hundred rows another
// instance wrote), and autovacuum, where it runs at all, first analyzes a
// table after a minute and 10% of growth. So the writer has the tables
// analyzed when the log first reaches analyzeFrom rows and each time it
// has doubled since: about twenty times in a national night, each a
// sample of 3,000 rows, never two at once, never waited for.
type statistics struct {
	pool    *pgxpool.Pool
	log     *slog.Logger
	next    atomic.Int64 // the head at which the next ANALYZE starts
	running atomic.Bool
	wg      sync.WaitGroup
	ctx     context.Context
	cancel  context.CancelFunc
}

// analyzeFrom is the head at which the log's tables are first analyzed.
const analyzeFrom = 1000

func newStatistics(pool *pgxpool.Pool, log *slog.Logger) *statistics {
	ctx, cancel := context.WithCancel(context.Background())
	st := &statistics{pool: pool, log: log, ctx: ctx, cancel: cancel}
	st.next.Store(analyzeFrom)
	return st
}

// grew is told the head after each commit of the writer.
func (st *statistics) grew(head int64) {
	if st == nil || head < st.next.Load() || !st.running.CompareAndSwap(false, true) {
		return
	}
	st.next.Store(2 * head)
	st.wg.Add(1)
	go func() {
		defer st.wg.Done()
		defer st.running.Store(false)
		ctx, cancel := context.WithTimeout(st.ctx, time.Minute)
		defer cancel()
		start := time.Now()
		if err := st.analyze(ctx); err != nil {
			if st.ctx.Err() == nil {
				st.log.Warn("analyze the log's tables", "head", head, "err", err)
			}
			return
		}
		st.log.Debug("analyzed the log's tables", "head", head, "took", time.Since(start))
	}()
}

// analyze samples the tables the log's ranges are read from by seq and
// by leaf (the follower, audits and proofs). A sample of 3,000 rows
// (statistics target 10, a tenth of the default) is plenty for what the
// planner needs here, the table's size and the range of its keys, and
// costs a tenth; SKIP_LOCKED, because another instance analyzing the same
// table at that moment is as good.
func (st *statistics) analyze(ctx context.Context) error {
	tx, err := st.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after the commit
	if _, err := tx.Exec(ctx, `SET LOCAL default_statistics_target = 10`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `ANALYZE (SKIP_LOCKED) submissions, ledger_records`); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// wait returns once no ANALYZE is running.
func (st *statistics) wait() { st.wg.Wait() }

// stop cancels a running ANALYZE and waits for it.
func (st *statistics) stop() {
	st.cancel()
	st.wg.Wait()
}
