-- 0016: the official feed: where and when each official figure was first
-- seen, the alerts its changes raised (once each), and each followed
-- feed's state for conditional requests and restarts. Times are Unix
-- nanoseconds UTC; changes is the alert's figures as JSON, read back whole.
CREATE TABLE official_provenance (
	submission_id text COLLATE "C" NOT NULL PRIMARY KEY,
	race          text COLLATE "C" NOT NULL,
	box           text COLLATE "C" NOT NULL,
	source_url    text COLLATE "C" NOT NULL,
	first_seen    bigint NOT NULL
);

CREATE TABLE feed_alerts (
	n          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id         text COLLATE "C" NOT NULL UNIQUE,
	kind       text COLLATE "C" NOT NULL,
	race       text COLLATE "C" NOT NULL,
	box        text COLLATE "C" NOT NULL,
	at         bigint NOT NULL,
	from_id    text COLLATE "C" NOT NULL,
	to_id      text COLLATE "C" NOT NULL,
	changes    text COLLATE "C" NOT NULL,
	source_url text COLLATE "C" NOT NULL,
	summary    text COLLATE "C" NOT NULL
);
CREATE INDEX feed_alerts_box ON feed_alerts (box, n);

CREATE TABLE feed_state (
	feed          text COLLATE "C" NOT NULL PRIMARY KEY,
	etag          text COLLATE "C" NOT NULL,
	last_modified text COLLATE "C" NOT NULL,
	body_hash     text COLLATE "C" NOT NULL,
	polled_at     bigint NOT NULL,
	versions      bigint NOT NULL
);
