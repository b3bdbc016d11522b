package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// Assignments give observers their boxes: like every change of rights
// they move the user generation, so cached users are read again.

// SaveAssignments implements sandik.AssignmentStore.
func (s *Store) SaveAssignments(ctx context.Context, as []sandik.Assignment) error {
	err := s.writeRights(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).SaveAssignments(ctx, as)
	})
	if err != nil {
		return fmt.Errorf("sqlite: save %d assignments: %w", len(as), err)
	}
	return nil
}

// RemoveAssignment implements sandik.AssignmentStore.
func (s *Store) RemoveAssignment(ctx context.Context, election sandik.ElectionCode, box sandik.AreaCode, person sandik.PersonID) error {
	err := s.writeRights(ctx, func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error) {
		return orgTx(c).RemoveAssignment(ctx, election, box, person)
	})
	if err != nil {
		return fmt.Errorf("sqlite: remove the assignment of %s to box %s: %w", person, box, err)
	}
	return nil
}
