package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// Congresses are written under the organisation's lock, like the rest
// of it; the reads are orgReads'. Only the
// approval of a result writes ledger leaves: the terms it gives.

func (s *Store) congressWrite(ctx context.Context, what string, fn func(ctx context.Context, t sqlstore.OrgTx) error) error {
	err := s.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		t, err := orgTx(ctx, tx)
		if err != nil {
			return err
		}
		return fn(ctx, t)
	})
	if err != nil {
		return fmt.Errorf("postgres: %s: %w", what, err)
	}
	return nil
}

// SaveCongress implements sandik.CongressStore.
func (s *Store) SaveCongress(ctx context.Context, g sandik.Congress) error {
	return s.congressWrite(ctx, "save congress "+string(g.ID), func(ctx context.Context, t sqlstore.OrgTx) error {
		return t.SaveCongress(ctx, g)
	})
}

// FreezeElectorate implements sandik.CongressStore.
func (s *Store) FreezeElectorate(ctx context.Context, id sandik.CongressID, es []sandik.Elector, at time.Time, by sandik.UserID) error {
	return s.congressWrite(ctx, "freeze the electorate of "+string(id), func(ctx context.Context, t sqlstore.OrgTx) error {
		return t.FreezeElectorate(ctx, id, es, at, by)
	})
}

// SaveMandates implements sandik.CongressStore.
func (s *Store) SaveMandates(ctx context.Context, ms []sandik.Mandate) error {
	return s.congressWrite(ctx, fmt.Sprintf("save %d mandates", len(ms)), func(ctx context.Context, t sqlstore.OrgTx) error {
		return t.SaveMandates(ctx, ms)
	})
}

// EndMandate implements sandik.CongressStore.
func (s *Store) EndMandate(ctx context.Context, id sandik.MandateID, end sandik.Date, reason string) error {
	return s.congressWrite(ctx, "end mandate "+string(id), func(ctx context.Context, t sqlstore.OrgTx) error {
		return t.EndMandate(ctx, id, end, reason)
	})
}

// SaveContest implements sandik.CongressStore.
func (s *Store) SaveContest(ctx context.Context, k sandik.Contest) error {
	return s.congressWrite(ctx, "save contest "+k.Code, func(ctx context.Context, t sqlstore.OrgTx) error {
		return t.SaveContest(ctx, k)
	})
}

// OpenContest implements sandik.CongressStore.
func (s *Store) OpenContest(ctx context.Context, id sandik.CongressID, code string, race sandik.RaceCode) error {
	return s.congressWrite(ctx, "open contest "+code, func(ctx context.Context, t sqlstore.OrgTx) error {
		return t.OpenContest(ctx, id, code, race)
	})
}

// AppendList implements sandik.CongressStore.
func (s *Store) AppendList(ctx context.Context, l sandik.CandidateList) error {
	return s.congressWrite(ctx, fmt.Sprintf("list %s version %d", l.Code, l.Version), func(ctx context.Context, t sqlstore.OrgTx) error {
		return t.AppendList(ctx, l)
	})
}

// CheckInDelegate implements sandik.CongressStore.
func (s *Store) CheckInDelegate(ctx context.Context, k sandik.Checkin) error {
	return s.congressWrite(ctx, "check in "+string(k.Person), func(ctx context.Context, t sqlstore.OrgTx) error {
		return t.CheckInDelegate(ctx, k)
	})
}

// ApproveResult implements sandik.CongressStore.
func (s *Store) ApproveResult(ctx context.Context, a sandik.Approval) error {
	err := s.inTxRights(ctx, func(tx pgx.Tx) ([]ledger.Record, error) {
		t, err := orgTx(ctx, tx)
		if err != nil {
			return nil, err
		}
		return t.ApproveResult(ctx, a)
	})
	if err != nil {
		return fmt.Errorf("postgres: approve the result of %s: %w", a.Result.Contest, err)
	}
	return nil
}
