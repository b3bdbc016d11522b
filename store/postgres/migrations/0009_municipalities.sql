-- 0009: municipalities (belediye) and the versions of their terms. A
-- term is never updated: a correction is a new version with its reason,
-- and the latest version is the term as it stands. area_code is checked
-- against the registry when written, like a unit's. council is the JSON
-- array of the members (names are public; no phone is kept here).
CREATE TABLE municipalities (
	code      text COLLATE "C" NOT NULL PRIMARY KEY,
	kind      text COLLATE "C" NOT NULL,
	name      text COLLATE "C" NOT NULL,
	area_code text COLLATE "C" NOT NULL,
	province  text COLLATE "C" NOT NULL
);
CREATE INDEX municipalities_province ON municipalities (province, code);

CREATE TABLE municipal_terms (
	municipality  text COLLATE "C" NOT NULL REFERENCES municipalities (code),
	election      text COLLATE "C" NOT NULL,
	version       integer NOT NULL CHECK (version >= 1),
	day           text COLLATE "C" NOT NULL,
	mayor         text COLLATE "C" NOT NULL,
	mayor_person  text COLLATE "C" REFERENCES org_people (id),
	party         text COLLATE "C" NOT NULL,
	council       text COLLATE "C" NOT NULL,
	margin_votes  bigint NOT NULL,
	margin_points double precision NOT NULL,
	source        text COLLATE "C" NOT NULL,
	race          text COLLATE "C" NOT NULL,
	reason        text COLLATE "C" NOT NULL,
	saved_by      text COLLATE "C" NOT NULL,
	saved_at      bigint NOT NULL, -- Unix nanoseconds
	PRIMARY KEY (municipality, election, version)
);
CREATE INDEX municipal_terms_election ON municipal_terms (election);
