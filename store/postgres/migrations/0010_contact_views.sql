-- 0010: personal data under KVKK. Every showing of a person's phones or
-- e-mail to a user is logged: who (user_id), whose (person_id), when
-- (at, Unix nanoseconds UTC) and what (fields, joined by commas). The
-- log holds ids only, never a copy of what was shown, so erasing a
-- person leaves nothing of them here; it only grows, and each row is a
-- leaf of the ledger.
CREATE TABLE contact_views (
	seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id   text COLLATE "C" NOT NULL,
	person_id text COLLATE "C" NOT NULL REFERENCES org_people (id),
	at        bigint NOT NULL,
	fields    text COLLATE "C" NOT NULL
);
CREATE INDEX contact_views_user ON contact_views (user_id, at);
CREATE INDEX contact_views_person ON contact_views (person_id, seq);

CREATE FUNCTION contact_views_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the log of contact views is append-only';
END;
$$;
CREATE TRIGGER contact_views_no_change BEFORE UPDATE OR DELETE ON contact_views
	FOR EACH ROW EXECUTE FUNCTION contact_views_append_only();

-- An erased person keeps their row, emptied of name, phones, e-mail and
-- note, so that the terms they held still show a removed person: erased
-- is the day of erasure (NULL while not erased), erase_reason why.
ALTER TABLE org_people ADD COLUMN erased text COLLATE "C";
ALTER TABLE org_people ADD COLUMN erase_reason text COLLATE "C" NOT NULL DEFAULT '';
