-- 0015: congresses (kongre, kurultay): the congress, its frozen electorate,
-- delegates' mandates, contests, candidate lists as append-only versions,
-- check-ins and approved results. Each record's fields are kept whole as
-- JSON in doc, read back as written; the columns beside it are the keys
-- the stores select and refuse by. A race of a congress's election may
-- take several marks (a çarşaf ballot): races.marks.
ALTER TABLE races ADD COLUMN marks INTEGER NOT NULL DEFAULT 0;

CREATE TABLE congresses (
	id        TEXT    NOT NULL PRIMARY KEY,
	unit      TEXT    NOT NULL REFERENCES org_units (code),
	frozen_at INTEGER NOT NULL, -- Unix nanoseconds UTC; 0 while not frozen
	doc       TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX congresses_unit ON congresses (unit, id);

CREATE TABLE congress_electors (
	congress TEXT    NOT NULL REFERENCES congresses (id),
	person   TEXT    NOT NULL REFERENCES org_people (id),
	pos      INTEGER NOT NULL, -- the list's order
	doc      TEXT    NOT NULL,
	PRIMARY KEY (congress, person)
) WITHOUT ROWID;

CREATE TABLE congress_mandates (
	id       TEXT NOT NULL PRIMARY KEY,
	level    TEXT NOT NULL,
	unit     TEXT NOT NULL REFERENCES org_units (code),
	person   TEXT NOT NULL REFERENCES org_people (id),
	from_id  TEXT NOT NULL,
	doc      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX congress_mandates_unit ON congress_mandates (unit, level, id);
CREATE INDEX congress_mandates_person ON congress_mandates (person);

CREATE TABLE congress_contests (
	congress TEXT    NOT NULL REFERENCES congresses (id),
	code     TEXT    NOT NULL,
	pos      INTEGER NOT NULL,
	race     TEXT    NOT NULL, -- '' until counting opens
	doc      TEXT    NOT NULL,
	PRIMARY KEY (congress, code)
) WITHOUT ROWID;

-- Versions are never updated or deleted: the key refuses a second
-- version of the same number, so two submissions racing from one
-- version cannot both be kept.
CREATE TABLE congress_lists (
	congress TEXT    NOT NULL,
	contest  TEXT    NOT NULL,
	code     TEXT    NOT NULL,
	version  INTEGER NOT NULL,
	seq      INTEGER NOT NULL, -- order of submission within the congress
	doc      TEXT    NOT NULL,
	PRIMARY KEY (congress, contest, code, version),
	FOREIGN KEY (congress, contest) REFERENCES congress_contests (congress, code)
) WITHOUT ROWID;

-- One check-in per delegate, by the key: a second desk's is refused.
CREATE TABLE congress_checkins (
	congress TEXT    NOT NULL REFERENCES congresses (id),
	person   TEXT    NOT NULL,
	at       INTEGER NOT NULL,
	doc      TEXT    NOT NULL,
	PRIMARY KEY (congress, person)
) WITHOUT ROWID;

CREATE TABLE congress_results (
	congress TEXT NOT NULL,
	contest  TEXT NOT NULL,
	doc      TEXT NOT NULL,
	PRIMARY KEY (congress, contest),
	FOREIGN KEY (congress, contest) REFERENCES congress_contests (congress, code)
) WITHOUT ROWID;
