package sqlite

import (
	"context"
	"fmt"

	"github.com/sandik-dev/sandik"
)

// TokenHashes returns every user's token hash, for moving users to
// another store with their tokens still valid (sandik migrate-store).
func (s *Store) TokenHashes(ctx context.Context) (map[sandik.UserID][32]byte, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, token_hash FROM users`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read token hashes: %w", err)
	}
	defer rows.Close()
	out := map[sandik.UserID][32]byte{}
	for rows.Next() {
		var (
			id   string
			hash []byte
		)
		if err := rows.Scan(&id, &hash); err != nil {
			return nil, fmt.Errorf("sqlite: read token hashes: %w", err)
		}
		if len(hash) != 32 {
			return nil, fmt.Errorf("sqlite: user %q: token hash of %d bytes", id, len(hash))
		}
		out[sandik.UserID(id)] = [32]byte(hash)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read token hashes: %w", err)
	}
	return out, nil
}
