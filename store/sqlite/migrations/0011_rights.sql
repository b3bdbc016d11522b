-- 0011: rights besides a user's own role and areas. users.person_id
-- (0008) links a user to a person, whose current terms give the role
-- org_kind_rights names for their kind (rows laid over the defaults the
-- program knows; role '' takes a default away). user_grants are explicit
-- grants, each with an expiry; revoking one keeps the row, with when and
-- by whom. Times are Unix nanoseconds in UTC; areas are area codes
-- joined by newlines. A removed user keeps their row (what they did stays
-- theirs) with a token nobody holds.
ALTER TABLE users ADD COLUMN removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1));

CREATE TABLE org_kind_rights (
	kind TEXT NOT NULL PRIMARY KEY,
	role TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE user_grants (
	id         TEXT    NOT NULL PRIMARY KEY,
	user_id    TEXT    NOT NULL REFERENCES users (id),
	role       TEXT    NOT NULL,
	areas      TEXT    NOT NULL,
	from_at    INTEGER NOT NULL,
	until_at   INTEGER NOT NULL CHECK (until_at > from_at),
	reason     TEXT    NOT NULL,
	granted_by TEXT    NOT NULL,
	revoked_at INTEGER NOT NULL DEFAULT 0,
	revoked_by TEXT    NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX user_grants_user ON user_grants (user_id, id);
