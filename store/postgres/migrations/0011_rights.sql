-- 0011: rights besides a user's own role and areas. users.person_id
-- (0008) links a user to a person, whose current terms give the role
-- org_kind_rights names for their kind (rows laid over the defaults the
-- program knows; role '' takes a default away). user_grants are explicit
-- grants, each with an expiry; revoking one keeps the row, with when and
-- by whom. Times are Unix nanoseconds in UTC; areas are area codes
-- joined by newlines. A removed user keeps their row (what they did stays
-- theirs) with a token nobody holds.
ALTER TABLE users ADD COLUMN removed boolean NOT NULL DEFAULT false;

CREATE TABLE org_kind_rights (
	kind text COLLATE "C" NOT NULL PRIMARY KEY,
	role text COLLATE "C" NOT NULL
);

CREATE TABLE user_grants (
	id         text COLLATE "C" NOT NULL PRIMARY KEY,
	user_id    text NOT NULL REFERENCES users (id),
	role       text COLLATE "C" NOT NULL,
	areas      text COLLATE "C" NOT NULL,
	from_at    bigint NOT NULL,
	until_at   bigint NOT NULL CHECK (until_at > from_at),
	reason     text COLLATE "C" NOT NULL,
	granted_by text COLLATE "C" NOT NULL,
	revoked_at bigint NOT NULL DEFAULT 0,
	revoked_by text COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX user_grants_user ON user_grants (user_id, id);
