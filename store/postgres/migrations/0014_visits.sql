-- 0014: visits and their commitments, tours, sister pairs. Times are
-- Unix nanoseconds UTC, days are YYYY-MM-DD in İstanbul. A visit's
-- people and photos are JSON lists, read back whole. area is the area
-- the visit counts for (its target's), copied to its commitments so the
-- scorecard counts them by area without a join. Attachments are kept in
-- the table blobs, shared by every instance (package blob).
CREATE TABLE visits (
	id           text COLLATE "C" NOT NULL PRIMARY KEY,
	from_unit    text COLLATE "C" NOT NULL REFERENCES org_units (code),
	target_unit  text COLLATE "C" NOT NULL,
	target_muni  text COLLATE "C" NOT NULL,
	target_person text COLLATE "C" NOT NULL,
	institution  text COLLATE "C" NOT NULL,
	area         text COLLATE "C" NOT NULL,
	kind         text COLLATE "C" NOT NULL,
	at           bigint NOT NULL,
	place        text COLLATE "C" NOT NULL,
	notes        text COLLATE "C" NOT NULL,
	visitors     text COLLATE "C" NOT NULL,
	attendees    text COLLATE "C" NOT NULL,
	photos       text COLLATE "C" NOT NULL,
	tour         text COLLATE "C" NOT NULL,
	meeting      text COLLATE "C" NOT NULL,
	by_user      text COLLATE "C" NOT NULL
);
CREATE INDEX visits_area ON visits (area, at);
CREATE INDEX visits_tour ON visits (tour) WHERE tour <> '';

CREATE TABLE commitments (
	id           text COLLATE "C" NOT NULL PRIMARY KEY,
	visit_id     text COLLATE "C" NOT NULL REFERENCES visits (id),
	text         text COLLATE "C" NOT NULL,
	owner_person text COLLATE "C" NOT NULL,
	owner_unit   text COLLATE "C" NOT NULL,
	due          text COLLATE "C" NOT NULL,
	status       text COLLATE "C" NOT NULL,
	follows      text COLLATE "C" NOT NULL,
	area         text COLLATE "C" NOT NULL
);
CREATE INDEX commitments_visit ON commitments (visit_id);
-- The scorecards count open commitments by area and due day.
CREATE INDEX commitments_open ON commitments (area, due) WHERE status = 'open';

CREATE TABLE tours (
	id      text COLLATE "C" NOT NULL PRIMARY KEY,
	title   text COLLATE "C" NOT NULL,
	unit    text COLLATE "C" NOT NULL REFERENCES org_units (code),
	by_user text COLLATE "C" NOT NULL
);

-- n keeps the stops in the order planned.
CREATE TABLE tour_stops (
	tour_id text COLLATE "C" NOT NULL REFERENCES tours (id),
	unit    text COLLATE "C" NOT NULL REFERENCES org_units (code),
	n       bigint NOT NULL,
	planned text COLLATE "C" NOT NULL,
	status  text COLLATE "C" NOT NULL,
	PRIMARY KEY (tour_id, unit)
);

-- units and goals are JSON lists; a pair has two or three units.
CREATE TABLE sister_pairs (
	id        text COLLATE "C" NOT NULL PRIMARY KEY,
	units     text COLLATE "C" NOT NULL,
	start_day text COLLATE "C" NOT NULL,
	end_day   text COLLATE "C" NOT NULL,
	meeting   text COLLATE "C" NOT NULL,
	goals     text COLLATE "C" NOT NULL
);

-- Attachments by SHA-256 (hex) of their bytes.
CREATE TABLE blobs (
	sha256 text COLLATE "C" NOT NULL PRIMARY KEY,
	size   bigint NOT NULL,
	data   bytea  NOT NULL
);
