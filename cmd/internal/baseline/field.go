package baseline

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Place is where a box lies: its il and ilçe.
type Place struct{ Il, Ilce string }

// Commit modes of the field's server: one transaction per submission,
// as a typical web application writes, or Sandık's own group commit.
// Both acknowledge only after a durable commit.
const (
	CommitEach  = "tx"
	CommitGroup = "group"
)

// FieldConfig describes the areas the field's server knows.
type FieldConfig struct {
	Country string           // the code of the whole country
	Places  map[string]Place // every box's il and ilçe
	Races   []string         // the races a submission may name
	Commit  string           // CommitEach (default) or CommitGroup
	Logger  *slog.Logger
}

// Field is the field's way: every submission writes one row per choice
// (race, box, choice → votes; a later entry of the same box replaces
// its rows), and an area's totals are a SUM … GROUP BY over those rows
// on every read. It keeps none of Sandık's double entry, audit log or
// receipts, which only favours it.
type Field struct {
	db    *DB
	cfg   FieldConfig
	ils   map[string]bool
	ilces map[string]bool
	races map[string]bool
	c     *committer[fieldSheet]
	mux   *http.ServeMux
	// upserts caches the SQLite statement for a sheet of n choices.
	mu      sync.Mutex
	upserts map[int]string
}

type fieldSheet struct {
	race, box string
	place     Place
	choices   []string
	votes     []int64
}

// NewField creates the field's table and indexes in db: the result rows
// keyed by race, box and choice, and an index by race and il for the il
// reads (the country's read scans the race's rows). db is the field's
// own; Close does not close it.
func NewField(ctx context.Context, db *DB, cfg FieldConfig) (*Field, error) {
	if cfg.Commit == "" {
		cfg.Commit = CommitEach
	}
	if cfg.Commit != CommitEach && cfg.Commit != CommitGroup {
		return nil, fmt.Errorf("field: commit %q: want %s or %s", cfg.Commit, CommitEach, CommitGroup)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	f := &Field{db: db, cfg: cfg, ils: map[string]bool{}, ilces: map[string]bool{}, races: map[string]bool{},
		mux: http.NewServeMux(), upserts: map[int]string{}}
	for _, p := range cfg.Places {
		f.ils[p.Il], f.ilces[p.Ilce] = true, true
	}
	for _, r := range cfg.Races {
		f.races[r] = true
	}
	votes := "INTEGER"
	if db.Postgres() {
		votes = "bigint"
	}
	for _, ddl := range []string{
		`CREATE TABLE field_results (race TEXT NOT NULL, box TEXT NOT NULL, il TEXT NOT NULL, ilce TEXT NOT NULL,
			choice TEXT NOT NULL, votes ` + votes + ` NOT NULL, PRIMARY KEY (race, box, choice))`,
		`CREATE INDEX field_results_il ON field_results (race, il)`,
	} {
		if err := db.exec(ctx, ddl); err != nil {
			return nil, fmt.Errorf("field: create table: %w", err)
		}
	}
	if cfg.Commit == CommitGroup {
		f.c = startCommitter(Window, MaxBatch, f.writeBatch)
	}
	f.mux.HandleFunc("POST /api/v1/submissions", f.submit)
	f.mux.HandleFunc("GET /api/v1/races/{race}/totals/{area}", f.totals)
	return f, nil
}

func (f *Field) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.mux.ServeHTTP(w, r) }

func (f *Field) submit(w http.ResponseWriter, r *http.Request) {
	s, _, err := readSubmission(w, r)
	if err != nil {
		answerError(w, http.StatusBadRequest, err.Error())
		return
	}
	place, ok := f.cfg.Places[s.Box]
	switch {
	case !ok:
		answerError(w, http.StatusUnprocessableEntity, fmt.Sprintf("box: %q is not a box", s.Box))
		return
	case !f.races[s.Race]:
		answerError(w, http.StatusUnprocessableEntity, fmt.Sprintf("race: %q is not a race", s.Race))
		return
	case len(s.Votes) == 0:
		answerError(w, http.StatusUnprocessableEntity, "votes: none given")
		return
	}
	sh := fieldSheet{race: s.Race, box: s.Box, place: place}
	for c, v := range s.Votes {
		if v < 0 {
			answerError(w, http.StatusUnprocessableEntity, fmt.Sprintf("votes.%s: negative", c))
			return
		}
		sh.choices, sh.votes = append(sh.choices, c), append(sh.votes, v)
	}
	if f.c != nil {
		err = f.c.do(r.Context(), sh)
	} else {
		err = f.writeOne(r.Context(), sh)
	}
	if err != nil {
		f.cfg.Logger.Warn("field: commit", "err", err)
		w.Header().Set("Retry-After", "1")
		answerError(w, http.StatusServiceUnavailable, "not committed: "+err.Error())
		return
	}
	answerID(w, s.ID)
}

const pgUpsert = `INSERT INTO field_results (race, box, il, ilce, choice, votes)
	SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])
	ON CONFLICT (race, box, choice) DO UPDATE SET votes = excluded.votes`

// writeOne writes one sheet's rows as one statement, so one transaction
// and one durable commit per submission; sent alone it also spares the
// BEGIN and COMMIT round trips a web framework would add.
func (f *Field) writeOne(ctx context.Context, sh fieldSheet) error {
	if f.db.Postgres() {
		n := len(sh.choices)
		_, err := f.db.pg.Exec(ctx, pgUpsert, repeat(sh.race, n), repeat(sh.box, n), repeat(sh.place.Il, n),
			repeat(sh.place.Ilce, n), sh.choices, sh.votes)
		return err
	}
	args := make([]any, 0, 6*len(sh.choices))
	for i, c := range sh.choices {
		args = append(args, sh.race, sh.box, sh.place.Il, sh.place.Ilce, c, sh.votes[i])
	}
	_, err := f.db.write.ExecContext(ctx, f.sqliteUpsert(len(sh.choices)), args...)
	return err
}

func (f *Field) sqliteUpsert(n int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if q, ok := f.upserts[n]; ok {
		return q
	}
	q := `INSERT INTO field_results (race, box, il, ilce, choice, votes) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", n), ", ") +
		` ON CONFLICT (race, box, choice) DO UPDATE SET votes = excluded.votes`
	f.upserts[n] = q
	return q
}

func repeat(s string, n int) []string {
	r := make([]string, n)
	for i := range r {
		r[i] = s
	}
	return r
}

// writeBatch writes many sheets in one transaction (CommitGroup); of two
// entries of the same box in a batch the later one stands, as it would
// have written one after the other (PostgreSQL refuses to update a row
// twice in one statement).
func (f *Field) writeBatch(ctx context.Context, sheets []fieldSheet) (err error) {
	type key struct{ race, box, choice string }
	at := map[key]int{}
	var race, box, il, ilce, choice []string
	var votes []int64
	for _, sh := range sheets {
		for i, c := range sh.choices {
			k := key{sh.race, sh.box, c}
			if j, ok := at[k]; ok {
				votes[j] = sh.votes[i]
				continue
			}
			at[k] = len(votes)
			race, box, il, ilce = append(race, sh.race), append(box, sh.box), append(il, sh.place.Il), append(ilce, sh.place.Ilce)
			choice, votes = append(choice, c), append(votes, sh.votes[i])
		}
	}
	if f.db.Postgres() {
		_, err := f.db.pg.Exec(ctx, pgUpsert, race, box, il, ilce, choice, votes)
		return err
	}
	tx, err := f.db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var stmt *sql.Stmt
	if stmt, err = tx.PrepareContext(ctx, f.sqliteUpsert(1)); err != nil {
		return err
	}
	defer stmt.Close()
	for i := range votes {
		if _, err = stmt.ExecContext(ctx, race[i], box[i], il[i], ilce[i], choice[i], votes[i]); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Totals adds up an area's votes per choice from the rows, as every read
// of the field's way does.
func (f *Field) Totals(ctx context.Context, race, area string) (map[string]int64, error) {
	var q string
	var args []any
	switch {
	case area == f.cfg.Country:
		q, args = `SELECT choice, SUM(votes) FROM field_results WHERE race = $1 GROUP BY choice`, []any{race}
	case f.ils[area]:
		q, args = `SELECT choice, SUM(votes) FROM field_results WHERE race = $1 AND il = $2 GROUP BY choice`, []any{race, area}
	case f.ilces[area]:
		q, args = `SELECT choice, SUM(votes) FROM field_results WHERE race = $1 AND ilce = $2 GROUP BY choice`, []any{race, area}
	default:
		return nil, errUnknownArea
	}
	out := map[string]int64{}
	if !f.db.Postgres() {
		q = strings.NewReplacer("$1", "?", "$2", "?").Replace(q)
	}
	var (
		c string
		n int64
	)
	err := f.db.each(ctx, q, args, []any{&c, &n}, func() { out[c] = n })
	return out, err
}

var errUnknownArea = fmt.Errorf("area: not the country, an il or an ilçe")

func (f *Field) totals(w http.ResponseWriter, r *http.Request) {
	race, area := r.PathValue("race"), r.PathValue("area")
	if !f.races[race] {
		answerError(w, http.StatusNotFound, fmt.Sprintf("race: %q is not a race", race))
		return
	}
	t, err := f.Totals(r.Context(), race, area)
	if err == errUnknownArea {
		answerError(w, http.StatusNotFound, err.Error())
		return
	}
	if err != nil {
		f.cfg.Logger.Warn("field: totals", "err", err)
		answerError(w, http.StatusServiceUnavailable, "totals: "+err.Error())
		return
	}
	type choice struct {
		Code  string `json:"code"`
		Votes int64  `json:"votes"`
	}
	body := struct {
		Race    string   `json:"race"`
		Area    string   `json:"area"`
		Choices []choice `json:"choices"`
	}{Race: race, Area: area, Choices: []choice{}}
	for c, n := range t {
		body.Choices = append(body.Choices, choice{c, n})
	}
	slices.SortFunc(body.Choices, func(a, b choice) int { return strings.Compare(a.Code, b.Code) })
	b, _ := json.Marshal(body)
	answer(w, http.StatusOK, b)
}

// Fill writes submissions in batches of MaxBatch, outside any load: it
// fills the table to a night's size before its reads are measured.
func (f *Field) Fill(ctx context.Context, subs []Submission) error {
	sheets := make([]fieldSheet, 0, MaxBatch)
	for i, s := range subs {
		place, ok := f.cfg.Places[s.Box]
		if !ok || !f.races[s.Race] {
			return fmt.Errorf("fill: submission %d: race %q, box %q unknown", i, s.Race, s.Box)
		}
		sh := fieldSheet{race: s.Race, box: s.Box, place: place}
		for c, v := range s.Votes {
			sh.choices, sh.votes = append(sh.choices, c), append(sh.votes, v)
		}
		if sheets = append(sheets, sh); len(sheets) == MaxBatch || i == len(subs)-1 {
			if err := f.writeBatch(ctx, sheets); err != nil {
				return fmt.Errorf("fill: %w", err)
			}
			sheets = sheets[:0]
		}
	}
	return nil
}

// Rows counts the result rows written.
func (f *Field) Rows(ctx context.Context) (int64, error) {
	return f.db.count(ctx, `SELECT count(*) FROM field_results`)
}

// Close stops the group committer, if any, after its current batch.
func (f *Field) Close() {
	if f.c != nil {
		f.c.close()
	}
}
