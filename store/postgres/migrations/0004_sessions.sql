-- 0004: page sessions, kept in the database so that a restart signs no one
-- out and every instance sharing the database knows every session.
-- Only hashes are stored: id_hash is the SHA-256 of the id in the
-- browser's cookie, token_hash that of the API token the user signed in
-- with. A session counts only while its user still holds that token; no
-- foreign key says so, because replacing a token must neither be refused
-- nor carry the sessions over to the new one. Times are Unix nanoseconds
-- in UTC.
CREATE TABLE sessions (
	id_hash    bytea  NOT NULL PRIMARY KEY CHECK (length(id_hash) = 32),
	token_hash bytea  NOT NULL CHECK (length(token_hash) = 32),
	user_id    text   NOT NULL,
	created_at bigint NOT NULL,
	seen_at    bigint NOT NULL
);
-- The sweep of expired sessions finds them by either time.
CREATE INDEX sessions_seen ON sessions (seen_at);
CREATE INDEX sessions_created ON sessions (created_at);
