package baseline

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
)

// Prototype is the limit: decode, one group commit, answer. It checks no
// token, keeps no tally and signs nothing; what it does is what any
// server that acknowledges only durable submissions must do.
type Prototype struct {
	db  *DB
	c   *committer[protoRow]
	log *slog.Logger
	mux *http.ServeMux
}

type protoRow struct {
	id, race, box string
	body          []byte
}

// NewPrototype creates the prototype's table in db and starts its group
// committer. db is the prototype's own; Close does not close it.
func NewPrototype(ctx context.Context, db *DB, log *slog.Logger) (*Prototype, error) {
	ddl := `CREATE TABLE proto_submissions (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, race TEXT NOT NULL, box TEXT NOT NULL, body BLOB NOT NULL)`
	if db.Postgres() {
		ddl = `CREATE TABLE proto_submissions (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id text NOT NULL, race text NOT NULL, box text NOT NULL, body bytea NOT NULL)`
	}
	if err := db.exec(ctx, ddl); err != nil {
		return nil, fmt.Errorf("prototype: create table: %w", err)
	}
	p := &Prototype{db: db, log: log, mux: http.NewServeMux()}
	flush := p.flushSQLite
	if db.Postgres() {
		flush = p.flushPostgres
	}
	p.c = startCommitter(Window, MaxBatch, flush)
	p.mux.HandleFunc("POST /api/v1/submissions", p.submit)
	return p, nil
}

func (p *Prototype) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

func (p *Prototype) submit(w http.ResponseWriter, r *http.Request) {
	s, raw, err := readSubmission(w, r)
	if err != nil {
		answerError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := p.c.do(r.Context(), protoRow{id: s.ID, race: s.Race, box: s.Box, body: raw}); err != nil {
		p.log.Warn("prototype: commit", "err", err)
		w.Header().Set("Retry-After", "1")
		answerError(w, http.StatusServiceUnavailable, "not committed: "+err.Error())
		return
	}
	answerID(w, s.ID)
}

// flushSQLite writes a batch in one transaction; with synchronous=FULL
// its COMMIT returns after the WAL is on disk.
func (p *Prototype) flushSQLite(ctx context.Context, rows []protoRow) (err error) {
	tx, err := p.db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var stmt *sql.Stmt
	if stmt, err = tx.PrepareContext(ctx, `INSERT INTO proto_submissions (id, race, box, body) VALUES (?, ?, ?, ?)`); err != nil {
		return err
	}
	defer stmt.Close()
	for _, r := range rows {
		if _, err = stmt.ExecContext(ctx, r.id, r.race, r.box, r.body); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// flushPostgres writes a batch as one statement, which is one
// transaction and one round trip: what BEGIN, a multi-row INSERT and
// COMMIT sent as one pgx batch would do, with synchronous_commit on.
func (p *Prototype) flushPostgres(ctx context.Context, rows []protoRow) error {
	ids, races, boxes := make([]string, len(rows)), make([]string, len(rows)), make([]string, len(rows))
	bodies := make([][]byte, len(rows))
	for i, r := range rows {
		ids[i], races[i], boxes[i], bodies[i] = r.id, r.race, r.box, r.body
	}
	_, err := p.db.pg.Exec(ctx, `INSERT INTO proto_submissions (id, race, box, body)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[])`, ids, races, boxes, bodies)
	return err
}

// Rows counts the submissions written.
func (p *Prototype) Rows(ctx context.Context) (int64, error) {
	return p.db.count(ctx, `SELECT count(*) FROM proto_submissions`)
}

// IDs lists the ids written, for checking that every acknowledged one is.
func (p *Prototype) IDs(ctx context.Context) (map[string]int, error) {
	ids := map[string]int{}
	var id string
	err := p.db.each(ctx, `SELECT id FROM proto_submissions`, nil, []any{&id}, func() { ids[id]++ })
	return ids, err
}

// Stats counts the batches committed.
func (p *Prototype) Stats() Stats { return p.c.stats() }

// Close stops the committer after its current batch.
func (p *Prototype) Close() { p.c.close() }
