-- 0005: settings the centre keeps for every instance sharing the database,
-- such as the anomaly thresholds of an election. value is JSON, kept as
-- written (json, not jsonb); version is 1 after the first save and one
-- more after each, so that a save made on an older version is refused
-- instead of overwriting another's. updated_at is Unix nanoseconds in
-- UTC. updated_by names a user without a foreign key: a setting outlives
-- changes to who may save it.
CREATE TABLE settings (
	key        text   NOT NULL PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
	value      json   NOT NULL,
	version    bigint NOT NULL CHECK (version > 0),
	updated_by text   NOT NULL,
	updated_at bigint NOT NULL
);
