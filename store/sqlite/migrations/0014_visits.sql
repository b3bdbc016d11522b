-- 0014: visits and their commitments, tours, sister pairs. Times are
-- Unix nanoseconds UTC, days are YYYY-MM-DD in İstanbul. A visit's
-- people and photos are JSON lists, read back whole. area is the area
-- the visit counts for (its target's), copied to its commitments so the
-- scorecard counts them by area without a join. Attachments are kept on
-- disk beside the database file (package blob), not here.
CREATE TABLE visits (
	id           TEXT    NOT NULL PRIMARY KEY,
	from_unit    TEXT    NOT NULL REFERENCES org_units (code),
	target_unit  TEXT    NOT NULL,
	target_muni  TEXT    NOT NULL,
	target_person TEXT   NOT NULL,
	institution  TEXT    NOT NULL,
	area         TEXT    NOT NULL,
	kind         TEXT    NOT NULL,
	at           INTEGER NOT NULL,
	place        TEXT    NOT NULL,
	notes        TEXT    NOT NULL,
	visitors     TEXT    NOT NULL,
	attendees    TEXT    NOT NULL,
	photos       TEXT    NOT NULL,
	tour         TEXT    NOT NULL,
	meeting      TEXT    NOT NULL,
	by_user      TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX visits_area ON visits (area, at);
CREATE INDEX visits_tour ON visits (tour) WHERE tour <> '';

CREATE TABLE commitments (
	id           TEXT NOT NULL PRIMARY KEY,
	visit_id     TEXT NOT NULL REFERENCES visits (id),
	text         TEXT NOT NULL,
	owner_person TEXT NOT NULL,
	owner_unit   TEXT NOT NULL,
	due          TEXT NOT NULL,
	status       TEXT NOT NULL,
	follows      TEXT NOT NULL,
	area         TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX commitments_visit ON commitments (visit_id);
-- The scorecards count open commitments by area and due day.
CREATE INDEX commitments_open ON commitments (area, due) WHERE status = 'open';

CREATE TABLE tours (
	id      TEXT NOT NULL PRIMARY KEY,
	title   TEXT NOT NULL,
	unit    TEXT NOT NULL REFERENCES org_units (code),
	by_user TEXT NOT NULL
) WITHOUT ROWID;

-- n keeps the stops in the order planned.
CREATE TABLE tour_stops (
	tour_id TEXT    NOT NULL REFERENCES tours (id),
	unit    TEXT    NOT NULL REFERENCES org_units (code),
	n       INTEGER NOT NULL,
	planned TEXT    NOT NULL,
	status  TEXT    NOT NULL,
	PRIMARY KEY (tour_id, unit)
) WITHOUT ROWID;

-- units and goals are JSON lists; a pair has two or three units.
CREATE TABLE sister_pairs (
	id        TEXT NOT NULL PRIMARY KEY,
	units     TEXT NOT NULL,
	start_day TEXT NOT NULL,
	end_day   TEXT NOT NULL,
	meeting   TEXT NOT NULL,
	goals     TEXT NOT NULL
) WITHOUT ROWID;
