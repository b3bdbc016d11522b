package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// Assignments are written under the organisation's lock (orgTx), so that
// the boxes a person is counted at are those committed over; they give
// observers their boxes, so like every change of rights they move the
// user generation.

// SaveAssignments implements sandik.AssignmentStore.
func (s *Store) SaveAssignments(ctx context.Context, as []sandik.Assignment) error {
	err := s.inTxRights(ctx, func(tx pgx.Tx) ([]ledger.Record, error) {
		t, err := orgTx(ctx, tx)
		if err != nil {
			return nil, err
		}
		return t.SaveAssignments(ctx, as)
	})
	if err != nil {
		return fmt.Errorf("postgres: save %d assignments: %w", len(as), err)
	}
	return nil
}

// RemoveAssignment implements sandik.AssignmentStore.
func (s *Store) RemoveAssignment(ctx context.Context, election sandik.ElectionCode, box sandik.AreaCode, person sandik.PersonID) error {
	err := s.inTxRights(ctx, func(tx pgx.Tx) ([]ledger.Record, error) {
		t, err := orgTx(ctx, tx)
		if err != nil {
			return nil, err
		}
		return t.RemoveAssignment(ctx, election, box, person)
	})
	if err != nil {
		return fmt.Errorf("postgres: remove the assignment of %s to box %s: %w", person, box, err)
	}
	return nil
}
