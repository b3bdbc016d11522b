-- 0016: the official feed: where and when each official figure was first
-- seen, the alerts its changes raised (once each), and each followed
-- feed's state for conditional requests and restarts. Times are Unix
-- nanoseconds UTC; changes is the alert's figures as JSON, read back whole.
CREATE TABLE official_provenance (
	submission_id TEXT    NOT NULL PRIMARY KEY,
	race          TEXT    NOT NULL,
	box           TEXT    NOT NULL,
	source_url    TEXT    NOT NULL,
	first_seen    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE feed_alerts (
	n          INTEGER PRIMARY KEY AUTOINCREMENT,
	id         TEXT    NOT NULL UNIQUE,
	kind       TEXT    NOT NULL,
	race       TEXT    NOT NULL,
	box        TEXT    NOT NULL,
	at         INTEGER NOT NULL,
	from_id    TEXT    NOT NULL,
	to_id      TEXT    NOT NULL,
	changes    TEXT    NOT NULL,
	source_url TEXT    NOT NULL,
	summary    TEXT    NOT NULL
);
CREATE INDEX feed_alerts_box ON feed_alerts (box, n);

CREATE TABLE feed_state (
	feed          TEXT    NOT NULL PRIMARY KEY,
	etag          TEXT    NOT NULL,
	last_modified TEXT    NOT NULL,
	body_hash     TEXT    NOT NULL,
	polled_at     INTEGER NOT NULL,
	versions      INTEGER NOT NULL
) WITHOUT ROWID;
