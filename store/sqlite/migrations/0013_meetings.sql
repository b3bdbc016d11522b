-- 0013: meetings, their invitations and attendance, and live surveys.
-- Times are Unix nanoseconds UTC. agenda and invite are the meeting's
-- agenda and invitation rule as JSON, read back whole.
CREATE TABLE meetings (
	id       TEXT    NOT NULL PRIMARY KEY,
	unit     TEXT    NOT NULL REFERENCES org_units (code),
	title    TEXT    NOT NULL,
	kind     TEXT    NOT NULL,
	start_at INTEGER NOT NULL,
	end_at   INTEGER NOT NULL,
	place    TEXT    NOT NULL,
	link     TEXT    NOT NULL,
	agenda   TEXT    NOT NULL,
	invite   TEXT    NOT NULL,
	code     TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX meetings_unit ON meetings (unit, id);

-- One invitation per person; position, kind and unit are the term they
-- were invited by on the meeting's day ('' when invited by name).
CREATE TABLE meeting_invitations (
	meeting_id  TEXT NOT NULL REFERENCES meetings (id),
	person_id   TEXT NOT NULL REFERENCES org_people (id),
	position_id TEXT NOT NULL,
	kind        TEXT NOT NULL,
	unit        TEXT NOT NULL,
	reply       TEXT NOT NULL,
	PRIMARY KEY (meeting_id, person_id)
) WITHOUT ROWID;

-- One row per person who came, whatever the number of check-ins; the
-- key makes a second check-in a row that exists. token_hash is the
-- SHA-256 of the latest check-in token, which binds their phone.
CREATE TABLE meeting_attendance (
	meeting_id TEXT    NOT NULL REFERENCES meetings (id),
	person_id  TEXT    NOT NULL REFERENCES org_people (id),
	mode       TEXT    NOT NULL,
	arrived    INTEGER NOT NULL,
	left_at    INTEGER,
	token_hash BLOB    NOT NULL UNIQUE,
	PRIMARY KEY (meeting_id, person_id)
) WITHOUT ROWID;

CREATE TABLE surveys (
	id         TEXT    NOT NULL PRIMARY KEY,
	meeting_id TEXT    NOT NULL REFERENCES meetings (id),
	title      TEXT    NOT NULL,
	k          INTEGER NOT NULL,
	join_code  TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX surveys_meeting ON surveys (meeting_id, id);

CREATE TABLE survey_questions (
	survey_id TEXT    NOT NULL REFERENCES surveys (id),
	n         INTEGER NOT NULL,
	kind      TEXT    NOT NULL,
	text      TEXT    NOT NULL,
	options   TEXT    NOT NULL,
	state     TEXT    NOT NULL,
	revealed  INTEGER NOT NULL CHECK (revealed IN (0, 1)),
	PRIMARY KEY (survey_id, n)
) WITHOUT ROWID;

-- Answers are kept apart from who answered. survey_participation marks
-- that a person answered a question; its key is the database's refusal
-- of a second answer. survey_answers holds the value under a random key
-- and nothing else: no person, no attendance, no time, and no rowid, so
-- that neither a column nor the order of insertion joins an answer to a
-- mark. survey_tallies counts the answers of each group of a breakdown
-- (category '' counts the answers themselves), added to in place.
CREATE TABLE survey_participation (
	survey_id TEXT    NOT NULL,
	n         INTEGER NOT NULL,
	person_id TEXT    NOT NULL REFERENCES org_people (id),
	PRIMARY KEY (survey_id, n, person_id),
	FOREIGN KEY (survey_id, n) REFERENCES survey_questions (survey_id, n)
) WITHOUT ROWID;

CREATE TABLE survey_answers (
	answer_key BLOB    NOT NULL PRIMARY KEY,
	survey_id  TEXT    NOT NULL,
	n          INTEGER NOT NULL,
	value      TEXT    NOT NULL,
	FOREIGN KEY (survey_id, n) REFERENCES survey_questions (survey_id, n)
) WITHOUT ROWID;
CREATE INDEX survey_answers_question ON survey_answers (survey_id, n, value);

CREATE TABLE survey_tallies (
	survey_id TEXT    NOT NULL,
	n         INTEGER NOT NULL,
	dimension TEXT    NOT NULL,
	grp       TEXT    NOT NULL,
	category  TEXT    NOT NULL,
	count     INTEGER NOT NULL,
	PRIMARY KEY (survey_id, n, dimension, grp, category),
	FOREIGN KEY (survey_id, n) REFERENCES survey_questions (survey_id, n)
) WITHOUT ROWID;

-- Round tables: a seating is replaced whole (one leaf, seating/<meeting>);
-- a person sits at one table of a meeting at most, which the key says.
CREATE TABLE meeting_tables (
	meeting_id TEXT NOT NULL REFERENCES meetings (id),
	n          INTEGER NOT NULL,
	moderator  TEXT NOT NULL,
	PRIMARY KEY (meeting_id, n)
) WITHOUT ROWID;

CREATE TABLE meeting_table_members (
	meeting_id TEXT NOT NULL,
	n          INTEGER NOT NULL,
	person_id  TEXT NOT NULL REFERENCES org_people (id),
	PRIMARY KEY (meeting_id, person_id),
	FOREIGN KEY (meeting_id, n) REFERENCES meeting_tables (meeting_id, n)
) WITHOUT ROWID;

-- Decisions of meetings, owned by a person or a unit (exactly one), due
-- on a day (YYYY-MM-DD); and the minutes a meeting is closed with, the
-- attachments being SHA-256 sums of the evidence store, newline-joined.
CREATE TABLE meeting_decisions (
	id           TEXT NOT NULL PRIMARY KEY,
	meeting_id   TEXT NOT NULL REFERENCES meetings (id),
	text         TEXT NOT NULL,
	owner_person TEXT REFERENCES org_people (id),
	owner_unit   TEXT REFERENCES org_units (code),
	due          TEXT NOT NULL,
	status       TEXT NOT NULL,
	CHECK ((owner_person IS NULL) <> (owner_unit IS NULL))
) WITHOUT ROWID;
CREATE INDEX meeting_decisions_meeting ON meeting_decisions (meeting_id);
CREATE INDEX meeting_decisions_due ON meeting_decisions (status, due);

CREATE TABLE meeting_minutes (
	meeting_id  TEXT NOT NULL PRIMARY KEY REFERENCES meetings (id),
	text        TEXT NOT NULL,
	attachments TEXT NOT NULL,
	closed_at   INTEGER NOT NULL,
	closed_by   TEXT NOT NULL
) WITHOUT ROWID;

-- Findings of round tables: districts are unit codes joined by newlines.
CREATE TABLE meeting_findings (
	meeting_id TEXT NOT NULL,
	id         TEXT NOT NULL,
	table_n    INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	text       TEXT NOT NULL,
	districts  TEXT NOT NULL,
	PRIMARY KEY (meeting_id, id),
	FOREIGN KEY (meeting_id, table_n) REFERENCES meeting_tables (meeting_id, n)
) WITHOUT ROWID;
