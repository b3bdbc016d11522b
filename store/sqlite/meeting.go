package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// Meetings and surveys are written on the writer's connection, one at a
// time, like the rest of the organisation; the reads are orgReads'.

// SaveMeeting implements sandik.MeetingStore.
func (s *Store) SaveMeeting(ctx context.Context, m sandik.Meeting) ([]sandik.Invitation, error) {
	var invs []sandik.Invitation
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		out, recs, err := orgTx(c).SaveMeeting(ctx, m)
		invs = out
		return recs, err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: save meeting %q: %w", m.ID, err)
	}
	return invs, nil
}

// RestoreMeeting implements sandik.MeetingStore.
func (s *Store) RestoreMeeting(ctx context.Context, m sandik.Meeting, invs []sandik.Invitation) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).RestoreMeeting(ctx, m, invs)
	})
	if err != nil {
		return fmt.Errorf("sqlite: restore meeting %q: %w", m.ID, err)
	}
	return nil
}

// SetReply implements sandik.MeetingStore.
func (s *Store) SetReply(ctx context.Context, id sandik.MeetingID, p sandik.PersonID, r sandik.Reply) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).SetReply(ctx, id, p, r)
	})
	if err != nil {
		return fmt.Errorf("sqlite: reply of %q to meeting %q: %w", p, id, err)
	}
	return nil
}

// CheckIn implements sandik.MeetingStore.
func (s *Store) CheckIn(ctx context.Context, a sandik.Attendance, tokenHash [32]byte) (sandik.Attendance, bool, error) {
	var out sandik.Attendance
	var fresh bool
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		got, isNew, recs, err := orgTx(c).CheckIn(ctx, a, tokenHash)
		out, fresh = got, isNew
		return recs, err
	})
	if err != nil {
		return out, false, fmt.Errorf("sqlite: check %q in to meeting %q: %w", a.Person, a.Meeting, err)
	}
	return out, fresh, nil
}

// Leave implements sandik.MeetingStore.
func (s *Store) Leave(ctx context.Context, id sandik.MeetingID, p sandik.PersonID, at time.Time) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).Leave(ctx, id, p, at)
	})
	if err != nil {
		return fmt.Errorf("sqlite: departure of %q from meeting %q: %w", p, id, err)
	}
	return nil
}

// SaveSurvey implements sandik.SurveyStore.
func (s *Store) SaveSurvey(ctx context.Context, sv sandik.Survey) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).SaveSurvey(ctx, sv)
	})
	if err != nil {
		return fmt.Errorf("sqlite: save survey %q: %w", sv.ID, err)
	}
	return nil
}

// SetQuestion implements sandik.SurveyStore.
func (s *Store) SetQuestion(ctx context.Context, id sandik.SurveyID, n int, st sandik.QuestionState, revealed bool) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).SetQuestion(ctx, id, n, st, revealed)
	})
	if err != nil {
		return fmt.Errorf("sqlite: set question %d of survey %q: %w", n, id, err)
	}
	return nil
}

// Answer implements sandik.SurveyStore. It writes no leaf.
func (s *Store) Answer(ctx context.Context, id sandik.SurveyID, n int, who sandik.Attendance, value string, groups map[sandik.Dimension]string) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return nil, orgTx(c).Answer(ctx, id, n, who, value, groups, "")
	})
	if err != nil {
		return fmt.Errorf("sqlite: answer to question %d of survey %q: %w", n, id, err)
	}
	return nil
}

// RestoreAnswers implements sandik.SurveyStore.
func (s *Store) RestoreAnswers(ctx context.Context, id sandik.SurveyID, n int, qa sandik.QuestionAnswers) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return nil, orgTx(c).RestoreAnswers(ctx, id, n, qa)
	})
	if err != nil {
		return fmt.Errorf("sqlite: restore the answers to question %d of survey %q: %w", n, id, err)
	}
	return nil
}

// SaveTables implements sandik.TableStore.
func (s *Store) SaveTables(ctx context.Context, id sandik.MeetingID, tables []sandik.Table) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).SaveTables(ctx, id, tables)
	})
	if err != nil {
		return fmt.Errorf("sqlite: save tables of meeting %q: %w", id, err)
	}
	return nil
}

// CloseMeeting implements sandik.DecisionStore.
func (s *Store) CloseMeeting(ctx context.Context, m sandik.Minutes, ds []sandik.Decision) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).CloseMeeting(ctx, m, ds)
	})
	if err != nil {
		return fmt.Errorf("sqlite: close meeting %q: %w", m.Meeting, err)
	}
	return nil
}

// SaveDecision implements sandik.DecisionStore.
func (s *Store) SaveDecision(ctx context.Context, d sandik.Decision) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).SaveDecision(ctx, d)
	})
	if err != nil {
		return fmt.Errorf("sqlite: save decision %q: %w", d.ID, err)
	}
	return nil
}

// SetDecisionStatus implements sandik.DecisionStore.
func (s *Store) SetDecisionStatus(ctx context.Context, id sandik.DecisionID, st sandik.DecisionStatus) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).SetDecisionStatus(ctx, id, st)
	})
	if err != nil {
		return fmt.Errorf("sqlite: set decision %q %s: %w", id, st, err)
	}
	return nil
}

// AddFinding implements sandik.FindingStore.
func (s *Store) AddFinding(ctx context.Context, f sandik.Finding) error {
	err := s.writeLogged(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).AddFinding(ctx, f)
	})
	if err != nil {
		return fmt.Errorf("sqlite: add a finding of meeting %q: %w", f.Meeting, err)
	}
	return nil
}
