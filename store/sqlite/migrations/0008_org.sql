-- 0008: the organisation. Units form a tree (parent), each working in an
-- area of the registry (area_code, not a foreign key: the registry is
-- checked when a unit is written, and outlives nothing it would cascade).
-- Kinds of position hold only those added to the defaults the program
-- knows, so a position's kind is checked by the store, not by a key.
-- Days are YYYY-MM-DD text in Europe/Istanbul, which sorts as the days
-- do; an open term has a NULL end. Whether a term is held is computed
-- from its days when asked, never stored.
CREATE TABLE org_kinds (
	code       TEXT    NOT NULL PRIMARY KEY,
	name       TEXT    NOT NULL,
	one_holder INTEGER NOT NULL CHECK (one_holder IN (0, 1))
) WITHOUT ROWID;

CREATE TABLE org_units (
	code      TEXT NOT NULL PRIMARY KEY,
	kind      TEXT NOT NULL,
	name      TEXT NOT NULL,
	parent    TEXT REFERENCES org_units (code),
	area_code TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX org_units_parent ON org_units (parent);

-- phones are the normalised numbers joined by newlines.
CREATE TABLE org_people (
	id      TEXT NOT NULL PRIMARY KEY,
	name    TEXT NOT NULL,
	phones  TEXT NOT NULL,
	email   TEXT NOT NULL,
	home    TEXT NOT NULL REFERENCES org_units (code),
	note    TEXT NOT NULL,
	purpose TEXT NOT NULL,
	consent TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX org_people_home ON org_people (home, id);

CREATE TABLE org_positions (
	id         TEXT NOT NULL PRIMARY KEY,
	kind       TEXT NOT NULL,
	unit       TEXT NOT NULL REFERENCES org_units (code),
	person     TEXT NOT NULL REFERENCES org_people (id),
	start_day  TEXT NOT NULL,
	end_day    TEXT CHECK (end_day IS NULL OR end_day >= start_day),
	source     TEXT NOT NULL,
	end_reason TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX org_positions_unit ON org_positions (unit, kind, start_day);
CREATE INDEX org_positions_person ON org_positions (person);

-- A user may be linked to one person (filled by a later change).
ALTER TABLE users ADD COLUMN person_id TEXT REFERENCES org_people (id);
