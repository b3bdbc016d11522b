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

// Meetings and surveys are written under the organisation's lock, like
// the rest of it, except answers; the reads are orgReads'.

// SaveMeeting implements sandik.MeetingStore.
func (s *Store) SaveMeeting(ctx context.Context, m sandik.Meeting) ([]sandik.Invitation, error) {
	var invs []sandik.Invitation
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		out, recs, err := t.SaveMeeting(ctx, m)
		invs = out
		return recs, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: save meeting %q: %w", m.ID, err)
	}
	return invs, nil
}

// RestoreMeeting implements sandik.MeetingStore.
func (s *Store) RestoreMeeting(ctx context.Context, m sandik.Meeting, invs []sandik.Invitation) error {
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		return t.RestoreMeeting(ctx, m, invs)
	})
	if err != nil {
		return fmt.Errorf("postgres: restore meeting %q: %w", m.ID, err)
	}
	return nil
}

// SetReply implements sandik.MeetingStore.
func (s *Store) SetReply(ctx context.Context, id sandik.MeetingID, p sandik.PersonID, r sandik.Reply) error {
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		return t.SetReply(ctx, id, p, r)
	})
	if err != nil {
		return fmt.Errorf("postgres: reply of %q to meeting %q: %w", p, id, err)
	}
	return nil
}

// CheckIn implements sandik.MeetingStore.
func (s *Store) CheckIn(ctx context.Context, a sandik.Attendance, tokenHash [32]byte) (sandik.Attendance, bool, error) {
	var out sandik.Attendance
	var fresh bool
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		got, isNew, recs, err := t.CheckIn(ctx, a, tokenHash)
		out, fresh = got, isNew
		return recs, err
	})
	if err != nil {
		return out, false, fmt.Errorf("postgres: check %q in to meeting %q: %w", a.Person, a.Meeting, err)
	}
	return out, fresh, nil
}

// Leave implements sandik.MeetingStore.
func (s *Store) Leave(ctx context.Context, id sandik.MeetingID, p sandik.PersonID, at time.Time) error {
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		return t.Leave(ctx, id, p, at)
	})
	if err != nil {
		return fmt.Errorf("postgres: departure of %q from meeting %q: %w", p, id, err)
	}
	return nil
}

// SaveSurvey implements sandik.SurveyStore.
func (s *Store) SaveSurvey(ctx context.Context, sv sandik.Survey) error {
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		return t.SaveSurvey(ctx, sv)
	})
	if err != nil {
		return fmt.Errorf("postgres: save survey %q: %w", sv.ID, err)
	}
	return nil
}

// SetQuestion implements sandik.SurveyStore.
func (s *Store) SetQuestion(ctx context.Context, id sandik.SurveyID, n int, st sandik.QuestionState, revealed bool) error {
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		return t.SetQuestion(ctx, id, n, st, revealed)
	})
	if err != nil {
		return fmt.Errorf("postgres: set question %d of survey %q: %w", n, id, err)
	}
	return nil
}

// Answer implements sandik.SurveyStore. It writes no leaf and takes
// not the organisation's lock: answers to one question wait only on the
// counters they add to, and the question's row is held against a close
// (FOR SHARE) until they commit.
func (s *Store) Answer(ctx context.Context, id sandik.SurveyID, n int, who sandik.Attendance, value string, groups map[sandik.Dimension]string) error {
	err := s.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		t := sqlstore.OrgTx{
			Org: sqlstore.NewOrg(sqlstore.DB{Name: "postgres", Query: queryOn(tx)}, sqlstore.Dollars),
			Exec: func(ctx context.Context, query string, args ...any) error {
				_, err := tx.Exec(ctx, query, args...)
				return err
			},
			Unique: isUniqueViolation,
		}
		return t.Answer(ctx, id, n, who, value, groups, " FOR SHARE")
	})
	if err != nil {
		return fmt.Errorf("postgres: answer to question %d of survey %q: %w", n, id, err)
	}
	return nil
}

// RestoreAnswers implements sandik.SurveyStore.
func (s *Store) RestoreAnswers(ctx context.Context, id sandik.SurveyID, n int, qa sandik.QuestionAnswers) error {
	err := s.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		t := sqlstore.OrgTx{
			Org: sqlstore.NewOrg(sqlstore.DB{Name: "postgres", Query: queryOn(tx)}, sqlstore.Dollars),
			Exec: func(ctx context.Context, query string, args ...any) error {
				_, err := tx.Exec(ctx, query, args...)
				return err
			},
			Unique: isUniqueViolation,
		}
		// A question's row held against a close or an answer meanwhile.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM survey_questions WHERE survey_id = $1 AND n = $2 FOR UPDATE`, string(id), n); err != nil {
			return err
		}
		return t.RestoreAnswers(ctx, id, n, qa)
	})
	if err != nil {
		return fmt.Errorf("postgres: restore the answers to question %d of survey %q: %w", n, id, err)
	}
	return nil
}

// SaveTables implements sandik.TableStore.
func (s *Store) SaveTables(ctx context.Context, id sandik.MeetingID, tables []sandik.Table) error {
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		return t.SaveTables(ctx, id, tables)
	})
	if err != nil {
		return fmt.Errorf("postgres: save tables of meeting %q: %w", id, err)
	}
	return nil
}

// CloseMeeting implements sandik.DecisionStore.
func (s *Store) CloseMeeting(ctx context.Context, m sandik.Minutes, ds []sandik.Decision) error {
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		return t.CloseMeeting(ctx, m, ds)
	})
	if err != nil {
		return fmt.Errorf("postgres: close meeting %q: %w", m.Meeting, err)
	}
	return nil
}

// SaveDecision implements sandik.DecisionStore.
func (s *Store) SaveDecision(ctx context.Context, d sandik.Decision) error {
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		return t.SaveDecision(ctx, d)
	})
	if err != nil {
		return fmt.Errorf("postgres: save decision %q: %w", d.ID, err)
	}
	return nil
}

// SetDecisionStatus implements sandik.DecisionStore.
func (s *Store) SetDecisionStatus(ctx context.Context, id sandik.DecisionID, st sandik.DecisionStatus) error {
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		return t.SetDecisionStatus(ctx, id, st)
	})
	if err != nil {
		return fmt.Errorf("postgres: set decision %q %s: %w", id, st, err)
	}
	return nil
}

// AddFinding implements sandik.FindingStore.
func (s *Store) AddFinding(ctx context.Context, f sandik.Finding) error {
	err := s.orgWrite(ctx, func(t sqlstore.OrgTx) ([]ledger.Record, error) {
		return t.AddFinding(ctx, f)
	})
	if err != nil {
		return fmt.Errorf("postgres: add a finding of meeting %q: %w", f.Meeting, err)
	}
	return nil
}
