-- 0010: personal data under KVKK. Every showing of a person's phones or
-- e-mail to a user is logged: who (user_id), whose (person_id), when
-- (at, Unix nanoseconds UTC) and what (fields, joined by commas). The
-- log holds ids only, never a copy of what was shown, so erasing a
-- person leaves nothing of them here; it only grows, and each row is a
-- leaf of the ledger. (user_id is not a foreign key: the log outlives
-- nothing, and a user's row is never deleted anyway.)
CREATE TABLE contact_views (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id   TEXT    NOT NULL,
	person_id TEXT    NOT NULL REFERENCES org_people (id),
	at        INTEGER NOT NULL,
	fields    TEXT    NOT NULL
);
CREATE INDEX contact_views_user ON contact_views (user_id, at);
CREATE INDEX contact_views_person ON contact_views (person_id, seq);

CREATE TRIGGER contact_views_no_update BEFORE UPDATE ON contact_views
BEGIN
	SELECT RAISE(ABORT, 'the log of contact views is append-only');
END;
CREATE TRIGGER contact_views_no_delete BEFORE DELETE ON contact_views
BEGIN
	SELECT RAISE(ABORT, 'the log of contact views is append-only');
END;

-- An erased person keeps their row, emptied of name, phones, e-mail and
-- note, so that the terms they held still show a removed person: erased
-- is the day of erasure (NULL while not erased), erase_reason why.
ALTER TABLE org_people ADD COLUMN erased TEXT;
ALTER TABLE org_people ADD COLUMN erase_reason TEXT NOT NULL DEFAULT '';
