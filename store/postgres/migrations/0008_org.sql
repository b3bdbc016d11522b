-- 0008: the organisation. Units form a tree (parent), each working in an
-- area of the registry (area_code, not a foreign key: the registry is
-- checked when a unit is written, and outlives nothing it would cascade).
-- Kinds of position hold only those added to the defaults the program
-- knows, so a position's kind is checked by the store, not by a key.
-- Days are YYYY-MM-DD text in Europe/Istanbul, which sorts as the days
-- do; an open term has a NULL end. Whether a term is held is computed
-- from its days when asked, never stored.
CREATE TABLE org_kinds (
	code       text COLLATE "C"    NOT NULL PRIMARY KEY,
	name       text COLLATE "C"    NOT NULL,
	one_holder boolean NOT NULL
);

CREATE TABLE org_units (
	code      text COLLATE "C" NOT NULL PRIMARY KEY,
	kind      text COLLATE "C" NOT NULL,
	name      text COLLATE "C" NOT NULL,
	parent    text COLLATE "C" REFERENCES org_units (code),
	area_code text COLLATE "C" NOT NULL
);
CREATE INDEX org_units_parent ON org_units (parent);

-- phones are the normalised numbers joined by newlines.
CREATE TABLE org_people (
	id      text COLLATE "C" NOT NULL PRIMARY KEY,
	name    text COLLATE "C" NOT NULL,
	phones  text COLLATE "C" NOT NULL,
	email   text COLLATE "C" NOT NULL,
	home    text COLLATE "C" NOT NULL REFERENCES org_units (code),
	note    text COLLATE "C" NOT NULL,
	purpose text COLLATE "C" NOT NULL,
	consent text COLLATE "C" NOT NULL
);
CREATE INDEX org_people_home ON org_people (home, id);

CREATE TABLE org_positions (
	id         text COLLATE "C" NOT NULL PRIMARY KEY,
	kind       text COLLATE "C" NOT NULL,
	unit       text COLLATE "C" NOT NULL REFERENCES org_units (code),
	person     text COLLATE "C" NOT NULL REFERENCES org_people (id),
	start_day  text COLLATE "C" NOT NULL,
	end_day    text COLLATE "C" CHECK (end_day IS NULL OR end_day >= start_day),
	source     text COLLATE "C" NOT NULL,
	end_reason text COLLATE "C" NOT NULL
);
CREATE INDEX org_positions_unit ON org_positions (unit, kind, start_day);
CREATE INDEX org_positions_person ON org_positions (person);

-- A user may be linked to one person (filled by a later change).
ALTER TABLE users ADD COLUMN person_id text COLLATE "C" REFERENCES org_people (id);
