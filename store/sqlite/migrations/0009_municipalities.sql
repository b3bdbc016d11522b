-- 0009: municipalities (belediye) and the versions of their terms. A
-- term is never updated: a correction is a new version with its reason,
-- and the latest version is the term as it stands. area_code is checked
-- against the registry when written, like a unit's. council is the JSON
-- array of the members (names are public; no phone is kept here).
CREATE TABLE municipalities (
	code      TEXT NOT NULL PRIMARY KEY,
	kind      TEXT NOT NULL,
	name      TEXT NOT NULL,
	area_code TEXT NOT NULL,
	province  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX municipalities_province ON municipalities (province, code);

CREATE TABLE municipal_terms (
	municipality  TEXT    NOT NULL REFERENCES municipalities (code),
	election      TEXT    NOT NULL,
	version       INTEGER NOT NULL CHECK (version >= 1),
	day           TEXT    NOT NULL,
	mayor         TEXT    NOT NULL,
	mayor_person  TEXT    REFERENCES org_people (id),
	party         TEXT    NOT NULL,
	council       TEXT    NOT NULL,
	margin_votes  INTEGER NOT NULL,
	margin_points REAL    NOT NULL,
	source        TEXT    NOT NULL,
	race          TEXT    NOT NULL,
	reason        TEXT    NOT NULL,
	saved_by      TEXT    NOT NULL,
	saved_at      INTEGER NOT NULL, -- Unix nanoseconds
	PRIMARY KEY (municipality, election, version)
) WITHOUT ROWID;
CREATE INDEX municipal_terms_election ON municipal_terms (election);
