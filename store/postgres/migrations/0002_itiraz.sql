-- Objections (itiraz): every change of a case is an event, appended and
-- never changed; a case is the fold of its events. Evidence files are kept
-- by their SHA-256.
CREATE TABLE case_events (
	case_id TEXT NOT NULL,
	version INTEGER NOT NULL CHECK (version >= 1),
	kind TEXT NOT NULL,
	user_id TEXT NOT NULL,
	at BIGINT NOT NULL, -- unix nanoseconds
	payload JSONB NOT NULL, -- the event
	PRIMARY KEY (case_id, version)
);

CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'case events are append-only';
END;
$$;
CREATE TRIGGER case_events_no_change BEFORE UPDATE OR DELETE ON case_events
	FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

CREATE TABLE evidence (
	sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
	size BIGINT NOT NULL,
	data BYTEA NOT NULL
);
