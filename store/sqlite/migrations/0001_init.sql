-- 0001: the registry, the submission log and users.
-- The PostgreSQL backend uses the same migration numbers.

-- Registry tables keep the order records were first stored in (rowid
-- order), because the registry's order is the order of the tree on screen.
-- References are deferred: a registry may list a child before its parent.
CREATE TABLE areas (
	code   TEXT    NOT NULL PRIMARY KEY,
	parent TEXT    REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
	level  INTEGER NOT NULL,
	name   TEXT    NOT NULL,
	ysk_id TEXT    NOT NULL DEFAULT ''
);
-- Lets a parent inserted after its children settle the deferred check
-- without a scan.
CREATE INDEX areas_parent ON areas (parent);

CREATE TABLE elections (
	code   TEXT    NOT NULL PRIMARY KEY,
	name   TEXT    NOT NULL,
	date   TEXT    NOT NULL, -- RFC 3339 with the offset it was given in
	quorum INTEGER NOT NULL
);

CREATE TABLE races (
	code     TEXT NOT NULL PRIMARY KEY,
	election TEXT NOT NULL REFERENCES elections (code) DEFERRABLE INITIALLY DEFERRED,
	name     TEXT NOT NULL,
	scope    TEXT NOT NULL REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE race_choices (
	race TEXT    NOT NULL REFERENCES races (code) DEFERRABLE INITIALLY DEFERRED,
	pos  INTEGER NOT NULL, -- ballot order
	code TEXT    NOT NULL,
	name TEXT    NOT NULL,
	PRIMARY KEY (race, pos),
	UNIQUE (race, code)
) WITHOUT ROWID;

CREATE TABLE registrations (
	election   TEXT    NOT NULL REFERENCES elections (code) DEFERRABLE INITIALLY DEFERRED,
	box        TEXT    NOT NULL REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
	registered INTEGER NOT NULL,
	UNIQUE (election, box)
);
CREATE INDEX registrations_box ON registrations (box);

-- The append-only log. seq is the rowid, so reading in seq order is a scan
-- of the table itself. Times are Unix nanoseconds in UTC; captured_at is 0
-- when unknown. votes holds one zig-zag varint per choice in ballot order.
-- packed holds the whole submission again in one blob (format in codec.go):
-- the program reads only seq and packed, because every extra column read
-- through the driver costs more than decoding the blob. race and box carry
-- no foreign key: the log is the durable truth and must never be refused
-- because of the registry.
CREATE TABLE submissions (
	seq                     INTEGER PRIMARY KEY,
	client_id               TEXT    NOT NULL UNIQUE,
	race                    TEXT    NOT NULL,
	box                     TEXT    NOT NULL,
	user_id                 TEXT    NOT NULL,
	source                  TEXT    NOT NULL,
	kind                    INTEGER NOT NULL,
	reason                  TEXT    NOT NULL,
	captured_at             INTEGER NOT NULL,
	received_at             INTEGER NOT NULL,
	registered              INTEGER NOT NULL,
	voted_by_law            INTEGER NOT NULL,
	voted                   INTEGER NOT NULL,
	valid_without_objection INTEGER NOT NULL,
	valid_upon_objection    INTEGER NOT NULL,
	valid_total             INTEGER NOT NULL,
	invalid_total           INTEGER NOT NULL,
	votes                   BLOB    NOT NULL,
	hash                    BLOB    NOT NULL CHECK (length(hash) = 32),
	warnings                INTEGER NOT NULL,
	packed                  BLOB    NOT NULL
);
-- The write path's cost is mostly these two indexes: a key that arrives in
-- random order dirties its own page, which the commit writes to the WAL in
-- full. Client ids that rise with time (UUIDv7) keep the unique index's
-- writes at its right edge; boxes report in no order, so the box index
-- costs about one page per submission.
CREATE INDEX submissions_box ON submissions (race, box);

-- A correction is a new submission; the log itself never changes.
CREATE TRIGGER submissions_no_update BEFORE UPDATE ON submissions
BEGIN
	SELECT RAISE(ABORT, 'submissions are append-only');
END;
CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions
BEGIN
	SELECT RAISE(ABORT, 'submissions are append-only');
END;

CREATE TABLE users (
	id         TEXT NOT NULL PRIMARY KEY,
	name       TEXT NOT NULL,
	role       TEXT NOT NULL,
	token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32)
);
