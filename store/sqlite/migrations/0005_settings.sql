-- 0005: settings the centre keeps for every instance sharing the database,
-- such as the anomaly thresholds of an election. value is JSON; version
-- is 1 after the first save and one more after each, so that a save made
-- on an older version is refused instead of overwriting another's.
-- updated_at is Unix nanoseconds in UTC. updated_by names a user without
-- a foreign key: a setting outlives changes to who may save it.
CREATE TABLE settings (
	key        TEXT    NOT NULL PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
	value      TEXT    NOT NULL CHECK (json_valid(value)),
	version    INTEGER NOT NULL CHECK (version > 0),
	updated_by TEXT    NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;
