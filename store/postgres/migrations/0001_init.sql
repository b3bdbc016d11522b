-- 0001: the registry, the submission log and users.
-- The same migration numbers as the SQLite backend; the SQL is PostgreSQL's.

-- Registry tables keep the order records were first stored in (ord),
-- because the registry's order is the order of the tree on screen.
-- References are deferred: a registry may list a child before its parent.
CREATE TABLE areas (
	ord    bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	code   text   NOT NULL PRIMARY KEY,
	parent text   REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
	level  int    NOT NULL,
	name   text   NOT NULL,
	ysk_id text   NOT NULL DEFAULT ''
);
CREATE INDEX areas_parent ON areas (parent);

CREATE TABLE elections (
	ord    bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	code   text   NOT NULL PRIMARY KEY,
	name   text   NOT NULL,
	date   text   NOT NULL, -- RFC 3339 with the offset it was given in
	quorum int    NOT NULL
);

CREATE TABLE races (
	ord      bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	code     text   NOT NULL PRIMARY KEY,
	election text   NOT NULL REFERENCES elections (code) DEFERRABLE INITIALLY DEFERRED,
	name     text   NOT NULL,
	scope    text   NOT NULL REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE race_choices (
	race text NOT NULL REFERENCES races (code) DEFERRABLE INITIALLY DEFERRED,
	pos  int  NOT NULL, -- ballot order
	code text NOT NULL,
	name text NOT NULL,
	PRIMARY KEY (race, pos),
	UNIQUE (race, code)
);

CREATE TABLE registrations (
	ord        bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	election   text   NOT NULL REFERENCES elections (code) DEFERRABLE INITIALLY DEFERRED,
	box        text   NOT NULL REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
	registered bigint NOT NULL,
	UNIQUE (election, box)
);
CREATE INDEX registrations_box ON registrations (box);

-- The append-only log. seq is not a sequence: a sequence hands out numbers
-- in the order transactions start, and they may commit in another order,
-- so a follower reading past seq 11 could miss seq 10 committed later.
-- Every appending transaction locks the one row of log_head, takes the
-- numbers after its seq and moves it on; the lock is held until commit, so
-- numbers become visible in order and without gaps. Times are Unix
-- nanoseconds in UTC (timestamptz keeps only microseconds); captured_at is
-- 0 when unknown. votes are in ballot order. race and box carry no foreign
-- key: the log is the durable truth and must never be refused because of
-- the registry.
CREATE TABLE log_head (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	seq bigint  NOT NULL
);
INSERT INTO log_head (seq) VALUES (0);

CREATE TABLE submissions (
	seq                     bigint   PRIMARY KEY,
	client_id               text     NOT NULL UNIQUE,
	race                    text     NOT NULL,
	box                     text     NOT NULL,
	user_id                 text     NOT NULL,
	source                  text     NOT NULL,
	kind                    int      NOT NULL,
	reason                  text     NOT NULL,
	captured_at             bigint   NOT NULL,
	received_at             bigint   NOT NULL,
	registered              bigint   NOT NULL,
	voted_by_law            bigint   NOT NULL,
	voted                   bigint   NOT NULL,
	valid_without_objection bigint   NOT NULL,
	valid_upon_objection    bigint   NOT NULL,
	valid_total             bigint   NOT NULL,
	invalid_total           bigint   NOT NULL,
	votes                   bigint[] NOT NULL,
	hash                    bytea    NOT NULL CHECK (length(hash) = 32),
	warnings                bigint   NOT NULL
);
CREATE INDEX submissions_box ON submissions (race, box);

-- A correction is a new submission; the log itself never changes.
CREATE FUNCTION submissions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'submissions are append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER submissions_no_update BEFORE UPDATE OR DELETE ON submissions
	FOR EACH ROW EXECUTE FUNCTION submissions_append_only();
CREATE TRIGGER submissions_no_truncate BEFORE TRUNCATE ON submissions
	FOR EACH STATEMENT EXECUTE FUNCTION submissions_append_only();

CREATE TABLE users (
	id         text  NOT NULL PRIMARY KEY,
	name       text  NOT NULL,
	role       text  NOT NULL,
	token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32)
);
