package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// Congresses are written on the writer's connection, one at a time,
// like the rest of the organisation; the reads are orgReads'. Only the
// approval of a result writes ledger leaves: the terms it gives.

func (s *Store) congressWrite(ctx context.Context, what string, fn func(ctx context.Context, c *sql.Conn) error) error {
	if err := s.write(ctx, fn); err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return nil
}

// SaveCongress implements sandik.CongressStore.
func (s *Store) SaveCongress(ctx context.Context, g sandik.Congress) error {
	return s.congressWrite(ctx, "save congress "+string(g.ID), func(ctx context.Context, c *sql.Conn) error {
		return orgTx(c).SaveCongress(ctx, g)
	})
}

// FreezeElectorate implements sandik.CongressStore.
func (s *Store) FreezeElectorate(ctx context.Context, id sandik.CongressID, es []sandik.Elector, at time.Time, by sandik.UserID) error {
	return s.congressWrite(ctx, "freeze the electorate of "+string(id), func(ctx context.Context, c *sql.Conn) error {
		return orgTx(c).FreezeElectorate(ctx, id, es, at, by)
	})
}

// SaveMandates implements sandik.CongressStore.
func (s *Store) SaveMandates(ctx context.Context, ms []sandik.Mandate) error {
	return s.congressWrite(ctx, fmt.Sprintf("save %d mandates", len(ms)), func(ctx context.Context, c *sql.Conn) error {
		return orgTx(c).SaveMandates(ctx, ms)
	})
}

// EndMandate implements sandik.CongressStore.
func (s *Store) EndMandate(ctx context.Context, id sandik.MandateID, end sandik.Date, reason string) error {
	return s.congressWrite(ctx, "end mandate "+string(id), func(ctx context.Context, c *sql.Conn) error {
		return orgTx(c).EndMandate(ctx, id, end, reason)
	})
}

// SaveContest implements sandik.CongressStore.
func (s *Store) SaveContest(ctx context.Context, k sandik.Contest) error {
	return s.congressWrite(ctx, "save contest "+k.Code, func(ctx context.Context, c *sql.Conn) error {
		return orgTx(c).SaveContest(ctx, k)
	})
}

// OpenContest implements sandik.CongressStore.
func (s *Store) OpenContest(ctx context.Context, id sandik.CongressID, code string, race sandik.RaceCode) error {
	return s.congressWrite(ctx, "open contest "+code, func(ctx context.Context, c *sql.Conn) error {
		return orgTx(c).OpenContest(ctx, id, code, race)
	})
}

// AppendList implements sandik.CongressStore.
func (s *Store) AppendList(ctx context.Context, l sandik.CandidateList) error {
	return s.congressWrite(ctx, fmt.Sprintf("list %s version %d", l.Code, l.Version), func(ctx context.Context, c *sql.Conn) error {
		return orgTx(c).AppendList(ctx, l)
	})
}

// CheckInDelegate implements sandik.CongressStore.
func (s *Store) CheckInDelegate(ctx context.Context, k sandik.Checkin) error {
	return s.congressWrite(ctx, "check in "+string(k.Person), func(ctx context.Context, c *sql.Conn) error {
		return orgTx(c).CheckInDelegate(ctx, k)
	})
}

// ApproveResult implements sandik.CongressStore.
func (s *Store) ApproveResult(ctx context.Context, a sandik.Approval) error {
	err := s.writeRights(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).ApproveResult(ctx, a)
	})
	if err != nil {
		return fmt.Errorf("sqlite: approve the result of %s: %w", a.Result.Contest, err)
	}
	return nil
}
