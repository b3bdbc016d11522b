-- 0013: meetings, their invitations and attendance, and live surveys.
-- Times are Unix nanoseconds UTC. agenda and invite are the meeting's
-- agenda and invitation rule as JSON, read back whole.
CREATE TABLE meetings (
	id       text COLLATE "C"    NOT NULL PRIMARY KEY,
	unit     text COLLATE "C"    NOT NULL REFERENCES org_units (code),
	title    text COLLATE "C"    NOT NULL,
	kind     text COLLATE "C"    NOT NULL,
	start_at bigint NOT NULL,
	end_at   bigint NOT NULL,
	place    text COLLATE "C"    NOT NULL,
	link     text COLLATE "C"    NOT NULL,
	agenda   text COLLATE "C"    NOT NULL,
	invite   text COLLATE "C"    NOT NULL,
	code     text COLLATE "C"    NOT NULL
);
CREATE INDEX meetings_unit ON meetings (unit, id);

-- One invitation per person; position, kind and unit are the term they
-- were invited by on the meeting's day ('' when invited by name).
CREATE TABLE meeting_invitations (
	meeting_id  text COLLATE "C" NOT NULL REFERENCES meetings (id),
	person_id   text COLLATE "C" NOT NULL REFERENCES org_people (id),
	position_id text COLLATE "C" NOT NULL,
	kind        text COLLATE "C" NOT NULL,
	unit        text COLLATE "C" NOT NULL,
	reply       text COLLATE "C" NOT NULL,
	PRIMARY KEY (meeting_id, person_id)
);

-- One row per person who came, whatever the number of check-ins; the
-- key makes a second check-in a row that exists. token_hash is the
-- SHA-256 of the latest check-in token, which binds their phone.
CREATE TABLE meeting_attendance (
	meeting_id text COLLATE "C"    NOT NULL REFERENCES meetings (id),
	person_id  text COLLATE "C"    NOT NULL REFERENCES org_people (id),
	mode       text COLLATE "C"    NOT NULL,
	arrived    bigint NOT NULL,
	left_at    bigint,
	token_hash bytea    NOT NULL UNIQUE,
	PRIMARY KEY (meeting_id, person_id)
);

CREATE TABLE surveys (
	id         text COLLATE "C"    NOT NULL PRIMARY KEY,
	meeting_id text COLLATE "C"    NOT NULL REFERENCES meetings (id),
	title      text COLLATE "C"    NOT NULL,
	k          bigint NOT NULL,
	join_code  text COLLATE "C"    NOT NULL
);
CREATE INDEX surveys_meeting ON surveys (meeting_id, id);

CREATE TABLE survey_questions (
	survey_id text COLLATE "C"    NOT NULL REFERENCES surveys (id),
	n         bigint NOT NULL,
	kind      text COLLATE "C"    NOT NULL,
	text      text COLLATE "C"    NOT NULL,
	options   text COLLATE "C"    NOT NULL,
	state     text COLLATE "C"    NOT NULL,
	revealed  boolean NOT NULL,
	PRIMARY KEY (survey_id, n)
);

-- Answers are kept apart from who answered. survey_participation marks
-- that a person answered a question; its key is the database's refusal
-- of a second answer. survey_answers holds the value under a random key
-- and nothing else: no person, no attendance, no time, so that no
-- column joins an answer to a
-- mark. (The system column xmin does while the question is open: an
-- answer and its mark are written by one transaction; closing the
-- question writes them all again; see docs/meetings.md.) survey_tallies counts the answers of each group of a breakdown
-- (category '' counts the answers themselves), added to in place.
CREATE TABLE survey_participation (
	survey_id text COLLATE "C"    NOT NULL,
	n         bigint NOT NULL,
	person_id text COLLATE "C"    NOT NULL REFERENCES org_people (id),
	PRIMARY KEY (survey_id, n, person_id),
	FOREIGN KEY (survey_id, n) REFERENCES survey_questions (survey_id, n)
);

CREATE TABLE survey_answers (
	answer_key bytea    NOT NULL PRIMARY KEY,
	survey_id  text COLLATE "C"    NOT NULL,
	n          bigint NOT NULL,
	value      text COLLATE "C"    NOT NULL,
	FOREIGN KEY (survey_id, n) REFERENCES survey_questions (survey_id, n)
);
CREATE INDEX survey_answers_question ON survey_answers (survey_id, n, value);

CREATE TABLE survey_tallies (
	survey_id text COLLATE "C"    NOT NULL,
	n         bigint NOT NULL,
	dimension text COLLATE "C"    NOT NULL,
	grp       text COLLATE "C"    NOT NULL,
	category  text COLLATE "C"    NOT NULL,
	count     bigint NOT NULL,
	PRIMARY KEY (survey_id, n, dimension, grp, category),
	FOREIGN KEY (survey_id, n) REFERENCES survey_questions (survey_id, n)
);

-- Round tables: a seating is replaced whole (one leaf, seating/<meeting>);
-- a person sits at one table of a meeting at most, which the key says.
CREATE TABLE meeting_tables (
	meeting_id text COLLATE "C" NOT NULL REFERENCES meetings (id),
	n          bigint NOT NULL,
	moderator  text COLLATE "C" NOT NULL,
	PRIMARY KEY (meeting_id, n)
);

CREATE TABLE meeting_table_members (
	meeting_id text COLLATE "C" NOT NULL,
	n          bigint NOT NULL,
	person_id  text COLLATE "C" NOT NULL REFERENCES org_people (id),
	PRIMARY KEY (meeting_id, person_id),
	FOREIGN KEY (meeting_id, n) REFERENCES meeting_tables (meeting_id, n)
);

-- Decisions of meetings, owned by a person or a unit (exactly one), due
-- on a day (YYYY-MM-DD); and the minutes a meeting is closed with, the
-- attachments being SHA-256 sums of the evidence store, newline-joined.
CREATE TABLE meeting_decisions (
	id           text COLLATE "C" NOT NULL PRIMARY KEY,
	meeting_id   text COLLATE "C" NOT NULL REFERENCES meetings (id),
	text         text COLLATE "C" NOT NULL,
	owner_person text COLLATE "C" REFERENCES org_people (id),
	owner_unit   text COLLATE "C" REFERENCES org_units (code),
	due          text COLLATE "C" NOT NULL,
	status       text COLLATE "C" NOT NULL,
	CHECK ((owner_person IS NULL) <> (owner_unit IS NULL))
);
CREATE INDEX meeting_decisions_meeting ON meeting_decisions (meeting_id);
CREATE INDEX meeting_decisions_due ON meeting_decisions (status, due);

CREATE TABLE meeting_minutes (
	meeting_id  text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES meetings (id),
	text        text COLLATE "C" NOT NULL,
	attachments text COLLATE "C" NOT NULL,
	closed_at   bigint NOT NULL,
	closed_by   text COLLATE "C" NOT NULL
);

-- Findings of round tables: districts are unit codes joined by newlines.
CREATE TABLE meeting_findings (
	meeting_id text COLLATE "C" NOT NULL,
	id         text COLLATE "C" NOT NULL,
	table_n    bigint NOT NULL,
	kind       text COLLATE "C" NOT NULL,
	text       text COLLATE "C" NOT NULL,
	districts  text COLLATE "C" NOT NULL,
	PRIMARY KEY (meeting_id, id),
	FOREIGN KEY (meeting_id, table_n) REFERENCES meeting_tables (meeting_id, n)
);
