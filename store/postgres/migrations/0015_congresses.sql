-- 0015: congresses (kongre, kurultay): the congress, its frozen electorate,
-- delegates' mandates, contests, candidate lists as append-only versions,
-- check-ins and approved results. Each record's fields are kept whole as
-- JSON in doc, read back as written; the columns beside it are the keys
-- the stores select and refuse by. A race of a congress's election may
-- take several marks (a çarşaf ballot): races.marks.
ALTER TABLE races ADD COLUMN marks integer NOT NULL DEFAULT 0;

CREATE TABLE congresses (
	id        text COLLATE "C"    NOT NULL PRIMARY KEY,
	unit      text COLLATE "C"    NOT NULL REFERENCES org_units (code),
	frozen_at bigint NOT NULL, -- Unix nanoseconds UTC; 0 while not frozen
	doc       text COLLATE "C"    NOT NULL
);
CREATE INDEX congresses_unit ON congresses (unit, id);

CREATE TABLE congress_electors (
	congress text COLLATE "C"    NOT NULL REFERENCES congresses (id),
	person   text COLLATE "C"    NOT NULL REFERENCES org_people (id),
	pos      bigint NOT NULL, -- the list's order
	doc      text COLLATE "C"    NOT NULL,
	PRIMARY KEY (congress, person)
);

CREATE TABLE congress_mandates (
	id       text COLLATE "C" NOT NULL PRIMARY KEY,
	level    text COLLATE "C" NOT NULL,
	unit     text COLLATE "C" NOT NULL REFERENCES org_units (code),
	person   text COLLATE "C" NOT NULL REFERENCES org_people (id),
	from_id  text COLLATE "C" NOT NULL,
	doc      text COLLATE "C" NOT NULL
);
CREATE INDEX congress_mandates_unit ON congress_mandates (unit, level, id);
CREATE INDEX congress_mandates_person ON congress_mandates (person);

CREATE TABLE congress_contests (
	congress text COLLATE "C"    NOT NULL REFERENCES congresses (id),
	code     text COLLATE "C"    NOT NULL,
	pos      bigint NOT NULL,
	race     text COLLATE "C"    NOT NULL, -- '' until counting opens
	doc      text COLLATE "C"    NOT NULL,
	PRIMARY KEY (congress, code)
);

-- Versions are never updated or deleted: the key refuses a second
-- version of the same number, so two submissions racing from one
-- version cannot both be kept.
CREATE TABLE congress_lists (
	congress text COLLATE "C"    NOT NULL,
	contest  text COLLATE "C"    NOT NULL,
	code     text COLLATE "C"    NOT NULL,
	version  bigint NOT NULL,
	seq      bigint NOT NULL, -- order of submission within the congress
	doc      text COLLATE "C"    NOT NULL,
	PRIMARY KEY (congress, contest, code, version),
	FOREIGN KEY (congress, contest) REFERENCES congress_contests (congress, code)
);

-- One check-in per delegate, by the key: a second desk's is refused.
CREATE TABLE congress_checkins (
	congress text COLLATE "C"    NOT NULL REFERENCES congresses (id),
	person   text COLLATE "C"    NOT NULL,
	at       bigint NOT NULL,
	doc      text COLLATE "C"    NOT NULL,
	PRIMARY KEY (congress, person)
);

CREATE TABLE congress_results (
	congress text COLLATE "C" NOT NULL,
	contest  text COLLATE "C" NOT NULL,
	doc      text COLLATE "C" NOT NULL,
	PRIMARY KEY (congress, contest),
	FOREIGN KEY (congress, contest) REFERENCES congress_contests (congress, code)
);
