-- Objections (itiraz): every change of a case is an event, appended and
-- never changed; a case is the fold of its events. Evidence files are kept
-- by their SHA-256.
CREATE TABLE case_events (
	case_id TEXT NOT NULL,
	version INTEGER NOT NULL CHECK (version >= 1),
	kind TEXT NOT NULL,
	user_id TEXT NOT NULL,
	at INTEGER NOT NULL, -- unix nanoseconds
	payload TEXT NOT NULL, -- the event as JSON
	PRIMARY KEY (case_id, version)
) WITHOUT ROWID;

CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN
	SELECT RAISE(ABORT, 'case events are append-only');
END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN
	SELECT RAISE(ABORT, 'case events are append-only');
END;

CREATE TABLE evidence (
	sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
	size INTEGER NOT NULL,
	data BLOB NOT NULL
);
